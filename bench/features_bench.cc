// Stage B throughput: TF-IDF fit_transform over a synthetic Zipf-like token
// corpus, word-vector file loading (GloVe 100k × 100, gzip and binary cache),
// and pooling 100k item titles into GloVe vectors (mean and TF-IDF-weighted).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "tokrec/features/analyzer.h"
#include "tokrec/features/corpus.h"
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

// Pooling a catalog: 100k item titles (MovieLens titles + genres, repeated
// with a running number until 100k; synthetic words if the file is missing),
// word analyzer -> GloVe 100d (from the binary cache) -> one pooled row per
// title. Items/s and tokens/s (analyzed tokens, found or not) are reported.
std::vector<std::string> catalog_titles(size_t n) {
  std::vector<std::string> base;
  auto text = tokrec::io::read_file(std::string(TOKREC_CACHE_DATA) + "/movielens/ml-latest-small/movies.csv");
  if (text.is_ok()) {
    size_t pos = text->find('\n') + 1;  // header
    while (pos < text->size()) {
      size_t nl = text->find('\n', pos);
      if (nl == std::string::npos) nl = text->size();
      std::string_view line(text->data() + pos, nl - pos);
      pos = nl + 1;
      // movieId,title,genres -- the title may be quoted and hold commas.
      size_t c1 = line.find(','), c2 = line.rfind(',');
      if (c1 == std::string_view::npos || c2 <= c1) continue;
      std::string title(line.substr(c1 + 1, c2 - c1 - 1));
      if (title.size() >= 2 && title.front() == '"') title = title.substr(1, title.size() - 2);
      std::string genres(line.substr(c2 + 1));
      for (char& ch : genres) ch = ch == '|' ? ' ' : ch;
      base.push_back(title + " " + genres);
    }
  }
  if (base.empty()) {
    std::mt19937_64 rng(1);
    for (size_t i = 0; i < 5000; ++i) {
      std::string t;
      for (size_t w = 0; w < 4 + rng() % 6; ++w) t += "word" + std::to_string(rng() % 20000) + " ";
      base.push_back(t);
    }
  }
  std::vector<std::string> titles(n);
  for (size_t i = 0; i < n; ++i)
    titles[i] = i < base.size() ? base[i % base.size()] : base[i % base.size()] + " " + std::to_string(i / base.size());
  return titles;
}

struct PoolingFixture {
  tokrec::features::WordVectors vectors;
  std::vector<std::string> titles;
};

// GloVe 100d via the binary cache in the temp folder (built once).
const PoolingFixture* pooling_fixture(std::string& error) {
  static std::unique_ptr<PoolingFixture> fixture;
  static std::string load_error;
  if (!fixture && load_error.empty()) {
    tokrec::features::WordVectorLoadOptions o;
    o.cache_path = "/tmp/tokrec_bench_glove100k_pool.tokrec-cache";
    auto wv = tokrec::features::WordVectors::load(
        std::string(TOKREC_CACHE_DATA) + "/vectors/glove.6B.100d.top100k.txt.gz", o);
    if (!wv.is_ok()) load_error = wv.status().to_string();
    else fixture = std::make_unique<PoolingFixture>(PoolingFixture{std::move(*wv), catalog_titles(100000)});
  }
  error = load_error;
  return fixture.get();
}

void pool_catalog(benchmark::State& state, bool weighted) {
  using namespace tokrec::features;
  std::string error;
  const PoolingFixture* f = pooling_fixture(error);
  if (!f) {
    state.SkipWithError(error.c_str());
    return;
  }
  auto analyzer = Analyzer::create(AnalyzerOptions{});  // sklearn's word analyzer
  TfidfVectorizer idf;
  if (weighted) {  // idf fitted on the catalog (not timed)
    auto fit = fit_transform_texts(f->titles, *analyzer, idf);
    if (!fit.is_ok()) {
      state.SkipWithError(fit.status().to_string().c_str());
      return;
    }
  }
  const size_t dim = f->vectors.dim();
  std::vector<float> out(f->titles.size() * dim);
  size_t tokens = 0, found = 0;
  Terms terms;
  std::vector<double> weights;
  for (auto _ : state) {
    tokens = found = 0;
    for (size_t i = 0; i < f->titles.size(); ++i) {
      (void)analyzer->analyze(f->titles[i], terms);
      std::span<float> row(out.data() + i * dim, dim);
      tokens += terms.size();
      if (weighted) {
        // TF-IDF-weighted: each occurrence weighs idf(t), so a term's total
        // weight is tf · idf; terms outside the fitted vocabulary weigh 0.
        weights.resize(terms.size());
        for (size_t t = 0; t < terms.size(); ++t) {
          auto c = idf.column(terms[t]);
          weights[t] = c ? idf.idf()[static_cast<size_t>(*c)] : 0.0;
        }
        found += pool_weighted_terms(f->vectors, terms, weights, row);
      } else {
        found += pool_mean_terms(f->vectors, terms, row);
      }
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * f->titles.size()));
  state.counters["tokens/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * tokens), benchmark::Counter::kIsRate);
  state.counters["found%"] = 100.0 * static_cast<double>(found) / static_cast<double>(std::max<size_t>(tokens, 1));
}

void BM_PoolTitlesMean(benchmark::State& state) { pool_catalog(state, false); }
BENCHMARK(BM_PoolTitlesMean)->Unit(benchmark::kMillisecond);
void BM_PoolTitlesTfidfWeighted(benchmark::State& state) { pool_catalog(state, true); }
BENCHMARK(BM_PoolTitlesTfidfWeighted)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
