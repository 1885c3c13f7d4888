// tiktoken encodings converted to Hugging Face tokenizer.json files
// (tests/golden/gen/tiktoken_to_hf.js, written to the data cache, never
// committed): tokrec reading the tokenizer.json (its HF BPE path: Split +
// ByteLevel pre-tokenizers, merges, ignore_merges, added tokens) must give
// the ids it gives for the rank file (the tiktoken path), and both must
// equal tiktoken's committed goldens, on every BPE golden input.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"
#include "unit/tokenize/golden_files.h"

namespace tokrec::tokenize {
namespace {

using golden::join_ids;
using golden::read_or_empty;
using golden::split_lines;

struct Case {
  std::string name;       // encoding; golden bpe/<name>.ids
  std::string rank_file;  // under the data folders
};
void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

class TiktokenAsHfJson : public ::testing::TestWithParam<Case> {};

TEST_P(TiktokenAsHfJson, SameIdsAsTheRankFileAndTiktoken) {
  const Case& c = GetParam();
  const std::string json_path =
      std::string(TOKREC_CACHE_DATA) + "/tokenizers/tiktoken-hf/" + c.name + "/tokenizer.json";
  std::error_code ec;
  if (!std::filesystem::exists(json_path, ec))
    GTEST_SKIP() << json_path << " not generated: run `node tests/golden/gen/tiktoken_to_hf.js` "
                 << "(after `npm install --ignore-scripts` there), or scripts/fetch-data.sh with node present";
  const std::string rank_path = golden::data_path(c.rank_file);
  if (rank_path.empty()) GTEST_SKIP() << c.rank_file << " not available (run scripts/fetch-data.sh)";

  auto from_json = Tokenizer::load(json_path);
  ASSERT_TRUE(from_json.is_ok()) << from_json.status().to_string();
  LoadOptions named;
  named.encoding = c.name;
  auto from_ranks = Tokenizer::load(rank_path, named);
  ASSERT_TRUE(from_ranks.is_ok()) << from_ranks.status().to_string();
  // The tokenizer.json path, not the rank-file one.
  EXPECT_EQ((*from_json)->info().format, "tokenizer.json");
  EXPECT_NE((*from_ranks)->info().format, "tokenizer.json");

  const std::vector<std::string> texts = golden::bpe_golden_texts();
  ASSERT_FALSE(texts.empty());
  const std::vector<std::string> expected =
      split_lines(read_or_empty(std::string(TOKREC_GOLDEN_DIR) + "/bpe/" + c.name + ".ids"));
  ASSERT_EQ(expected.size(), texts.size());
  EncodeOptions opts;
  opts.add_special_tokens = false;
  auto a = (*from_json)->encode_batch(texts, opts, 2);
  auto b = (*from_ranks)->encode_batch(texts, opts, 2);
  ASSERT_TRUE(a.is_ok()) << a.status().to_string();
  ASSERT_TRUE(b.is_ok()) << b.status().to_string();
  size_t mismatches = 0;
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string got_json = join_ids((*a)[i].ids), got_ranks = join_ids((*b)[i].ids);
    if (got_json == got_ranks && got_json == expected[i]) continue;
    if (++mismatches <= 5)
      ADD_FAILURE() << c.name << " input " << i << " " << nlohmann::json(texts[i]).dump()
                    << "\n  tiktoken        " << expected[i] << "\n  tokenizer.json  " << got_json
                    << "\n  rank file       " << got_ranks;
  }
  EXPECT_EQ(mismatches, 0u) << "of " << texts.size() << " inputs";

  // Same vocabulary both ways: every rank and special token has one id and spelling.
  EXPECT_EQ((*from_json)->vocab_size(), (*from_ranks)->vocab_size());
  for (int32_t id : {0, 255, 256, 1000, 50000, 100000})
    EXPECT_EQ((*from_json)->id_to_token(id), (*from_ranks)->id_to_token(id)) << "id " << id;
  // Decoding goes through the ByteLevel decoder both ways.
  const std::string text = "naïve café, 東京 <|endoftext|>";
  auto ids = (*from_json)->encode(text, opts);
  ASSERT_TRUE(ids.is_ok());
  EXPECT_EQ((*from_json)->decode(ids->ids, false), text);
}

INSTANTIATE_TEST_SUITE_P(Encodings, TiktokenAsHfJson,
                         ::testing::Values(Case{"cl100k_base", "tokenizers/tiktoken/cl100k_base.tiktoken"},
                                           Case{"o200k_base", "tokenizers/tiktoken/o200k_base.tiktoken"},
                                           Case{"llama3", "tokenizers/llama3/tokenizer.model"},
                                           Case{"qwen", "tokenizers/qwen/qwen.tiktoken"}),
                         [](const ::testing::TestParamInfo<Case>& p) { return p.param.name; });

}  // namespace
}  // namespace tokrec::tokenize
