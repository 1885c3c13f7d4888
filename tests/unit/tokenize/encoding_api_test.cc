// The encoding API on hand-checked cases: pairs, truncation windows and
// errors, padding side and multiple, special tokens mask, byte vs code-point
// offsets, and the default token spans of models (unk). The full HF parity
// is encoding_golden_test.cc.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"
#include "unit/tokenize/golden_files.h"

namespace tokrec::tokenize {
namespace {

using golden::data_path;

std::shared_ptr<const Tokenizer> load_or_null(const std::string& rel) {
  const std::string p = data_path(rel);
  if (p.empty()) return nullptr;
  auto t = Tokenizer::load(p);
  return t.is_ok() ? *t : nullptr;
}

#define LOAD_OR_SKIP(var, rel)                            \
  auto var = load_or_null(rel);                           \
  if (!var) GTEST_SKIP() << rel << " not available"

const char* const kBert = "tokenizers/bert-base-uncased/tokenizer.json";
const char* const kRoberta = "tokenizers/roberta-base/tokenizer.json";

EncodeOptions plain() {
  EncodeOptions o;
  o.use_file_defaults = false;  // bert-base-uncased's file pads to 128
  return o;
}

TEST(EncodingApi, OffsetsAreOffByDefaultAndMaskIsFilled) {
  LOAD_OR_SKIP(tok, kBert);
  auto e = tok->encode("Héllo world", plain());
  ASSERT_TRUE(e.is_ok());
  EXPECT_TRUE(e->offsets.empty());
  EXPECT_TRUE(e->char_offsets.empty());
  EXPECT_EQ(e->special_tokens_mask, (std::vector<int32_t>{1, 0, 0, 1}));
}

TEST(EncodingApi, ByteAndCodePointOffsetsOfMultibyteText) {
  LOAD_OR_SKIP(tok, kBert);
  EncodeOptions o = plain();
  o.with_offsets = true;
  auto e = tok->encode("héllo wörld", o);
  ASSERT_TRUE(e.is_ok());
  ASSERT_EQ(e->tokens, (std::vector<std::string>{"[CLS]", "hello", "world", "[SEP]"}));
  EXPECT_EQ(e->offsets, (std::vector<Span>{{0, 0}, {0, 6}, {7, 13}, {0, 0}}));
  EXPECT_EQ(e->char_offsets, (std::vector<Span>{{0, 0}, {0, 5}, {6, 11}, {0, 0}}));
  // Offsets do not change the ids.
  auto without = tok->encode("héllo wörld", plain());
  ASSERT_TRUE(without.is_ok());
  EXPECT_EQ(without->ids, e->ids);
}

TEST(EncodingApi, PairTemplateTypeIdsMaskAndOffsets) {
  LOAD_OR_SKIP(tok, kBert);
  EncodeOptions o = plain();
  o.with_offsets = true;
  auto e = tok->encode_pair("a b", "c", o);
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->tokens, (std::vector<std::string>{"[CLS]", "a", "b", "[SEP]", "c", "[SEP]"}));
  EXPECT_EQ(e->type_ids, (std::vector<int32_t>{0, 0, 0, 0, 1, 1}));
  EXPECT_EQ(e->special_tokens_mask, (std::vector<int32_t>{1, 0, 0, 1, 0, 1}));
  // The pair's offsets count from the start of the second text.
  EXPECT_EQ(e->char_offsets[4], (Span{0, 1}));
  EXPECT_EQ(tok->num_special_tokens(true), 3u);
  // Without special tokens BERT still gives the second text type id 1.
  o.add_special_tokens = false;
  auto p = tok->encode_pair("a b", "c", o);
  ASSERT_TRUE(p.is_ok());
  EXPECT_EQ(p->type_ids, (std::vector<int32_t>{0, 0, 1}));
}

TEST(EncodingApi, RobertaPairIsAllTypeZero) {
  LOAD_OR_SKIP(tok, kRoberta);
  auto e = tok->encode_pair("a", "b", plain());
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->tokens, (std::vector<std::string>{"<s>", "a", "</s>", "</s>", "b", "</s>"}));
  EXPECT_EQ(e->type_ids, (std::vector<int32_t>(6, 0)));
}

std::vector<std::string> window_tokens(const Encoding& e) {
  std::string s;
  for (const std::string& t : e.tokens) s += t == "[CLS]" || t == "[SEP]" ? "" : t;
  return {s};
}

TEST(EncodingApi, StrideWindowsRightAndLeft) {
  LOAD_OR_SKIP(tok, kBert);
  EncodeOptions o = plain();
  o.max_length = 5;  // 3 text tokens per window
  o.stride = 1;
  auto r = tok->encode("a b c d e f g h", o);
  ASSERT_TRUE(r.is_ok());
  std::vector<std::string> got = window_tokens(*r);
  for (const Encoding& w : r->overflowing) got.push_back(window_tokens(w)[0]);
  EXPECT_EQ(got, (std::vector<std::string>{"abc", "cde", "efg", "gh"}));
  for (const Encoding& w : r->overflowing) EXPECT_EQ(w.tokens.front(), "[CLS]");

  o.truncation_side = Side::kLeft;
  auto l = tok->encode("a b c d e f g h", o);
  ASSERT_TRUE(l.is_ok());
  got = window_tokens(*l);
  for (const Encoding& w : l->overflowing) got.push_back(window_tokens(w)[0]);
  EXPECT_EQ(got, (std::vector<std::string>{"fgh", "def", "bcd", "ab"}));
}

TEST(EncodingApi, PairTruncationStrategies) {
  LOAD_OR_SKIP(tok, kBert);
  EncodeOptions o = plain();
  o.max_length = 8;  // 5 text tokens for a pair
  auto lf = tok->encode_pair("a b c d e f", "g h", o);
  ASSERT_TRUE(lf.is_ok());
  EXPECT_EQ(lf->tokens, (std::vector<std::string>{"[CLS]", "a", "b", "c", "[SEP]", "g", "h", "[SEP]"}));
  o.truncation_strategy = TruncationStrategy::kOnlySecond;
  auto os = tok->encode_pair("a b", "c d e f g h", o);
  ASSERT_TRUE(os.is_ok());
  EXPECT_EQ(os->tokens, (std::vector<std::string>{"[CLS]", "a", "b", "[SEP]", "c", "d", "e", "[SEP]"}));
  // The second text cannot lose 4 of its 2 tokens.
  EXPECT_FALSE(tok->encode_pair("a b c d e f g", "h i", o).is_ok());
  // only_second needs a pair.
  EXPECT_FALSE(tok->encode("a b c d e f g h i j", o).is_ok());
  // A stride as long as the cut length is refused (HF panics).
  o.truncation_strategy = TruncationStrategy::kLongestFirst;
  o.stride = 6;
  EXPECT_FALSE(tok->encode("a b c d e f g h i j", o).is_ok());
}

TEST(EncodingApi, PaddingLeftToMultiple) {
  LOAD_OR_SKIP(tok, kBert);
  EncodeOptions o = plain();
  o.padding = Padding::kLongest;
  o.padding_side = Side::kLeft;
  o.pad_to_multiple_of = 4;
  o.with_offsets = true;
  auto b = tok->encode_batch({"a", "a b c"}, o);
  ASSERT_TRUE(b.is_ok());
  const Encoding& e = (*b)[0];
  ASSERT_EQ(e.ids.size(), 8u);  // longest is 5, rounded up to 8
  EXPECT_EQ(e.attention_mask, (std::vector<int32_t>{0, 0, 0, 0, 0, 1, 1, 1}));
  EXPECT_EQ(e.special_tokens_mask, (std::vector<int32_t>{1, 1, 1, 1, 1, 1, 0, 1}));
  EXPECT_EQ(e.tokens[0], "[PAD]");
  EXPECT_EQ(e.char_offsets[6], (Span{0, 1}));
  EXPECT_EQ((*b)[1].ids.size(), 8u);
}

TEST(EncodingApi, TrimOffsetsWorksWithoutTokens) {
  LOAD_OR_SKIP(tok, kRoberta);
  EncodeOptions o = plain();
  o.with_offsets = true;
  auto with = tok->encode("Hello   world", o);
  o.with_tokens = false;
  auto without = tok->encode("Hello   world", o);
  ASSERT_TRUE(with.is_ok() && without.is_ok());
  EXPECT_TRUE(without->tokens.empty());
  EXPECT_EQ(with->char_offsets, without->char_offsets);
  // "Ġworld" starts after its space.
  EXPECT_EQ(with->char_offsets[with->char_offsets.size() - 2], (Span{8, 13}));
}

// Unknown chars: BPE unk symbols are one char each unless fuse_unk; the
// default token spans give each what its neighbours leave.
std::string tiny_bpe(bool fuse) {
  return std::string(R"({"version":"1.0","added_tokens":[],"normalizer":null,
    "pre_tokenizer":{"type":"WhitespaceSplit"},"post_processor":null,"decoder":null,
    "model":{"type":"BPE","unk_token":"<unk>","fuse_unk":)") +
         (fuse ? "true" : "false") +
         R"(,"vocab":{"<unk>":0,"a":1,"b":2,"ab":3},"merges":["a b"]}})";
}

TEST(EncodingApi, UnknownCharsGetTheirOwnSpans) {
  for (const bool fuse : {false, true}) {
    auto tok = Tokenizer::from_json(tiny_bpe(fuse));
    ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
    EncodeOptions o;
    o.with_offsets = true;
    auto e = (*tok)->encode("aé€b ab", o);
    ASSERT_TRUE(e.is_ok());
    if (fuse) {
      EXPECT_EQ(e->ids, (std::vector<int32_t>{1, 0, 2, 3}));
      EXPECT_EQ(e->char_offsets, (std::vector<Span>{{0, 1}, {1, 3}, {3, 4}, {5, 7}}));
      EXPECT_EQ(e->offsets, (std::vector<Span>{{0, 1}, {1, 6}, {6, 7}, {8, 10}}));
    } else {
      EXPECT_EQ(e->ids, (std::vector<int32_t>{1, 0, 0, 2, 3}));
      EXPECT_EQ(e->char_offsets, (std::vector<Span>{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {5, 7}}));
    }
  }
}

}  // namespace
}  // namespace tokrec::tokenize
