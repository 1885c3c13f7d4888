// Golden tests: tokrec's ids must equal Hugging Face tokenizers' on every
// line. Goldens come from tests/golden/gen/gen_wordpiece.js (HF's Rust core
// via npm) and from llama.cpp's ggml-vocab-bert-bge files (read by path).
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tokrec/core/utf8.h"
#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"
#include "unit/tokenize/golden_files.h"

namespace tokrec::tokenize {
namespace {

using golden::split_lines;

const std::string kGolden = std::string(TOKREC_GOLDEN_DIR) + "/wordpiece/";
const std::string kCache = std::string(TOKREC_CACHE_DATA) + "/";

std::string join_ids(const std::vector<int32_t>& ids, const std::vector<int32_t>* mask = nullptr) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (mask && (*mask)[i] == 0) continue;
    if (!out.empty()) out.push_back(' ');
    out += std::to_string(ids[i]);
  }
  return out;
}

std::string read_or_die(const std::string& path) {
  auto r = io::read_file(path);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? r.value() : std::string();
}

struct GoldenFile {
  std::string name, tokenizer, inputs;
  std::optional<bool> lowercase;
  bool add_special_tokens = true;
  size_t padded_to = 0;
};

// Keeps ctest's test names readable (gtest would dump the struct's bytes).
void PrintTo(const GoldenFile& g, std::ostream* os) { *os << g.name; }

std::vector<GoldenFile> manifest() {
  std::vector<GoldenFile> files;
  auto j = nlohmann::json::parse(read_or_die(kGolden + "manifest.json"));
  for (const auto& f : j.at("files")) {
    GoldenFile g;
    g.name = f.at("name");
    g.tokenizer = f.at("tokenizer");
    g.inputs = f.at("inputs");
    if (!f.at("lowercase").is_null()) g.lowercase = f.at("lowercase").get<bool>();
    g.add_special_tokens = f.at("add_special_tokens");
    if (!f.at("padded_to").is_null()) g.padded_to = f.at("padded_to");
    files.push_back(g);
  }
  return files;
}

class WordPieceGolden : public ::testing::TestWithParam<GoldenFile> {};

TEST_P(WordPieceGolden, IdsEqualHuggingFace) {
  const GoldenFile& g = GetParam();
  LoadOptions lo;
  lo.lowercase = g.lowercase;
  auto tok = Tokenizer::load(kCache + g.tokenizer, lo);
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  const auto inputs = split_lines(read_or_die(kGolden + g.inputs));
  const auto expected = split_lines(read_or_die(kGolden + g.name));
  ASSERT_EQ(inputs.size(), expected.size());
  EncodeOptions opts;
  opts.add_special_tokens = g.add_special_tokens;
  auto encoded = (*tok)->encode_batch(inputs, opts, 2);
  ASSERT_TRUE(encoded.is_ok()) << encoded.status().to_string();
  size_t mismatches = 0;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Encoding& e = (*encoded)[i];
    if (g.padded_to) {
      EXPECT_EQ(e.ids.size(), g.padded_to) << "line " << i + 1;
    }
    const std::string got = join_ids(e.ids, &e.attention_mask);
    if (got != expected[i] && ++mismatches <= 5)
      ADD_FAILURE() << g.name << " line " << i + 1 << ": '" << inputs[i] << "'\n  tokrec: " << got
                    << "\n  HF:     " << expected[i];
  }
  EXPECT_EQ(mismatches, 0u);
}

INSTANTIATE_TEST_SUITE_P(Files, WordPieceGolden, ::testing::ValuesIn(manifest()),
                         [](const ::testing::TestParamInfo<GoldenFile>& param_info) {
                           std::string n = param_info.param.name;
                           for (char& c : n)
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           return n;
                         });

// llama.cpp's BGE vocabulary test: cases split by "\n__ggml_vocab_test__\n",
// expected ids without special tokens. BGE (bge-small-en) ships the
// bert-base-uncased vocabulary; this test checks that claim too.
TEST(GgmlBertBge, MatchesWithBertBaseUncased) {
  const std::string dir = std::string(TOKREC_SHARED_DATA) + "/tokenizers/golden/";
  if (!io::file_exists(dir + "ggml-vocab-bert-bge.gguf.inp")) GTEST_SKIP() << "shared data missing";
  const std::string inp = read_or_die(dir + "ggml-vocab-bert-bge.gguf.inp");
  const auto out = split_lines(read_or_die(dir + "ggml-vocab-bert-bge.gguf.out"));
  const std::vector<std::string> cases = golden::split_ggml_cases(inp);
  ASSERT_EQ(cases.size(), out.size());
  ASSERT_GT(cases.size(), 40u);
  auto tok = Tokenizer::load(kCache + "tokenizers/bert-base-uncased/tokenizer.json");
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  EncodeOptions opts;
  opts.add_special_tokens = false;
  for (size_t i = 0; i < cases.size(); ++i) {
    auto e = (*tok)->encode(cases[i], opts);
    ASSERT_TRUE(e.is_ok());
    std::string expected = out[i];
    while (!expected.empty() && expected.front() == ' ') expected.erase(0, 1);
    EXPECT_EQ(join_ids(e->ids), expected) << "case " << i << ": '" << cases[i] << "'";
  }
}

// Code points where HF's older Unicode tables and tokrec's Unicode 15 tables
// disagree (marks and punctuation assigned after Unicode 9 or so). They are
// listed with both outputs by tests/golden/gen/unicode_sweep.js; tokrec must
// keep producing its Unicode 15 answer, and the list must stay short.
TEST(UnicodeDifferences, AreTheDocumentedOnes) {
  const auto lines = split_lines(read_or_die(kGolden + "unicode_differences.txt"));
  std::map<std::string, std::shared_ptr<const Tokenizer>> toks;
  EncodeOptions opts;
  opts.add_special_tokens = false;
  size_t checked = 0;
  for (const std::string& line : lines) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, '\t')) f.push_back(field);
    ASSERT_EQ(f.size(), 4u) << line;
    auto& tok = toks[f[1]];
    if (!tok) {
      auto r = Tokenizer::load(kCache + "tokenizers/" + f[1] + "/tokenizer.json");
      ASSERT_TRUE(r.is_ok());
      tok = *r;
    }
    const char32_t cp = static_cast<char32_t>(std::stoul(f[0].substr(2), nullptr, 16));
    std::string c;
    utf8::append(c, cp);
    auto e = tok->encode("a" + c + "a " + c + "A", opts);
    ASSERT_TRUE(e.is_ok());
    EXPECT_EQ(join_ids(e->ids), f[3]) << f[0];
    EXPECT_NE(f[2], f[3]);
    ++checked;
  }
  EXPECT_GT(checked, 100u);
  EXPECT_LT(checked, 1000u);
}

}  // namespace
}  // namespace tokrec::tokenize
