// LoadOptions::add_bos / add_eos on the formats that add nothing by default:
// SentencePiece .model files against sentencepiece's encode(add_bos,
// add_eos) (golden from tests/golden/gen/gen_bos_eos.py), BytePiece as its
// reference's encode ([1] + ids + [2]), and a clear error elsewhere.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"
#include "unit/tokenize/golden_files.h"

namespace tokrec::tokenize {
namespace {

using golden::data_path;
using golden::read_or_empty;

nlohmann::json golden_file() {
  return nlohmann::json::parse(read_or_empty(std::string(TOKREC_GOLDEN_DIR) + "/sentencepiece/bos_eos.json"));
}

std::shared_ptr<const Tokenizer> load(const std::string& path, bool bos, bool eos) {
  LoadOptions o;
  o.add_bos = bos;
  o.add_eos = eos;
  auto tok = Tokenizer::load(path, o);
  EXPECT_TRUE(tok.is_ok()) << path << ": " << tok.status().to_string();
  return tok.is_ok() ? *tok : nullptr;
}

TEST(BosEos, SentencePieceMatchesAddBosAddEos) {
  const nlohmann::json g = golden_file();
  const auto texts = g.at("texts").get<std::vector<std::string>>();
  ASSERT_FALSE(texts.empty());
  size_t checked = 0;
  for (const auto& [name, m] : g.at("models").items()) {
    const std::string path = data_path(m.at("path").get<std::string>());
    if (path.empty()) continue;
    for (const auto& [mode, bos, eos] : {std::tuple{"bos", true, false}, std::tuple{"eos", false, true},
                                         std::tuple{"bos_eos", true, true}}) {
      auto tok = load(path, bos, eos);
      ASSERT_NE(tok, nullptr);
      const auto expected = m.at(mode).get<std::vector<std::vector<int32_t>>>();
      ASSERT_EQ(expected.size(), texts.size());
      for (size_t i = 0; i < texts.size(); ++i) {
        auto e = tok->encode(texts[i]);
        ASSERT_TRUE(e.is_ok());
        EXPECT_EQ(e->ids, expected[i]) << name << " " << mode << " text " << i << " '" << texts[i] << "'";
        // BOS/EOS are special tokens: marked, and left out without special tokens.
        ASSERT_EQ(e->special_tokens_mask.size(), e->ids.size());
        if (bos) {
          EXPECT_EQ(e->special_tokens_mask.front(), 1);
        }
        if (eos) {
          EXPECT_EQ(e->special_tokens_mask.back(), 1);
        }
        EncodeOptions plain;
        plain.add_special_tokens = false;
        auto p = tok->encode(texts[i], plain);
        ASSERT_TRUE(p.is_ok());
        EXPECT_EQ(p->ids.size() + (bos ? 1 : 0) + (eos ? 1 : 0), e->ids.size());
        ++checked;
      }
      // The decoder drops them again.
      EXPECT_EQ(tok->decode(tok->encode("hello world")->ids, true), "hello world") << name;
    }
  }
  if (checked == 0) GTEST_SKIP() << "no SentencePiece model available";
}

TEST(BosEos, SentencePiecePairsAndTruncationCountThem) {
  const std::string path = data_path("tokenizers/llama2/tokenizer.model");
  if (path.empty()) GTEST_SKIP() << "llama2 tokenizer.model not available";
  auto tok = load(path, true, true);
  ASSERT_NE(tok, nullptr);
  auto plain = Tokenizer::load(path);
  ASSERT_TRUE(plain.is_ok());
  EncodeOptions none;
  none.add_special_tokens = false;
  const auto a = (*plain)->encode("first text", none)->ids;
  const auto b = (*plain)->encode("second", none)->ids;
  auto pair = tok->encode_pair("first text", "second");
  ASSERT_TRUE(pair.is_ok()) << pair.status().to_string();
  std::vector<int32_t> want{1};
  for (int32_t id : a) want.push_back(id);
  want.push_back(2);
  want.push_back(1);
  for (int32_t id : b) want.push_back(id);
  want.push_back(2);
  EXPECT_EQ(pair->ids, want);
  EXPECT_EQ(pair->type_ids.front(), 0);
  EXPECT_EQ(pair->type_ids.back(), 1);
  EXPECT_EQ(tok->num_special_tokens(false), 2u);
  EXPECT_EQ(tok->num_special_tokens(true), 4u);
  // Truncation leaves room for both.
  EncodeOptions t;
  t.max_length = 3;
  t.truncation = true;
  auto cut = tok->encode("a fairly long sentence of several words", t);
  ASSERT_TRUE(cut.is_ok());
  ASSERT_EQ(cut->ids.size(), 3u);
  EXPECT_EQ(cut->ids.front(), 1);
  EXPECT_EQ(cut->ids.back(), 2);
  EXPECT_NE(tok->info().post_processor.find("<s>"), std::string::npos) << tok->info().post_processor;
}

TEST(BosEos, BytePieceAddsIdsOneAndTwo) {
  const std::string path = data_path("tokenizers/bytepiece/bytepiece_80k.zip");
  if (path.empty()) GTEST_SKIP() << "BytePiece model not available";
  auto plain = Tokenizer::load(path);
  ASSERT_TRUE(plain.is_ok());
  auto tok = load(path, true, true);  // one load: the model is large
  ASSERT_NE(tok, nullptr);
  for (const std::string text : {"", "今天天气不错", "BytePiece <bos> as text\n\nnew line"}) {
    const auto ids = (*plain)->encode(text)->ids;
    std::vector<int32_t> want{1};
    for (int32_t id : ids) want.push_back(id);
    want.push_back(2);
    EXPECT_EQ(tok->encode(text)->ids, want) << text;
    EXPECT_EQ(tok->decode(want, true), (*plain)->decode(ids, true));
  }
}

TEST(BosEos, OtherFormatsRefuseWithAClearError) {
  for (const auto& [rel, bos] : {std::pair{"tokenizers/gpt2/tokenizer.json", true},
                                 std::pair{"tokenizers/tiktoken/cl100k_base.tiktoken", false},
                                 std::pair{"tokenizers/bert-base-uncased/vocab.txt", true}}) {
    const std::string path = data_path(rel);
    if (path.empty()) continue;
    LoadOptions o;
    o.add_bos = bos;
    o.add_eos = !bos;
    auto tok = Tokenizer::load(path, o);
    ASSERT_FALSE(tok.is_ok()) << rel;
    const std::string msg = tok.status().to_string();
    EXPECT_NE(msg.find(bos ? "no BOS token" : "no EOS token"), std::string::npos) << msg;
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace tokrec::tokenize
