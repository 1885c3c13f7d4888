#include "tokrec/features/pooling.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "tokrec/io/file.h"

namespace tokrec::features {
namespace {

WordVectors small_table() {
  auto path = std::filesystem::temp_directory_path() / ("tokrec_pool_" + std::to_string(::getpid()) + ".txt");
  EXPECT_TRUE(io::write_file(path.string(), "a 1 0\nb 0 2\nc 3 3\ned 4 4\n").is_ok());
  auto wv = WordVectors::load(path.string());
  std::filesystem::remove(path);
  EXPECT_TRUE(wv.is_ok());
  return std::move(wv).value();
}

TEST(Pooling, MeanOverFoundTokens) {
  WordVectors wv = small_table();
  std::vector<float> out(2, -1.0f);
  EXPECT_EQ(pool_mean(wv, {"a", "zzz", "b"}, out), 2u);
  EXPECT_FLOAT_EQ(out[0], 0.5f);
  EXPECT_FLOAT_EQ(out[1], 1.0f);
  EXPECT_EQ(pool_mean(wv, {"nothing", "here"}, out), 0u);
  EXPECT_EQ(out, (std::vector<float>{0.0f, 0.0f}));
  EXPECT_EQ(pool_mean(wv, {}, out), 0u);
}

TEST(Pooling, WeightedSumOverWeights) {
  WordVectors wv = small_table();
  std::vector<float> out(2);
  std::vector<double> w = {3.0, 5.0, 1.0};  // missing token's weight is not counted
  EXPECT_EQ(pool_weighted(wv, {"a", "missing", "c"}, w, out), 2u);
  EXPECT_FLOAT_EQ(out[0], (3.0f * 1 + 1.0f * 3) / 4.0f);
  EXPECT_FLOAT_EQ(out[1], (1.0f * 3) / 4.0f);
  std::vector<double> zero = {0.0, 0.0, 0.0};
  EXPECT_EQ(pool_weighted(wv, {"a", "b", "c"}, zero, out), 3u);
  EXPECT_EQ(out, (std::vector<float>{0.0f, 0.0f}));
}

TEST(Pooling, LookupFunctorMapsTokens) {
  WordVectors wv = small_table();
  std::vector<float> out(2);
  VectorLookup strip = [&](std::string_view t) {
    if (t.substr(0, 2) == "##") t.remove_prefix(2);
    return wv.find(t);
  };
  EXPECT_EQ(pool_mean({"##ed", "##b"}, strip, out), 2u);
  EXPECT_FLOAT_EQ(out[0], 2.0f);
  EXPECT_FLOAT_EQ(out[1], 3.0f);
  EXPECT_EQ(pool_weighted({"a", "##b"}, std::vector<double>{1.0, 3.0}, strip, out), 2u);
  EXPECT_FLOAT_EQ(out[0], 0.25f);
  EXPECT_FLOAT_EQ(out[1], 1.5f);
}

TEST(Similarity, DenseCosine) {
  std::vector<float> a = {1, 0}, b = {1, 1}, z = {0, 0};
  EXPECT_NEAR(cosine(a, b), 1 / std::sqrt(2.0), 1e-12);
  EXPECT_EQ(cosine(a, z), 0.0);
  EXPECT_EQ(cosine(z, z), 0.0);
  std::vector<float> v = {3, 4};
  l2_normalize(v);
  EXPECT_FLOAT_EQ(v[0], 0.6f);
  EXPECT_FLOAT_EQ(v[1], 0.8f);
  l2_normalize(z);
  EXPECT_EQ(z, (std::vector<float>{0, 0}));

  std::vector<float> rows = {1, 0, 0, 2, 0, 0, 2, 2};
  auto m = cosine_matrix(rows, 4, 2);
  ASSERT_EQ(m.size(), 16u);
  EXPECT_DOUBLE_EQ(m[0 * 4 + 0], 1.0);
  EXPECT_DOUBLE_EQ(m[0 * 4 + 1], 0.0);
  EXPECT_DOUBLE_EQ(m[2 * 4 + 2], 0.0);  // zero row: 0 even with itself
  EXPECT_NEAR(m[1 * 4 + 3], 1 / std::sqrt(2.0), 1e-12);
  EXPECT_EQ(m[3 * 4 + 1], m[1 * 4 + 3]);
}

TEST(Similarity, SparseCosineMatchesDense) {
  // rows: [1 0 2], [0 0 0], [0 3 4]
  SparseMatrix s{3, 3, {0, 2, 2, 4}, {0, 2, 1, 2}, {1, 2, 3, 4}};
  std::vector<float> dense = {1, 0, 2, 0, 0, 0, 0, 3, 4};
  auto ms = cosine_matrix(s);
  auto md = cosine_matrix(dense, 3, 3);
  ASSERT_EQ(ms.size(), 9u);
  for (size_t k = 0; k < 9; ++k) EXPECT_NEAR(ms[k], md[k], 1e-12) << k;
  EXPECT_NEAR(cosine(s, 0, s, 2), 8.0 / (std::sqrt(5.0) * 5.0), 1e-15);
  EXPECT_EQ(cosine(s, 1, s, 1), 0.0);
}

}  // namespace
}  // namespace tokrec::features

namespace tokrec::features {
namespace {

TEST(Pooling, TermsOverloadsMatchStringVectors) {
  WordVectors wv = small_table();
  Terms terms;
  for (const char* t : {"a", "zzz", "c", "a"}) terms.push(t);
  std::vector<float> a(2), b(2);
  EXPECT_EQ(pool_mean_terms(wv, terms, a), 3u);
  EXPECT_EQ(pool_mean(wv, terms.to_vector(), b), 3u);
  EXPECT_EQ(a, b);
  EXPECT_FLOAT_EQ(a[0], 5.0f / 3);
  std::vector<double> w = {1.0, 9.0, 2.0, 1.0};
  EXPECT_EQ(pool_weighted_terms(wv, terms, w, a), 3u);
  EXPECT_FLOAT_EQ(a[0], (1.0f + 6.0f + 1.0f) / 4.0f);
  EXPECT_FLOAT_EQ(a[1], 6.0f / 4.0f);
  VectorLookup lookup = [&](std::string_view t) { return wv.find(t); };
  EXPECT_EQ(pool_weighted_terms(terms, w, lookup, b), 3u);
  EXPECT_EQ(a, b);
}

TEST(Pooling, MaxIsComponentWise) {
  WordVectors wv = small_table();
  std::vector<float> out(2);
  EXPECT_EQ(pool_max(wv, {"a", "b", "nope"}, out), 2u);
  EXPECT_EQ(out, (std::vector<float>{1.0f, 2.0f}));
  Terms none;
  none.push("nope");
  VectorLookup lookup = [&](std::string_view t) { return wv.find(t); };
  EXPECT_EQ(pool_max_terms(none, lookup, out), 0u);
  EXPECT_EQ(out, (std::vector<float>{0.0f, 0.0f}));
}

}  // namespace
}  // namespace tokrec::features
