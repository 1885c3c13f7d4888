#include <benchmark/benchmark.h>

#include <string>

#include "tokrec/core/utf8.h"

static void BM_Utf8Validate(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += "Recommendation 推荐系统 héllo ";
  for (auto _ : state) benchmark::DoNotOptimize(tokrec::utf8::is_valid(text));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_Utf8Validate);

BENCHMARK_MAIN();
