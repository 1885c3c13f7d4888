// evaluate() throughput: 100k users x 100 recommended items, 10 test items
// each, K in {10, 100}, 1 thread and all cores; plus the int-id streaming path and TSV parsing.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "tokrec/eval/metrics.h"
#include "tokrec/eval/ranking_io.h"

namespace {

constexpr int kUsers = 100000;
constexpr int kListLength = 100;
constexpr int kTestItems = 10;
constexpr int kCatalog = 50000;

struct Data {
  tokrec::eval::Recommendations recs;
  tokrec::eval::Truth truth;
  std::vector<std::vector<int64_t>> id_recs;
  std::vector<std::unordered_map<int64_t, double>> id_truth;
};

// Popularity-skewed items so that hits actually happen (~1 in 10 lists).
const Data& data() {
  static const Data d = [] {
    Data out;
    std::mt19937_64 rng(42);
    std::geometric_distribution<int> popular(0.002);
    auto item = [&] { return popular(rng) % kCatalog; };
    out.id_recs.resize(kUsers);
    out.id_truth.resize(kUsers);
    for (int u = 0; u < kUsers; ++u) {
      std::string user = "u" + std::to_string(u);
      auto& list = out.recs[user];
      for (int p = 0; p < kListLength; ++p) {
        int i = item();
        list.push_back("i" + std::to_string(i));
        out.id_recs[static_cast<size_t>(u)].push_back(i);
      }
      auto& t = out.truth[user];
      for (int j = 0; j < kTestItems; ++j) {
        int i = item();
        t["i" + std::to_string(i)] = 1.0;
        out.id_truth[static_cast<size_t>(u)][i] = 1.0;
      }
    }
    return out;
  }();
  return d;
}

void BM_EvaluateStrings(benchmark::State& state) {
  const Data& d = data();
  tokrec::eval::MetricOptions opt;
  opt.ks = {10, static_cast<int>(state.range(0))};
  opt.threads = static_cast<size_t>(state.range(1));
  for (auto _ : state) {
    auto m = tokrec::eval::evaluate(d.recs, d.truth, opt);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations() * kUsers);  // users per second
}
// Args: K, threads (0 = all cores).
BENCHMARK(BM_EvaluateStrings)
    ->Args({10, 1})
    ->Args({100, 1})
    ->Args({100, 0})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_AccumulateIntIds(benchmark::State& state) {
  const Data& d = data();
  tokrec::eval::MetricOptions opt;
  opt.ks = {10, static_cast<int>(state.range(0))};
  opt.catalog_size = kCatalog;
  for (auto _ : state) {
    tokrec::eval::MetricAccumulator acc(opt);
    for (size_t u = 0; u < d.id_recs.size(); ++u) acc.add("", d.id_recs[u], d.id_truth[u]);
    benchmark::DoNotOptimize(acc.result());
  }
  state.SetItemsProcessed(state.iterations() * kUsers);
}
BENCHMARK(BM_AccumulateIntIds)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);

void BM_ParseRecommendations(benchmark::State& state) {
  static const std::string text = tokrec::eval::format_recommendations(data().recs);
  for (auto _ : state) {
    auto r = tokrec::eval::parse_recommendations(text, "bench");
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_ParseRecommendations)->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
