// Top-k cosine neighbours: BLAS and direct paths agree, against a brute-force
// reference; ties by lower index; self excluded.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "tokrec/features/similarity.h"

namespace tokrec::features {
namespace {

using Result = std::vector<std::vector<std::pair<int32_t, float>>>;

TopkOptions path(bool blas, size_t threads = 2) {
  TopkOptions o;
  o.threads = threads;
  o.blas_threshold = blas ? 0 : std::numeric_limits<size_t>::max();
  o.block_rows = 7;  // several blocks, a ragged last one
  return o;
}

// Unit rows with 4 entries of ±0.5: every dot product is a multiple of 1/4,
// exact in float whatever the summation order, so both paths agree bit for
// bit and many scores tie.
std::vector<float> dyadic_rows(size_t n, size_t dim, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<float> rows(n * dim, 0.0f);
  for (size_t i = 0; i < n; ++i) {
    std::vector<size_t> cols(dim);
    for (size_t j = 0; j < dim; ++j) cols[j] = j;
    std::shuffle(cols.begin(), cols.end(), rng);
    for (size_t t = 0; t < 4; ++t) rows[i * dim + cols[t]] = (rng() & 1) ? 0.5f : -0.5f;
  }
  return rows;
}

// Brute force in double with an explicit full sort.
Result reference(const std::vector<float>& rows, size_t n, size_t dim, size_t k) {
  Result out(n);
  for (size_t i = 0; i < n; ++i) {
    std::vector<std::pair<int32_t, float>> all;
    for (size_t j = 0; j < n; ++j)
      if (j != i)
        all.emplace_back(static_cast<int32_t>(j),
                         static_cast<float>(cosine(std::span(&rows[i * dim], dim), std::span(&rows[j * dim], dim))));
    std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.second > b.second || (a.second == b.second && a.first < b.first); });
    all.resize(std::min(k, all.size()));
    out[i] = all;
  }
  return out;
}

TEST(Topk, BlasAndDirectAgreeExactlyOnDyadicRows) {
  const size_t n = 60, dim = 16, k = 5;
  auto rows = dyadic_rows(n, dim, 3);
  Result blas = topk_neighbours(rows, n, dim, k, path(true));
  Result direct = topk_neighbours(rows, n, dim, k, path(false, 1));
  Result ref = reference(rows, n, dim, k);
  EXPECT_EQ(blas, direct);
  EXPECT_EQ(direct, ref);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(blas[i].size(), k);
    for (auto& [j, s] : blas[i]) EXPECT_NE(static_cast<size_t>(j), i);
  }
}

TEST(Topk, RandomRowsAgreeWithinRounding) {
  const size_t n = 200, dim = 33, k = 10;
  std::mt19937 rng(11);
  std::normal_distribution<float> g;
  std::vector<float> rows(n * dim);
  for (float& x : rows) x = g(rng);
  Result blas = topk_neighbours(rows, n, dim, k, path(true));
  Result direct = topk_neighbours(rows, n, dim, k, path(false));
  Result ref = reference(rows, n, dim, k);
  for (size_t i = 0; i < n; ++i) {
    ASSERT_EQ(blas[i].size(), k);
    for (size_t r = 0; r < k; ++r) {
      EXPECT_NEAR(blas[i][r].second, ref[i][r].second, 1e-5);
      EXPECT_NEAR(direct[i][r].second, ref[i][r].second, 1e-5);
      // Indices agree unless two candidates are within rounding of each other.
      if (r + 1 < k && ref[i][r].second - ref[i][r + 1].second > 1e-5 && (r == 0 || ref[i][r - 1].second - ref[i][r].second > 1e-5)) {
        EXPECT_EQ(blas[i][r].first, ref[i][r].first) << i << " " << r;
        EXPECT_EQ(direct[i][r].first, ref[i][r].first) << i << " " << r;
      }
    }
  }
}

TEST(Topk, TiesZeroRowsAndSmallInputs) {
  // Rows 1, 2 and 3 are the same direction: ties ordered by lower index.
  std::vector<float> rows = {1, 0, 2, 0, 3, 0, 0.5f, 0, 0, 0, 0, 1};
  for (bool blas : {true, false}) {
    Result r = topk_neighbours(rows, 6, 2, 10, path(blas));
    ASSERT_EQ(r[0].size(), 5u);  // k clamped to n - 1
    EXPECT_EQ(r[0][0].first, 1);
    EXPECT_EQ(r[0][1].first, 2);
    EXPECT_EQ(r[0][2].first, 3);
    EXPECT_FLOAT_EQ(r[0][0].second, 1.0f);
    EXPECT_EQ(r[0][3].first, 4);  // zero row: score 0, before row 5 (score 0) by index
    EXPECT_EQ(r[0][3].second, 0.0f);
    EXPECT_EQ(r[4][0].second, 0.0f);  // the zero row scores 0 with everything
    EXPECT_EQ(r[4][0].first, 0);
  }
  EXPECT_TRUE(topk_neighbours(std::span<const float>(rows.data(), 2), 1, 2, 3, 1)[0].empty());
  EXPECT_TRUE(topk_neighbours({}, 0, 2, 3, 1).empty());
  EXPECT_TRUE(topk_neighbours(rows, 6, 2, 0, 1)[0].empty());
}

}  // namespace
}  // namespace tokrec::features
