// Parity with an independent PyTorch reference of transformers' BERT /
// RoBERTa / DistilBERT forward (tests/golden/gen/gen_encoder_models.py): for
// each committed random-weight model folder, tokrec's ids, last_hidden_state
// on real positions, pooler_output and every pooling must match within 1e-4.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokrec/encoder/encoder.h"
#include "tokrec/io/file.h"

namespace tokrec::encoder {
namespace {

const std::string kDir = std::string(TOKREC_GOLDEN_DIR) + "/encoder/";
constexpr double kTolerance = 1e-4;

struct Case {
  std::string model;
  size_t threads;
  size_t batch_size;
};

std::string case_name(const testing::TestParamInfo<Case>& info) {
  return info.param.model + "_t" + std::to_string(info.param.threads) + "_b" +
         std::to_string(info.param.batch_size);
}

double max_abs_diff(const float* got, const nlohmann::json& want, size_t n) {
  EXPECT_EQ(want.size(), n);
  double worst = 0;
  for (size_t i = 0; i < std::min(n, want.size()); ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - want[i].get<double>());
    worst = std::isnan(d) ? INFINITY : std::max(worst, d);
  }
  return worst;
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
  const Encoder& e = **enc;
  const size_t H = e.hidden_size();
  ASSERT_EQ(H, ref["hidden_size"].get<size_t>());
  EXPECT_EQ(e.max_length(), ref["max_tokens"].get<size_t>());

  RunOptions run;
  run.threads = c.threads;
  run.batch_size = c.batch_size;
  auto outputs = e.forward(*sentences, run);
  ASSERT_TRUE(outputs.is_ok()) << outputs.status().to_string();
  ASSERT_EQ(outputs->size(), sentences->size());

  double worst_hidden = 0, worst_pooler = 0;
  for (size_t i = 0; i < outputs->size(); ++i) {
    const SequenceOutput& s = (*outputs)[i];
    // Same ids as the reference tokenization (truncation included).
    EXPECT_EQ(s.encoding.ids, ref["ids"][i].get<std::vector<int32_t>>()) << "sentence " << i;
    worst_hidden = std::max(worst_hidden, max_abs_diff(s.hidden.data(), ref["last_hidden_state"][i],
                                                       s.hidden.size()));
    if (!ref["pooler_output"].is_null()) {
      ASSERT_EQ(s.pooler.size(), H);
      worst_pooler = std::max(worst_pooler, max_abs_diff(s.pooler.data(), ref["pooler_output"][i], H));
    } else {
      EXPECT_TRUE(s.pooler.empty());
    }
  }
  EXPECT_LE(worst_hidden, kTolerance) << "last_hidden_state";
  EXPECT_LE(worst_pooler, kTolerance) << "pooler_output";
  std::printf("[parity] %s last_hidden_state %.3g pooler_output %.3g\n", c.model.c_str(),
              worst_hidden, worst_pooler);

  auto weights = TokenWeights::load(kDir + "weights.tsv", e.tokenizer());
  ASSERT_TRUE(weights.is_ok()) << weights.status().to_string();
  for (const auto& [key, rows] : ref["pooled"].items()) {
    EmbedOptions o;
    o.threads = c.threads;
    o.batch_size = c.batch_size;
    std::string name = key;
    if (const size_t p = key.find("_normalized"); p != std::string::npos) {
      name = key.substr(0, p);
      o.normalize = true;
    }
    auto pooling = parse_pooling(name);
    ASSERT_TRUE(pooling.is_ok()) << key;
    o.pooling = *pooling;
    o.weights = weights->get();
    auto m = e.embed(*sentences, o);
    ASSERT_TRUE(m.is_ok()) << key << ": " << m.status().to_string();
    ASSERT_EQ(m->rows, sentences->size());
    ASSERT_EQ(m->cols, H);
    double worst = 0;
    for (size_t i = 0; i < m->rows; ++i)
      worst = std::max(worst, max_abs_diff(m->data.data() + i * H, rows[i], H));
    EXPECT_LE(worst, kTolerance) << key;
    std::printf("[parity] %s %s %.3g\n", c.model.c_str(), key.c_str(), worst);
  }
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

}  // namespace
}  // namespace tokrec::encoder
