// Golden tests for BPE tokenizers: tokrec's ids must equal Hugging Face
// tokenizers' (tokenizer.json) and OpenAI tiktoken's (rank files) on every
// input. Goldens come from tests/golden/gen/gen_bpe.js; the llama.cpp
// ggml-vocab-* goldens are read by path from the shared data. Tokenizer files
// are read from the data cache (scripts/fetch-data.sh), else the shared data.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"
#include "unit/tokenize/golden_files.h"

namespace tokrec::tokenize {
namespace {

using golden::split_lines;
using golden::join_ids;
using golden::read_or_empty;
using golden::data_path;

const std::string kGolden = std::string(TOKREC_GOLDEN_DIR) + "/";

nlohmann::json manifest() {
  return nlohmann::json::parse(read_or_empty(kGolden + "bpe/manifest.json"));
}

// The generator's inputs, in its order.
const std::vector<std::string>& golden_texts() {
  static const std::vector<std::string> texts = golden::bpe_golden_texts();
  return texts;
}

struct Case {
  std::string golden;     // bpe/<name>
  std::string tokenizer;  // path under the data folders
  bool add_special_tokens;
  std::string encoding;   // tiktoken only ("" = inferred)
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.golden << " <- " << c.tokenizer; }

std::vector<Case> cases() {
  std::vector<Case> out;
  const nlohmann::json m = manifest();
  for (const auto& f : m.at("files")) {
    Case c;
    c.golden = f.at("name").get<std::string>();
    c.tokenizer = f.at("tokenizer").get<std::string>();
    c.add_special_tokens = f.value("add_special_tokens", false);
    out.push_back(c);
    if (f.contains("encoding")) {  // the same file with the encoding named explicitly
      c.encoding = f.at("encoding").get<std::string>();
      out.push_back(c);
    }
  }
  // vocab.json + merges.txt must give the tokenizer.json's ids.
  out.push_back({"gpt2.plain.ids", "tokenizers/gpt2/vocab.json", false, ""});
  out.push_back({"gpt2.plain.ids", "tokenizers/gpt2/merges.txt", true, ""});
  out.push_back({"roberta-base.special.ids", "tokenizers/roberta-base/vocab.json", true, ""});
  out.push_back({"roberta-base.plain.ids", "tokenizers/roberta-base", false, ""});
  return out;
}

class BpeGolden : public ::testing::TestWithParam<Case> {};

TEST_P(BpeGolden, MatchesReferenceOnEveryInput) {
  const Case& c = GetParam();
  const std::string path = data_path(c.tokenizer);
  if (path.empty()) GTEST_SKIP() << c.tokenizer << " not available (run scripts/fetch-data.sh)";
  LoadOptions load;
  load.encoding = c.encoding;
  auto tok = Tokenizer::load(path, load);
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  const std::vector<std::string> expected = split_lines(read_or_empty(kGolden + "bpe/" + c.golden));
  const std::vector<std::string>& texts = golden_texts();
  ASSERT_EQ(expected.size(), texts.size());
  EncodeOptions opts;
  opts.add_special_tokens = c.add_special_tokens;
  auto batch = (*tok)->encode_batch(texts, opts, 2);
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  size_t mismatches = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string got = join_ids((*batch)[i].ids);
    if (got == expected[i]) continue;
    if (++mismatches <= 5)
      ADD_FAILURE() << c.golden << " input " << i << " " << nlohmann::json(texts[i]).dump()
                    << "\n  expected " << expected[i] << "\n  got      " << got;
  }
  EXPECT_EQ(mismatches, 0u) << "of " << texts.size() << " inputs";
}

INSTANTIATE_TEST_SUITE_P(Files, BpeGolden, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<Case>& p) {
                           std::string n = std::to_string(p.index) + "_" + p.param.golden;
                           for (char& ch : n)
                             if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

// llama.cpp's tokenizer tests: texts separated by "\n__ggml_vocab_test__\n"
// in .inp, one line of ids per text in .out (no BOS/EOS).
struct GgmlCase {
  std::string vocab;      // ggml-vocab-<vocab>.gguf
  std::string tokenizer;  // path under the data folders
};
void PrintTo(const GgmlCase& c, std::ostream* os) { *os << c.vocab; }

class GgmlGolden : public ::testing::TestWithParam<GgmlCase> {};

TEST_P(GgmlGolden, MatchesLlamaCpp) {
  const GgmlCase& c = GetParam();
  const std::string base = std::string(TOKREC_SHARED_DATA) + "/tokenizers/golden/ggml-vocab-" + c.vocab + ".gguf";
  const std::string path = data_path(c.tokenizer);
  if (path.empty() || read_or_empty(base + ".inp").empty()) GTEST_SKIP() << "data not available";
  auto tok = Tokenizer::load(path);
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  const std::string inp = read_or_empty(base + ".inp");
  const std::vector<std::string> texts = golden::split_ggml_cases(inp);
  std::vector<std::string> expected = split_lines(read_or_empty(base + ".out"));
  ASSERT_EQ(expected.size(), texts.size());
  EncodeOptions opts;
  opts.add_special_tokens = false;
  size_t checked = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    auto enc = (*tok)->encode(texts[i], opts);
    ASSERT_TRUE(enc.is_ok());
    std::string want = expected[i];
    while (!want.empty() && want.front() == ' ') want.erase(0, 1);
    EXPECT_EQ(join_ids(enc->ids), want) << c.vocab << " text " << i << " " << nlohmann::json(texts[i]).dump();
    ++checked;
  }
  EXPECT_GT(checked, 10u);
}

INSTANTIATE_TEST_SUITE_P(
    Files, GgmlGolden,
    ::testing::Values(GgmlCase{"gpt-2", "tokenizers/gpt2/tokenizer.json"},
                      GgmlCase{"roberta-bpe", "tokenizers/roberta-base/tokenizer.json"},
                      GgmlCase{"qwen2", "tokenizers/qwen/qwen.tiktoken"},
                      GgmlCase{"deepseek-r1-qwen", "tokenizers/qwen/qwen.tiktoken"},
                      GgmlCase{"llama-bpe", "tokenizers/llama3/tokenizer.model"}),
    [](const ::testing::TestParamInfo<GgmlCase>& p) {
      std::string n = p.param.vocab;
      for (char& ch : n)
        if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
      return n;
    });

}  // namespace
}  // namespace tokrec::tokenize
