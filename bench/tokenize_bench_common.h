// Shared by the tokenizer benchmarks (tokenize_bench.cc, tokenize_bpe_bench.cc):
// the MovieLens input lines and the single-text encode loop.
#pragma once

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec_bench {

inline const std::string kCache = TOKREC_CACHE_DATA;

// MovieLens movies.csv + tags.csv lines (data/cache, headers skipped), or,
// when they are missing, 20,000 generated mixed-script lines.
inline const std::vector<std::string>& movielens_lines() {
  static const std::vector<std::string> lines = [] {
    std::vector<std::string> out;
    for (const char* f : {"/movielens/ml-latest-small/movies.csv", "/movielens/ml-latest-small/tags.csv"}) {
      auto r = tokrec::io::read_lines(kCache + f);
      if (r.is_ok()) out.insert(out.end(), r->begin() + 1, r->end());  // skip the header
    }
    if (out.empty()) {
      for (int i = 0; i < 20000; ++i)
        out.push_back("Toy Story (1995) Adventure|Animation|Children héllo wörld " + std::to_string(i));
    }
    return out;
  }();
  return lines;
}

// Bytes of `lines` with one newline each, as the input file holds them.
inline size_t total_bytes(const std::vector<std::string>& lines) {
  size_t n = 0;
  for (const auto& l : lines) n += l.size() + 1;
  return n;
}

// encode() of every line, one at a time; bytes/s and tokens/s counters.
inline void encode_each(benchmark::State& state, const tokrec::tokenize::Tokenizer& tok,
                        const std::vector<std::string>& lines, const tokrec::tokenize::EncodeOptions& opts) {
  size_t tokens = 0;
  for (auto _ : state) {
    for (const auto& l : lines) {
      auto e = tok.encode(l, opts);
      tokens += e->ids.size();
      benchmark::DoNotOptimize(e);
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * total_bytes(lines)));
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
}

}  // namespace tokrec_bench
