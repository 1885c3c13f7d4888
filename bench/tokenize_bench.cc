// Encode throughput of the WordPiece tokenizer on bert-base-uncased, over
// MovieLens titles/genres and tags (data/cache/movielens/ml-latest-small) or,
// when that is missing, a generated mixed-script text.
#include <benchmark/benchmark.h>

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

std::shared_ptr<const Tokenizer> tokenizer() {
  static auto tok = [] {
    auto r = Tokenizer::load(kCache + "/tokenizers/bert-base-uncased/tokenizer.json");
    return r.is_ok() ? *r : nullptr;
  }();
  return tok;
}

const std::vector<std::string>& multilingual_lines() {
  static const std::vector<std::string> lines = [] {
    std::vector<std::string> out;
    const char* samples[] = {
        "Café déjà vu, naïve façade — Ångström", "Москва — столица России", "你好，世界！这是简体中文。",
        "日本語のテキスト：ひらがな、カタカナ", "안녕하세요 세계! 한국어 텍스트", "Σίσυφος ΣΊΣΥΦΟΣ ὁ λόγος",
        "مرحبا بالعالم! هذا نص عربي", "Emoji 😀 👍🏽 👨‍👩‍👧‍👦 [MASK] done"};
    for (int i = 0; i < 5000; ++i) out.push_back(std::string(samples[i % 8]) + " " + std::to_string(i));
    return out;
  }();
  return lines;
}

void run_encode(benchmark::State& state, const std::vector<std::string>& lines) {
  auto tok = tokenizer();
  if (!tok) {
    state.SkipWithError("bert-base-uncased tokenizer.json not found (run scripts/fetch-data.sh)");
    return;
  }
  EncodeOptions opts;
  opts.add_special_tokens = false;
  encode_each(state, *tok, lines, opts);
}

void BM_EncodeMovieLens(benchmark::State& state) { run_encode(state, movielens_lines()); }
BENCHMARK(BM_EncodeMovieLens)->Unit(benchmark::kMillisecond);

void BM_EncodeMultilingual(benchmark::State& state) { run_encode(state, multilingual_lines()); }
BENCHMARK(BM_EncodeMultilingual)->Unit(benchmark::kMillisecond);

// encode_batch with the file's defaults (truncate + pad to 128), 1..N threads.
void BM_EncodeBatchFileDefaults(benchmark::State& state) {
  auto tok = tokenizer();
  if (!tok) {
    state.SkipWithError("tokenizer missing");
    return;
  }
  const auto& lines = movielens_lines();
  for (auto _ : state) {
    auto r = tok->encode_batch(lines, EncodeOptions{}, static_cast<size_t>(state.range(0)));
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * total_bytes(lines)));
}
BENCHMARK(BM_EncodeBatchFileDefaults)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// BytePiece (bytepiece_80k.zip) on Chinese+English lines: the same lines as
// tests/golden/gen/gen_bytepiece.py --bench, which times the plain Python
// implementation of the reference algorithm for comparison.
const std::vector<std::string>& zh_en_lines() {
  static const std::vector<std::string> lines = [] {
    const char* samples[] = {
        "今天天气不错，我们去公园散步吧。The weather is nice today, let's take a walk in the park.",
        "推荐系统使用大语言模型的token作为物品特征，recommender systems use LLM tokens as item features.",
        "电影《流浪地球》讲述了人类带着地球逃离太阳系的故事，a Chinese science fiction film.",
        "用户对这部电影的评分是4.5分，user 12345 rated movie 67890 with 4.5 stars.",
        "BytePiece是一个基于字节的Unigram分词器，它的压缩率比SentencePiece更高。",
        "Machine learning models need fast tokenizers: 机器学习模型需要快速的分词器。",
        "这家餐厅的菜很好吃，服务也很周到，价格合理，推荐大家去尝试一下。",
        "The quick brown fox jumps over the lazy dog while 敏捷的棕色狐狸跳过了懒狗。"};
    std::vector<std::string> out;
    for (int i = 0; i < 5000; ++i) out.push_back(std::string(samples[i % 8]) + " " + std::to_string(i));
    return out;
  }();
  return lines;
}

void BM_BytePiece80k(benchmark::State& state) {
  static auto tok = [] {
    auto r = Tokenizer::load(std::string(TOKREC_SHARED_DATA) + "/tokenizers/bytepiece/bytepiece_80k.zip");
    return r.is_ok() ? *r : nullptr;
  }();
  if (!tok) {
    state.SkipWithError("bytepiece_80k.zip not found in the shared data");
    return;
  }
  const auto& lines = zh_en_lines();
  EncodeOptions opts;
  opts.with_tokens = false;
  encode_each(state, *tok, lines, opts);
}
BENCHMARK(BM_BytePiece80k)->Unit(benchmark::kMillisecond);

void BM_BytePiece80kLoad(benchmark::State& state) {
  const std::string path = std::string(TOKREC_SHARED_DATA) + "/tokenizers/bytepiece/bytepiece_80k.zip";
  for (auto _ : state) {
    auto r = Tokenizer::load(path);
    if (!r.is_ok()) {
      state.SkipWithError("bytepiece_80k.zip not found in the shared data");
      return;
    }
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_BytePiece80kLoad)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
