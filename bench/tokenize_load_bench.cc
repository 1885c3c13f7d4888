// Tokenizer load time: Tokenizer::load of each big vocabulary, from its
// tokenizer.json (streamed, src/tokenize/json_stream.h), its tiktoken rank
// file, vocab.json + merges.txt, or a SentencePiece/Unigram tokenizer.json.
// The counter held_MiB is the heap the loaded tokenizer keeps (glibc
// mallinfo2: bytes in use after the load minus before); the peak RSS of a
// whole load is measured outside with /usr/bin/time (docs/tokenizers.md).
//
// The tiktoken encodings as tokenizer.json are generated into the data cache
// by tests/golden/gen/tiktoken_to_hf.js; missing files are skipped.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <string>
#include <vector>

#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"

namespace {

using tokrec::tokenize::Tokenizer;

const std::string kShared = std::string(TOKREC_SHARED_DATA) + "/tokenizers/";
const std::string kCache = std::string(TOKREC_CACHE_DATA) + "/tokenizers/";

// Heap bytes in use, in MiB (glibc: small blocks plus mmapped ones).
double heap_mib() {
  const struct mallinfo2 m = mallinfo2();
  return static_cast<double>(m.uordblks + m.hblkhd) / (1024.0 * 1024.0);
}

void BM_Load(benchmark::State& state, const std::string& path) {
  if (!tokrec::io::file_exists(path)) {
    state.SkipWithError((path + " not found").c_str());
    return;
  }
  double held = 0;
  for (auto _ : state) {
    const double before = heap_mib();
    auto tok = Tokenizer::load(path);
    if (!tok.is_ok()) {
      state.SkipWithError(tok.status().to_string().c_str());
      return;
    }
    held = heap_mib() - before;
    benchmark::DoNotOptimize(tok);
  }
  state.counters["held_MiB"] = held;
}

struct Case {
  const char* name;
  std::string path;
};

const std::vector<Case>& cases() {
  static const std::vector<Case> c = {
      {"o200k/tokenizer.json", kCache + "tiktoken-hf/o200k_base/tokenizer.json"},
      {"o200k/rank_file", kShared + "tiktoken/o200k_base.tiktoken"},
      {"cl100k/tokenizer.json", kCache + "tiktoken-hf/cl100k_base/tokenizer.json"},
      {"cl100k/rank_file", kShared + "tiktoken/cl100k_base.tiktoken"},
      {"llama3/tokenizer.json", kCache + "tiktoken-hf/llama3/tokenizer.json"},
      {"llama3/rank_file", kShared + "llama3/tokenizer.model"},
      {"qwen/tokenizer.json", kCache + "tiktoken-hf/qwen/tokenizer.json"},
      {"qwen/rank_file", kShared + "qwen/qwen.tiktoken"},
      {"gpt2/tokenizer.json", kShared + "gpt2/tokenizer.json"},
      {"gpt2/vocab.json+merges.txt", kShared + "gpt2/vocab.json"},
      {"llama2/tokenizer.json", kShared + "llama2/tokenizer.json"},
      {"t5-small/tokenizer.json(Unigram)", kShared + "t5-small/tokenizer.json"},
      {"bert-base-uncased/tokenizer.json", kShared + "bert-base-uncased/tokenizer.json"},
  };
  return c;
}

const bool kRegistered = [] {
  for (const Case& c : cases())
    benchmark::RegisterBenchmark((std::string("BM_Load/") + c.name).c_str(), BM_Load, c.path)
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  return true;
}();

}  // namespace

BENCHMARK_MAIN();
