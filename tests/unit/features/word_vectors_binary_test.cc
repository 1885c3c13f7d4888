// Binary word-vector cache: exact round trip, automatic cache, and errors for
// truncated or corrupt files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>

#include "tokrec/features/word_vectors.h"
#include "tokrec/io/file.h"

namespace tokrec::features {
namespace {

class WordVectorsBinaryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("tokrec_wvb_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name) { return (dir_ / name).string(); }
  std::string write(const std::string& name, const std::string& text) {
    EXPECT_TRUE(io::write_file(path(name), text).is_ok());
    return path(name);
  }
  std::filesystem::path dir_;
};

// Same words, same rows bit for bit, same lookups (duplicates: first wins).
void expect_same(const WordVectors& a, const WordVectors& b) {
  ASSERT_EQ(a.size(), b.size());
  ASSERT_EQ(a.dim(), b.dim());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a.word(i), b.word(i));
    EXPECT_EQ(std::memcmp(a.row(i), b.row(i), a.dim() * sizeof(float)), 0) << "row " << i;
    const float* fa = a.find(a.word(i));
    const float* fb = b.find(b.word(i));
    ASSERT_NE(fb, nullptr);
    EXPECT_EQ(fa - a.row(0), fb - b.row(0)) << a.word(i);
  }
}

const char* kText = "the 0.5 -1 2e-1\ncat 1 2 3\n\xe4\xb8\xad 4 5.25 6\nthe 7 8 9\n\xc3\xa9t\xc3\xa9 -0 1e-30 3.4e38\n";

TEST_F(WordVectorsBinaryTest, RoundTripEqualsTextLoad) {
  auto text = WordVectors::load(write("g.txt", kText));
  ASSERT_TRUE(text.is_ok()) << text.status().to_string();
  ASSERT_TRUE(text->save_binary(path("g.bin")).is_ok());
  auto bin = WordVectors::load(path("g.bin"));
  ASSERT_TRUE(bin.is_ok()) << bin.status().to_string();
  expect_same(*text, *bin);
  EXPECT_EQ(bin->find("the"), bin->row(0));
  EXPECT_EQ(bin->find("nope"), nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(bin->row(0)) % 64, 0u);  // aligned float table
  // Saving the mapped table again gives the same bytes.
  ASSERT_TRUE(bin->save_binary(path("g2.bin")).is_ok());
  EXPECT_EQ(*io::read_file(path("g.bin")), *io::read_file(path("g2.bin")));

  WordVectorLoadOptions o;
  o.max_words = 2;
  auto two = WordVectors::load(path("g.bin"), o);
  ASSERT_TRUE(two.is_ok());
  EXPECT_EQ(two->size(), 2u);
  EXPECT_EQ(two->find("\xe4\xb8\xad"), nullptr);
  // Forcing text on a binary file is a parse error, not a crash.
  o.format = VectorFormat::kGlove;
  EXPECT_FALSE(WordVectors::load(path("g.bin"), o).is_ok());
  // Forcing binary on text names the file.
  WordVectorLoadOptions b;
  b.format = VectorFormat::kBinary;
  auto not_bin = WordVectors::load(path("g.txt"), b);
  ASSERT_FALSE(not_bin.is_ok());
  EXPECT_NE(not_bin.status().message().find("g.txt"), std::string::npos);
}

TEST_F(WordVectorsBinaryTest, TruncatedAndCorruptFilesAreErrors) {
  auto text = WordVectors::load(write("g.txt", kText));
  ASSERT_TRUE(text.is_ok());
  ASSERT_TRUE(text->save_binary(path("g.bin")).is_ok());
  std::string bytes = *io::read_file(path("g.bin"));
  // Every truncation, from inside the magic to one byte short.
  for (size_t len : {size_t{8}, size_t{64}, size_t{127}, size_t{128}, size_t{200}, bytes.size() - 1}) {
    std::string p = write("t" + std::to_string(len) + ".bin", bytes.substr(0, len));
    auto r = WordVectors::load(p);
    ASSERT_FALSE(r.is_ok()) << len;
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << len;
    EXPECT_NE(r.status().message().find(p), std::string::npos) << r.status().message();
  }
  auto corrupt = [&](size_t at, char value) {
    std::string b = bytes;
    b[at] = value;
    return WordVectors::load(write("c" + std::to_string(at) + ".bin", b));
  };
  EXPECT_FALSE(corrupt(8, 9).is_ok());    // version
  EXPECT_FALSE(corrupt(24, 99).is_ok());  // count
  EXPECT_FALSE(corrupt(32, 0).is_ok());   // dim 0
  EXPECT_FALSE(corrupt(40, 65).is_ok());  // data offset not aligned
  // A word offset beyond the blob.
  uint64_t offsets_at = 0;
  std::memcpy(&offsets_at, bytes.data() + 48, 8);
  EXPECT_FALSE(corrupt(offsets_at + 8, 100).is_ok());
}

TEST_F(WordVectorsBinaryTest, AutomaticCache) {
  std::string src = write("g.txt", kText);
  WordVectorLoadOptions o;
  o.cache_path = path("g.txt.tokrec-cache");
  auto first = WordVectors::load(src, o);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  ASSERT_TRUE(io::file_exists(o.cache_path));
  auto second = WordVectors::load(src, o);  // served from the cache
  ASSERT_TRUE(second.is_ok());
  expect_same(*first, *second);

  // A changed source rebuilds the cache.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  write("g.txt", "dog 1 1\n");
  auto third = WordVectors::load(src, o);
  ASSERT_TRUE(third.is_ok());
  EXPECT_EQ(third->size(), 1u);
  EXPECT_EQ(third->dim(), 2u);
  // A different max_words rebuilds it too.
  write("g.txt", kText);
  o.max_words = 1;
  auto fourth = WordVectors::load(src, o);
  ASSERT_TRUE(fourth.is_ok());
  EXPECT_EQ(fourth->size(), 1u);
  // A garbage cache file is replaced, not reported.
  write("g.txt.tokrec-cache", "TOKRECWVgarbage");
  o.max_words = 0;
  auto fifth = WordVectors::load(src, o);
  ASSERT_TRUE(fifth.is_ok()) << fifth.status().to_string();
  EXPECT_EQ(fifth->size(), 5u);
  // An unwritable cache location is an error naming it.
  o.cache_path = path("g.txt") + "/x.cache";  // a file as folder
  auto bad = WordVectors::load(src, o);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().message().find("g.txt/x.cache"), std::string::npos) << bad.status().message();
}

TEST(WordVectorsBinaryData, GloveCacheMatchesText) {
  std::string src = std::string(TOKREC_CACHE_DATA) + "/vectors/glove.6B.100d.top100k.txt.gz";
  if (!io::file_exists(src)) GTEST_SKIP() << src << " not fetched";
  WordVectorLoadOptions o;
  o.max_words = 3000;
  auto text = WordVectors::load(src, o);
  ASSERT_TRUE(text.is_ok());
  std::string bin = (std::filesystem::temp_directory_path() / ("tokrec_glove_" + std::to_string(::getpid()) + ".bin")).string();
  ASSERT_TRUE(text->save_binary(bin).is_ok());
  auto mapped = WordVectors::load(bin);
  std::filesystem::remove(bin);  // the mapping stays valid after unlink
  ASSERT_TRUE(mapped.is_ok());
  expect_same(*text, *mapped);
}

}  // namespace
}  // namespace tokrec::features
