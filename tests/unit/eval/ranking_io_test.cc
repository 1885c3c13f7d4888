// RECS/TRUTH TSV parsing: ordering by rank, ties, duplicates, dropped rows,
// and errors that name the file and line.
#include "tokrec/eval/ranking_io.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <vector>

namespace tokrec::eval {
namespace {

using Items = std::vector<std::string>;

TEST(RankingIo, RecommendationsAreSortedByRankWithStableTies) {
  // Rows out of order, rank gaps, and a tie (b and c share rank 5: file order
  // b then c). Another user interleaved.
  auto r = parse_recommendations(
      "u1\td\t9\n"
      "u2\tq\t2\n"
      "u1\tb\t5\r\n"
      "\n"
      "u1\ta\t-1\n"
      "u1\tc\t5\n"
      "u2\tp\t1\n",
      "recs.tsv");
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at("u1"), (Items{"a", "b", "c", "d"}));
  EXPECT_EQ(r->at("u2"), (Items{"p", "q"}));
}

TEST(RankingIo, IdsAreBytes) {
  // Spaces, non-ASCII and invalid UTF-8 pass through as they are.
  std::string text = "user one\t\xE6\x8E\xA8 item\t1\nuser one\t\xFF\t2\n";
  auto r = parse_recommendations(text, "recs.tsv");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->at("user one"), (Items{"\xE6\x8E\xA8 item", "\xFF"}));
}

TEST(RankingIo, RecommendationErrorsNameFileAndLine) {
  auto cols = parse_recommendations("u\ta\t1\nu\tb\n", "r.tsv");
  ASSERT_FALSE(cols.is_ok());
  EXPECT_NE(cols.status().message().find("r.tsv line 2"), std::string::npos) << cols.status().message();
  auto rank = parse_recommendations("u\ta\t1.5\n", "r.tsv");
  ASSERT_FALSE(rank.is_ok());
  EXPECT_NE(rank.status().message().find("r.tsv line 1"), std::string::npos);
  EXPECT_NE(rank.status().message().find("rank"), std::string::npos);
  EXPECT_FALSE(parse_recommendations("u\ta\tx\n", "r.tsv").is_ok());
  EXPECT_FALSE(parse_recommendations("u\ta\t1\t2\n", "r.tsv").is_ok());
  EXPECT_FALSE(parse_recommendations("\ta\t1\n", "r.tsv").is_ok());
  EXPECT_FALSE(parse_recommendations("u\ta\t99999999999999999999999\n", "r.tsv").is_ok());
}

TEST(RankingIo, TruthDropsNonPositiveAndKeepsLargestDuplicate) {
  auto t = parse_truth(
      "u\ta\n"           // relevance 1
      "u\tb\t2.5\n"
      "u\tb\t0.5\n"      // duplicate: 2.5 stays
      "u\tc\t0\n"        // dropped
      "u\td\t-3\n"       // dropped
      "u\ta\t4\n"        // duplicate: 4 wins over 1
      "v\tz\t0\n",       // v has nothing left
      "t.tsv");
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  ASSERT_EQ(t->size(), 1u);
  const auto& u = t->at("u");
  ASSERT_EQ(u.size(), 2u);
  EXPECT_EQ(u.at("a"), 4.0);
  EXPECT_EQ(u.at("b"), 2.5);
}

TEST(RankingIo, TruthErrors) {
  auto bad = parse_truth("u\ta\t1\nu\tb\tlots\n", "t.tsv");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("t.tsv line 2"), std::string::npos);
  EXPECT_FALSE(parse_truth("u\n", "t.tsv").is_ok());
  EXPECT_FALSE(parse_truth("u\ta\t1\t1\n", "t.tsv").is_ok());
  EXPECT_FALSE(parse_truth("u\ta\tnan\n", "t.tsv").is_ok());
  EXPECT_FALSE(parse_truth("u\ta\tinf\n", "t.tsv").is_ok());
  EXPECT_FALSE(parse_truth("u\ta\t\n", "t.tsv").is_ok());
}

TEST(RankingIo, MissingFileIsAnError) {
  auto r = read_recommendations("/nonexistent/recs.tsv");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("/nonexistent/recs.tsv"), std::string::npos);
  EXPECT_FALSE(read_truth("/nonexistent/truth.tsv").is_ok());
}

TEST(RankingIo, WriteThenReadRoundTrips) {
  Recommendations recs{{"u2", {"x", "y", "x"}}, {"u1", {"b"}}};
  Truth truth{{"u1", {{"b", 0.1}, {"c", 3}}}, {"u2", {{"y", 1.0 / 3.0}}}};
  EXPECT_EQ(format_recommendations(recs), "u1\tb\t1\nu2\tx\t1\nu2\ty\t2\nu2\tx\t3\n");
  auto dir = std::filesystem::temp_directory_path() / ("tokrec_ranking_io_" + std::to_string(static_cast<long>(::getpid())));
  std::string rp = (dir / "recs.tsv").string(), tp = (dir / "truth.tsv").string();
  ASSERT_TRUE(write_recommendations(rp, recs).is_ok());
  ASSERT_TRUE(write_truth(tp, truth).is_ok());
  auto r = read_recommendations(rp);
  auto t = read_truth(tp);
  ASSERT_TRUE(r.is_ok() && t.is_ok());
  EXPECT_EQ(*r, recs);
  EXPECT_EQ(*t, truth);  // 17 significant digits: exact round trip of 1/3
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tokrec::eval
