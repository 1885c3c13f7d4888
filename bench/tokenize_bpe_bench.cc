// Byte-level BPE (and, for comparison, WordPiece) tokenizers: load time and
// the memory a loaded tokenizer takes (resident-set growth), single-thread
// encode throughput, and encode_batch on 1 and 2 threads (the scaling the
// tokenizer issue asks for, >= 1.8x on 2 threads).
//
//   build/bench/bench_tokenize_bpe --benchmark_filter=Load
//
// The RSS delta is measured once per tokenizer, before any timed load, with
// freed memory handed back to the system first (malloc_trim), so it is what
// a fresh process pays for holding the tokenizer.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "tokenize_bench_common.h"
#include "tokrec/tokenize/tokenizer.h"

namespace {

using tokrec::tokenize::EncodeOptions;
using tokrec::tokenize::Tokenizer;
using tokrec_bench::encode_each;
using tokrec_bench::kCache;
using tokrec_bench::movielens_lines;
using tokrec_bench::total_bytes;

struct Named {
  const char* name;
  const char* path;  // under the data cache
};
const Named kTokenizers[] = {
    {"gpt2", "/tokenizers/gpt2/tokenizer.json"},
    {"o200k_base", "/tokenizers/tiktoken/o200k_base.tiktoken"},
    {"cl100k_base", "/tokenizers/tiktoken/cl100k_base.tiktoken"},
    {"llama3", "/tokenizers/llama3/tokenizer.model"},
    {"bert-base-uncased", "/tokenizers/bert-base-uncased/tokenizer.json"},
};

double rss_mib() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

// RSS growth of loading `path` into a fresh process-like state; -1 on failure.
double memory_of(const std::string& path) {
  static std::map<std::string, double> measured;
  if (auto it = measured.find(path); it != measured.end()) return it->second;
  malloc_trim(0);
  const double before = rss_mib();
  double delta = -1;
  {
    auto tok = Tokenizer::load(path);
    if (tok.is_ok()) delta = rss_mib() - before;
  }
  malloc_trim(0);
  measured[path] = delta;
  return delta;
}

std::shared_ptr<const Tokenizer> loaded(const std::string& path) {
  static std::map<std::string, std::shared_ptr<const Tokenizer>> cache;
  auto& slot = cache[path];
  if (!slot) {
    auto r = Tokenizer::load(path);
    if (r.is_ok()) slot = *r;
  }
  return slot;
}

void BM_Load(benchmark::State& state, const Named& t) {
  const std::string path = kCache + t.path;
  const double mib = memory_of(path);
  if (mib < 0) {
    state.SkipWithError((path + " not loadable (run scripts/fetch-data.sh)").c_str());
    return;
  }
  for (auto _ : state) {
    auto tok = Tokenizer::load(path);
    benchmark::DoNotOptimize(tok);
  }
  state.counters["rss_MiB"] = mib;
}

void BM_Encode(benchmark::State& state, const Named& t) {
  auto tok = loaded(kCache + t.path);
  if (!tok) {
    state.SkipWithError("tokenizer not loadable");
    return;
  }
  const auto& lines = movielens_lines();
  EncodeOptions opts;
  opts.add_special_tokens = false;
  opts.with_tokens = false;
  encode_each(state, *tok, lines, opts);
}

// encode_batch over all lines on state.range(0) threads. Time = wall time,
// CPU = all threads' CPU time: on a machine busy with other work the wall
// time says little, and CPU(1 thread) / CPU(2 threads) shows whether the
// second thread adds work of its own (contention, cold caches). The time
// includes freeing the previous batch's encodings (serial, on the caller's
// thread), as a real batch job pays it. BM_EncodeBatch returns the masks
// (4 vectors per text); BM_EncodeBatchIds asks for ids only
// (with_masks = false, 1 vector per text, what `tokrec tokenize --format
// ids` does); BM_EncodeBatchFlat returns ids and masks in flat arrays
// (encode_batch_flat: 4 vectors per batch, the layout a model takes).
enum class BatchMode { kMasks, kIds, kFlat };

void run_batch(benchmark::State& state, const Tokenizer& tok, const std::vector<std::string>& lines,
               BatchMode mode) {
  EncodeOptions opts;
  opts.add_special_tokens = false;
  opts.with_tokens = false;
  opts.with_masks = mode != BatchMode::kIds;
  const auto threads = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    if (mode == BatchMode::kFlat) {
      auto r = tok.encode_batch_flat(lines, opts, threads);
      benchmark::DoNotOptimize(r);
    } else {
      auto r = tok.encode_batch(lines, opts, threads);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * total_bytes(lines)));
}

void BM_EncodeBatch(benchmark::State& state, const Named& t, BatchMode mode) {
  auto tok = loaded(kCache + t.path);
  if (!tok) {
    state.SkipWithError("tokenizer not loadable");
    return;
  }
  run_batch(state, *tok, movielens_lines(), mode);
}

// The same lines eight times (4.6 MB): a catalogue-sized batch, where the
// per-call costs (starting the pool, each new thread's cold word cache) are
// amortized as they are in a real batch job.
void BM_EncodeBatchLarge(benchmark::State& state, const Named& t, BatchMode mode) {
  auto tok = loaded(kCache + t.path);
  if (!tok) {
    state.SkipWithError("tokenizer not loadable");
    return;
  }
  static const std::vector<std::string> large = [] {
    std::vector<std::string> out;
    for (int copy = 0; copy < 8; ++copy)
      for (const std::string& line : movielens_lines()) out.push_back(line + " " + std::to_string(copy));
    return out;
  }();
  run_batch(state, *tok, large, mode);
}

int register_all() {
  for (const Named& t : kTokenizers) {
    benchmark::RegisterBenchmark((std::string("BM_Load/") + t.name).c_str(), BM_Load, t)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((std::string("BM_Encode/") + t.name).c_str(), BM_Encode, t)
        ->Unit(benchmark::kMillisecond);
    for (BatchMode mode : {BatchMode::kMasks, BatchMode::kIds, BatchMode::kFlat}) {
      const std::string suffix =
          std::string(mode == BatchMode::kIds ? "Ids/" : mode == BatchMode::kFlat ? "Flat/" : "/") + t.name;
      benchmark::RegisterBenchmark(("BM_EncodeBatch" + suffix).c_str(), BM_EncodeBatch, t, mode)
          ->Arg(1)
          ->Arg(2)
          ->Unit(benchmark::kMillisecond)
          ->MeasureProcessCPUTime()
          ->UseRealTime();
      benchmark::RegisterBenchmark(("BM_EncodeBatchLarge" + suffix).c_str(), BM_EncodeBatchLarge, t, mode)
          ->Arg(1)
          ->Arg(2)
          ->Unit(benchmark::kMillisecond)
          ->MeasureProcessCPUTime()
          ->UseRealTime();
    }
  }
  return 0;
}
const int kRegistered = register_all();

}  // namespace

BENCHMARK_MAIN();
