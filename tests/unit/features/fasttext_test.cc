// fastText .bin / .vec: a tiny model trained here with libfasttext itself on
// self-made text, then tokrec's vectors compared with fastText's own
// getWordVector (in and out of the vocabulary), with the mean of the word's
// n-gram rows computed independently, and with the .vec file fastText writes.
#include "tokrec/features/fasttext.h"

#include <fasttext/fasttext.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "tokrec/features/pooling.h"
#include "tokrec/features/word_vectors.h"
#include "tokrec/io/file.h"

namespace tokrec::features {
namespace {

class FastTextTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("tokrec_ft_" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    // Self-made corpus: product-title-like lines over a small vocabulary.
    const std::vector<std::string> vocab = {"red",   "blue",  "green",  "shirt", "shoes",  "running", "cotton",
                                            "linen", "men",   "women",  "kids",  "summer", "winter",  "jacket",
                                            "warm",  "light", "classic", "sport", "denim",  "wool"};
    std::mt19937 rng(7);
    std::string text;
    for (int line = 0; line < 400; ++line) {
      for (int w = 0; w < 8; ++w) {
        if (w) text += ' ';
        text += vocab[rng() % vocab.size()];
      }
      text += '\n';
    }
    std::string corpus = (*dir_ / "corpus.txt").string();
    ASSERT_TRUE(io::write_file(corpus, text).is_ok());
    fasttext::Args args;
    args.input = corpus;
    args.model = fasttext::model_name::sg;
    args.dim = 8;
    args.epoch = 3;
    args.minCount = 1;
    args.minn = 2;
    args.maxn = 4;
    args.bucket = 5000;
    args.thread = 1;
    args.verbose = 0;
    reference_ = new fasttext::FastText();
    reference_->train(args);
    reference_->saveModel((*dir_ / "model.bin").string());
    reference_->saveVectors((*dir_ / "model.vec").string());
  }
  static void TearDownTestSuite() {
    delete reference_;
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static std::string path(const std::string& name) { return (*dir_ / name).string(); }
  static std::vector<float> reference_vector(const std::string& word) {
    fasttext::Vector v(reference_->getDimension());
    reference_->getWordVector(v, word);
    return std::vector<float>(v.data(), v.data() + v.size());
  }

  static std::filesystem::path* dir_;
  static fasttext::FastText* reference_;
};
std::filesystem::path* FastTextTest::dir_ = nullptr;
fasttext::FastText* FastTextTest::reference_ = nullptr;

TEST_F(FastTextTest, InVocabularyWordsEqualGetWordVector) {
  auto ft = FastTextVectors::load(path("model.bin"));
  ASSERT_TRUE(ft.is_ok()) << ft.status().to_string();
  EXPECT_EQ(ft->dim(), 8u);
  EXPECT_EQ(ft->size(), 21u);  // 20 words + "</s>"
  std::vector<float> out(ft->dim());
  for (const char* w : {"red", "shirt", "running", "wool"}) {
    EXPECT_TRUE(ft->contains(w)) << w;
    EXPECT_TRUE(ft->vector(w, out));
    EXPECT_EQ(out, reference_vector(w)) << w;
  }
}

TEST_F(FastTextTest, UnknownWordsUseSubwordsLikeFastText) {
  auto ft = FastTextVectors::load(path("model.bin"));
  ASSERT_TRUE(ft.is_ok()) << ft.status().to_string();
  std::vector<float> out(ft->dim());
  for (const char* w : {"shirts", "redd", "woolen", "xq"}) {
    EXPECT_FALSE(ft->contains(w)) << w;
    EXPECT_TRUE(ft->vector(w, out)) << w;
    EXPECT_EQ(out, reference_vector(w)) << w;
    // Independently: the mean of the word's n-gram rows as fastText lists them.
    auto grams = reference_->getNgramVectors(w);
    ASSERT_FALSE(grams.empty());
    double norm = 0;
    for (size_t j = 0; j < out.size(); ++j) {
      double mean = 0;
      for (const auto& g : grams) mean += g.second[static_cast<int64_t>(j)];
      mean /= static_cast<double>(grams.size());
      EXPECT_NEAR(out[j], mean, 1e-6) << w << " component " << j;
      norm += out[j] * out[j];
    }
    EXPECT_GT(norm, 0.0) << w;
  }
  // Pooling over a mix of known and unknown words: nothing is skipped.
  std::vector<float> pooled(ft->dim());
  EXPECT_EQ(pool_mean({"red", "shirts", "woolen"}, ft->lookup(), pooled), 3u);
}

TEST_F(FastTextTest, VecFileLoadsAsWord2VecText) {
  auto vec = WordVectors::load(path("model.vec"));
  ASSERT_TRUE(vec.is_ok()) << vec.status().to_string();
  auto ft = FastTextVectors::load(path("model.bin"));
  ASSERT_TRUE(ft.is_ok());
  EXPECT_EQ(vec->dim(), ft->dim());
  EXPECT_EQ(vec->size(), ft->size());
  EXPECT_EQ(vec->find("shirts"), nullptr);  // .vec has no subwords
  std::vector<float> out(ft->dim());
  for (size_t i = 0; i < vec->size(); ++i) {
    ASSERT_EQ(vec->word(i), ft->word(i));
    ft->vector(vec->word(i), out);
    for (size_t j = 0; j < out.size(); ++j)  // .vec holds 5 significant digits
      EXPECT_NEAR(vec->row(i)[j], out[j], 1e-4 * std::max(1.0f, std::fabs(out[j]))) << vec->word(i);
  }
  // The vocabulary table equals the .bin's vectors exactly.
  WordVectors table = ft->vocabulary_vectors();
  ASSERT_EQ(table.size(), ft->size());
  ft->vector("green", out);
  ASSERT_NE(table.find("green"), nullptr);
  EXPECT_EQ(std::vector<float>(table.find("green"), table.find("green") + table.dim()), out);
}

TEST_F(FastTextTest, BadFilesAreErrors) {
  EXPECT_FALSE(FastTextVectors::load(path("missing.bin")).is_ok());
  auto vec = FastTextVectors::load(path("model.vec"));  // text, not a model
  ASSERT_FALSE(vec.is_ok());
  EXPECT_NE(vec.status().to_string().find("model.vec"), std::string::npos);
  // A truncated model.
  auto bytes = io::read_file(path("model.bin"));
  ASSERT_TRUE(bytes.is_ok());
  for (size_t cut : {size_t{6}, size_t{60}, bytes->size() / 2, bytes->size() - 4}) {
    std::string p = path("cut.bin");
    ASSERT_TRUE(io::write_file(p, bytes->substr(0, cut)).is_ok());
    EXPECT_FALSE(FastTextVectors::load(p).is_ok()) << "cut at " << cut;
  }
}

}  // namespace
}  // namespace tokrec::features
