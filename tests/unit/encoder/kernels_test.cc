// Every SIMD kernel set this CPU supports against the scalar reference, on
// odd widths so that the vector tails are exercised. Elementwise kernels that
// involve no transcendental function (ReLU, the bias add) must agree bit for
// bit on integer-valued inputs; the others within float rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "encoder/kernels.h"

namespace tokrec::encoder {
namespace {

std::vector<const Kernels*> simd_sets() {
  std::vector<const Kernels*> out;
  for (const char* n : {"avx2", "avx512"})
    if (const Kernels* k = kernels_by_name(n)) out.push_back(k);
  return out;
}

std::vector<float> random_vec(size_t n, float scale, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

void expect_close(const std::vector<float>& a, const std::vector<float>& b, float tol, const char* what) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i)
    ASSERT_NEAR(a[i], b[i], tol * (1.0f + std::fabs(b[i]))) << what << " at " << i;
}

const size_t kWidths[] = {1, 7, 8, 15, 16, 17, 33, 384};

TEST(Kernels, ScalarIsAlwaysAvailable) {
  EXPECT_NE(kernels_by_name("scalar"), nullptr);
  EXPECT_EQ(kernels_by_name("sse9"), nullptr);
  EXPECT_NE(kernels().name, nullptr);
}

TEST(Kernels, ScalarGeluValues) {
  // gelu(1) = 0.841344746, tanh approximation 0.841191990.
  std::vector<float> x = {1.0f, -1.0f, 0.0f}, zero(3, 0.0f);
  scalar_kernels().bias_gelu_erf(x.data(), zero.data(), 1, 3);
  EXPECT_NEAR(x[0], 0.841344746f, 1e-6f);
  EXPECT_NEAR(x[1], -0.158655254f, 1e-6f);
  EXPECT_EQ(x[2], 0.0f);
  std::vector<float> y = {1.0f};
  scalar_kernels().bias_gelu_tanh(y.data(), zero.data(), 1, 1);
  EXPECT_NEAR(y[0], 0.841191990f, 1e-6f);
}

TEST(Kernels, ReluIsExactOnIntegers) {
  for (const Kernels* k : simd_sets()) {
    for (size_t n : kWidths) {
      std::vector<float> x(2 * n), b(n);
      for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(static_cast<int>(i % 9) - 4);
      for (size_t i = 0; i < n; ++i) b[i] = static_cast<float>(static_cast<int>(i % 3) - 1);
      auto want = x, got = x;
      scalar_kernels().bias_relu(want.data(), b.data(), 2, n);
      k->bias_relu(got.data(), b.data(), 2, n);
      EXPECT_EQ(got, want) << k->name << " n=" << n;
    }
  }
}

TEST(Kernels, ActivationsMatchScalar) {
  for (const Kernels* k : simd_sets()) {
    for (size_t n : kWidths) {
      const auto x = random_vec(3 * n, 3.0f, 1), b = random_vec(n, 0.5f, 2);
      for (int which = 0; which < 2; ++which) {
        auto want = x, got = x;
        if (which == 0) {
          scalar_kernels().bias_gelu_erf(want.data(), b.data(), 3, n);
          k->bias_gelu_erf(got.data(), b.data(), 3, n);
        } else {
          scalar_kernels().bias_gelu_tanh(want.data(), b.data(), 3, n);
          k->bias_gelu_tanh(got.data(), b.data(), 3, n);
        }
        expect_close(got, want, 2e-6f, which == 0 ? "gelu_erf" : "gelu_tanh");
      }
      auto want = random_vec(n, 4.0f, 3), got = want;
      scalar_kernels().bias_tanh(want.data(), b.data(), n);
      k->bias_tanh(got.data(), b.data(), n);
      expect_close(got, want, 2e-6f, "tanh");
    }
  }
}

TEST(Kernels, LayerNormAndSoftmaxMatchScalar) {
  for (const Kernels* k : simd_sets()) {
    for (size_t n : kWidths) {
      const auto x = random_vec(2 * n, 2.0f, 4), r = random_vec(2 * n, 1.0f, 5);
      const auto g = random_vec(n, 1.0f, 6), be = random_vec(n, 1.0f, 7);
      auto want = x, got = x;
      scalar_kernels().add_layer_norm(want.data(), r.data(), g.data(), be.data(), 2, n, 1e-12f);
      k->add_layer_norm(got.data(), r.data(), g.data(), be.data(), 2, n, 1e-12f);
      expect_close(got, want, 1e-5f, "layer_norm");

      auto mask = std::vector<float>(n, 0.0f);
      for (size_t i = 1; i < n; i += 3) mask[i] = -3.4e38f;  // masked keys get ~0
      auto sw = random_vec(2 * n, 3.0f, 8), sg = sw;
      scalar_kernels().masked_softmax(sw.data(), mask.data(), 2, n);
      k->masked_softmax(sg.data(), mask.data(), 2, n);
      expect_close(sg, sw, 1e-6f, "softmax");
      float sum = 0;
      for (size_t i = 0; i < n; ++i) {
        sum += sg[i];
        if (mask[i] != 0) {
          EXPECT_LT(sg[i], 1e-30f);
        }
      }
      EXPECT_NEAR(sum, 1.0f, 1e-5f) << k->name;
    }
  }
}

// The fused attention head against the scalar one (plain loops): odd
// sequence lengths (the padded key columns), head sizes of one to four
// vectors, masked keys, rows read at a stride as in the fused QKV buffer.
TEST(Kernels, AttentionHeadMatchesScalar) {
  for (const Kernels* k : simd_sets()) {
    for (size_t T : {1, 5, 17, 37, 128}) {
      for (size_t d : {8, 16, 32, 64}) {
        const size_t ld = 3 * 2 * d + 5, ldc = 2 * d + 3;
        const auto q = random_vec(T * ld, 1.0f, 11), kk = random_vec(T * ld, 1.0f, 12),
                   v = random_vec(T * ld, 1.0f, 13);
        std::vector<float> mask(T, 0.0f);
        for (size_t j = 2; j < T; j += 4) mask[j] = -3.4e38f;
        const float scale = 1.0f / std::sqrt(static_cast<float>(d));
        std::vector<float> scratch(attention_scratch_floats(T, d));
        std::vector<float> want(T * ldc, -1.0f), got(T * ldc, -1.0f);
        ASSERT_TRUE(scalar_kernels().attention_head(q.data(), kk.data(), v.data(), ld, T, d, scale,
                                                    mask.data(), want.data(), ldc, scratch.data()));
        if (!k->attention_head(q.data(), kk.data(), v.data(), ld, T, d, scale, mask.data(),
                               got.data(), ldc, scratch.data())) {
          EXPECT_NE(d % 16, 0u) << k->name << " refused d " << d;
          continue;
        }
        expect_close(got, want, 2e-5f, k->name);
        // Columns between heads are left alone.
        for (size_t i = 0; i < T; ++i) EXPECT_EQ(got[i * ldc + d], -1.0f);
      }
    }
  }
}

}  // namespace
}  // namespace tokrec::encoder
