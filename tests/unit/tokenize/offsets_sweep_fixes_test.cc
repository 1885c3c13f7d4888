// Offset differences the component sweep (tests/golden/gen/component_sweep.js)
// found between tokrec and Hugging Face tokenizers 0.22 in the models and the
// post-processor, one test per fix. Expected values are HF's on these inputs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"
#include "unit/tokenize/encode_with_offsets.h"

namespace tokrec::tokenize {
namespace {



// A RoBERTa-like byte-level BPE: "<mask>" is an lstrip added token and
// RobertaProcessing trims offsets (add_prefix_space false).
const char* const kRobertaLike =
    R"({"version":"1.0","truncation":null,"padding":null,"added_tokens":[)"
    R"({"id":0,"content":"<s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":true,"special":true},)"
    R"({"id":1,"content":"</s>","single_word":false,"lstrip":false,"rstrip":false,"normalized":true,"special":true},)"
    R"({"id":7,"content":"<mask>","single_word":false,"lstrip":true,"rstrip":false,"normalized":false,"special":true}],)"
    R"("normalizer":null,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},)"
    R"("post_processor":{"type":"RobertaProcessing","sep":["</s>",1],"cls":["<s>",0],"trim_offsets":true,"add_prefix_space":false},)"
    R"("decoder":null,"model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":"",)"
    R"("end_of_word_suffix":"","fuse_unk":false,"byte_fallback":false,)"
    R"("vocab":{"<s>":0,"</s>":1,"<unk>":2,"a":3,"\u0120":4,"b":5,"\u0120a":6,"<mask>":7},"merges":["\u0120 a"]}})";

// HF's token string for an added token is the text it matched, with the
// whitespace lstrip took, and ByteLevel/Roberta trim_offsets strips those
// leading spaces from its offsets: roberta-base gives "<mask> <mask>" the
// offsets (0,6) (7,13), not (6,13).
TEST(OffsetsSweepFixes, TrimOffsetsDropTheWhitespaceAnLstripTokenMatched) {
  auto tok = Tokenizer::from_json(kRobertaLike);
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  Encoding e = encode_with_offsets(**tok, "<mask> <mask>", true);
  EXPECT_EQ(e.ids, (std::vector<int32_t>{0, 7, 7, 1}));
  EXPECT_EQ(e.char_offsets, (Spans{{0, 0}, {0, 6}, {7, 13}, {0, 0}}));
  e = encode_with_offsets(**tok, "a  <mask>b", true);
  EXPECT_EQ(e.ids, (std::vector<int32_t>{0, 3, 7, 5, 1}));
  EXPECT_EQ(e.char_offsets, (Spans{{0, 0}, {0, 1}, {3, 9}, {9, 10}, {0, 0}}));
  // The tokens stay the vocabulary strings (tokenizer.h).
  EXPECT_EQ(e.tokens[2], "<mask>");
  e = encode_with_offsets(**tok, "a\u3000<mask>", false);
  EXPECT_EQ(e.char_offsets, (Spans{{0, 1}, {2, 8}}));
  // Without trimming (ids only) nothing changes.
  EncodeOptions o;
  o.with_tokens = false;
  auto ids = (*tok)->encode("<mask> <mask>", o);
  ASSERT_TRUE(ids.is_ok());
  EXPECT_EQ(ids->ids, (std::vector<int32_t>{0, 7, 7, 1}));
}

std::string bpe(const std::string& model_fields, bool fuse_unk = false) {
  const std::string head =
      R"({"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,)"
      R"("pre_tokenizer":{"type":"WhitespaceSplit"},"post_processor":null,"decoder":null,)"
      R"("model":{"type":"BPE","dropout":null,"byte_fallback":false,"fuse_unk":)";
  return head + (fuse_unk ? "true," : "false,") + model_fields + "}}";
}

// HF BPE without unk_token drops unknown chars before merging (so "e" and
// "n" around a dropped U+FB01 merge into "en") and its offsets are running
// sums of the kept tokens' byte lengths.
TEST(OffsetsSweepFixes, BpeWithoutUnkShiftsOffsetsPastDroppedChars) {
  auto tok = Tokenizer::from_json(
      bpe(R"("unk_token":null,"continuing_subword_prefix":null,"end_of_word_suffix":null,)"
          R"("vocab":{"M":0,"o":1,"v":2,"i":3,"e":4,"n":5,"ov":6,"en":7},"merges":["o v","e n"])"));
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  Encoding e = encode_with_offsets(**tok, "Movie\ufb01ne x", false);
  EXPECT_EQ(e.ids, (std::vector<int32_t>{0, 6, 3, 7, 4}));
  EXPECT_EQ(e.char_offsets, (Spans{{0, 1}, {1, 3}, {3, 4}, {4, 6}, {5, 6}}));
  e = encode_with_offsets(**tok, "\ufb01ov", false);
  EXPECT_EQ(e.ids, (std::vector<int32_t>{6}));
  EXPECT_EQ(e.char_offsets, (Spans{{0, 1}}));
}

// A fused unk run followed by the word's last token (with the end-of-word
// suffix) covers everything up to that token, however often the last
// token's text occurs inside the run.
TEST(OffsetsSweepFixes, FusedUnkBeforeSuffixedLastTokenCoversTheRun) {
  auto tok = Tokenizer::from_json(
      bpe(R"("unk_token":"<unk>","continuing_subword_prefix":"##","end_of_word_suffix":"</w>",)"
          R"("vocab":{"<unk>":0,"x":1,"##x</w>":2,"y":3},"merges":[])",
          true));
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  const Encoding e = encode_with_offsets(**tok, "xxxxx y", false);
  EXPECT_EQ(e.ids, (std::vector<int32_t>{1, 0, 2, 0}));
  EXPECT_EQ(e.char_offsets, (Spans{{0, 1}, {1, 4}, {4, 5}, {6, 7}}));
}

// HF Unigram's byte fallback gives every "<0xHH>" token of an unknown piece
// (a fused run of unknown chars) the whole piece's offsets.
TEST(OffsetsSweepFixes, UnigramByteFallbackTokensShareTheirPiecesSpan) {
  auto tok = Tokenizer::from_json(
      R"({"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,)"
      R"("pre_tokenizer":{"type":"WhitespaceSplit"},"post_processor":null,"decoder":null,)"
      R"("model":{"type":"Unigram","unk_id":0,"byte_fallback":true,"vocab":[["<unk>",0.0],["a",-1.0],["b",-2.0],)"
      R"(["<0xC3>",-5.0],["<0xA9>",-5.0],["<0xE2>",-5.0],["<0x82>",-5.0],["<0xAC>",-5.0]]}})");
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  const Encoding e = encode_with_offsets(**tok, "a\u00e9\u00e9b \u20acb \u00e9", false);
  EXPECT_EQ(e.ids, (std::vector<int32_t>{1, 3, 4, 3, 4, 2, 5, 6, 7, 2, 3, 4}));
  EXPECT_EQ(e.char_offsets, (Spans{{0, 1}, {1, 3}, {1, 3}, {1, 3}, {1, 3}, {3, 4}, {5, 6}, {5, 6}, {5, 6}, {6, 7},
                                   {8, 9}, {8, 9}}));
}

// HF Unigram without unk_id fails on an unknown char ("Encountered an
// unknown token but `unk_id` is missing"); tokrec used to drop it. The error
// names the char and where it is.
TEST(OffsetsSweepFixes, UnigramWithoutUnkIdFailsOnUnknownChars) {
  auto tok = Tokenizer::from_json(
      R"({"version":"1.0","truncation":null,"padding":null,"added_tokens":[],"normalizer":null,)"
      R"("pre_tokenizer":{"type":"WhitespaceSplit"},"post_processor":null,"decoder":null,)"
      R"("model":{"type":"Unigram","unk_id":null,"byte_fallback":false,"vocab":[["<unk>",0.0],["a",-1.0],["b",-2.0]]}})");
  ASSERT_TRUE(tok.is_ok()) << tok.status().message();
  EXPECT_EQ(encode_with_offsets(**tok, "ab b", false).ids, (std::vector<int32_t>{1, 2, 2}));
  for (bool offsets : {false, true}) {
    EncodeOptions o;
    o.with_offsets = offsets;
    auto e = (*tok)->encode("ab a\u00e9b", o);
    ASSERT_FALSE(e.is_ok());
    EXPECT_NE(e.status().message().find("U+00E9"), std::string::npos) << e.status().message();
    EXPECT_NE(e.status().message().find("at byte 1 of the word"), std::string::npos) << e.status().message();
  }
}

}  // namespace
}  // namespace tokrec::tokenize
