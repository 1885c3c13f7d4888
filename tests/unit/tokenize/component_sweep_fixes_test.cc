// Differences the component sweep (tests/golden/gen/component_sweep.js)
// found between tokrec and Hugging Face tokenizers 0.22, one test per fix.
// Expected values are HF's on these inputs.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"
#include "unit/tokenize/encode_with_offsets.h"

namespace tokrec::tokenize {
namespace {


// A WordLevel tokenizer.json around the given normalizer / pre-tokenizer /
// added tokens (JSON text).
std::string word_level(const std::string& normalizer, const std::string& pre_tokenizer,
                       const std::string& added = "[]") {
  return R"({"version":"1.0","truncation":null,"padding":null,"added_tokens":)" + added +
         R"(,"normalizer":)" + normalizer + R"(,"pre_tokenizer":)" + pre_tokenizer +
         R"(,"post_processor":null,"decoder":null,"model":{"type":"WordLevel","unk_token":"<unk>","vocab":)"
         R"({"<unk>":0,"b":1,"e\u0301x":2,"a\u200db":3,"ab":4,"cd":5}}})";
}


// HF's Whitespace pre-tokenizer is the Oniguruma regex \w+|[^\w\s]+, whose
// \w holds Alphabetic (U+216B, U+24B6), marks, decimal digits and the
// joiners U+200C/U+200D but not U+00B2; PCRE2's \w split "e\u0301x" and
// "1\u20e3" and kept "x\u00b2" whole.
TEST(ComponentSweepFixes, WhitespaceWordCharsAreOnigurumas) {
  auto tok = Tokenizer::from_json(word_level("null", R"({"type":"Whitespace"})"));
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  const Encoding e = encode_with_offsets(**tok, "e\u0301x a\u200d" "b 1\u20e3 x\u00b2 a\u216b" "b \u24b6" "b");
  EXPECT_EQ(e.ids, (std::vector<int32_t>{2, 3, 0, 0, 0, 0, 0}));
  EXPECT_EQ(e.char_offsets, (Spans{{0, 3}, {4, 7}, {8, 10}, {11, 12}, {12, 13}, {14, 17}, {18, 20}}));
}

// HF loads "added_tokens" through AddedVocabulary::add_tokens, which ignores
// the ids written in the file: a content already in the vocabulary takes its
// id, a new one the next id after the vocabulary and the added ids so far.
TEST(ComponentSweepFixes, AddedTokenIdsAssignedAsHuggingFaceDoes) {
  const std::string added =
      R"([{"id":7,"content":"ab","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":false},)"
      R"({"id":9,"content":"<x>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},)"
      R"({"id":12,"content":"<y>","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}])";
  auto tok = Tokenizer::from_json(word_level("null", R"({"type":"Whitespace"})", added));
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  const Encoding e = encode_with_offsets(**tok, "ab<x>cd <y>");
  EXPECT_EQ(e.ids, (std::vector<int32_t>{4, 6, 5, 7}));
  EXPECT_EQ(e.char_offsets, (Spans{{0, 2}, {2, 5}, {5, 7}, {8, 11}}));
  EXPECT_EQ((*tok)->token_to_id("<x>"), 6);
  EXPECT_EQ((*tok)->decode({6, 5, 7}, true), "cd");
}

// NFC / NFKC offsets follow HF's positional alignment: "a\u034e\u0300"
// composes to "\u00e0\u034e", the composite skipping the next input char
// and U+034E taking the U+0300 after it, so the word ends at 3, not 2.
TEST(ComponentSweepFixes, UnicodeFormOffsetsArePositionalAsHuggingFaces) {
  for (const char* form : {"NFC", "NFKC"}) {
    auto tok = Tokenizer::from_json(
        word_level(std::string(R"({"type":")") + form + R"("})", R"({"type":"WhitespaceSplit"})"));
    ASSERT_TRUE(tok.is_ok()) << tok.status().message();
    EXPECT_EQ(encode_with_offsets(**tok, "a\u034e\u0300 b").char_offsets, (Spans{{0, 3}, {4, 5}})) << form;
    EXPECT_EQ(encode_with_offsets(**tok, "\u0442\u0300\u034e b").char_offsets, (Spans{{0, 3}, {4, 5}})) << form;
  }
}

// T5's Precompiled normalizer: offsets per piece as HF gives them
// (previously the whole changed middle of the text was one block), including
// HF's drift after a char mapped to nothing at the start (U+0007).
TEST(ComponentSweepFixes, PrecompiledOffsetsMatchHuggingFace) {
  const std::string path = std::string(TOKREC_SHARED_DATA) + "/tokenizers/t5-small/tokenizer.json";
  if (!std::ifstream(path)) GTEST_SKIP() << "missing " << path;
  auto tok = Tokenizer::load(path);
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  Encoding e = encode_with_offsets(**tok, "\u0007 \u216b BROWN");
  EXPECT_EQ(e.ids, (std::vector<int32_t>{3, 4, 196, 196, 272, 26011, 567}));
  EXPECT_EQ(e.char_offsets, (Spans{{1, 2}, {1, 2}, {1, 2}, {1, 2}, {3, 4}, {4, 7}, {7, 8}}));
  e = encode_with_offsets(**tok, "\uff11\uff11 x");
  EXPECT_EQ(e.ids, (std::vector<int32_t>{850, 3, 226}));
  EXPECT_EQ(e.char_offsets, (Spans{{0, 2}, {3, 4}, {3, 4}}));
}

}  // namespace
}  // namespace tokrec::tokenize
