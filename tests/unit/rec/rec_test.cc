#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "tokrec/rec/dataset.h"
#include "tokrec/rec/recommender.h"
#include "tokrec/rec/split.h"

namespace tokrec::rec {
namespace {

Dataset synthetic(size_t users, size_t items, size_t per_user, uint64_t seed) {
  Dataset d;
  std::mt19937_64 rng(seed);
  for (size_t i = 0; i < items; ++i) d.items.add("i" + std::to_string(i));
  for (size_t u = 0; u < users; ++u) {
    int32_t user = d.users.add("u" + std::to_string(u));
    for (size_t k = 0; k < per_user + u % 7; ++k) {
      Interaction x;
      x.user = user;
      x.item = static_cast<int32_t>(rng() % items);
      x.rating = 1.0 + static_cast<double>(rng() % 9) * 0.5;  // 1.0 .. 5.0
      d.interactions.push_back(x);
    }
  }
  return d;
}

TEST(Split, SizesFollowRecBoleRatios) {
  auto data = synthetic(200, 500, 12, 7);
  SplitOptions opt;
  auto split = split_by_ratio(data, opt);
  ASSERT_TRUE(split.is_ok()) << split.status().to_string();
  ASSERT_FALSE(split->users.empty());
  for (int32_t u : split->users) {
    auto su = static_cast<size_t>(u);
    size_t n = split->train[su].size() + split->valid[su].size() + split->test[su].size();
    ASSERT_GE(n, opt.min_positives);
    size_t expect_test = static_cast<size_t>(std::floor(0.1 * static_cast<double>(n)));
    if (expect_test == 0) expect_test = 1;
    EXPECT_EQ(split->test[su].size(), expect_test) << "n=" << n;
    EXPECT_EQ(split->valid[su].size(), expect_test) << "n=" << n;
    // The three parts are disjoint and all positives.
    std::set<int32_t> all(split->train[su].begin(), split->train[su].end());
    for (int32_t i : split->valid[su]) EXPECT_TRUE(all.insert(i).second);
    for (int32_t i : split->test[su]) EXPECT_TRUE(all.insert(i).second);
  }
  // Same seed, same split; another seed, another split.
  auto again = split_by_ratio(data, opt);
  EXPECT_EQ(again->test, split->test);
  opt.seed = 99;
  auto other = split_by_ratio(data, opt);
  EXPECT_NE(other->test, split->test);
}

TEST(Split, DropsUsersWithFewPositives) {
  Dataset d;
  int32_t u = d.users.add("only");
  for (int i = 0; i < 4; ++i) d.interactions.push_back({u, d.items.add("i" + std::to_string(i)), 5.0, 0});
  d.interactions.push_back({u, d.items.add("low"), 3.0, 0});  // below 3.5: not a positive
  auto split = split_by_ratio(d);
  EXPECT_FALSE(split.is_ok());
}

TEST(TopK, ExcludesAndBreaksTiesByIndex) {
  std::vector<float> scores{0.5f, 0.9f, 0.9f, 0.1f, 0.7f, 0.9f};
  std::vector<int32_t> out;
  std::vector<int32_t> excluded{2};
  top_k_row(scores, 3, excluded, out);
  EXPECT_EQ(out, (std::vector<int32_t>{1, 5, 4}));
  top_k_row(scores, 10, excluded, out);  // fewer candidates than K
  EXPECT_EQ(out, (std::vector<int32_t>{1, 5, 4, 0, 3}));
}

TEST(Popularity, RanksByTrainingCountsWithoutSeenItems) {
  std::vector<std::vector<int32_t>> train{{0, 1}, {1, 2}, {1}};
  auto pop = make_popularity(train, 4);
  std::vector<int32_t> users{0, 1, 2};
  TopKOptions opt;
  opt.k = 2;
  opt.threads = 2;
  opt.block_users = 1;
  auto recs = recommend_top_k(*pop, users, train, opt);
  EXPECT_EQ(recs[0], (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(recs[1], (std::vector<int32_t>{0, 3}));
  EXPECT_EQ(recs[2], (std::vector<int32_t>{0, 2}));
  // Restricted to candidates (the cold-start protocol).
  opt.candidates = {2, 3};
  recs = recommend_top_k(*pop, users, train, opt);
  EXPECT_EQ(recs[0], (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(recs[1], (std::vector<int32_t>{3}));
}

// Dense and sparse content models must agree with a direct cosine computation.
TEST(ContentBased, MatchesBruteForceCosine) {
  const size_t n = 60, dim = 8, users = 25;
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<float> uni(-1, 1);
  std::vector<float> feats(n * dim);
  for (auto& v : feats) v = (rng() % 3 == 0) ? 0.0f : uni(rng);
  std::vector<std::vector<int32_t>> train(users);
  for (auto& t : train) {
    for (int k = 0; k < 4; ++k) t.push_back(static_cast<int32_t>(rng() % n));
    std::sort(t.begin(), t.end());
    t.erase(std::unique(t.begin(), t.end()), t.end());
  }
  // Brute force: profile = mean of unit item vectors.
  auto unit = [&](size_t i) {
    std::vector<double> v(feats.begin() + static_cast<long>(i * dim), feats.begin() + static_cast<long>((i + 1) * dim));
    double s = 0;
    for (double x : v) s += x * x;
    for (double& x : v) x = s > 0 ? x / std::sqrt(s) : 0;
    return v;
  };
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<double> data;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < dim; ++j)
      if (feats[i * dim + j] != 0) {
        indices.push_back(static_cast<int32_t>(j));
        data.push_back(feats[i * dim + j]);
      }
    indptr.push_back(static_cast<int64_t>(indices.size()));
  }
  auto dense = make_content_dense(train, feats, n, dim);
  ASSERT_TRUE(dense.is_ok());
  CsrView view{n, dim, indptr, indices, data};
  auto sparse = make_content_sparse(train, view);
  ASSERT_TRUE(sparse.is_ok());
  std::vector<int32_t> all_users(users);
  for (size_t u = 0; u < users; ++u) all_users[u] = static_cast<int32_t>(u);
  std::vector<float> sd(users * n), ss(users * n);
  (*dense)->score(all_users, sd);
  (*sparse)->score(all_users, ss);
  for (size_t u = 0; u < users; ++u) {
    std::vector<double> p(dim, 0);
    for (int32_t i : train[u]) {
      auto v = unit(static_cast<size_t>(i));
      for (size_t j = 0; j < dim; ++j) p[j] += v[j];
    }
    double pn = 0;
    for (double x : p) pn += x * x;
    pn = std::sqrt(pn);
    for (size_t i = 0; i < n; ++i) {
      auto v = unit(i);
      double dot = 0;
      for (size_t j = 0; j < dim; ++j) dot += p[j] * v[j];
      double expected = pn > 0 ? dot / pn : 0;
      EXPECT_NEAR(sd[u * n + i], expected, 1e-5);
      EXPECT_NEAR(ss[u * n + i], expected, 1e-5);
    }
  }
}

TEST(Dataset, ItemTextJoinsChosenFields) {
  Dataset d;
  d.items.add("1");
  d.item_titles = {"Toy Story (1995)"};
  d.item_genres = {"Animation Comedy"};
  d.item_tags = {""};
  EXPECT_EQ(item_text(d, 0, {"title", "genres", "tags"}), "Toy Story (1995). Animation Comedy");
  EXPECT_EQ(item_text(d, 0, {"genres"}), "Animation Comedy");
}

}  // namespace
}  // namespace tokrec::rec
