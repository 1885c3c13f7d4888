#include "tokrec/eval/scorer_eval.h"

#include <gtest/gtest.h>

#include <random>

#include "tokrec/eval/metrics.h"
#include "tokrec/rec/recommender.h"

namespace tokrec::eval {
namespace {

// A scorer with a fixed random score table.
class TableScorer final : public rec::Scorer {
 public:
  TableScorer(size_t users, size_t items, uint64_t seed) : items_(items), table_(users * items) {
    std::mt19937_64 rng(seed);
    // Integer-valued scores in [0, 8) so ties happen.
    for (auto& v : table_) v = static_cast<float>(rng() % 8);
  }
  size_t num_items() const override { return items_; }
  void score(std::span<const int32_t> users, std::span<float> out) const override {
    for (size_t b = 0; b < users.size(); ++b)
      for (size_t j = 0; j < items_; ++j) out[b * items_ + j] = table_[static_cast<size_t>(users[b]) * items_ + j];
  }
  float at(size_t u, size_t j) const { return table_[u * items_ + j]; }

 private:
  size_t items_;
  std::vector<float> table_;
};

TEST(UserAuc, EqualsPairCounting) {
  std::vector<float> scores{0.9f, 0.1f, 0.5f, 0.5f, 0.7f, 0.2f};
  std::vector<int32_t> test{2, 4}, exclude{0};
  // Negatives: items 1 (0.1), 3 (0.5), 5 (0.2). Pairs: item2 (0.5) beats 1 and 5, ties 3 -> 2.5;
  // item4 (0.7) beats all three -> 3. AUC = 5.5 / 6.
  EXPECT_DOUBLE_EQ(user_auc(scores, test, exclude, {}), 5.5 / 6.0);
  std::vector<int32_t> candidates{2, 3, 4};  // negatives: only item 3
  EXPECT_DOUBLE_EQ(user_auc(scores, test, exclude, candidates), 1.5 / 2.0);
  EXPECT_DOUBLE_EQ(user_auc(scores, {}, exclude, {}), -1.0);
}

TEST(EvaluateScorer, MatchesListEvaluationAndIsThreadIndependent) {
  const size_t users = 40, items = 50;
  TableScorer scorer(users, items, 9);
  std::mt19937_64 rng(1);
  std::vector<std::vector<int32_t>> train(users), test(users);
  std::vector<int32_t> all;
  for (size_t u = 0; u < users; ++u) {
    all.push_back(static_cast<int32_t>(u));
    for (int32_t j = 0; j < static_cast<int32_t>(items); ++j) {
      auto r = rng() % 10;
      if (r == 0) train[u].push_back(j);
      else if (r == 1 && u % 7 != 0) test[u].push_back(j);  // every 7th user has no test item
    }
  }
  ScorerEvalOptions o;
  o.ks = {5, 10};
  o.threads = 1;
  o.block_users = 7;
  auto one = evaluate_scorer(scorer, all, train, test, o);
  ASSERT_TRUE(one.is_ok()) << one.status().to_string();
  o.threads = 3;
  auto three = evaluate_scorer(scorer, all, train, test, o);
  ASSERT_TRUE(three.is_ok());
  EXPECT_EQ(one->metrics, three->metrics);

  // Same numbers through the string-based evaluate() on the returned lists.
  Recommendations recs;
  Truth truth;
  for (size_t u = 0; u < users; ++u) {
    for (int32_t j : one->lists[u]) {
      recs[std::to_string(u)].push_back(std::to_string(j));
      // Never a training item.
      EXPECT_FALSE(std::binary_search(train[u].begin(), train[u].end(), j));
    }
    for (int32_t j : test[u]) truth[std::to_string(u)][std::to_string(j)] = 1.0;
  }
  MetricOptions mo;
  mo.ks = {5, 10};
  mo.catalog_size = items;
  auto ref = evaluate(recs, truth, mo);
  ASSERT_TRUE(ref.is_ok());
  for (const auto& [key, value] : *ref) EXPECT_NEAR(one->metrics.at(key), value, 1e-12) << key;

  // AUC averaged by hand.
  double sum = 0;
  size_t n = 0;
  for (size_t u = 0; u < users; ++u) {
    std::vector<float> row(items);
    for (size_t j = 0; j < items; ++j) row[j] = scorer.at(u, j);
    double a = user_auc(row, test[u], train[u], {});
    if (a >= 0) { sum += a; ++n; }
  }
  EXPECT_NEAR(one->metrics.at("auc"), sum / static_cast<double>(n), 1e-12);
}


// Sampled ranking is an extra, labelled figure; with more negatives than
// there are, it is full ranking again; with few, it is easier than full.
TEST(EvaluateScorer, SampledRankingIsLabelledAndBounded) {
  const size_t users = 30, items = 60;
  TableScorer scorer(users, items, 4);
  std::mt19937_64 rng(2);
  std::vector<std::vector<int32_t>> train(users), test(users);
  std::vector<int32_t> all;
  for (size_t u = 0; u < users; ++u) {
    all.push_back(static_cast<int32_t>(u));
    for (int32_t j = 0; j < static_cast<int32_t>(items); ++j) {
      auto r = rng() % 10;
      if (r == 0) train[u].push_back(j);
      else if (r == 1) test[u].push_back(j);
    }
  }
  ScorerEvalOptions o;
  o.ks = {10};
  auto full = evaluate_scorer(scorer, all, train, test, o);
  ASSERT_TRUE(full.is_ok());
  EXPECT_EQ(full->metrics.count(sampled_key("ndcg@10", 5)), 0u);  // off by default

  // Every negative drawn: the sampled ranking is the full one.
  o.sampled_negatives = items;
  auto everything = evaluate_scorer(scorer, all, train, test, o);
  ASSERT_TRUE(everything.is_ok());
  EXPECT_EQ(sampled_key("ndcg@10", items), "ndcg@10 (sampled 60)");
  for (const char* m : {"ndcg@10", "recall@10", "mrr@10", "hit_rate@10"}) {
    EXPECT_NEAR(everything->metrics.at(sampled_key(m, items)), full->metrics.at(m), 1e-12) << m;
    EXPECT_EQ(everything->metrics.at(m), full->metrics.at(m)) << m;  // full-ranking keys unchanged
  }
  EXPECT_EQ(everything->metrics.count(sampled_key("coverage@10", items)), 0u);

  // Five negatives: at most 5 + |test| candidates, so hits come easier; the
  // figure does not depend on threads.
  o.sampled_negatives = 5;
  o.threads = 1;
  auto few = evaluate_scorer(scorer, all, train, test, o);
  o.threads = 3;
  auto few3 = evaluate_scorer(scorer, all, train, test, o);
  ASSERT_TRUE(few.is_ok() && few3.is_ok());
  EXPECT_EQ(few->metrics, few3->metrics);
  EXPECT_GT(few->metrics.at(sampled_key("recall@10", 5)), full->metrics.at("recall@10"));
  EXPECT_GE(few->metrics.at(sampled_key("hit_rate@10", 5)), full->metrics.at("hit_rate@10"));
  o.sample_seed = 99;
  auto other = evaluate_scorer(scorer, all, train, test, o);
  ASSERT_TRUE(other.is_ok());
  EXPECT_NE(other->metrics.at(sampled_key("ndcg@10", 5)), few->metrics.at(sampled_key("ndcg@10", 5)));
}

}  // namespace
}  // namespace tokrec::eval
