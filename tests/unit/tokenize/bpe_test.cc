// Unit tests of the BPE pieces: HF Split behaviours, Digits/Punctuation, the
// BPE model options, loaders' errors, decode round trips and info().
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokenize/pre_tokenizer.h"
#include "tokenize/regex.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {
namespace {

std::vector<std::string> pieces_of(const PreTokenizer& p, std::string_view text) {
  std::vector<std::string_view> pieces{text};
  p.split(pieces);
  return {pieces.begin(), pieces.end()};
}

using V = std::vector<std::string>;

// The examples of HF's SplitDelimiterBehavior documentation.
TEST(SplitPreTokenizer, EveryBehaviourAsHuggingFaceDocumentsIt) {
  auto dash = Regex::literal("-");
  ASSERT_TRUE(dash.is_ok());
  auto run = [&](SplitBehavior b, bool invert = false) {
    return pieces_of(*make_split_pre_tokenizer(*dash, b, invert, "-"), "the-final--countdown");
  };
  EXPECT_EQ(run(SplitBehavior::kRemoved), (V{"the", "final", "countdown"}));
  EXPECT_EQ(run(SplitBehavior::kIsolated), (V{"the", "-", "final", "-", "-", "countdown"}));
  EXPECT_EQ(run(SplitBehavior::kMergedWithPrevious), (V{"the-", "final-", "-", "countdown"}));
  EXPECT_EQ(run(SplitBehavior::kMergedWithNext), (V{"the", "-final", "-", "-countdown"}));
  EXPECT_EQ(run(SplitBehavior::kContiguous), (V{"the", "-", "final", "--", "countdown"}));
  // invert: the text between dashes is the "delimiter"; each dash is a match.
  EXPECT_EQ(run(SplitBehavior::kRemoved, true), (V{"-", "-", "-"}));
  EXPECT_EQ(run(SplitBehavior::kContiguous, true), (V{"the", "-", "final", "--", "countdown"}));
}

TEST(SplitPreTokenizer, RegexWithUnicodeClassesAndLookahead) {
  auto re = Regex::compile(kGpt2Pattern);
  ASSERT_TRUE(re.is_ok());
  auto p = make_split_pre_tokenizer(*re, SplitBehavior::kIsolated, false, "gpt2");
  EXPECT_EQ(pieces_of(*p, "Hello world's   end  42\u00e9t\u00e9"),
            (V{"Hello", " world", "'s", "  ", " end", " ", " 42", "\u00e9t\u00e9"}));
  // U+180E is no White_Space (Oniguruma / Rust regex); PCRE2's \s would say it is.
  EXPECT_EQ(pieces_of(*p, "a\u180eb"), (V{"a", "\u180e", "b"}));
}

TEST(DigitsPreTokenizer, IndividualOrRuns) {
  EXPECT_EQ(pieces_of(*make_digits_pre_tokenizer(true), "ab123c\u0663\u0664"),
            (V{"ab", "1", "2", "3", "c", "\u0663", "\u0664"}));
  EXPECT_EQ(pieces_of(*make_digits_pre_tokenizer(false), "ab123c\u00bd"), (V{"ab", "123", "c", "\u00bd"}));
}

TEST(PunctuationPreTokenizer, IsolatesEachMark) {
  EXPECT_EQ(pieces_of(*make_punctuation_pre_tokenizer(SplitBehavior::kIsolated), "Hey!! you,"),
            (V{"Hey", "!", "!", " you", ","}));
}

// A tiny BPE tokenizer.json with the given model fields.
std::string bpe_json(const nlohmann::json& model_extra, const nlohmann::json& merges,
                     const nlohmann::json& pre = nullptr) {
  nlohmann::json vocab = {{"<unk>", 0}, {"a", 1}, {"b", 2}, {"c", 3}, {"ab", 4}, {"abc", 5},
                          {"<0x78>", 6}, {"bc", 7}, {"a</w>", 8}, {"##b", 9}, {"a##b", 10}};
  nlohmann::json model = {{"type", "BPE"}, {"vocab", vocab}, {"merges", merges}};
  if (model_extra.is_object()) model.update(model_extra);
  nlohmann::json j = {{"model", model}, {"pre_tokenizer", pre}};
  return j.dump();
}

std::vector<int32_t> ids_of(const std::string& json, std::string_view text) {
  auto tok = Tokenizer::from_json(json);
  EXPECT_TRUE(tok.is_ok()) << tok.status().to_string();
  if (!tok.is_ok()) return {};
  auto e = (*tok)->encode(text);
  EXPECT_TRUE(e.is_ok());
  return e.is_ok() ? e->ids : std::vector<int32_t>{};
}

TEST(BpeModel, MergesByRankInBothEncodings) {
  // "b c" ranks before "a b": abc -> a + bc (no "a bc" merge) = [1, 7].
  EXPECT_EQ(ids_of(bpe_json({}, {"b c", "a b", "ab c"}), "abc"), (std::vector<int32_t>{1, 7}));
  EXPECT_EQ(ids_of(bpe_json({}, nlohmann::json::array({nlohmann::json::array({"a", "b"}),
                                                 nlohmann::json::array({"ab", "c"}),
                                                 nlohmann::json::array({"b", "c"})})), "abc"), (std::vector<int32_t>{5}));
}

TEST(BpeModel, UnkFuseAndByteFallback) {
  const nlohmann::json merges = nlohmann::json::array();
  EXPECT_EQ(ids_of(bpe_json({{"unk_token", "<unk>"}}, merges), "azzb"), (std::vector<int32_t>{1, 0, 0, 2}));
  EXPECT_EQ(ids_of(bpe_json({{"unk_token", "<unk>"}, {"fuse_unk", true}}, merges), "azzb"),
            (std::vector<int32_t>{1, 0, 2}));
  // byte_fallback: x = <0x78>; z has no byte token -> unk.
  EXPECT_EQ(ids_of(bpe_json({{"unk_token", "<unk>"}, {"byte_fallback", true}}, merges), "axz"),
            (std::vector<int32_t>{1, 6, 0}));
  // No unk token: unknown chars vanish.
  EXPECT_EQ(ids_of(bpe_json({}, merges), "azb"), (std::vector<int32_t>{1, 2}));
}

TEST(BpeModel, PrefixSuffixAndIgnoreMerges) {
  EXPECT_EQ(ids_of(bpe_json({{"end_of_word_suffix", "</w>"}}, nlohmann::json::array()), "a"),
            (std::vector<int32_t>{8}));
  EXPECT_EQ(ids_of(bpe_json({{"continuing_subword_prefix", "##"}}, {"a ##b"}), "ab"),
            (std::vector<int32_t>{4}));
  // ignore_merges: a word that is a token wins even without a merge path.
  EXPECT_EQ(ids_of(bpe_json({{"ignore_merges", true}}, nlohmann::json::array()), "abc"),
            (std::vector<int32_t>{5}));
  EXPECT_EQ(ids_of(bpe_json({}, nlohmann::json::array()), "abc"), (std::vector<int32_t>{1, 2, 3}));
}

TEST(BpeModel, BadMergesAreErrorsNamingTheMerge) {
  auto tok = Tokenizer::from_json(bpe_json({}, {"a b", "a q"}));
  ASSERT_FALSE(tok.is_ok());
  EXPECT_NE(tok.status().to_string().find("merge 2"), std::string::npos) << tok.status().to_string();
  auto tok2 = Tokenizer::from_json(bpe_json({}, {"b a"}));  // "ba" not in vocab
  ASSERT_FALSE(tok2.is_ok());
  EXPECT_NE(tok2.status().to_string().find("'ba'"), std::string::npos) << tok2.status().to_string();
}

std::string data(const std::string& rel) {
  for (const std::string& base : {std::string(TOKREC_CACHE_DATA), std::string(TOKREC_SHARED_DATA)}) {
    std::error_code ec;
    if (std::filesystem::exists(base + "/" + rel, ec)) return base + "/" + rel;
  }
  return {};
}

TEST(BpeTokenizer, DecodeRoundTripsByteLevel) {
  const std::string text = "Hello  wörld 🦙\n\ttabs 東京 <|endoftext|> x";
  for (const char* rel : {"tokenizers/gpt2/tokenizer.json", "tokenizers/tiktoken/o200k_base.tiktoken",
                          "tokenizers/roberta-base/tokenizer.json"}) {
    const std::string path = data(rel);
    if (path.empty()) GTEST_SKIP() << rel;
    auto tok = Tokenizer::load(path);
    ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
    EncodeOptions plain;
    plain.add_special_tokens = false;
    auto e = (*tok)->encode(text, plain);
    ASSERT_TRUE(e.is_ok());
    EXPECT_EQ((*tok)->decode(e->ids), text) << rel;
    auto with = (*tok)->encode("hi there");
    ASSERT_TRUE(with.is_ok());
    EXPECT_EQ((*tok)->decode(with->ids, true), "hi there") << rel;
  }
}

// Words are cached per thread, short and long ones apart (bpe.cc), shared by
// every model on the thread: a model must never get another model's entry,
// and a cached word must give what it gave the first time.
TEST(BpeTokenizer, WordCacheKeepsModelsApart) {
  const std::string p1 = data("tokenizers/tiktoken/o200k_base.tiktoken");
  const std::string p2 = data("tokenizers/tiktoken/cl100k_base.tiktoken");
  if (p1.empty() || p2.empty()) GTEST_SKIP() << "rank files not available";
  auto a = Tokenizer::load(p1);
  auto b = Tokenizer::load(p2);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EncodeOptions plain;
  plain.add_special_tokens = false;
  std::string huge;  // longer than any cached word
  for (int i = 0; i < 40; ++i) huge += "東京都";
  // short, long (CJK runs without spaces), too long to cache
  for (const std::string& text : {std::string("hello"), std::string("自然言語処理の研究者たちは東京で会議を開いた"), huge}) {
    auto first_b = (*b)->encode(text, plain);
    auto first_a = (*a)->encode(text, plain);
    auto again_b = (*b)->encode(text, plain);
    auto again_a = (*a)->encode(text, plain);
    ASSERT_TRUE(first_a.is_ok() && first_b.is_ok() && again_a.is_ok() && again_b.is_ok());
    EXPECT_EQ(again_a->ids, first_a->ids) << text;
    EXPECT_EQ(again_b->ids, first_b->ids) << text;
    EXPECT_NE(first_a->ids, first_b->ids) << text;  // the two vocabularies differ here
    EXPECT_EQ((*a)->decode(again_a->ids), text);
  }
}

TEST(BpeTokenizer, TiktokenNamedEncodingsAndInfo) {
  const std::string path = data("tokenizers/tiktoken/cl100k_base.tiktoken");
  if (path.empty()) GTEST_SKIP();
  LoadOptions o;
  o.encoding = "nope";
  EXPECT_FALSE(Tokenizer::load(path, o).is_ok());
  auto tok = Tokenizer::load(path);
  ASSERT_TRUE(tok.is_ok());
  const TokenizerInfo info = (*tok)->info();
  EXPECT_EQ(info.model, "BPE");
  EXPECT_EQ(info.format, "tiktoken (cl100k_base)");
  EXPECT_EQ(info.vocab_size, 100256u + 5u);
  ASSERT_EQ(info.special_tokens.size(), 5u);
  EXPECT_EQ(info.special_tokens[0], (std::pair<std::string, int32_t>{"<|endoftext|>", 100257}));
  // Special tokens in text are matched; nothing is added around the text.
  auto e = (*tok)->encode("<|endoftext|>");
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->ids, (std::vector<int32_t>{100257}));
}

TEST(BpeTokenizer, MalformedRankFileNamesTheLine) {
  const std::string dir = ::testing::TempDir();
  const std::string file = dir + "/bad_cl100k_base.tiktoken";
  {
    std::ofstream out(file);
    out << "IQ== 0\nIg== 1\n!!!! 2\n";
  }
  auto tok = Tokenizer::load(file);
  ASSERT_FALSE(tok.is_ok());
  EXPECT_NE(tok.status().to_string().find("line 3"), std::string::npos) << tok.status().to_string();
}

}  // namespace
}  // namespace tokrec::tokenize
