// Parity on random-weight models whose vocabularies are real tokenizers'
// (bert-base-uncased WordPiece, roberta-base byte-level BPE): the committed
// folders hold only config.json, model.safetensors (fp16) and the reference
// (tests/golden/gen/gen_encoder_models.py); the shared tokenizer.json is not
// committed, so each test assembles the exact Hugging Face folder in a temp
// dir. tokrec runs end to end from text; ids must equal HF tokenizers' and
// last_hidden_state, pooler_output and poolings the PyTorch reference's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "tokrec/encoder/encoder.h"
#include "tokrec/io/file.h"

namespace tokrec::encoder {
namespace {

namespace fs = std::filesystem;
const std::string kDir = std::string(TOKREC_GOLDEN_DIR) + "/encoder/";
constexpr double kTolerance = 1e-4;

// The shared tokenizer file: data cache first, then the shared data.
std::string find_tokenizer(const std::string& folder) {
  for (const std::string& base : {std::string(TOKREC_CACHE_DATA), std::string(TOKREC_SHARED_DATA)}) {
    const std::string p = base + "/tokenizers/" + folder + "/tokenizer.json";
    if (fs::exists(p)) return p;
  }
  return "";
}

// Committed config + weights plus the shared tokenizer.json, removed afterwards.
class AssembledModel {
 public:
  AssembledModel(const std::string& model, const std::string& tokenizer) {
    dir_ = fs::temp_directory_path() /
           ("tokrec_shared_" + model + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
    fs::copy_file(kDir + model + "/config.json", dir_ / "config.json");
    fs::copy_file(kDir + model + "/model.safetensors", dir_ / "model.safetensors");
    fs::copy_file(tokenizer, dir_ / "tokenizer.json");
  }
  ~AssembledModel() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  std::string path() const { return dir_.string(); }

 private:
  fs::path dir_;
};

double max_abs_diff(const float* got, const nlohmann::json& want, size_t n) {
  EXPECT_EQ(want.size(), n);
  double worst = 0;
  for (size_t i = 0; i < std::min(n, want.size()); ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - want[i].get<double>());
    worst = std::isnan(d) ? INFINITY : std::max(worst, d);
  }
  return worst;
}

struct Case {
  std::string model;
  std::string tokenizer;  // folder under tokenizers/
  size_t vocab_size;
};

// gtest names a failing case by its model instead of dumping bytes.
void PrintTo(const Case& c, std::ostream* os) { *os << c.model; }

std::string case_name(const testing::TestParamInfo<Case>& info) { return info.param.model; }

class SharedTokenizerModel : public testing::TestWithParam<Case> {};

TEST_P(SharedTokenizerModel, MatchesReference) {
  const Case& c = GetParam();
  const std::string tok = find_tokenizer(c.tokenizer);
  if (tok.empty()) GTEST_SKIP() << "tokenizers/" << c.tokenizer << "/tokenizer.json not found (scripts/fetch-data.sh)";
  auto ref_text = io::read_file(kDir + c.model + "/reference.json");
  ASSERT_TRUE(ref_text.is_ok()) << ref_text.status().to_string();
  const auto ref = nlohmann::json::parse(*ref_text);
  ASSERT_EQ(ref["tokenizer"].get<std::string>(), c.tokenizer);
  auto sentences = io::read_lines(kDir + "sentences.txt");
  ASSERT_TRUE(sentences.is_ok());
  ASSERT_EQ(sentences->size(), ref["ids"].size());

  // The committed config really has the full vocabulary of the tokenizer.
  auto config = io::read_file(kDir + c.model + "/config.json");
  ASSERT_TRUE(config.is_ok());
  EXPECT_EQ(nlohmann::json::parse(*config)["vocab_size"].get<size_t>(), c.vocab_size);

  AssembledModel folder(c.model, tok);
  auto enc = Encoder::load(folder.path());
  ASSERT_TRUE(enc.is_ok()) << enc.status().to_string();
  const Encoder& e = **enc;
  const size_t H = e.hidden_size();
  ASSERT_EQ(H, ref["hidden_size"].get<size_t>());
  EXPECT_EQ(e.max_length(), ref["max_tokens"].get<size_t>());

  RunOptions run;
  run.threads = 2;
  run.batch_size = 4;  // dynamic padding across batches
  auto outputs = e.forward(*sentences, run);
  ASSERT_TRUE(outputs.is_ok()) << outputs.status().to_string();
  ASSERT_EQ(outputs->size(), sentences->size());

  double worst_hidden = 0, worst_pooler = 0;
  for (size_t i = 0; i < outputs->size(); ++i) {
    const SequenceOutput& s = (*outputs)[i];
    EXPECT_EQ(s.encoding.ids, ref["ids"][i].get<std::vector<int32_t>>()) << "sentence " << i;
    worst_hidden = std::max(worst_hidden, max_abs_diff(s.hidden.data(), ref["last_hidden_state"][i],
                                                       s.hidden.size()));
    if (!ref["pooler_output"].is_null()) {
      ASSERT_EQ(s.pooler.size(), H);
      worst_pooler = std::max(worst_pooler, max_abs_diff(s.pooler.data(), ref["pooler_output"][i], H));
    }
  }
  EXPECT_LE(worst_hidden, kTolerance) << "last_hidden_state";
  EXPECT_LE(worst_pooler, kTolerance) << "pooler_output";
  std::printf("[parity] %s last_hidden_state %.3g pooler_output %.3g\n", c.model.c_str(),
              worst_hidden, worst_pooler);

  for (const auto& [key, rows] : ref["pooled"].items()) {
    EmbedOptions o;
    o.threads = 2;
    o.batch_size = 4;
    std::string name = key;
    if (const size_t p = key.find("_normalized"); p != std::string::npos) {
      name = key.substr(0, p);
      o.normalize = true;
    }
    auto pooling = parse_pooling(name);
    ASSERT_TRUE(pooling.is_ok()) << key;
    o.pooling = *pooling;
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

INSTANTIATE_TEST_SUITE_P(
    Shared, SharedTokenizerModel,
    testing::Values(Case{"bert_uncased_shared", "bert-base-uncased", 30522},
                    Case{"roberta_base_shared", "roberta-base", 50265}),
    case_name);

}  // namespace
}  // namespace tokrec::encoder
