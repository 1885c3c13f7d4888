// Encoder throughput (tokens/s) through the public API.
// Model: $TOKREC_ENCODER_BENCH_MODEL (a folder written by
//   /usr/bin/python3 tests/golden/gen/gen_encoder_models.py --bench DIR --shape minilm
// with its inputs.txt), else the committed tiny golden model and sentences.
//   build-x/bench/bench_encoder --benchmark_filter=Embed
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "tokrec/encoder/encoder.h"
#include "tokrec/io/file.h"

namespace {

using tokrec::encoder::Encoder;

struct Setup {
  std::shared_ptr<const Encoder> encoder;
  std::shared_ptr<const Encoder> by_dtype[3];  // fp32, bf16, int8
  std::vector<tokrec::tokenize::Encoding> encodings;
  size_t tokens = 0;
};

const Setup& setup() {
  static const Setup s = [] {
    Setup out;
    const char* env = std::getenv("TOKREC_ENCODER_BENCH_MODEL");
    const std::string golden = std::string(TOKREC_CACHE_DATA) + "/../../tests/golden/data/encoder";
    const std::string dir = env != nullptr ? env : golden + "/bert";
    const std::string inputs = env != nullptr ? dir + "/inputs.txt" : golden + "/sentences.txt";
    auto enc = Encoder::load(dir);
    auto lines = tokrec::io::read_lines(inputs);
    if (!enc.is_ok() || !lines.is_ok()) return out;
    out.encoder = *enc;
    out.by_dtype[0] = *enc;
    for (int d = 1; d < 3; ++d) {
      tokrec::encoder::LoadOptions lo;
      lo.dtype = static_cast<tokrec::encoder::DType>(d);
      if (auto q = Encoder::load(dir, lo); q.is_ok()) out.by_dtype[d] = *q;
    }
    auto e = out.encoder->tokenize(*lines, {});
    if (!e.is_ok()) return out;
    out.encodings = std::move(e).value();
    for (const auto& x : out.encodings) out.tokens += x.ids.size();
    return out;
  }();
  return s;
}

void BM_Embed(benchmark::State& state) {
  const Setup& s = setup();
  if (!s.encoder) {
    state.SkipWithError("no model (set TOKREC_ENCODER_BENCH_MODEL)");
    return;
  }
  tokrec::encoder::EmbedOptions o;
  o.threads = static_cast<size_t>(state.range(0));
  o.batch_size = static_cast<size_t>(state.range(1));
  for (auto _ : state) {
    auto m = s.encoder->embed(s.encodings, o);
    benchmark::DoNotOptimize(m);
  }
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(s.tokens * state.iterations()),
                                                  benchmark::Counter::kIsRate);
}
// Args: threads, batch size, dtype (0 fp32, 1 bf16, 2 int8).
void BM_EmbedDType(benchmark::State& state) {
  const Setup& s = setup();
  const auto& enc = s.by_dtype[state.range(2)];
  if (!enc) {
    state.SkipWithError("no model (set TOKREC_ENCODER_BENCH_MODEL)");
    return;
  }
  tokrec::encoder::EmbedOptions o;
  o.threads = static_cast<size_t>(state.range(0));
  o.batch_size = static_cast<size_t>(state.range(1));
  for (auto _ : state) {
    auto m = enc->embed(s.encodings, o);
    benchmark::DoNotOptimize(m);
  }
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(s.tokens * state.iterations()),
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_EmbedDType)->Args({2, 32, 0})->Args({2, 32, 1})->Args({2, 32, 2})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
// One thread, timed by the process's CPU time: on a shared machine this
// compares kernels (e.g. TOKREC_ENCODER_GEMM=sgemm against the default)
// without the wall-clock noise of other processes.
BENCHMARK(BM_EmbedDType)->Name("BM_EmbedDTypeCpu")->Args({1, 32, 0})->Args({1, 32, 1})
    ->Args({1, 32, 2})->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime();

BENCHMARK(BM_Embed)->Args({1, 32})->Args({2, 32})->Args({2, 8})->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
