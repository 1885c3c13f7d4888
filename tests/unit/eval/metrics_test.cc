// Metrics on small cases whose expected values are worked out by hand in the
// comments (from the definitions in docs/metrics.md, not from tokrec output).
#include "tokrec/eval/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace tokrec::eval {
namespace {

constexpr double kTol = 1e-12;

// a + b without `const char* + std::string&&`, which trips a GCC 12
// -Wrestrict false positive.
std::string cat(std::string a, const std::string& b) {
  a += b;
  return a;
}

std::map<std::string, double> eval_ok(const Recommendations& recs, const Truth& truth, std::vector<int> ks,
                                      size_t catalog = 0) {
  MetricOptions opt;
  opt.ks = std::move(ks);
  opt.catalog_size = catalog;
  auto r = evaluate(recs, truth, opt);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? r.value() : std::map<std::string, double>{};
}

// One user, binary relevance.
//   recs  = a x b y c        truth = {a, b, c, d}   (|T| = 4)
//   hits at positions 1, 3, 5.
// K = 5: P = 3/5, R = 3/4, F1 = 2*(3/5)(3/4)/(3/5+3/4) = 0.9/1.35 = 2/3
//   DCG  = 1/log2(2) + 1/log2(4) + 1/log2(6)
//   IDCG = best min(5,4) = 4 gains: 1/log2(2) + 1/log2(3) + 1/log2(4) + 1/log2(5)
//   AP   = (1/1 + 2/3 + 3/5) / min(5,4) = (34/15)/4 = 17/30
//   MRR = 1, hit = 1
// K = 2: only a is a hit: P = 1/2, R = 1/4, F1 = 2*(1/8)/(3/4) = 1/3
//   NDCG = 1 / (1 + 1/log2(3)), AP = 1/min(2,4) = 1/2, MRR = 1
TEST(Metrics, BinaryRelevanceSingleUser) {
  Recommendations recs{{"u", {"a", "x", "b", "y", "c"}}};
  Truth truth{{"u", {{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}}}};
  auto m = eval_ok(recs, truth, {5, 2});
  EXPECT_EQ(m["users"], 1);
  EXPECT_NEAR(m["precision@5"], 0.6, kTol);
  EXPECT_NEAR(m["recall@5"], 0.75, kTol);
  EXPECT_NEAR(m["f1@5"], 2.0 / 3.0, kTol);
  double dcg = 1.0 + 1.0 / 2.0 + 1.0 / std::log2(6.0);
  double idcg = 1.0 + 1.0 / std::log2(3.0) + 1.0 / 2.0 + 1.0 / std::log2(5.0);
  EXPECT_NEAR(m["ndcg@5"], dcg / idcg, kTol);
  EXPECT_NEAR(m["map@5"], 17.0 / 30.0, kTol);
  EXPECT_NEAR(m["mrr@5"], 1.0, kTol);
  EXPECT_NEAR(m["hit_rate@5"], 1.0, kTol);

  EXPECT_NEAR(m["precision@2"], 0.5, kTol);
  EXPECT_NEAR(m["recall@2"], 0.25, kTol);
  EXPECT_NEAR(m["f1@2"], 1.0 / 3.0, kTol);
  EXPECT_NEAR(m["ndcg@2"], 1.0 / (1.0 + 1.0 / std::log2(3.0)), kTol);
  EXPECT_NEAR(m["map@2"], 0.5, kTol);
  EXPECT_NEAR(m["mrr@2"], 1.0, kTol);
  // Catalog = {a, x, b, y, c, d} = 6. Top 2 = {a, x}; top 5 = {a, x, b, y, c}.
  EXPECT_NEAR(m["coverage@2"], 2.0 / 6.0, kTol);
  EXPECT_NEAR(m["coverage@5"], 5.0 / 6.0, kTol);
}

// recs = b b a (3 items, fewer than K = 5), truth = {a, b}.
// b hits at 1; the repeat at 2 keeps its slot but is not a hit; a hits at 3.
//   P = 2/5 (K, not 3), R = 2/2 = 1, F1 = 2*0.4*1/1.4 = 4/7
//   DCG = 1/log2(2) + 1/log2(4) = 1.5, IDCG = 1 + 1/log2(3)
//   AP = (1/1 + 2/3) / min(5,2) = 5/6
TEST(Metrics, RepeatedItemKeepsSlotButHitsOnce) {
  Recommendations recs{{"u", {"b", "b", "a"}}};
  Truth truth{{"u", {{"a", 1}, {"b", 1}}}};
  auto m = eval_ok(recs, truth, {5});
  EXPECT_NEAR(m["precision@5"], 0.4, kTol);
  EXPECT_NEAR(m["recall@5"], 1.0, kTol);
  EXPECT_NEAR(m["f1@5"], 4.0 / 7.0, kTol);
  EXPECT_NEAR(m["ndcg@5"], 1.5 / (1.0 + 1.0 / std::log2(3.0)), kTol);
  EXPECT_NEAR(m["map@5"], 5.0 / 6.0, kTol);
  EXPECT_NEAR(m["mrr@5"], 1.0, kTol);
}

// Graded: truth = {a:3, b:1, c:2}, recs = b a z, K = 2.
//   hits: b at 1 (gain 1), a at 2 (gain 3)
//   DCG = 1/1 + 3/log2(3); IDCG = best 2 of {3,2,1} = 3/1 + 2/log2(3)
//   P = 1, R = 2/3, F1 = 2*(2/3)/(5/3) = 4/5; AP = (1 + 2/2)/min(2,3) = 1
TEST(Metrics, GradedRelevanceUsesGains) {
  Recommendations recs{{"u", {"b", "a", "z"}}};
  Truth truth{{"u", {{"a", 3}, {"b", 1}, {"c", 2}}}};
  auto m = eval_ok(recs, truth, {2});
  EXPECT_NEAR(m["ndcg@2"], (1.0 + 3.0 / std::log2(3.0)) / (3.0 + 2.0 / std::log2(3.0)), kTol);
  EXPECT_NEAR(m["precision@2"], 1.0, kTol);
  EXPECT_NEAR(m["recall@2"], 2.0 / 3.0, kTol);
  EXPECT_NEAR(m["f1@2"], 0.8, kTol);
  EXPECT_NEAR(m["map@2"], 1.0, kTol);
}

// recs = x y a, truth = {a}. First hit at 3.
//   K = 2: no hit -> MRR 0, hit rate 0, AP 0, F1 0 (not NaN)
//   K = 3: MRR = 1/3, hit rate 1, AP = (1/3)/min(3,1) = 1/3
//          NDCG = (1/log2(4)) / (1/log2(2)) = 1/2
TEST(Metrics, LateFirstHit) {
  Recommendations recs{{"u", {"x", "y", "a"}}};
  Truth truth{{"u", {{"a", 1}}}};
  auto m = eval_ok(recs, truth, {2, 3});
  EXPECT_EQ(m["mrr@2"], 0.0);
  EXPECT_EQ(m["hit_rate@2"], 0.0);
  EXPECT_EQ(m["map@2"], 0.0);
  EXPECT_EQ(m["f1@2"], 0.0);
  EXPECT_EQ(m["ndcg@2"], 0.0);
  EXPECT_NEAR(m["mrr@3"], 1.0 / 3.0, kTol);
  EXPECT_NEAR(m["hit_rate@3"], 1.0, kTol);
  EXPECT_NEAR(m["map@3"], 1.0 / 3.0, kTol);
  EXPECT_NEAR(m["ndcg@3"], 0.5, kTol);
}

// truth: u1 = {a}, u2 = {b}; recs: u1 = [a], u3 = [b] (u3 has no test item).
// Evaluated users: u1, u2. u2 has no recommendations -> 0 everywhere.
//   precision@1 = (1 + 0)/2 = 1/2, recall@1 = 1/2, ndcg@1 = 1/2
// u3's list is ignored for coverage: top-1 items of evaluated users = {a};
// catalog = distinct items of truth and recs = {a, b} -> coverage 1/2; with
// --catalog-size 10 -> 1/10.
TEST(Metrics, MissingUsersScoreZeroAndRecsOnlyUsersAreIgnored) {
  Recommendations recs{{"u1", {"a"}}, {"u3", {"b"}}};
  Truth truth{{"u1", {{"a", 1}}}, {"u2", {{"b", 1}}}};
  auto m = eval_ok(recs, truth, {1});
  EXPECT_EQ(m["users"], 2);
  EXPECT_NEAR(m["precision@1"], 0.5, kTol);
  EXPECT_NEAR(m["recall@1"], 0.5, kTol);
  EXPECT_NEAR(m["ndcg@1"], 0.5, kTol);
  EXPECT_NEAR(m["hit_rate@1"], 0.5, kTol);
  EXPECT_NEAR(m["coverage@1"], 0.5, kTol);
  auto m10 = eval_ok(recs, truth, {1}, 10);
  EXPECT_NEAR(m10["coverage@1"], 0.1, kTol);
}

// Relevance <= 0 is not a test item: u1 = {a:0, b:-1} is not evaluated.
// u2 = {c:1} with recs [c] -> precision@1 = 1 over 1 user.
TEST(Metrics, NonPositiveRelevanceIsDropped) {
  Recommendations recs{{"u1", {"a"}}, {"u2", {"c"}}};
  Truth truth{{"u1", {{"a", 0}, {"b", -1}}}, {"u2", {{"c", 1}}}};
  auto m = eval_ok(recs, truth, {1});
  EXPECT_EQ(m["users"], 1);
  EXPECT_NEAR(m["precision@1"], 1.0, kTol);
  // Catalog: a (from recs) and c; b's row was dropped -> top-1 of u2 = {c}: 1/2.
  EXPECT_NEAR(m["coverage@1"], 0.5, kTol);
}

TEST(Metrics, ErrorsAreReported) {
  Recommendations recs{{"u", {"a"}}};
  Truth none{{"u", {{"a", 0}}}};
  EXPECT_FALSE(evaluate(recs, none).is_ok());
  Truth truth{{"u", {{"a", 1}}}};
  MetricOptions bad;
  bad.ks = {};
  EXPECT_EQ(evaluate(recs, truth, bad).status().code(), StatusCode::kInvalidArgument);
  bad.ks = {5, 0};
  EXPECT_EQ(evaluate(recs, truth, bad).status().code(), StatusCode::kInvalidArgument);
}

TEST(Metrics, KeysAreComplete) {
  auto m = eval_ok({{"u", {"a"}}}, {{"u", {{"a", 1}}}}, {10, 5, 10});
  // 8 metrics x 2 distinct Ks + "users".
  EXPECT_EQ(m.size(), 17u);
  for (const auto& name : metric_names()) {
    EXPECT_TRUE(m.contains(cat(name, "@5"))) << name;
    EXPECT_TRUE(m.contains(cat(name, "@10"))) << name;
  }
}

// Streaming: add() user by user, string and int ids, and merge() of two
// halves all equal evaluate() on the same data.
TEST(MetricAccumulator, StreamingMatchesEvaluate) {
  Recommendations recs;
  Truth truth;
  std::vector<std::vector<int64_t>> id_recs;
  std::vector<std::unordered_map<int64_t, double>> id_truth;
  for (int u = 0; u < 40; ++u) {
    std::vector<std::string> list;
    std::vector<int64_t> ids;
    for (int p = 0; p < (u % 13); ++p) {
      int item = (u * 7 + p * 3) % 23;
      list.push_back(std::to_string(item));
      ids.push_back(item);
    }
    std::unordered_map<std::string, double> t;
    std::unordered_map<int64_t, double> ti;
    for (int j = 0; j < 1 + u % 4; ++j) {
      int item = (u * 5 + j * 11) % 23;
      double rel = 1 + (u + j) % 3;
      t[std::to_string(item)] = rel;
      ti[item] = rel;
    }
    std::string user = cat("u", std::to_string(u));
    recs[user] = list;
    truth[user] = t;
    id_recs.push_back(ids);
    id_truth.push_back(ti);
  }
  MetricOptions opt;
  opt.ks = {1, 3, 10};
  auto expected = evaluate(recs, truth, opt);
  ASSERT_TRUE(expected.is_ok());

  MetricAccumulator by_string(opt), by_id(opt), first(opt), second(opt);
  for (int u = 0; u < 40; ++u) {
    std::string user = cat("u", std::to_string(u));
    by_string.add(user, recs[user], truth[user]);
    by_id.add(user, id_recs[static_cast<size_t>(u)], id_truth[static_cast<size_t>(u)]);
    (u < 17 ? first : second).add(user, recs[user], truth[user]);
  }
  first.merge(second);
  for (const auto* acc : {&by_string, &by_id, &first}) {
    auto got = acc->result();
    ASSERT_EQ(got.size(), expected->size());
    for (const auto& [key, value] : *expected) EXPECT_NEAR(got[key], value, 1e-12) << key;
  }
}

// Splitting the users over threads gives the same numbers (up to summation
// order). 5000 users so that evaluate() really splits (>= 1024 per part).
TEST(Metrics, ThreadsGiveTheSameResult) {
  Recommendations recs;
  Truth truth;
  for (int u = 0; u < 5000; ++u) {
    std::string user = cat("u", std::to_string(u));
    for (int p = 0; p < 8; ++p) recs[user].push_back(std::to_string((u * 31 + p * 17) % 997));
    for (int j = 0; j < 3; ++j) truth[user][std::to_string((u * 13 + j * 7) % 997)] = 1 + j;
  }
  for (int u = 0; u < 100; ++u) recs[cat("only", std::to_string(u))] = {cat("x", std::to_string(u))};
  MetricOptions one;
  one.ks = {1, 5, 10};
  MetricOptions many = one;
  many.threads = 3;
  auto a = evaluate(recs, truth, one);
  auto b = evaluate(recs, truth, many);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_EQ(a->at("users"), 5000);
  EXPECT_GT(a->at("hit_rate@10"), 0.0);  // the data must exercise hits
  for (const auto& [key, value] : *a) EXPECT_NEAR(b->at(key), value, 1e-12) << key;
}

// add_missing_user() counts a user with zeros: one perfect user + one missing
// -> precision@1 = 1/2.
TEST(MetricAccumulator, MissingUserCountsAsZero) {
  MetricOptions opt;
  opt.ks = {1};
  MetricAccumulator acc(opt);
  acc.add("a", std::vector<std::string>{"x"}, {{"x", 1.0}});
  acc.add_missing_user();
  auto m = acc.result();
  EXPECT_EQ(m["users"], 2);
  EXPECT_NEAR(m["precision@1"], 0.5, kTol);
  EXPECT_NEAR(m["mrr@1"], 0.5, kTol);
}

}  // namespace
}  // namespace tokrec::eval
