// Retrieval and fitting speed of the rec models on synthetic data:
// exact top-10 (blocked GEMM) vs HNSW over 50,000 clustered 64-d items, with
// HNSW's recall@10 against exact as a counter; ItemKNN and EASE fits.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <set>

#include "tokrec/rec/ease.h"
#include "tokrec/rec/factor_model.h"
#include "tokrec/rec/hnsw.h"
#include "tokrec/rec/item_knn.h"

namespace {

using namespace tokrec::rec;

constexpr size_t kItems = 50000, kDim = 64, kQueries = 256;

const FactorModel& model() {
  static const FactorModel m = [] {
    std::mt19937_64 rng(1);
    std::normal_distribution<float> g(0, 1);
    // Vectors around 200 centres (trained embeddings are clustered; i.i.d.
    // Gaussian vectors are HNSW's worst case: recall@10 0.90 at ef 200).
    std::vector<float> centres(200 * kDim), users(kQueries * kDim), items(kItems * kDim);
    for (float& x : centres) x = g(rng);
    auto fill = [&](std::vector<float>& v, size_t rows) {
      for (size_t r = 0; r < rows; ++r) {
        const float* c = centres.data() + (rng() % 200) * kDim;
        for (size_t j = 0; j < kDim; ++j) v[r * kDim + j] = c[j] + 0.5f * g(rng);
      }
    };
    fill(users, kQueries);
    fill(items, kItems);
    return FactorModel(std::move(users), std::move(items), kDim);
  }();
  return m;
}

std::vector<int32_t> query_users() {
  std::vector<int32_t> u(kQueries);
  for (size_t i = 0; i < kQueries; ++i) u[i] = static_cast<int32_t>(i);
  return u;
}

void BM_ExactTopK(benchmark::State& state) {
  const auto users = query_users();
  TopKOptions o;
  o.k = 10;
  for (auto _ : state) benchmark::DoNotOptimize(recommend_top_k(model(), users, {}, o));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kQueries));
}
BENCHMARK(BM_ExactTopK)->Unit(benchmark::kMillisecond);

void BM_HnswTopK(benchmark::State& state) {
  static std::unique_ptr<HnswIndex> index = [] {
    HnswOptions o;
    o.threads = 0;
    auto built = build_hnsw(model(), o);
    return built.is_ok() ? std::move(built).value() : nullptr;
  }();
  if (!index) {
    state.SkipWithError("HNSW build failed");
    return;
  }
  const auto users = query_users();
  TopKOptions o;
  o.k = 10;
  std::vector<std::vector<int32_t>> got;
  for (auto _ : state) got = recommend_top_k_hnsw(model(), *index, users, {}, o);
  auto exact = recommend_top_k(model(), users, {}, o);
  size_t hits = 0;
  for (size_t u = 0; u < kQueries; ++u)
    for (int32_t i : got[u]) hits += std::count(exact[u].begin(), exact[u].end(), i);
  state.counters["recall@10"] = static_cast<double>(hits) / (kQueries * 10.0);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kQueries));
}
BENCHMARK(BM_HnswTopK)->Unit(benchmark::kMillisecond);

std::vector<std::vector<int32_t>> synthetic_train(size_t users, size_t items, size_t per_user) {
  std::mt19937_64 rng(2);
  std::vector<std::vector<int32_t>> train(users);
  for (auto& t : train) {
    std::set<int32_t> s;
    while (s.size() < per_user) s.insert(static_cast<int32_t>(static_cast<size_t>(std::pow((rng() % 10000) / 10000.0, 2) * items)));
    t.assign(s.begin(), s.end());
  }
  return train;
}

void BM_ItemKnnFit(benchmark::State& state) {
  auto train = synthetic_train(2000, 3000, 60);
  for (auto _ : state) benchmark::DoNotOptimize(fit_item_knn(train, 3000));
}
BENCHMARK(BM_ItemKnnFit)->Unit(benchmark::kMillisecond);

void BM_EaseFit(benchmark::State& state) {
  auto train = synthetic_train(2000, 3000, 60);
  for (auto _ : state) benchmark::DoNotOptimize(fit_ease(train, 3000));
}
BENCHMARK(BM_EaseFit)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
