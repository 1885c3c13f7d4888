// Parity with an independent PyTorch reference of transformers' BERT /
// RoBERTa / DistilBERT forward (tests/golden/gen/gen_encoder_models.py): for
// each committed random-weight model folder, tokrec's ids, last_hidden_state
// on real positions, pooler_output and every pooling must match within 1e-4.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tokrec/encoder/encoder.h"
#include "tokrec/io/file.h"
#include "unit/encoder/reference_parity.h"

namespace tokrec::encoder {
namespace {

const std::string kDir = std::string(TOKREC_GOLDEN_DIR) + "/encoder/";

struct Case {
  std::string model;
  size_t threads;
  size_t batch_size;
};

std::string case_name(const testing::TestParamInfo<Case>& info) {
  return info.param.model + "_t" + std::to_string(info.param.threads) + "_b" +
         std::to_string(info.param.batch_size);
}

class EncoderGolden : public testing::TestWithParam<Case> {};

TEST_P(EncoderGolden, MatchesReference) {
  const Case& c = GetParam();
  auto ref_text = io::read_file(kDir + c.model + "/reference.json");
  ASSERT_TRUE(ref_text.is_ok()) << ref_text.status().to_string();
  const auto ref = nlohmann::json::parse(*ref_text);
  auto sentences = io::read_lines(kDir + "sentences.txt");
  ASSERT_TRUE(sentences.is_ok());
  ASSERT_EQ(sentences->size(), ref["ids"].size());

  auto enc = Encoder::load(kDir + c.model);
  ASSERT_TRUE(enc.is_ok()) << enc.status().to_string();
  auto weights = TokenWeights::load(kDir + "weights.tsv", (*enc)->tokenizer());
  ASSERT_TRUE(weights.is_ok()) << weights.status().to_string();
  parity::expect_matches_reference(**enc, *sentences, ref, c.model, c.threads, c.batch_size,
                                   weights->get());
}

const char* const kModels[] = {"bert", "bert_prefixed", "bert_gelu_new_eps", "bert_fp16",
                               "bert_legacy_sharded", "roberta", "distilbert"};

std::vector<Case> all_cases() {
  std::vector<Case> cases;
  for (const char* m : kModels) {
    cases.push_back({m, 1, 1});   // one sequence per batch: no padding at all
    cases.push_back({m, 2, 4});   // dynamic padding across batches, two threads
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Models, EncoderGolden, testing::ValuesIn(all_cases()), case_name);

// The pooler pooling is refused without pooler weights (DistilBERT has none).
TEST(EncoderPooling, PoolerNeedsWeights) {
  auto enc = Encoder::load(kDir + "distilbert");
  ASSERT_TRUE(enc.is_ok()) << enc.status().to_string();
  EXPECT_FALSE((*enc)->has_pooler());
  EmbedOptions o;
  o.pooling = Pooling::kPooler;
  auto m = (*enc)->embed({"hello"}, o);
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().message().find("pooler"), std::string::npos);
}

// Shorter --max-length truncates: the row equals the embedding of the
// truncated token sequence, and [SEP] is kept at the end.
TEST(EncoderPooling, MaxLengthTruncates) {
  auto enc = Encoder::load(kDir + "bert");
  ASSERT_TRUE(enc.is_ok());
  RunOptions r;
  r.max_length = 5;
  auto toks = (*enc)->tokenize({"the quick brown fox jumps over"}, r);
  ASSERT_TRUE(toks.is_ok());
  ASSERT_EQ((*toks)[0].ids.size(), 5u);
  EXPECT_EQ((*toks)[0].tokens.back(), "[SEP]");
  EXPECT_EQ((*enc)->max_length(0), 64u);
  EXPECT_EQ((*enc)->max_length(1000), 64u);
}

// RunOptions::progress: called once per forward pass, on the calling thread,
// with a growing count that ends at the number of sequences; the result is
// the same as without it.
TEST(EncoderPooling, ProgressCountsEveryBatch) {
  auto enc = Encoder::load(kDir + "bert");
  ASSERT_TRUE(enc.is_ok());
  const std::vector<std::string> texts = {"a", "bb cc", "the quick brown fox", "x y z", "hello world"};
  EmbedOptions o;
  o.batch_size = 2;
  auto plain = (*enc)->embed(texts, o);
  ASSERT_TRUE(plain.is_ok());
  std::vector<size_t> seen;
  const auto caller = std::this_thread::get_id();
  bool same_thread = true;
  o.progress = [&](size_t done, size_t total) {
    EXPECT_EQ(total, texts.size());
    same_thread = same_thread && std::this_thread::get_id() == caller;
    seen.push_back(done);
  };
  auto reported = (*enc)->embed(texts, o);
  ASSERT_TRUE(reported.is_ok());
  EXPECT_EQ(seen, (std::vector<size_t>{2, 4, 5}));
  EXPECT_TRUE(same_thread);
  EXPECT_EQ(plain->data, reported->data);
}

}  // namespace
}  // namespace tokrec::encoder
