// Loader / component differences the component sweep
// (tests/golden/gen/component_sweep.js) found between tokrec and Hugging Face
// tokenizers 0.22: the UnicodeScripts pre-tokenizer, the Replace decoder with
// a regex, and the files HF refuses to load. Expected values are HF's on these
// inputs (measured with the npm tokenizers 0.22 binding).
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"
#include "unit/tokenize/encode_with_offsets.h"

namespace tokrec::tokenize {
namespace {


// A WordLevel tokenizer.json around the given pre-tokenizer / decoder /
// post-processor (JSON text).
std::string word_level(const std::string& pre_tokenizer, const std::string& decoder = "null",
                       const std::string& post_processor = "null") {
  return R"({"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,)"
         R"("pre_tokenizer":)" + pre_tokenizer + R"(,"post_processor":)" + post_processor +
         R"(,"decoder":)" + decoder +
         R"(,"model":{"type":"WordLevel","unk_token":"<unk>","vocab":)"
         R"({"<unk>":0,"abc":1,"##ab":2,"a#b":3,"##":4,"[CLS]":5}}})";
}


// Cuts where the script changes; Hiragana, Katakana and U+30FC count as Han;
// ' ' joins the piece before it and leading ' ' are dropped; digits and
// punctuation are Common, U+0301 and ZWJ Inherited, U+3000 Common.
TEST(LoaderComponentFixes, UnicodeScriptsSplitsAsHuggingFace) {
  auto tok = Tokenizer::from_json(word_level(R"({"type":"UnicodeScripts"})"));
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  EXPECT_EQ((*tok)->info().pre_tokenizer, "UnicodeScripts");
  Encoding e = encode_with_offsets(**tok,
                            "  abc\u65e5\u672c\u3072\u3089\u30ab\u30fc" "123 def, \u0430\u0431\u0432x\u0301  ");
  EXPECT_EQ(e.ids, (std::vector<int32_t>{1, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(e.char_offsets, (Spans{{2, 5}, {5, 11}, {11, 15}, {15, 18}, {18, 20}, {20, 23}, {23, 24}, {24, 27}}));
  e = encode_with_offsets(**tok, "a\u200d" "b \u00e9\u0301\u3000x\U0001F600y");
  EXPECT_EQ(e.char_offsets, (Spans{{0, 1}, {1, 2}, {2, 5}, {5, 6}, {6, 7}, {7, 8}, {8, 9}, {9, 10}}));
  EXPECT_TRUE(encode_with_offsets(**tok, "   ").ids.empty());
}

TEST(LoaderComponentFixes, UnicodeScriptsInSequence) {
  auto tok = Tokenizer::from_json(
      word_level(R"({"type":"Sequence","pretokenizers":[{"type":"WhitespaceSplit"},{"type":"UnicodeScripts"}]})"));
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  const Encoding e = encode_with_offsets(**tok, "abc\u65e5 x");
  EXPECT_EQ(e.char_offsets, (Spans{{0, 3}, {3, 4}, {5, 6}}));
  EXPECT_EQ((*tok)->info().pre_tokenizer.find("UnicodeScripts") != std::string::npos, true);
}

// HF's Replace decoder runs the regex over each token; an empty match
// inserts the content (but not right after a match).
TEST(LoaderComponentFixes, ReplaceDecoderWithRegex) {
  auto tok = Tokenizer::from_json(word_level(R"({"type":"WhitespaceSplit"})",
                                             R"j({"type":"Replace","pattern":{"Regex":"#+|(?=b)"},"content":"_"})j"));
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  EXPECT_EQ((*tok)->decode({2, 3, 4, 1}), "_a_ba_b_a_bc");
  auto fused = Tokenizer::from_json(word_level(
      R"({"type":"WhitespaceSplit"})",
      R"({"type":"Sequence","decoders":[{"type":"Replace","pattern":{"Regex":"#+"},"content":""},{"type":"Fuse"}]})"));
  ASSERT_TRUE(fused.is_ok()) << fused.status().message();
  EXPECT_EQ((*fused)->decode({2, 3, 4, 1}), "abababc");
  auto bad = Tokenizer::from_json(word_level(R"({"type":"WhitespaceSplit"})",
                                             R"j({"type":"Replace","pattern":{"Regex":"("},"content":""})j"));
  EXPECT_FALSE(bad.is_ok());
}

// HF 0.22 refuses Metaspace's legacy add_prefix_space=false unless
// prepend_scheme is "never", and a replacement of more than one char.
TEST(LoaderComponentFixes, MetaspaceRefusedAsHuggingFaceDoes) {
  const std::string legacy = R"({"type":"Metaspace","replacement":"\u2581","add_prefix_space":false)";
  auto refused = Tokenizer::from_json(word_level(legacy + "}"));
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("add_prefix_space"), std::string::npos);
  EXPECT_TRUE(Tokenizer::from_json(word_level(legacy + R"(,"prepend_scheme":"never"})")).is_ok());
  EXPECT_FALSE(Tokenizer::from_json(word_level(legacy + R"(,"prepend_scheme":"first"})")).is_ok());
  EXPECT_FALSE(Tokenizer::from_json(word_level("null", legacy + "}")).is_ok());

  auto two = Tokenizer::from_json(word_level(R"({"type":"Metaspace","replacement":"__","prepend_scheme":"always"})"));
  ASSERT_FALSE(two.is_ok());
  EXPECT_NE(two.status().message().find("replacement"), std::string::npos);
  EXPECT_FALSE(Tokenizer::from_json(
                   word_level("null", R"({"type":"Metaspace","replacement":"","prepend_scheme":"always"})"))
                   .is_ok());
  EXPECT_TRUE(Tokenizer::from_json(
                  word_level(R"({"type":"Metaspace","replacement":"\u00e9","prepend_scheme":"always"})",
                             R"({"type":"Metaspace","replacement":"_","prepend_scheme":"always"})"))
                  .is_ok());
}

// HF 0.22 deserializes TemplateProcessing's "pair" as a required field.
TEST(LoaderComponentFixes, TemplateProcessingNeedsPair) {
  const std::string single = R"("single":[{"SpecialToken":{"id":"[CLS]","type_id":0}},{"Sequence":{"id":"A","type_id":0}}])";
  const std::string specials = R"("special_tokens":{"[CLS]":{"id":"[CLS]","ids":[5],"tokens":["[CLS]"]}})";
  auto refused = Tokenizer::from_json(
      word_level(R"({"type":"WhitespaceSplit"})", "null", R"({"type":"TemplateProcessing",)" + single + "," + specials + "}"));
  ASSERT_FALSE(refused.is_ok());
  EXPECT_NE(refused.status().message().find("pair"), std::string::npos);
  auto ok = Tokenizer::from_json(word_level(
      R"({"type":"WhitespaceSplit"})", "null",
      R"({"type":"TemplateProcessing",)" + single +
          R"(,"pair":[{"Sequence":{"id":"A","type_id":0}},{"Sequence":{"id":"B","type_id":1}}],)" + specials + "}"));
  ASSERT_TRUE(ok.is_ok()) << ok.status().message();
  auto e = (*ok)->encode("abc");
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->ids, (std::vector<int32_t>{5, 1}));
}

// HF loads a WordPiece whose unk_token is not in the vocabulary; encoding
// fails only on a word that needs it.
TEST(LoaderComponentFixes, WordPieceUnkMissingFailsOnlyWhenNeeded) {
  const std::string json =
      R"({"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,)"
      R"("pre_tokenizer":{"type":"WhitespaceSplit"},"post_processor":null,"decoder":null,)"
      R"("model":{"type":"WordPiece","unk_token":"<nope>","continuing_subword_prefix":"##",)"
      R"("max_input_chars_per_word":5,"vocab":{"ab":0,"##c":1,"x":2}}})";
  auto tok = Tokenizer::from_json(json);
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  EXPECT_EQ(encode_with_offsets(**tok, "abc x ab").ids, (std::vector<int32_t>{0, 1, 2, 0}));
  for (const char* text : {"abc zz", "xxxxxx"}) {
    auto e = (*tok)->encode(text);
    ASSERT_FALSE(e.is_ok()) << text;
    EXPECT_NE(e.status().message().find("<nope>"), std::string::npos) << e.status().message();
  }
}

}  // namespace
}  // namespace tokrec::tokenize
