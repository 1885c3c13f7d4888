// Golden tests for the SentencePiece family: tokrec's ids must equal
//  * Hugging Face tokenizers' for t5-small's tokenizer.json (Precompiled +
//    WhitespaceSplit/Metaspace + Unigram), with and without special tokens;
//  * Google sentencepiece's (spm_encode defaults) for the .model files:
//    llama2 (BPE, byte fallback), bpemb en 100k (BPE), sentencepiece's
//    test_model / test_ja_model (Unigram), on the shared inputs and on
//    botchan.txt lines;
//  * llama.cpp's ggml-vocab-llama-spm goldens (made by HF on llama2), with
//    both the tokenizer.json and the .model.
// decode(encode(x)) must equal the reference's decode on the same texts.
// Goldens come from tests/golden/gen/gen_unigram.js and gen_sentencepiece.py.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"
#include "unit/tokenize/golden_files.h"

namespace tokrec::tokenize {
namespace {

using golden::split_lines;
using golden::join_ids;
using golden::read_or_empty;
using golden::data_path;

const std::string kDir = std::string(TOKREC_GOLDEN_DIR) + "/sentencepiece/";

nlohmann::json manifest() { return nlohmann::json::parse(read_or_empty(kDir + "manifest.json")); }

const std::vector<std::string>& golden_texts() {
  static const std::vector<std::string> texts = [] {
    const nlohmann::json m = manifest();
    std::vector<std::string> t = golden::manifest_texts(m);
    EXPECT_EQ(t.size(), m.at("count").get<size_t>());
    return t;
  }();
  return texts;
}

// Compares every line; reports the first mismatches with their text.
void expect_ids(const Tokenizer& tok, const std::vector<std::string>& texts,
                const std::vector<std::string>& expected, bool add_special_tokens, const std::string& what) {
  ASSERT_EQ(expected.size(), texts.size()) << what;
  EncodeOptions opts;
  opts.add_special_tokens = add_special_tokens;
  opts.with_tokens = false;
  auto batch = tok.encode_batch(texts, opts, 2);
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  size_t mismatches = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string got = join_ids((*batch)[i].ids);
    if (got == expected[i]) continue;
    if (++mismatches <= 5)
      ADD_FAILURE() << what << " input " << i << " " << nlohmann::json(texts[i]).dump() << "\n  expected "
                    << expected[i] << "\n  got      " << got;
  }
  EXPECT_EQ(mismatches, 0u) << what << ": of " << texts.size() << " inputs";
}

void expect_decoded(const Tokenizer& tok, const std::vector<std::string>& texts, const std::string& golden,
                    bool skip_special, const std::string& what) {
  const std::string content = read_or_empty(golden);
  ASSERT_FALSE(content.empty()) << golden;
  const auto expected = nlohmann::json::parse(content);
  EncodeOptions opts;
  opts.add_special_tokens = false;
  size_t mismatches = 0;
  for (size_t i = 0; i < expected.size() && i < texts.size(); ++i) {
    auto enc = tok.encode(texts[i], opts);
    ASSERT_TRUE(enc.is_ok());
    const std::string got = tok.decode(enc->ids, skip_special);
    if (got == expected[i].get<std::string>()) continue;
    if (++mismatches <= 5)
      ADD_FAILURE() << what << " decode " << i << " " << nlohmann::json(texts[i]).dump() << "\n  expected "
                    << expected[i].dump() << "\n  got      " << nlohmann::json(got).dump();
  }
  EXPECT_EQ(mismatches, 0u) << what;
}

TEST(T5Golden, MatchesHuggingFaceInBothModes) {
  const nlohmann::json m = manifest();
  for (const auto& f : m.at("hf")) {
    const std::string path = data_path(f.at("tokenizer").get<std::string>());
    if (path.empty()) GTEST_SKIP() << "t5-small not available";
    auto tok = Tokenizer::load(path);
    ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
    const std::string name = f.at("name").get<std::string>();
    expect_ids(**tok, golden_texts(), split_lines(read_or_empty(kDir + name)),
               f.at("add_special_tokens").get<bool>(), name);
  }
}

TEST(T5Golden, DecodeRoundTripMatchesHuggingFace) {
  const std::string path = data_path("tokenizers/t5-small/tokenizer.json");
  if (path.empty()) GTEST_SKIP() << "t5-small not available";
  auto tok = Tokenizer::load(path);
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  expect_decoded(**tok, golden_texts(), kDir + "t5-small.decoded.json", true, "t5-small");
}

class SpmGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(SpmGolden, MatchesSentencePiece) {
  const nlohmann::json m = manifest();
  for (const auto& f : m.at("spm")) {
    const std::string name = f.at("name").get<std::string>();
    if (name != GetParam()) continue;
    const std::string path = data_path(f.at("tokenizer").get<std::string>());
    if (path.empty()) GTEST_SKIP() << name << " not available";
    auto tok = Tokenizer::load(path);
    ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
    // No BOS/EOS in either mode (docs/conventions.md).
    for (bool special : {false, true})
      expect_ids(**tok, golden_texts(), split_lines(read_or_empty(kDir + name + ".ids")), special, name);
    const std::string botchan = data_path(m.at("botchan").at("file").get<std::string>());
    if (!botchan.empty()) {
      std::vector<std::string> lines = split_lines(read_or_empty(botchan));
      lines.resize(std::min(lines.size(), m.at("botchan").at("lines").get<size_t>()));
      expect_ids(**tok, lines, split_lines(read_or_empty(kDir + name + ".botchan.ids")), false,
                 name + " botchan");
    }
    expect_decoded(**tok, golden_texts(), kDir + name + ".decoded.json", false, name);
    return;
  }
  FAIL() << GetParam() << " missing from the manifest";
}

INSTANTIATE_TEST_SUITE_P(Models, SpmGolden,
                         ::testing::Values("llama2", "bpemb-en-100k", "test_model", "test_ja_model"),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param;
                           for (char& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

// llama.cpp's test-tokenizer-0 goldens for llama-spm (HF on llama2; no BOS).
class LlamaSpmGgml : public ::testing::TestWithParam<std::string> {};

TEST_P(LlamaSpmGgml, MatchesLlamaCpp) {
  const std::string base = std::string(TOKREC_SHARED_DATA) + "/tokenizers/golden/ggml-vocab-llama-spm.gguf";
  const std::string path = data_path(GetParam());
  const std::string inp = read_or_empty(base + ".inp");
  if (path.empty() || inp.empty()) GTEST_SKIP() << "data not available";
  auto tok = Tokenizer::load(path);
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  const std::vector<std::string> texts = golden::split_ggml_cases(inp);
  const std::vector<std::string> expected = split_lines(read_or_empty(base + ".out"));
  ASSERT_EQ(expected.size(), texts.size());
  EncodeOptions opts;
  opts.add_special_tokens = false;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto enc = tok.value()->encode(texts[i], opts);
    ASSERT_TRUE(enc.is_ok());
    std::string want = expected[i];
    while (!want.empty() && want.front() == ' ') want.erase(0, 1);
    EXPECT_EQ(join_ids(enc->ids), want) << "text " << i << " " << nlohmann::json(texts[i]).dump();
  }
  EXPECT_GT(texts.size(), 10u);
}

INSTANTIATE_TEST_SUITE_P(Files, LlamaSpmGgml,
                         ::testing::Values("tokenizers/llama2/tokenizer.json", "tokenizers/llama2/tokenizer.model"),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           return p.param.find(".json") != std::string::npos ? std::string("json")
                                                                               : std::string("model");
                         });

}  // namespace
}  // namespace tokrec::tokenize
