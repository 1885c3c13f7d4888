// Segmentation throughput per mode and dictionary load time, one thread.
// Text: the shared cppjieba review data (data/cache, scripts/fetch-data.sh).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "tokrec/io/file.h"
#include "tokrec/segment/keywords.h"
#include "tokrec/segment/pos_tagger.h"
#include "tokrec/segment/segmenter.h"

namespace {

using namespace tokrec::segment;

const std::string kDir = std::string(TOKREC_CACHE_DATA) + "/zh/jieba";

struct Data {
  std::shared_ptr<const Segmenter> seg;
  std::shared_ptr<const PosTagger> pos;
  std::shared_ptr<const KeywordExtractor> kw;
  std::vector<std::string> lines;
  size_t bytes = 0;
};

const Data* data() {
  static const Data* d = []() -> const Data* {
    auto seg = Segmenter::load(SegmenterOptions::from_dir(kDir));
    auto lines = tokrec::io::read_lines(std::string(TOKREC_CACHE_DATA) + "/zh/cppjieba/testdata/review.100");
    if (!seg.is_ok() || !lines.is_ok()) return nullptr;
    auto pos = PosTagger::load(*seg, kDir + "/posseg");
    if (!pos.is_ok()) return nullptr;
    auto kw = KeywordExtractor::load(*pos, kDir + "/idf.txt");
    if (!kw.is_ok()) return nullptr;
    auto* out = new Data{*seg, *pos, *kw, *lines, 0};
    for (const auto& l : out->lines) out->bytes += l.size();
    return out;
  }();
  return d;
}

template <typename F>
void run(benchmark::State& state, F f) {
  const Data* d = data();
  if (!d) {
    state.SkipWithError("jieba data missing: run scripts/fetch-data.sh");
    return;
  }
  for (auto _ : state)
    for (const auto& l : d->lines) benchmark::DoNotOptimize(f(*d, l));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * d->bytes));
}

void BM_LoadDictionary(benchmark::State& state) {
  for (auto _ : state) {
    auto seg = Segmenter::load(SegmenterOptions::from_dir(kDir));
    if (!seg.is_ok()) {
      state.SkipWithError("jieba data missing");
      return;
    }
    benchmark::DoNotOptimize(seg);
  }
}
BENCHMARK(BM_LoadDictionary)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_CutAccurateHmm(benchmark::State& s) {
  run(s, [](const Data& d, const std::string& l) { return d.seg->cut(l, Mode::kAccurate, true); });
}
void BM_CutAccurateNoHmm(benchmark::State& s) {
  run(s, [](const Data& d, const std::string& l) { return d.seg->cut(l, Mode::kAccurate, false); });
}
void BM_CutFull(benchmark::State& s) {
  run(s, [](const Data& d, const std::string& l) { return d.seg->cut(l, Mode::kFull, false); });
}
void BM_CutSearch(benchmark::State& s) {
  run(s, [](const Data& d, const std::string& l) { return d.seg->cut(l, Mode::kSearch, true); });
}
void BM_PosTag(benchmark::State& s) {
  run(s, [](const Data& d, const std::string& l) { return d.pos->cut(l, true); });
}
void BM_KeywordsTfidf(benchmark::State& s) {
  run(s, [](const Data& d, const std::string& l) { return d.kw->tfidf(l); });
}
void BM_KeywordsTextRank(benchmark::State& s) {
  run(s, [](const Data& d, const std::string& l) { return d.kw->textrank(l); });
}
BENCHMARK(BM_CutAccurateHmm);
BENCHMARK(BM_CutAccurateNoHmm);
BENCHMARK(BM_CutFull);
BENCHMARK(BM_CutSearch);
BENCHMARK(BM_PosTag);
BENCHMARK(BM_KeywordsTfidf);
BENCHMARK(BM_KeywordsTextRank);

}  // namespace

BENCHMARK_MAIN();
