#include "tokrec/eval/html_report.h"

#include <gtest/gtest.h>

namespace tokrec::eval {
namespace {

size_t count(const std::string& s, const std::string& needle) {
  size_t n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

TEST(HtmlReport, SelfContainedWithChartsAndEscaping) {
  ReportTable t;
  t["warm"]["popularity"] = {{"ndcg@5", 0.08}, {"ndcg@10", 0.09}, {"ndcg@20", 0.10}};
  t["warm"]["content-tfidf"] = {{"ndcg@5", 0.01}, {"ndcg@10", 0.02}, {"ndcg@20", 0.03}};
  t["warm"]["content-glove"] = {{"ndcg@5", 0.03}, {"ndcg@10", 0.04}, {"ndcg@20", 0.05}};
  t["cold-items"]["content-tfidf"] = {{"ndcg@10", 0.2}};
  HtmlReportOptions o;
  o.notes = "a <b> & c";
  auto html = render_html_report(t, o);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);   // no scripts
  EXPECT_EQ(html.find("src="), std::string::npos);     // nothing loaded from elsewhere
  EXPECT_NE(html.find("a &lt;b&gt; &amp; c"), std::string::npos);
  // Per protocol: one curve chart; warm also has the ablation chart; plus the all-protocol bars.
  EXPECT_EQ(count(html, "<svg"), 2u + 1u + 1u);
  EXPECT_EQ(count(html, "<polyline"), 3u + 1u);
  // The best NDCG@10 of the warm table is marked.
  EXPECT_NE(html.find("<td class='best'>0.0900</td>"), std::string::npos);
}

}  // namespace
}  // namespace tokrec::eval
