// Parity on random-weight models whose vocabularies are real tokenizers'
// (bert-base-uncased WordPiece, roberta-base byte-level BPE): the committed
// folders hold only config.json, model.safetensors (fp16) and the reference
// (tests/golden/gen/gen_encoder_models.py); the shared tokenizer.json is not
// committed, so each test assembles the exact Hugging Face folder in a temp
// dir. tokrec runs end to end from text; ids must equal HF tokenizers' and
// last_hidden_state, pooler_output and poolings the PyTorch reference's.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "tokrec/encoder/encoder.h"
#include "tokrec/io/file.h"
#include "unit/encoder/reference_parity.h"

namespace tokrec::encoder {
namespace {

namespace fs = std::filesystem;
const std::string kDir = std::string(TOKREC_GOLDEN_DIR) + "/encoder/";

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
  // Two threads, batches of 4: dynamic padding across batches.
  parity::expect_matches_reference(**enc, *sentences, ref, c.model, 2, 4);
}

INSTANTIATE_TEST_SUITE_P(
    Shared, SharedTokenizerModel,
    testing::Values(Case{"bert_uncased_shared", "bert-base-uncased", 30522},
                    Case{"roberta_base_shared", "roberta-base", 50265}),
    case_name);

}  // namespace
}  // namespace tokrec::encoder
