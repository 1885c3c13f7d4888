#include "tokrec/features/word_vectors.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <string>

#include "tokrec/io/file.h"

namespace tokrec::features {
namespace {

class WordVectorsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tokrec_wv_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    EXPECT_TRUE(io::write_file(path, text).is_ok());
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(WordVectorsTest, GloveText) {
  auto wv = WordVectors::load(write("g.txt", "the 0.5 -1 2e-1\ncat 1 2 3\n\n\xe4\xb8\xad 4 5.25 6\n"));
  ASSERT_TRUE(wv.is_ok()) << wv.status().to_string();
  EXPECT_EQ(wv->dim(), 3u);
  EXPECT_EQ(wv->size(), 3u);
  EXPECT_EQ(wv->word(2), "\xe4\xb8\xad");
  const float* v = wv->find("the");
  ASSERT_NE(v, nullptr);
  EXPECT_FLOAT_EQ(v[0], 0.5f);
  EXPECT_FLOAT_EQ(v[1], -1.0f);
  EXPECT_FLOAT_EQ(v[2], 0.2f);
  EXPECT_EQ(wv->find("\xe4\xb8\xad"), wv->row(2));
  EXPECT_FLOAT_EQ(wv->row(2)[1], 5.25f);
  EXPECT_EQ(wv->row(1), wv->row(0) + 3);  // contiguous rows
  EXPECT_EQ(wv->find("dog"), nullptr);
  EXPECT_EQ(wv->find("th"), nullptr);
}

TEST_F(WordVectorsTest, Word2VecHeaderTabsAndTrailingSpaces) {
  auto wv = WordVectors::load(write("w.txt", "2 2\na 1\t2 \nb 3 4\n"));
  ASSERT_TRUE(wv.is_ok()) << wv.status().to_string();
  EXPECT_EQ(wv->dim(), 2u);
  EXPECT_EQ(wv->size(), 2u);
  EXPECT_FLOAT_EQ(wv->find("b")[1], 4.0f);
}

TEST_F(WordVectorsTest, MaxWordsAndDuplicates) {
  WordVectorLoadOptions o;
  o.max_words = 2;
  auto wv = WordVectors::load(write("m.txt", "a 1\na 2\nc 3\n"), o);
  ASSERT_TRUE(wv.is_ok());
  EXPECT_EQ(wv->size(), 2u);
  EXPECT_FLOAT_EQ(wv->find("a")[0], 1.0f);  // first occurrence wins
  EXPECT_EQ(wv->find("c"), nullptr);
  // max_words stops before a short word2vec file's end is an error.
  auto w2v = WordVectors::load(write("short.txt", "5 1\na 1\nb 2\n"), o);
  EXPECT_TRUE(w2v.is_ok());
}

TEST_F(WordVectorsTest, Gzip) {
  std::string path = (dir_ / "z.txt.gz").string();
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::string text = "1 2\nx 0.25 0.75\n";
  gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
  gzclose(f);
  auto wv = WordVectors::load(path);
  ASSERT_TRUE(wv.is_ok()) << wv.status().to_string();
  EXPECT_FLOAT_EQ(wv->find("x")[1], 0.75f);
}

TEST_F(WordVectorsTest, MalformedLinesNameFileAndLine) {
  auto bad_dim = WordVectors::load(write("d.txt", "a 1 2\nb 1 2\nc 1\n"));
  ASSERT_FALSE(bad_dim.is_ok());
  EXPECT_EQ(bad_dim.status().code(), StatusCode::kParseError);
  EXPECT_NE(bad_dim.status().message().find("d.txt line 3"), std::string::npos) << bad_dim.status().message();

  auto bad_num = WordVectors::load(write("n.txt", "a 1 2\nb 1 x2\n"));
  ASSERT_FALSE(bad_num.is_ok());
  EXPECT_NE(bad_num.status().message().find("n.txt line 2"), std::string::npos);
  EXPECT_NE(bad_num.status().message().find("'x2'"), std::string::npos);

  EXPECT_FALSE(WordVectors::load(write("p.txt", "a 1.5.2\n")).is_ok());
  EXPECT_FALSE(WordVectors::load(write("short.txt", "3 1\na 1\nb 2\n")).is_ok());
  EXPECT_FALSE(WordVectors::load(write("empty.txt", "")).is_ok());
  EXPECT_FALSE(WordVectors::load(write("lone.txt", "word\n")).is_ok());
  EXPECT_EQ(WordVectors::load((dir_ / "missing.txt").string()).status().code(), StatusCode::kNotFound);
  WordVectorLoadOptions force;
  force.format = VectorFormat::kWord2Vec;
  EXPECT_FALSE(WordVectors::load(write("noheader.txt", "a 1 2\n"), force).is_ok());
}

TEST(WordVectorsData, GloveTop100k) {
  std::string path = std::string(TOKREC_CACHE_DATA) + "/vectors/glove.6B.100d.top100k.txt.gz";
  if (!io::file_exists(path)) GTEST_SKIP() << path << " not fetched";
  WordVectorLoadOptions o;
  o.max_words = 2000;  // keeps the unit suite fast; the benchmark loads it all
  auto wv = WordVectors::load(path, o);
  ASSERT_TRUE(wv.is_ok()) << wv.status().to_string();
  EXPECT_EQ(wv->dim(), 100u);
  EXPECT_EQ(wv->size(), 2000u);
  EXPECT_EQ(wv->word(0), "the");
  ASSERT_NE(wv->find("the"), nullptr);
  EXPECT_FLOAT_EQ(wv->find("the")[0], -0.038194f);
}

TEST(WordVectorsData, ChineseWord2Vec) {
  std::string path = std::string(TOKREC_SHARED_DATA) + "/vectors/zh-lac-128d/lac_small_emb128.txt.gz";
  if (!io::file_exists(path)) GTEST_SKIP() << path << " not present";
  auto wv = WordVectors::load(path);
  ASSERT_TRUE(wv.is_ok()) << wv.status().to_string();
  EXPECT_EQ(wv->dim(), 128u);
  EXPECT_EQ(wv->size(), 20941u);
  EXPECT_NE(wv->find("\xe6\x88\x91"), nullptr);  // 我
}

}  // namespace
}  // namespace tokrec::features
