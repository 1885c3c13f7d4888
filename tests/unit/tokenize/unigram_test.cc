// Unit tests of the SentencePiece family: Unigram (Viterbi, unk fusion,
// byte fallback), Metaspace (prepend schemes, split), WordLevel, the
// SentencePiece .model reader (hand-built protobufs, truncated and corrupt
// files), the Metaspace / SentencePiece decoders and tokenizer-info.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokenize/metaspace.h"
#include "tokenize/base64.h"
#include "tokenize/precompiled.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {
namespace {

const std::string kMeta = "\xE2\x96\x81";  // U+2581

std::vector<int32_t> ids_of(const Tokenizer& tok, std::string_view text, bool special = false) {
  EncodeOptions o;
  o.add_special_tokens = special;
  auto enc = tok.encode(text, o);
  EXPECT_TRUE(enc.is_ok()) << enc.status().to_string();
  return enc.is_ok() ? enc->ids : std::vector<int32_t>{};
}

std::shared_ptr<const Tokenizer> unigram_json(bool byte_fallback, nlohmann::json extra_vocab = nlohmann::json::array()) {
  nlohmann::json vocab = nlohmann::json::array({{"<unk>", 0.0}, {"a", -1.0}, {"b", -2.0}, {"ab", -1.5},
                                                {kMeta, -3.0}, {kMeta + "a", -1.0}, {"c", -2.5}});
  for (const auto& e : extra_vocab) vocab.push_back(e);
  nlohmann::json j = {{"version", "1.0"},
                      {"model", {{"type", "Unigram"}, {"unk_id", 0}, {"vocab", vocab}, {"byte_fallback", byte_fallback}}},
                      {"pre_tokenizer", {{"type", "Metaspace"}, {"replacement", kMeta}, {"prepend_scheme", "always"}}},
                      {"decoder", {{"type", "Metaspace"}, {"replacement", kMeta}, {"prepend_scheme", "always"}}}};
  auto tok = Tokenizer::from_json(j.dump());
  EXPECT_TRUE(tok.is_ok()) << tok.status().to_string();
  return tok.is_ok() ? *tok : nullptr;
}

TEST(Unigram, ViterbiPicksTheBestTotalScore) {
  auto tok = unigram_json(false);
  ASSERT_TRUE(tok);
  // "▁ab": ▁a + b = -1 + -2 = -3; ▁ + ab = -3 + -1.5 = -4.5.
  EXPECT_EQ(ids_of(*tok, "ab"), (std::vector<int32_t>{5, 2}));
  // "▁cab": ▁ + c + ab = -3 - 2.5 - 1.5 = -7 beats ▁ + c + a + b = -8.5.
  EXPECT_EQ(ids_of(*tok, "cab"), (std::vector<int32_t>{4, 6, 3}));
  EXPECT_EQ(tok->info().model, "Unigram");
}

TEST(Unigram, FusesRunsOfUnknownCharsIntoOneUnk) {
  auto tok = unigram_json(false);
  ASSERT_TRUE(tok);
  // x, y, z are unknown: one fused <unk> between known pieces.
  EXPECT_EQ(ids_of(*tok, "axyzb"), (std::vector<int32_t>{5, 0, 2}));
  EXPECT_EQ(ids_of(*tok, "\xE4\xB8\xAD\xE6\x96\x87"), (std::vector<int32_t>{4, 0}));
}

TEST(Unigram, ByteFallbackSpellsUnknownRunsAsBytes) {
  nlohmann::json bytes = nlohmann::json::array();
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    bytes.push_back({name, -10.0});
  }
  auto tok = unigram_json(true, bytes);
  ASSERT_TRUE(tok);
  // "x" = 0x78 -> id 7 + 0x78.
  EXPECT_EQ(ids_of(*tok, "axb"), (std::vector<int32_t>{5, 7 + 0x78, 2}));
  // A 3-byte char becomes three byte tokens.
  EXPECT_EQ(ids_of(*tok, "\xE4\xB8\xAD"), (std::vector<int32_t>{4, 7 + 0xE4, 7 + 0xB8, 7 + 0xAD}));
  // Decoding the byte tokens needs ByteFallback; Metaspace alone keeps them as text.
  EXPECT_EQ(tok->decode(ids_of(*tok, "ab a")), "ab a");
}

TEST(Unigram, RejectsBadVocabularies) {
  nlohmann::json vocab = nlohmann::json::array();
  vocab.push_back(nlohmann::json::array({"<unk>", 0.0}));
  nlohmann::json j = {{"model", {{"type", "Unigram"}, {"unk_id", 5}, {"vocab", vocab}}}};
  auto bad = Tokenizer::from_json(j.dump());
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().to_string().find("unk_id"), std::string::npos);
  vocab[0][1] = "x";
  j = {{"model", {{"type", "Unigram"}, {"vocab", vocab}}}};
  bad = Tokenizer::from_json(j.dump());
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().to_string().find("entry 0"), std::string::npos);
}

std::vector<std::string> meta_pieces(PrependScheme scheme, bool split, std::string_view text,
                                     bool at_start = true) {
  auto p = make_metaspace_pre_tokenizer(kMeta, scheme, split);
  std::vector<std::string_view> pieces{text};
  set_metaspace_origin(text.data(), at_start);
  p->split(pieces);
  set_metaspace_origin(nullptr, true);
  return {pieces.begin(), pieces.end()};
}

TEST(Metaspace, ReplacesSpacesPrependsAndSplits) {
  const std::string m = kMeta;
  EXPECT_EQ(meta_pieces(PrependScheme::kAlways, true, "Hey friend!"),
            (std::vector<std::string>{m + "Hey", m + "friend!"}));
  EXPECT_EQ(meta_pieces(PrependScheme::kAlways, true, " a  b"),
            (std::vector<std::string>{m + "a", m, m + "b"}));
  EXPECT_EQ(meta_pieces(PrependScheme::kNever, true, "a b"), (std::vector<std::string>{"a", m + "b"}));
  EXPECT_EQ(meta_pieces(PrependScheme::kAlways, false, "a b"), (std::vector<std::string>{m + "a" + m + "b"}));
  EXPECT_EQ(meta_pieces(PrependScheme::kFirst, true, "a b"), (std::vector<std::string>{m + "a", m + "b"}));
  EXPECT_EQ(meta_pieces(PrependScheme::kFirst, true, "a b", false), (std::vector<std::string>{"a", m + "b"}));
}

TEST(Metaspace, LegacyAddPrefixSpaceAndDecoder) {
  nlohmann::json j = {{"model", {{"type", "WordLevel"}, {"unk_token", "<unk>"},
                                 {"vocab", {{"<unk>", 0}, {kMeta + "a", 1}, {kMeta + "b", 2}, {"b", 3}}}}},
                      {"pre_tokenizer", {{"type", "Metaspace"}, {"replacement", kMeta}, {"add_prefix_space", false}}},
                      {"decoder", {{"type", "Metaspace"}, {"replacement", kMeta}, {"add_prefix_space", true}}}};
  // HF 0.22 refuses add_prefix_space=false unless prepend_scheme says "never".
  EXPECT_FALSE(Tokenizer::from_json(j.dump()).is_ok());
  j["pre_tokenizer"]["prepend_scheme"] = "never";
  auto tok = Tokenizer::from_json(j.dump());
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  EXPECT_EQ(ids_of(**tok, "b a"), (std::vector<int32_t>{3, 1}));
  EXPECT_EQ(ids_of(**tok, "zz a"), (std::vector<int32_t>{0, 1}));
  EXPECT_EQ((*tok)->info().model, "WordLevel");
  EXPECT_NE((*tok)->info().pre_tokenizer.find("prepend_scheme=never"), std::string::npos);
  // HF's decoder drops every replacement char of the first token.
  EXPECT_EQ((*tok)->decode({1, 2, 1}), "a b a");
  // add_prefix_space=false contradicts prepend_scheme=always.
  j["pre_tokenizer"]["prepend_scheme"] = "always";
  EXPECT_FALSE(Tokenizer::from_json(j.dump()).is_ok());
}

// --- Hand-built SentencePiece models -------------------------------------

std::string varint(uint64_t v) {
  std::string out;
  do {
    unsigned char b = v & 0x7F;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(static_cast<char>(b));
  } while (v);
  return out;
}
std::string field_len(uint32_t field, const std::string& payload) {
  return varint(field << 3 | 2) + varint(payload.size()) + payload;
}
std::string field_varint(uint32_t field, uint64_t v) { return varint(field << 3) + varint(v); }
std::string field_float(uint32_t field, float f) {
  std::string out = varint(field << 3 | 5);
  char b[4];
  std::memcpy(b, &f, 4);
  return out + std::string(b, 4);
}
std::string piece(const std::string& text, float score, int type = 1) {
  return field_len(1, field_len(1, text) + field_float(2, score) + (type != 1 ? field_varint(3, type) : ""));
}

// model_type 1 = Unigram, 2 = BPE.
std::string tiny_model(int model_type) {
  std::string m;
  m += piece("<unk>", 0, 2);
  m += piece("<s>", 0, 3);
  m += piece("</s>", 0, 3);
  m += piece(kMeta + "ab", -1);  // 3
  m += piece(kMeta, -2);         // 4
  m += piece("a", -3);           // 5
  m += piece("b", -3.5f);        // 6
  m += piece("ab", -2.5f);       // 7
  m += piece(kMeta + "a", -1.5f);  // 8
  m += piece("<sep>", 0, 4);     // 9 user defined
  m += field_len(2, field_varint(3, static_cast<uint64_t>(model_type)));
  m += field_len(3, field_len(1, "identity") + field_varint(3, 1) + field_varint(4, 1) + field_varint(5, 1));
  return m;
}

std::string write_temp(const std::string& name, const std::string& content) {
  const std::string path = (std::filesystem::temp_directory_path() / ("tokrec_sp_" + name)).string();
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(SentencePieceModel, UnigramFromHandBuiltProto) {
  auto tok = Tokenizer::load(write_temp("uni.model", tiny_model(1)));
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  // Dummy prefix and collapsed spaces: "▁ab▁ab".
  EXPECT_EQ(ids_of(**tok, "  ab   ab "), (std::vector<int32_t>{3, 3}));
  // User-defined pieces are whole tokens; <s> is plain text (unk runs).
  EXPECT_EQ(ids_of(**tok, "a<sep>b"), (std::vector<int32_t>{8, 9, 6}));
  EXPECT_EQ(ids_of(**tok, "<s>", true), (std::vector<int32_t>{4, 0}));
  const TokenizerInfo info = (*tok)->info();
  EXPECT_EQ(info.model, "Unigram");
  EXPECT_NE(info.format.find("sentencepiece"), std::string::npos);
  ASSERT_EQ(info.special_tokens.size(), 3u);
  EXPECT_EQ(info.special_tokens[1].first, "<s>");
  EXPECT_EQ((*tok)->decode({3, 3, 1, 0}), "ab ab \xE2\x81\x87 ");
}

TEST(SentencePieceModel, BpeMergesByPieceScore) {
  auto tok = Tokenizer::load(write_temp("bpe.model", tiny_model(2)));
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  EXPECT_EQ((*tok)->info().model, "BPE (sentencepiece)");
  // ▁ a b: best pair is ▁a (-1.5) over ab (-2.5); then ▁a+b = ▁ab (-1).
  EXPECT_EQ(ids_of(**tok, "ab"), (std::vector<int32_t>{3}));
  // b a: no "ba" piece; ▁b is not a piece either.
  EXPECT_EQ(ids_of(**tok, "ba"), (std::vector<int32_t>{4, 6, 5}));
  EXPECT_EQ(ids_of(**tok, "xyab"), (std::vector<int32_t>{4, 0, 7}));
}

TEST(SentencePieceModel, TruncatedOrCorruptFilesFailCleanly) {
  const std::string good = tiny_model(1);
  for (size_t len = 1; len < good.size(); ++len) {
    auto tok = Tokenizer::load(write_temp("cut.model", good.substr(0, len)));
    if (tok.is_ok()) continue;  // cut at a field boundary: a smaller valid model
    const std::string msg = tok.status().to_string();
    EXPECT_NE(msg.find("tokrec_sp_cut.model"), std::string::npos) << msg;
  }
  // A length running past the end names its byte offset.
  auto bad = Tokenizer::load(write_temp("long.model", std::string("\x0A\x7F\x0A\x01x", 5)));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().to_string().find("at byte 1"), std::string::npos) << bad.status().to_string();
  // No unk piece.
  bad = Tokenizer::load(write_temp("nounk.model", piece("a", -1) + piece("b", -1)));
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().to_string().find("unk"), std::string::npos);
  // A real model cut short.
  const std::string llama = std::string(TOKREC_SHARED_DATA) + "/tokenizers/llama2/tokenizer.model";
  std::ifstream in(llama, std::ios::binary);
  if (!in) return;
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (size_t len : {size_t{3}, size_t{100}, content.size() / 2, content.size() - 7}) {
    auto cut = Tokenizer::load(write_temp("llama_cut.model", content.substr(0, len)));
    ASSERT_FALSE(cut.is_ok()) << len;
    EXPECT_NE(cut.status().to_string().find("byte"), std::string::npos) << cut.status().to_string();
  }
}

TEST(Precompiled, RejectsBlobsShorterThanTheirTrie) {
  std::string blob("\x10\x00\x00\x00\x01\x02", 6);
  EXPECT_FALSE(PrecompiledCharsmap::parse(blob).is_ok());
  EXPECT_FALSE(decode_base64("ab$c").has_value());
  EXPECT_EQ(decode_base64("aGk=").value_or(""), "hi");
  nlohmann::json j = {{"normalizer", {{"type", "Precompiled"}, {"precompiled_charsmap", "EAAAAAEC"}}},
                      {"model", {{"type", "Unigram"}, {"unk_id", 0}, {"vocab", {{"<unk>", 0.0}}}}}};
  j["model"]["vocab"] = nlohmann::json::array({nlohmann::json::array({"<unk>", 0.0})});
  auto bad = Tokenizer::from_json(j.dump());
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().to_string().find("precompiled_charsmap"), std::string::npos) << bad.status().to_string();
}

TEST(SentencePieceInfo, DescribesT5AndModels) {
  const std::string t5 = std::string(TOKREC_SHARED_DATA) + "/tokenizers/t5-small/tokenizer.json";
  if (!std::filesystem::exists(t5)) GTEST_SKIP();
  auto tok = Tokenizer::load(t5);
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  const TokenizerInfo info = (*tok)->info();
  EXPECT_EQ(info.model, "Unigram");
  EXPECT_EQ(info.normalizer, "Precompiled");
  EXPECT_NE(info.pre_tokenizer.find("Metaspace"), std::string::npos);
  EXPECT_EQ(info.decoder, "Metaspace");
  EXPECT_EQ(info.vocab_size, 32100u);
  auto folder = Tokenizer::load(std::string(TOKREC_SHARED_DATA) + "/tokenizers/sentencepiece-test/test_model.model");
  ASSERT_TRUE(folder.is_ok()) << folder.status().to_string();
  EXPECT_NE(folder.value()->info().normalizer.find("Precompiled"), std::string::npos);
  // A folder holding only a .model loads it.
  auto bpemb = Tokenizer::load(std::string(TOKREC_SHARED_DATA) + "/tokenizers/bpemb-en-100k");
  ASSERT_TRUE(bpemb.is_ok()) << bpemb.status().to_string();
  EXPECT_EQ(bpemb.value()->info().model, "BPE (sentencepiece)");
  // Llama 3's tokenizer.model is tiktoken text, not a protobuf.
  auto llama3 = Tokenizer::load(std::string(TOKREC_SHARED_DATA) + "/tokenizers/llama3/tokenizer.model");
  ASSERT_TRUE(llama3.is_ok()) << llama3.status().to_string();
  EXPECT_EQ(llama3.value()->info().model, "BPE");
}

TEST(SentencePieceInfo, T5OffsetsFollowMetaspaceRewrites) {
  const std::string t5 = std::string(TOKREC_SHARED_DATA) + "/tokenizers/t5-small/tokenizer.json";
  if (!std::filesystem::exists(t5)) GTEST_SKIP();
  auto tok = Tokenizer::load(t5);
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  EncodeOptions o;
  o.with_offsets = true;
  auto enc = (*tok)->encode("Hello  world! \xC3\xA9t\xC3\xA9", o);
  ASSERT_TRUE(enc.is_ok());
  // HF tokenizers 0.22: [[0,5],[7,12],[12,13],[14,17],[0,0]] (code points).
  const std::vector<Span> want = {{0, 5}, {7, 12}, {12, 13}, {14, 17}, {0, 0}};
  EXPECT_EQ(enc->char_offsets, want);
}

TEST(SentencePieceDecode, RoundTripsOrdinaryText) {
  const std::string llama = std::string(TOKREC_SHARED_DATA) + "/tokenizers/llama2/tokenizer.model";
  if (!std::filesystem::exists(llama)) GTEST_SKIP();
  auto tok = Tokenizer::load(llama);
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  for (std::string text : {"Hello world", "  two  spaces", "emoji \xF0\x9F\x98\x80 and \xE4\xB8\xAD\xE6\x96\x87",
                           "tab\tnew\nline"}) {
    EXPECT_EQ((*tok)->decode(ids_of(**tok, text)), text);
  }
}

}  // namespace
}  // namespace tokrec::tokenize
