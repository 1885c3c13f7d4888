// Stage B throughput: TF-IDF fit_transform over a synthetic Zipf-like token
// corpus, and word-vector file loading (GloVe 100k × 100, gzip).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "tokrec/features/pooling.h"
#include "tokrec/features/tfidf.h"
#include "tokrec/features/word_vectors.h"
#include "tokrec/io/file.h"

namespace {

using Docs = std::vector<std::vector<std::string>>;

// Term ranks drawn from a Zipf(1.1)-like distribution, as words in item text are.
Docs make_corpus(size_t n_docs, size_t tokens_per_doc, size_t vocab) {
  std::mt19937_64 rng(42);
  std::vector<double> cdf(vocab);
  double total = 0;
  for (size_t r = 0; r < vocab; ++r) cdf[r] = (total += 1.0 / std::pow(static_cast<double>(r + 1), 1.1));
  std::uniform_real_distribution<double> u(0.0, total);
  std::vector<std::string> terms(vocab);
  for (size_t r = 0; r < vocab; ++r) terms[r] = "tok" + std::to_string(r);
  Docs docs(n_docs);
  for (auto& d : docs) {
    d.reserve(tokens_per_doc);
    for (size_t t = 0; t < tokens_per_doc; ++t) {
      size_t r = static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), u(rng)) - cdf.begin());
      d.push_back(terms[std::min(r, vocab - 1)]);
    }
  }
  return docs;
}

void BM_TfidfFitTransform(benchmark::State& state) {
  const auto n_docs = static_cast<size_t>(state.range(0));
  Docs docs = make_corpus(n_docs, 64, 30000);
  tokrec::features::TfidfOptions opt;
  opt.sublinear_tf = state.range(1) != 0;
  for (auto _ : state) {
    tokrec::features::TfidfVectorizer vec(opt);
    auto m = vec.fit_transform(docs);
    if (!m.is_ok()) state.SkipWithError(m.status().to_string().c_str());
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * n_docs * 64));  // tokens
  state.counters["docs/s"] = benchmark::Counter(static_cast<double>(state.iterations() * n_docs),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_TfidfFitTransform)->Args({1000, 0})->Args({20000, 0})->Args({20000, 1})->Unit(benchmark::kMillisecond);

void load_vectors(benchmark::State& state, const std::string& path) {
  if (!tokrec::io::file_exists(path)) {
    state.SkipWithError((path + " not found (run scripts/fetch-data.sh)").c_str());
    return;
  }
  size_t words = 0;
  for (auto _ : state) {
    auto wv = tokrec::features::WordVectors::load(path);
    if (!wv.is_ok()) {
      state.SkipWithError(wv.status().to_string().c_str());
      return;
    }
    words = wv->size();
    benchmark::DoNotOptimize(wv->find("the"));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * words));
  state.counters["words"] = static_cast<double>(words);
}

void BM_GloveLoad100k(benchmark::State& state) {
  load_vectors(state, std::string(TOKREC_CACHE_DATA) + "/vectors/glove.6B.100d.top100k.txt.gz");
}
BENCHMARK(BM_GloveLoad100k)->Unit(benchmark::kMillisecond)->Iterations(3);

// The same table from the binary cache (mmap + hash index). The cache is
// written to the system temp folder, never next to the data.
void BM_GloveLoad100kBinaryCache(benchmark::State& state) {
  std::string src = std::string(TOKREC_CACHE_DATA) + "/vectors/glove.6B.100d.top100k.txt.gz";
  auto text = tokrec::features::WordVectors::load(src);
  if (!text.is_ok()) {
    state.SkipWithError(text.status().to_string().c_str());
    return;
  }
  std::string bin = "/tmp/tokrec_bench_glove100k.tokrec-cache";
  if (auto st = text->save_binary(bin); !st.is_ok()) {
    state.SkipWithError(st.to_string().c_str());
    return;
  }
  load_vectors(state, bin);
  std::remove(bin.c_str());
}
BENCHMARK(BM_GloveLoad100kBinaryCache)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_ZhLacLoad(benchmark::State& state) {
  load_vectors(state, std::string(TOKREC_SHARED_DATA) + "/vectors/zh-lac-128d/lac_small_emb128.txt.gz");
}
BENCHMARK(BM_ZhLacLoad)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_PoolMean(benchmark::State& state) {
  std::string path = std::string(TOKREC_CACHE_DATA) + "/vectors/glove.6B.100d.top100k.txt.gz";
  tokrec::features::WordVectorLoadOptions o;
  o.max_words = 20000;
  auto wv = tokrec::features::WordVectors::load(path, o);
  if (!wv.is_ok()) {
    state.SkipWithError(wv.status().to_string().c_str());
    return;
  }
  std::vector<std::string> tokens;
  for (size_t i = 0; i < 64; ++i) tokens.emplace_back(wv->word((i * 37) % wv->size()));
  std::vector<float> out(wv->dim());
  for (auto _ : state) benchmark::DoNotOptimize(tokrec::features::pool_mean(*wv, tokens, out));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * tokens.size()));
}
BENCHMARK(BM_PoolMean);

}  // namespace

BENCHMARK_MAIN();
