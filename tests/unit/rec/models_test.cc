// Behaviour of the interaction models: ItemKNN, EASE, BPR-MF, the hybrid
// (LightFM-style) model, score blending and HNSW retrieval.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "tokrec/rec/blend.h"
#include "tokrec/rec/bpr.h"
#include "tokrec/rec/ease.h"
#include "tokrec/rec/hnsw.h"
#include "tokrec/rec/hybrid.h"
#include "tokrec/rec/item_knn.h"
#include "tokrec/rec/recommender.h"

namespace tokrec::rec {
namespace {

using Lists = std::vector<std::vector<int32_t>>;

std::vector<float> score_all(const Scorer& s, size_t users) {
  std::vector<int32_t> ids(users);
  for (size_t u = 0; u < users; ++u) ids[u] = static_cast<int32_t>(u);
  std::vector<float> out(users * s.num_items());
  s.score(ids, out);
  return out;
}

// Users in `clusters` groups each like the items of their group: a user takes
// `per_user` distinct items, 90% from its cluster. Items i belong to cluster
// i % clusters. Returns (train, test) with ~20% of each user's items in test.
struct Clustered {
  Lists train, test;
  size_t items = 0, clusters = 0;
};
Clustered clustered(size_t users, size_t items, size_t clusters, size_t per_user, uint64_t seed) {
  Clustered c;
  c.items = items;
  c.clusters = clusters;
  std::mt19937_64 rng(seed);
  for (size_t u = 0; u < users; ++u) {
    std::set<int32_t> mine;
    const size_t home = u % clusters;
    while (mine.size() < per_user) {
      size_t cl = rng() % 10 == 0 ? rng() % clusters : home;
      // Within a cluster, lower items are more popular (a skewed choice).
      size_t slot = static_cast<size_t>(std::pow(static_cast<double>(rng() % 1000) / 1000.0, 1.5) * static_cast<double>(items / clusters));
      mine.insert(static_cast<int32_t>(slot * clusters + cl));
    }
    std::vector<int32_t> v(mine.begin(), mine.end());
    std::shuffle(v.begin(), v.end(), rng);
    const size_t n_test = v.size() / 5;
    std::vector<int32_t> test(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n_test));
    std::vector<int32_t> train(v.begin() + static_cast<std::ptrdiff_t>(n_test), v.end());
    std::sort(test.begin(), test.end());
    std::sort(train.begin(), train.end());
    c.train.push_back(train);
    c.test.push_back(test);
  }
  return c;
}

// Mean recall@k of a scorer on the held-out items (train excluded).
double recall_at(const Scorer& s, const Lists& train, const Lists& test, size_t k) {
  std::vector<int32_t> users(train.size());
  for (size_t u = 0; u < users.size(); ++u) users[u] = static_cast<int32_t>(u);
  TopKOptions o;
  o.k = k;
  auto recs = recommend_top_k(s, users, train, o);
  double sum = 0;
  size_t n = 0;
  for (size_t u = 0; u < users.size(); ++u) {
    if (test[u].empty()) continue;
    size_t hits = 0;
    for (int32_t i : recs[u]) hits += std::binary_search(test[u].begin(), test[u].end(), i) ? 1 : 0;
    sum += static_cast<double>(hits) / static_cast<double>(test[u].size());
    ++n;
  }
  return sum / static_cast<double>(n);
}

// ---------------------------------------------------------------- ItemKNN

TEST(ItemKnn, SimilaritiesAndScoresByHand) {
  // item 0: users {0,1,3}; item 1: {0,1,2}; item 2: {1,2}; item 3: nobody.
  Lists train{{0, 1}, {0, 1, 2}, {1, 2}, {0}};
  ItemKnnOptions o;
  o.shrink = 1.0;
  auto m = fit_item_knn(train, 4, o);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  const double s01 = 2.0 / (3.0 + 1.0 + 1e-6), s02 = 1.0 / (std::sqrt(6.0) + 1.0 + 1e-6),
               s12 = 2.0 / (std::sqrt(6.0) + 1.0 + 1e-6);
  EXPECT_NEAR((*m)->similarity(0, 1), s01, 1e-6);
  EXPECT_NEAR((*m)->similarity(1, 0), s01, 1e-6);
  EXPECT_NEAR((*m)->similarity(0, 2), s02, 1e-6);
  EXPECT_NEAR((*m)->similarity(2, 1), s12, 1e-6);
  EXPECT_EQ((*m)->similarity(0, 0), 0.0f);
  EXPECT_EQ((*m)->similarity(3, 0), 0.0f);
  ASSERT_EQ((*m)->neighbours(0).size(), 2u);
  EXPECT_EQ((*m)->neighbours(0)[0].item, 1);  // most similar first

  // score(u, i) = Σ_{j ∈ train(u)} sim(i, j); user 3 holds item 0 only.
  auto s = score_all(**m, 4);
  EXPECT_NEAR(s[3 * 4 + 1], s01, 1e-6);
  EXPECT_NEAR(s[3 * 4 + 2], s02, 1e-6);
  EXPECT_NEAR(s[2 * 4 + 0], s01 + s02, 1e-6);  // user 2 holds {1, 2}
  EXPECT_EQ(s[2 * 4 + 3], 0.0f);
}

TEST(ItemKnn, KeepsOnlyTheKNearestPerItem) {
  Lists train{{0, 1}, {0, 1, 2}, {1, 2}, {0}};
  ItemKnnOptions o;
  o.k = 1;
  auto m = fit_item_knn(train, 4, o);
  ASSERT_TRUE(m.is_ok());
  // Item 2's best neighbour is item 1 (2 shared users); item 0 is dropped from
  // its list, so a user holding only item 0 gets nothing for item 2. Item 1
  // keeps item 2 (0.816 > 2/3), item 0 keeps item 1.
  ASSERT_EQ((*m)->neighbours(2).size(), 1u);
  EXPECT_EQ((*m)->neighbours(2)[0].item, 1);
  EXPECT_EQ((*m)->neighbours(1)[0].item, 2);
  EXPECT_EQ((*m)->neighbours(0)[0].item, 1);
  auto s = score_all(**m, 4);
  EXPECT_EQ(s[3 * 4 + 2], 0.0f);
  EXPECT_EQ(s[3 * 4 + 1], 0.0f);
  EXPECT_NEAR(s[2 * 4 + 0], 2.0 / (3.0 + 1e-6), 1e-6);  // user 2 holds {1, 2}; only 1 is kept by 0
}

TEST(ItemKnn, RejectsBadInput) {
  EXPECT_FALSE(fit_item_knn({{0, 5}}, 3).is_ok());
  EXPECT_FALSE(fit_item_knn({{2, 1}}, 3).is_ok());
  ItemKnnOptions o;
  o.k = 0;
  EXPECT_FALSE(fit_item_knn({{0}}, 3, o).is_ok());
}

// ---------------------------------------------------------------- EASE

// Direct B = I − P diag(1/diag P) with P = (XᵀX + λI)⁻¹ by Gauss-Jordan in double.
std::vector<double> ease_reference(const Lists& train, size_t n, double lambda) {
  std::vector<double> a(n * n, 0.0), inv(n * n, 0.0);
  for (const auto& items : train)
    for (int32_t i : items)
      for (int32_t j : items) a[static_cast<size_t>(i) * n + static_cast<size_t>(j)] += 1;
  for (size_t i = 0; i < n; ++i) {
    a[i * n + i] += lambda;
    inv[i * n + i] = 1;
  }
  for (size_t c = 0; c < n; ++c) {
    double p = a[c * n + c];
    for (size_t j = 0; j < n; ++j) {
      a[c * n + j] /= p;
      inv[c * n + j] /= p;
    }
    for (size_t r = 0; r < n; ++r) {
      if (r == c) continue;
      double f = a[r * n + c];
      for (size_t j = 0; j < n; ++j) {
        a[r * n + j] -= f * a[c * n + j];
        inv[r * n + j] -= f * inv[c * n + j];
      }
    }
  }
  std::vector<double> b(n * n);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) b[i * n + j] = i == j ? 0.0 : -inv[i * n + j] / inv[j * n + j];
  return b;
}

TEST(Ease, MatchesTheDirectClosedForm) {
  std::mt19937_64 rng(3);
  const size_t n = 9;
  Lists train(30);
  for (auto& items : train) {
    std::set<int32_t> s;
    for (int k = 0; k < 4; ++k) s.insert(static_cast<int32_t>(rng() % 8));  // item 8 never seen
    items.assign(s.begin(), s.end());
  }
  EaseOptions o;
  o.lambda = 5.0;
  auto m = fit_ease(train, n, o);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  auto ref = ease_reference(train, n, o.lambda);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j)
      EXPECT_NEAR((*m)->weight(static_cast<int32_t>(i), static_cast<int32_t>(j)), ref[i * n + j], 1e-5) << i << "," << j;
  auto s = score_all(**m, train.size());
  for (size_t u = 0; u < train.size(); ++u)
    for (size_t j = 0; j < n; ++j) {
      double want = 0;
      for (int32_t i : train[u]) want += ref[static_cast<size_t>(i) * n + j];
      EXPECT_NEAR(s[u * n + j], want, 1e-4);
    }
  EXPECT_EQ(s[8], 0.0f);  // never-seen item scores 0 (as in the unrestricted solution)
}

TEST(Ease, RejectsBadLambda) {
  EaseOptions o;
  o.lambda = 0;
  EXPECT_FALSE(fit_ease({{0, 1}}, 2, o).is_ok());
}

// ---------------------------------------------------------------- BPR

BprOptions small_bpr() {
  BprOptions o;
  o.dim = 16;
  o.batch_size = 256;
  o.learning_rate = 0.01;
  o.epochs = 40;
  o.seed = 11;
  return o;
}

TEST(Bpr, LossDecreasesAndBeatsPopularity) {
  auto data = clustered(300, 120, 4, 20, 5);
  std::vector<double> losses;
  auto m = fit_bpr(data.train, data.items, small_bpr(), [&](size_t, double loss, const FactorModel&) {
    losses.push_back(loss);
    return true;
  });
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  ASSERT_EQ(losses.size(), 40u);
  EXPECT_LT(losses.back(), 0.75 * losses.front());
  EXPECT_NEAR(losses.front(), std::log(2.0), 0.05);  // random start: σ(0) everywhere
  auto pop = make_popularity(data.train, data.items);
  const double r_bpr = recall_at(**m, data.train, data.test, 10), r_pop = recall_at(*pop, data.train, data.test, 10);
  EXPECT_GT(r_bpr, 1.3 * r_pop) << "bpr " << r_bpr << " popularity " << r_pop;
}

TEST(Bpr, DeterministicForASeedWhateverTheThreads) {
  auto data = clustered(60, 40, 2, 8, 9);
  auto o = small_bpr();
  o.epochs = 3;
  auto a = fit_bpr(data.train, data.items, o);
  o.threads = 2;
  auto b = fit_bpr(data.train, data.items, o);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  auto fa = (*a)->item_factors(), fb = (*b)->item_factors();
  ASSERT_EQ(fa.size(), fb.size());
  EXPECT_TRUE(std::equal(fa.begin(), fa.end(), fb.begin()));
}

TEST(Bpr, EarlyStopAndBadOptions) {
  auto data = clustered(20, 20, 2, 5, 1);
  size_t calls = 0;
  auto m = fit_bpr(data.train, data.items, small_bpr(), [&](size_t epoch, double, const FactorModel&) {
    ++calls;
    return epoch < 2;
  });
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(calls, 2u);
  auto o = small_bpr();
  o.optimizer = "rmsprop";
  EXPECT_FALSE(fit_bpr(data.train, data.items, o).is_ok());
}

// ---------------------------------------------------------------- Hybrid

// One feature per cluster: item i has feature i % clusters.
struct Csr {
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<double> data;
  size_t rows = 0, cols = 0;
  CsrView view() const { return CsrView{rows, cols, indptr, indices, data}; }
};
Csr cluster_features(size_t items, size_t clusters, size_t first = 0) {
  Csr c;
  c.cols = clusters;
  for (size_t i = first; i < first + items; ++i) {
    c.indices.push_back(static_cast<int32_t>(i % clusters));
    c.data.push_back(1.0);
    c.indptr.push_back(static_cast<int64_t>(c.indices.size()));
    ++c.rows;
  }
  return c;
}

TEST(Hybrid, WarmModelBeatsPopularityWithBothLosses) {
  auto data = clustered(300, 120, 4, 20, 5);
  auto feats = cluster_features(data.items, data.clusters);
  auto pop = make_popularity(data.train, data.items);
  const double r_pop = recall_at(*pop, data.train, data.test, 10);
  for (std::string loss : {"warp", "warp-kos", "bpr"}) {
    HybridOptions o;
    o.dim = 16;
    o.epochs = 15;
    o.loss = loss;
    auto view = feats.view();
    auto m = fit_hybrid(data.train, data.items, &view, nullptr, o);
    ASSERT_TRUE(m.is_ok()) << m.status().to_string();
    const double r = recall_at(**m, data.train, data.test, 10);
    EXPECT_GT(r, 1.2 * r_pop) << loss << " " << r << " popularity " << r_pop;
  }
}

TEST(Hybrid, ColdItemsAreScoredFromTheirFeatures) {
  // Items >= 100 are cold: every interaction with them is removed from train.
  auto data = clustered(300, 120, 4, 20, 7);
  for (auto& items : data.train) items.erase(std::remove_if(items.begin(), items.end(), [](int32_t i) { return i >= 100; }), items.end());
  auto feats = cluster_features(data.items, data.clusters);
  auto view = feats.view();
  HybridOptions o;
  o.dim = 16;
  o.epochs = 15;
  auto m = fit_hybrid(data.train, data.items, &view, nullptr, o);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();

  // Among the 20 cold items, a user's best one should come from its own cluster.
  std::vector<int32_t> users(300);
  for (size_t u = 0; u < users.size(); ++u) users[u] = static_cast<int32_t>(u);
  std::vector<float> s(users.size() * data.items);
  (*m)->score(users, s);
  size_t right = 0;
  for (size_t u = 0; u < users.size(); ++u) {
    size_t best = 100;
    for (size_t i = 100; i < data.items; ++i)
      if (s[u * data.items + i] > s[u * data.items + best]) best = i;
    right += best % data.clusters == u % data.clusters ? 1 : 0;
  }
  EXPECT_GT(right, users.size() * 8 / 10) << right;

  // New items never in the catalog: features alone give the same scores as the
  // cold catalog items with the same features (neither has an identity).
  auto fresh = cluster_features(20, data.clusters, 100);
  std::vector<float> out(users.size() * 20);
  ASSERT_TRUE((*m)->score_new_items(users, fresh.view(), out).is_ok());
  for (size_t u = 0; u < users.size(); ++u)
    for (size_t r = 0; r < 20; ++r) EXPECT_NEAR(out[u * 20 + r], s[u * data.items + 100 + r], 1e-5);

  Csr wrong = cluster_features(3, data.clusters + 1);
  EXPECT_FALSE((*m)->score_new_items(users, wrong.view(), out).is_ok());
}


TEST(Hybrid, AdadeltaAndEpochCallbackForEarlyStopping) {
  auto data = clustered(300, 120, 4, 20, 5);
  auto feats = cluster_features(data.items, data.clusters);
  auto view = feats.view();
  auto pop = make_popularity(data.train, data.items);
  const double r_pop = recall_at(*pop, data.train, data.test, 10);
  HybridOptions o;
  o.dim = 16;
  o.epochs = 15;
  o.learning_schedule = "adadelta";
  auto m = fit_hybrid(data.train, data.items, &view, nullptr, o);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  EXPECT_GT(recall_at(**m, data.train, data.test, 10), 1.2 * r_pop);

  // The callback sees every epoch's model and can stop training; a run cut
  // after 3 epochs equals a 3-epoch run (one thread is deterministic).
  o.learning_schedule = "adagrad";
  std::vector<size_t> seen;
  std::vector<float> at3;
  auto stopped = fit_hybrid(data.train, data.items, &view, nullptr, o, [&](size_t epoch, const HybridModel& cur) {
    seen.push_back(epoch);
    if (epoch == 3) at3.assign(cur.factors().item_factors().begin(), cur.factors().item_factors().end());
    return epoch < 3;
  });
  ASSERT_TRUE(stopped.is_ok());
  EXPECT_EQ(seen, (std::vector<size_t>{1, 2, 3}));
  o.epochs = 3;
  auto three = fit_hybrid(data.train, data.items, &view, nullptr, o);
  ASSERT_TRUE(three.is_ok());
  auto final3 = (*three)->factors().item_factors();
  auto cut = (*stopped)->factors().item_factors();
  ASSERT_EQ(final3.size(), at3.size());
  for (size_t k = 0; k < at3.size(); ++k) {
    ASSERT_EQ(final3[k], at3[k]) << k;
    ASSERT_EQ(cut[k], at3[k]) << k;
  }
}

TEST(Hybrid, UserFeaturesWithoutUserIdentity) {
  // Users described only by their cluster feature still get their cluster's items.
  auto data = clustered(300, 120, 4, 20, 5);
  auto feats = cluster_features(data.items, data.clusters);
  auto users = cluster_features(300, data.clusters);
  auto iv = feats.view(), uv = users.view();
  HybridOptions o;
  o.dim = 16;
  o.epochs = 15;
  o.user_identity = false;
  auto m = fit_hybrid(data.train, data.items, &iv, &uv, o);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  auto pop = make_popularity(data.train, data.items);
  EXPECT_GT(recall_at(**m, data.train, data.test, 10), 1.2 * recall_at(*pop, data.train, data.test, 10));
  o.learning_schedule = "sgd";
  EXPECT_FALSE(fit_hybrid(data.train, data.items, &iv, &uv, o).is_ok());
}

TEST(Hybrid, NegativesFromTheWholeCatalogPushColdItemsDown) {
  // Items >= 100 have no training interaction. With negatives = "warm" they
  // are never drawn as negatives, so their feature-only scores only rise;
  // "all" (LightFM's sampling) draws them too and they leave the top lists.
  auto data = clustered(300, 120, 4, 20, 7);
  for (auto& items : data.train) items.erase(std::remove_if(items.begin(), items.end(), [](int32_t i) { return i >= 100; }), items.end());
  auto feats = cluster_features(data.items, data.clusters);
  auto view = feats.view();
  auto cold_in_top10 = [&](const std::string& negatives) {
    HybridOptions o;
    o.dim = 16;
    o.epochs = 15;
    o.negatives = negatives;
    auto m = fit_hybrid(data.train, data.items, &view, nullptr, o);
    EXPECT_TRUE(m.is_ok()) << m.status().to_string();
    if (!m.is_ok()) return size_t{0};
    auto s = score_all(**m, data.train.size());
    size_t cold = 0;
    for (size_t u = 0; u < data.train.size(); ++u) {
      std::vector<int32_t> order(data.items);
      for (size_t i = 0; i < data.items; ++i) order[i] = static_cast<int32_t>(i);
      for (int32_t i : data.train[u]) s[u * data.items + static_cast<size_t>(i)] = -1e30f;
      std::partial_sort(order.begin(), order.begin() + 10, order.end(), [&](int32_t a, int32_t b) {
        return s[u * data.items + static_cast<size_t>(a)] > s[u * data.items + static_cast<size_t>(b)];
      });
      for (size_t r = 0; r < 10; ++r) cold += order[r] >= 100 ? 1 : 0;
    }
    return cold;
  };
  const size_t warm_only = cold_in_top10("warm"), all = cold_in_top10("all");
  EXPECT_LT(all, warm_only / 2) << all << " vs " << warm_only;
  HybridOptions bad;
  bad.negatives = "some";
  EXPECT_FALSE(fit_hybrid(data.train, data.items, &view, nullptr, bad).is_ok());
}

TEST(FactorModel, AverageScoresTheMeanOfItsMembers) {
  // Two 3-user x 4-item models of dimensions 2 and 3; one has no biases.
  FactorModel a({1, 0, 0, 1, 1, 1}, {1, 2, 0, 1, -1, 0, 3, 3}, 2, {0.5f, 0, -1}, {0, 1, 2, 3});
  FactorModel b({1, 2, 3, 0, 0, 1, -1, 1, 0}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}, 3);
  std::vector<const FactorModel*> members{&a, &b};
  auto mean = average_factor_models(members);
  ASSERT_TRUE(mean.is_ok()) << mean.status().to_string();
  EXPECT_EQ(mean->dim(), 5u);
  auto sa = score_all(a, 3), sb = score_all(b, 3), sm = score_all(*mean, 3);
  for (size_t k = 0; k < sm.size(); ++k) EXPECT_FLOAT_EQ(sm[k], (sa[k] + sb[k]) / 2) << k;
  FactorModel c({1, 1}, {1, 1}, 1);  // 2 users
  std::vector<const FactorModel*> mismatched{&a, &c};
  EXPECT_FALSE(average_factor_models(mismatched).is_ok());
  EXPECT_FALSE(average_factor_models(std::vector<const FactorModel*>{}).is_ok());
}

TEST(Hybrid, WarpKosTrainsOnTheUsersWeakerPositives) {
  // k-OS picks the k-th best of n drawn positives: with k = n = 1 any one
  // positive is as good as the pair's own, so it is a different (still
  // deterministic) run than WARP; with k > n it falls back to the n-th.
  auto data = clustered(120, 60, 3, 12, 3);
  auto feats = cluster_features(data.items, data.clusters);
  auto view = feats.view();
  HybridOptions o;
  o.dim = 8;
  o.epochs = 3;
  o.loss = "warp-kos";
  auto a = fit_hybrid(data.train, data.items, &view, nullptr, o);
  auto b = fit_hybrid(data.train, data.items, &view, nullptr, o);
  o.loss = "warp";
  auto w = fit_hybrid(data.train, data.items, &view, nullptr, o);
  o.loss = "warp-kos";
  o.kos_k = 50;  // more than any user's positives: the weakest drawn one
  auto weakest = fit_hybrid(data.train, data.items, &view, nullptr, o);
  ASSERT_TRUE(a.is_ok() && b.is_ok() && w.is_ok() && weakest.is_ok());
  auto fa = (*a)->factors().item_factors(), fb = (*b)->factors().item_factors(), fw = (*w)->factors().item_factors();
  EXPECT_TRUE(std::equal(fa.begin(), fa.end(), fb.begin()));
  EXPECT_FALSE(std::equal(fa.begin(), fa.end(), fw.begin()));
  o.kos_k = 0;
  EXPECT_FALSE(fit_hybrid(data.train, data.items, &view, nullptr, o).is_ok());
  o.kos_k = 5;
  o.kos_n = 0;
  EXPECT_FALSE(fit_hybrid(data.train, data.items, &view, nullptr, o).is_ok());
}

TEST(Hybrid, IdentityAndSideFeaturesHaveTheirOwnRates) {
  auto data = clustered(300, 120, 4, 20, 5);
  auto feats = cluster_features(data.items, data.clusters);
  auto view = feats.view();
  HybridOptions o;
  o.dim = 16;
  o.epochs = 5;
  auto fit = [&](const HybridOptions& opt) {
    auto m = fit_hybrid(data.train, data.items, &view, nullptr, opt);
    EXPECT_TRUE(m.is_ok()) << m.status().to_string();
    auto f = (*m)->factors().item_factors();
    return std::vector<float>(f.begin(), f.end());
  };
  const auto base = fit(o);
  // Unset = the side features' values: spelling them out changes nothing.
  auto same = o;
  same.identity_alpha = o.item_alpha;
  same.side_learning_rate = o.learning_rate;
  EXPECT_EQ(fit(same), base);
  auto other = o;
  other.side_learning_rate = 0.2;
  EXPECT_NE(fit(other), base);
  // A strong L2 on the identities alone leaves items with their cluster's
  // token embedding: items of one cluster end up (nearly) alike.
  auto spread = [&](const std::vector<float>& f) {
    double within = 0, total = 0;
    for (size_t i = 0; i < data.items; ++i)
      for (size_t c = 0; c < o.dim; ++c) {
        const size_t same_cluster = (i + data.clusters) % data.items;  // another item of i's cluster
        within += std::fabs(f[i * o.dim + c] - f[same_cluster * o.dim + c]);
        total += std::fabs(f[i * o.dim + c]);
      }
    return within / total;
  };
  auto strong = o;
  strong.identity_alpha = 5.0;
  const double s_strong = spread(fit(strong)), s_base = spread(base);
  EXPECT_LT(s_strong, s_base / 5) << s_strong << " vs " << s_base;
  o.identity_alpha = std::nan("");
  EXPECT_FALSE(fit_hybrid(data.train, data.items, &view, nullptr, o).is_ok());
}

TEST(Hybrid, RejectsBadInput) {
  Lists train{{0, 1}, {1}};
  HybridOptions o;
  o.loss = "hinge";
  EXPECT_FALSE(fit_hybrid(train, 2, nullptr, nullptr, o).is_ok());
  auto feats = cluster_features(3, 2);  // 3 rows for a 2-item catalog
  auto view = feats.view();
  EXPECT_FALSE(fit_hybrid(train, 2, &view, nullptr, {}).is_ok());
}

// ---------------------------------------------------------------- Blend

class Fixed final : public Scorer {
 public:
  Fixed(std::vector<float> rows, size_t n) : rows_(std::move(rows)), n_(n) {}
  size_t num_items() const override { return n_; }
  void score(std::span<const int32_t> users, std::span<float> out) const override {
    for (size_t b = 0; b < users.size(); ++b)
      std::copy_n(rows_.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(users[b]) * n_), n_,
                  out.begin() + static_cast<std::ptrdiff_t>(b * n_));
  }

 private:
  std::vector<float> rows_;
  size_t n_;
};

TEST(Blend, MinMaxAndZScorePerUserOverCandidates) {
  auto a = std::make_shared<Fixed>(std::vector<float>{100, 0, 10, 20}, 4);
  auto b = std::make_shared<Fixed>(std::vector<float>{0, 1, 3, 2}, 4);
  BlendOptions o;
  o.exclude = {{0}};  // item 0 is a training item: out of the statistics
  auto m = make_blend({{a, 1.0}, {b, 2.0}}, o);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  std::vector<float> out(4);
  std::vector<int32_t> user{0};
  (*m)->score(user, out);
  // a over candidates {0,10,20} -> {0, .5, 1}; b over {1,3,2} -> {0, 1, .5}.
  EXPECT_NEAR(out[1], 0.0 + 2 * 0.0, 1e-6);
  EXPECT_NEAR(out[2], 0.5 + 2 * 1.0, 1e-6);
  EXPECT_NEAR(out[3], 1.0 + 2 * 0.5, 1e-6);

  o.normalization = "zscore";
  auto z = make_blend({{b, 1.0}}, o);
  ASSERT_TRUE(z.is_ok());
  (*z)->score(user, out);
  const double sd = std::sqrt(2.0 / 3.0);  // of {1, 3, 2}
  EXPECT_NEAR(out[1], (1 - 2) / sd, 1e-5);
  EXPECT_NEAR(out[2], (3 - 2) / sd, 1e-5);

  o.normalization = "rank";
  EXPECT_FALSE(make_blend({{b, 1.0}}, o).is_ok());
  auto c = std::make_shared<Fixed>(std::vector<float>{1, 2}, 2);
  EXPECT_FALSE(make_blend({{a, 1.0}, {c, 1.0}}).is_ok());
}

// ---------------------------------------------------------------- HNSW

TEST(Hnsw, RecallAgainstExactAtDefaults) {
  const size_t n = 3000, d = 32, queries = 200, k = 10;
  std::mt19937_64 rng(4);
  std::normal_distribution<float> g(0, 1);
  std::vector<float> items(n * d), users(queries * d);
  for (float& x : items) x = g(rng);
  for (float& x : users) x = g(rng);
  FactorModel model(users, items, d);
  auto index = build_hnsw(model);
  ASSERT_TRUE(index.is_ok()) << index.status().to_string();
  std::vector<int32_t> ids(queries);
  for (size_t u = 0; u < queries; ++u) ids[u] = static_cast<int32_t>(u);
  Lists exclude(queries);
  for (size_t u = 0; u < queries; u += 2) exclude[u] = {1, 5, 7};
  TopKOptions o;
  o.k = k;
  auto exact = recommend_top_k(model, ids, exclude, o);
  auto approx = recommend_top_k_hnsw(model, **index, ids, exclude, o);
  size_t hits = 0;
  for (size_t u = 0; u < queries; ++u) {
    ASSERT_EQ(approx[u].size(), k);
    for (int32_t i : approx[u]) {
      EXPECT_FALSE(std::binary_search(exclude[u].begin(), exclude[u].end(), i));
      hits += std::find(exact[u].begin(), exact[u].end(), i) != exact[u].end() ? 1 : 0;
    }
  }
  const double recall = static_cast<double>(hits) / static_cast<double>(queries * k);
  EXPECT_GE(recall, 0.95) << recall;
}

TEST(Hnsw, FoldsTheItemBiasIntoTheInnerProduct) {
  // Item 2 wins only through its bias.
  FactorModel model({1, 0}, {1, 0, 0.9f, 0, 0.95f, 0}, 2, {}, {0, 0, 0.2f});
  auto index = build_hnsw(model);
  ASSERT_TRUE(index.is_ok());
  std::vector<int32_t> user{0};
  TopKOptions o;
  o.k = 2;
  auto got = recommend_top_k_hnsw(model, **index, user, {}, o);
  ASSERT_EQ(got[0].size(), 2u);
  EXPECT_EQ(got[0][0], 2);
  EXPECT_EQ(got[0][1], 0);
  EXPECT_FALSE(HnswIndex::build(std::vector<float>{1, 2, 3}, 2, 2).is_ok());
}

}  // namespace
}  // namespace tokrec::rec
