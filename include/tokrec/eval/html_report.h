// A self-contained HTML report (inline CSS and SVG, no scripts, no network):
// metric@K curves per model, one bar per model per protocol, and an ablation
// chart of the content feature sets. Opens offline in any browser.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace tokrec::eval {

// protocol -> model -> "<metric>@K" -> value
using ReportTable = std::map<std::string, std::map<std::string, std::map<std::string, double>>>;

struct HtmlReportOptions {
  std::string title = "tokrec report";
  std::vector<int> ks{5, 10, 20};
  std::string curve_metric = "ndcg";   // metric@K curves
  std::string bar_metric = "ndcg@10";  // bars per model per protocol
  // Model-name prefix whose models form the ablation chart (feature sets).
  std::string ablation_prefix = "content-";
  std::string notes;  // free text shown under the title (escaped)
};

std::string render_html_report(const ReportTable& table, const HtmlReportOptions& options = {});

// Escape &, <, >, " for HTML text and attributes.
std::string html_escape(const std::string& s);

}  // namespace tokrec::eval
