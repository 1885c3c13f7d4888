// The "encoder" feature source of the main job: content-encoder's item rows
// come from a transformer encoder (committed random-weight model).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <unistd.h>

#include "tokrec/eval/experiment.h"
#include "tokrec/io/file.h"

namespace tokrec::eval {
namespace {

const std::string kModel = std::string(TOKREC_GOLDEN_DIR) + "/encoder/bert_prefixed";

// A tiny MovieLens-layout dataset: 10 items, 6 users with 5 positives each.
class EncoderFeaturesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tokrec_enc_run_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir_);
    std::string movies = "movieId,title,genres\n";
    const char* titles[] = {"Star voyage",       "The moon base",  "Rocket crew",  "Galaxy war", "Alien signal",
                            "The baker's bread", "Kitchen nights", "Pasta village", "Wedding cake", "Soup of the day"};
    for (int i = 0; i < 10; ++i) movies += std::to_string(i + 1) + "," + titles[i] + ",Drama\n";
    std::string ratings = "userId,movieId,rating,timestamp\n";
    int ts = 1;
    for (int u = 1; u <= 6; ++u)
      for (int k = 0; k < 5; ++k)
        ratings += std::to_string(u) + "," + std::to_string((u % 2 ? 1 : 6) + k) + ",5.0," + std::to_string(ts++) + "\n";
    ASSERT_TRUE(io::write_file((dir_ / "movies.csv").string(), movies).is_ok());
    ASSERT_TRUE(io::write_file((dir_ / "ratings.csv").string(), ratings).is_ok());
    c_.ratings_path = (dir_ / "ratings.csv").string();
    c_.movies_path = (dir_ / "movies.csv").string();
    c_.tokenizer_path = kModel + "/tokenizer.json";
    c_.text_fields = {"title"};
    c_.split.min_positives = 3;
    c_.split.ratios = {0.6, 0.2, 0.2};
    c_.models = {"content-encoder"};
    c_.ks = {3};
    c_.threads = 1;
    c_.encoder.model = kModel;
    c_.encoder.max_length = 16;
    c_.encoder.batch_size = 3;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  ExperimentConfig c_;
};

TEST_F(EncoderFeaturesTest, KnownModelThatRanksColdItems) {
  const auto& m = known_models();
  EXPECT_NE(std::find(m.begin(), m.end(), "content-encoder"), m.end());
  EXPECT_TRUE(model_handles_cold_items("content-encoder"));
}

TEST_F(EncoderFeaturesTest, ValidateNamesTheProblem) {
  EXPECT_TRUE(validate(c_).is_ok());
  auto c = c_;
  c.encoder.model = (dir_ / "missing").string();
  auto st = validate(c);
  ASSERT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("model folder not found"), std::string::npos) << st.message();
  c.encoder.model.clear();
  EXPECT_NE(validate(c).message().find("features.encoder.model must be set"), std::string::npos);
  c = c_;
  c.encoder.pooling = "weighted";
  EXPECT_NE(validate(c).message().find("features.encoder.pooling"), std::string::npos);
  c = c_;
  c.encoder.dtype = "fp8";
  EXPECT_NE(validate(c).message().find("features.encoder.dtype"), std::string::npos);
  // Not needed, not checked: other models run without an encoder.
  c = c_;
  c.models = {"popularity"};
  c.encoder.model = (dir_ / "missing").string();
  EXPECT_TRUE(validate(c).is_ok());
}

TEST_F(EncoderFeaturesTest, RunsContentEncoderOnEmbeddedRows) {
  auto r = run_experiment(c_);
  ASSERT_TRUE(r.is_ok()) << r.status().message();
  EXPECT_GT(r->encoder_dim, 0u);
  ASSERT_EQ(r->protocols.size(), 1u);
  ASSERT_EQ(r->protocols[0].models.size(), 1u);
  const auto& out = r->protocols[0].models[0];
  EXPECT_EQ(out.name, "content-encoder");
  ASSERT_TRUE(out.metrics.count("ndcg@3"));
  EXPECT_GE(out.metrics.at("ndcg@3"), 0.0);
  EXPECT_LE(out.metrics.at("ndcg@3"), 1.0);
  EXPECT_FALSE(out.lists.empty());
  for (const auto& [user, items] : out.lists) EXPECT_EQ(items.size(), 3u);
  // Other poolings and precisions feed the model too.
  auto c = c_;
  c.encoder.pooling = "max";
  c.encoder.dtype = "int8";
  EXPECT_TRUE(run_experiment(c).is_ok());
}

}  // namespace
}  // namespace tokrec::eval
