// OpenBLAS is loaded on first use (src/core/openblas.cc): the forwarded
// cblas_sgemm must be the real library and agree with the built-in loop, for
// both layouts and every transpose combination.
#include "core/openblas.h"

#include <cblas.h>
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace tokrec::detail {
namespace {

std::vector<float> random_matrix(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  for (auto& x : v) {
    seed = seed * 1664525u + 1013904223u;
    x = static_cast<float>(seed >> 8) / static_cast<float>(1 << 24) - 0.5f;
  }
  return v;
}

TEST(OpenBlas, LoadsTheLibrary) {
  EXPECT_FALSE(openblas_library().empty()) << "OpenBLAS was not loaded; scripts/setup.sh installs it";
  EXPECT_GE(openblas_get_num_threads(), 1);
}

TEST(OpenBlas, SgemmMatchesBuiltinLoop) {
  const int m = 37, n = 29, k = 53;
  for (bool ta : {false, true}) {
    for (bool tb : {false, true}) {
      // Row-major operands with padding columns (lda > width).
      const int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1;
      const auto a = random_matrix(static_cast<size_t>(lda) * (ta ? k : m), 1);
      const auto b = random_matrix(static_cast<size_t>(ldb) * (tb ? n : k), 2);
      auto c_lib = random_matrix(static_cast<size_t>(ldc) * m, 3), c_ref = c_lib;
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 0.7f,
                  a.data(), lda, b.data(), ldb, 0.3f, c_lib.data(), ldc);
      builtin_sgemm(ta, tb, m, n, k, 0.7f, a.data(), lda, b.data(), ldb, 0.3f, c_ref.data(), ldc);
      for (size_t i = 0; i < c_lib.size(); ++i)
        ASSERT_NEAR(c_lib[i], c_ref[i], 1e-4f) << "ta " << ta << " tb " << tb << " at " << i;
      // Column-major: the same product computed as its transpose.
      std::vector<float> c_col(static_cast<size_t>(m) * n, 0.0f);
      cblas_sgemm(CblasColMajor, tb ? CblasTrans : CblasNoTrans, ta ? CblasTrans : CblasNoTrans, n, m, k, 1.0f,
                  b.data(), ldb, a.data(), lda, 0.0f, c_col.data(), n);
      std::vector<float> c_row(static_cast<size_t>(m) * n, 0.0f);
      builtin_sgemm(ta, tb, m, n, k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, c_row.data(), n);
      for (size_t i = 0; i < c_row.size(); ++i) ASSERT_NEAR(c_col[i], c_row[i], 1e-4f) << "col-major at " << i;
    }
  }
}

}  // namespace
}  // namespace tokrec::detail
