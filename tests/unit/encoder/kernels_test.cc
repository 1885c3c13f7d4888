// Every SIMD kernel set this CPU supports against the scalar reference, on
// odd widths so that the vector tails are exercised. Elementwise kernels that
// involve no transcendental function (ReLU, the bias add) must agree bit for
// bit on integer-valued inputs; the others within float rounding.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "encoder/gemm.h"
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

// Far outside the polynomial's range the SIMD erf saturates instead of
// overflowing: gelu(x) = x for large x, 0 for very negative x.
TEST(Kernels, GeluErfSaturates) {
  for (const Kernels* k : simd_sets()) {
    std::vector<float> x = {50.0f, -50.0f, 1e30f, -1e30f, 6.0f, -6.0f, 9.0f, 0.0f,
                            3.0e38f, -3.0e38f, 10.0f, -10.0f, 4.0f, -4.0f, 1.0f, 2.0f};
    std::vector<float> zero(x.size(), 0.0f), want = x, got = x;
    scalar_kernels().bias_gelu_erf(want.data(), zero.data(), 1, x.size());
    k->bias_gelu_erf(got.data(), zero.data(), 1, x.size());
    for (size_t i = 0; i < x.size(); ++i) {
      ASSERT_TRUE(std::isfinite(got[i])) << k->name << " gelu(" << x[i] << ")";
      EXPECT_NEAR(got[i], want[i], 2e-6f * (1.0f + std::fabs(want[i]))) << k->name << " gelu(" << x[i] << ")";
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

// An int8 product's accumulators with the scales and sums that dequantize
// them (kernels.h, Dequant), for `rows` rows of width n.
struct Int8Block {
  std::vector<int32_t> acc, a_zero;
  std::vector<float> a_scale, w_scale, w_qsum, bias;
  Int8Block(size_t rows, size_t n, unsigned seed) : acc(rows * n), a_zero(rows), a_scale(rows) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int32_t> a(-40000, 40000), z(0, 255);
    for (auto& v : acc) v = a(rng);
    for (auto& v : a_zero) v = z(rng);
    for (auto& v : a_scale) v = 0.01f + 0.02f * static_cast<float>(z(rng)) / 255.0f;
    w_scale = random_vec(n, 1e-3f, seed + 1);
    for (auto& v : w_scale) v = std::fabs(v) + 1e-4f;
    w_qsum = random_vec(n, 0.05f, seed + 2);
    bias = random_vec(n, 0.5f, seed + 3);
  }
  Dequant d() const {
    return {acc.data(), a_scale.data(), a_zero.data(), w_scale.data(), w_qsum.data(), bias.data()};
  }
};

struct Quantized {
  std::vector<uint8_t> q;
  std::vector<float> scale;
  std::vector<int32_t> zero;
  Quantized(size_t rows, size_t n) : q(rows * n), scale(rows), zero(rows) {}
  QuantOut out() { return {q.data(), scale.data(), zero.data()}; }
};

// Same rows and codes up to one step where float rounding lands on the other
// side of a .5 (the scale and zero come from the row's range).
void expect_same_quantization(const Quantized& got, const Quantized& want, const char* what) {
  for (size_t r = 0; r < want.scale.size(); ++r) {
    ASSERT_NEAR(got.scale[r], want.scale[r], 1e-5f * want.scale[r]) << what << " row " << r;
    ASSERT_NEAR(got.zero[r], want.zero[r], 1) << what << " row " << r;
  }
  for (size_t i = 0; i < want.q.size(); ++i) ASSERT_NEAR(got.q[i], want.q[i], 1) << what << " at " << i;
}

// The fused epilogue is the unfused steps: dequantize_rows, then the
// activation (with the bias inside the dequantization), then quantize_rows.
TEST(Int8Epilogues, ScalarMatchesUnfusedSteps) {
  const QuantKernels& qk = scalar_quant_kernels();
  const Kernels& k = scalar_kernels();
  for (size_t n : kWidths) {
    const size_t rows = 3;
    Int8Block blk(rows, n, 21);
    std::vector<float> y(rows * n), zero_bias(n, 0.0f), row(n);
    qk.dequantize_rows(blk.acc.data(), rows, n, blk.a_scale.data(), blk.a_zero.data(),
                       blk.w_scale.data(), blk.w_qsum.data(), blk.bias.data(), y.data());
    // act = none: exactly the unfused path.
    Quantized want(rows, n), got(rows, n);
    qk.quantize_rows(y.data(), rows, n, want.q.data(), want.scale.data(), want.zero.data());
    k.dequant_act_quantize(blk.d(), rows, n, PostOp::kNone, got.out(), row.data());
    EXPECT_EQ(got.q, want.q);
    EXPECT_EQ(got.scale, want.scale);
    EXPECT_EQ(got.zero, want.zero);
    // GELU.
    auto g = y;
    k.bias_gelu_erf(g.data(), zero_bias.data(), rows, n);
    Quantized want_g(rows, n), got_g(rows, n);
    qk.quantize_rows(g.data(), rows, n, want_g.q.data(), want_g.scale.data(), want_g.zero.data());
    k.dequant_act_quantize(blk.d(), rows, n, PostOp::kGeluErf, got_g.out(), row.data());
    expect_same_quantization(got_g, want_g, "gelu");
    // Residual + LayerNorm, then the quantized copy of the result.
    const auto res = random_vec(rows * n, 1.0f, 22), gamma = random_vec(n, 1.0f, 23),
               beta = random_vec(n, 0.3f, 24);
    auto ln = y;
    k.add_layer_norm(ln.data(), res.data(), gamma.data(), beta.data(), rows, n, 1e-12f);
    std::vector<float> x(rows * n);
    Quantized want_l(rows, n), got_l(rows, n);
    qk.quantize_rows(ln.data(), rows, n, want_l.q.data(), want_l.scale.data(), want_l.zero.data());
    k.dequant_add_layer_norm(blk.d(), rows, n, res.data(), gamma.data(), beta.data(), 1e-12f,
                             x.data(), got_l.out());
    expect_close(x, ln, 1e-6f, "fused layer norm");
    expect_same_quantization(got_l, want_l, "layer norm");
  }
}

TEST(Int8Epilogues, SimdMatchesScalar) {
  for (const Kernels* k : simd_sets()) {
    for (size_t n : kWidths) {
      const size_t rows = 3;
      Int8Block blk(rows, n, 31);
      std::vector<float> row(n);
      for (PostOp act : {PostOp::kNone, PostOp::kGeluErf, PostOp::kGeluTanh, PostOp::kRelu}) {
        Quantized want(rows, n), got(rows, n);
        scalar_kernels().dequant_act_quantize(blk.d(), rows, n, act, want.out(), row.data());
        k->dequant_act_quantize(blk.d(), rows, n, act, got.out(), row.data());
        expect_same_quantization(got, want, k->name);
      }
      const auto res = random_vec(rows * n, 1.0f, 32), gamma = random_vec(n, 1.0f, 33),
                 beta = random_vec(n, 0.3f, 34);
      std::vector<float> want_x(rows * n), got_x(rows * n);
      Quantized want(rows, n), got(rows, n);
      scalar_kernels().dequant_add_layer_norm(blk.d(), rows, n, res.data(), gamma.data(),
                                              beta.data(), 1e-12f, want_x.data(), want.out());
      k->dequant_add_layer_norm(blk.d(), rows, n, res.data(), gamma.data(), beta.data(), 1e-12f,
                                got_x.data(), got.out());
      expect_close(got_x, want_x, 1e-5f, k->name);
      expect_same_quantization(got, want, k->name);
      // No quantized copy asked for: only x is written, and in place over
      // the residual works.
      auto in_place = res;
      k->dequant_add_layer_norm(blk.d(), rows, n, in_place.data(), gamma.data(), beta.data(),
                                1e-12f, in_place.data(), QuantOut{});
      expect_close(in_place, want_x, 1e-5f, "in place");
    }
  }
}

// The int8 attention head (gemm.h): the reference loops against the fp32
// head (the quantization error stays small), and the VNNI kernel against
// the reference (same integers; only exp and float rounding differ, which can
// move a quantized probability by one step).
TEST(Int8Attention, ReferenceTracksFp32AndVnniMatchesReference) {
  const AttentionHeadFn vnni = vnni_attention_head();
  if (vnni == nullptr) std::printf("[ info ] no AVX512-VNNI here: reference only\n");
  float worst_fp32 = 0.0f, worst_vnni = 0.0f;
  for (size_t T : {1, 5, 17, 37, 128}) {
    for (size_t d : {16, 32, 64}) {
      const size_t ld = 3 * 2 * d + 5, ldc = 2 * d + 3;
      const auto q = random_vec(T * ld, 1.0f, 41), kk = random_vec(T * ld, 1.0f, 42),
                 v = random_vec(T * ld, 1.0f, 43);
      std::vector<float> mask(T, 0.0f);
      for (size_t j = 2; j < T; j += 4) mask[j] = -3.4e38f;
      const float scale = 1.0f / std::sqrt(static_cast<float>(d));
      std::vector<float> scratch(attention_scratch_floats(T, d));
      std::vector<float> fp32(T * ldc, -1.0f), ref(T * ldc, -1.0f), got(T * ldc, -1.0f);
      ASSERT_TRUE(scalar_kernels().attention_head(q.data(), kk.data(), v.data(), ld, T, d, scale,
                                                  mask.data(), fp32.data(), ldc, scratch.data()));
      ASSERT_TRUE(attention_head_int8_reference(q.data(), kk.data(), v.data(), ld, T, d, scale,
                                                mask.data(), ref.data(), ldc, scratch.data()));
      for (size_t i = 0; i < T * ldc; ++i) worst_fp32 = std::max(worst_fp32, std::fabs(ref[i] - fp32[i]));
      expect_close(ref, fp32, 0.05f, "int8 reference vs fp32");
      if (vnni == nullptr) continue;
      ASSERT_TRUE(vnni(q.data(), kk.data(), v.data(), ld, T, d, scale, mask.data(), got.data(), ldc,
                       scratch.data()));
      for (size_t i = 0; i < T * ldc; ++i) worst_vnni = std::max(worst_vnni, std::fabs(got[i] - ref[i]));
      expect_close(got, ref, 3e-3f, "vnni vs reference");
      for (size_t i = 0; i < T; ++i) EXPECT_EQ(got[i * ldc + d], -1.0f);  // next head untouched
    }
  }
  std::printf("[ int8 attention ] max |int8 - fp32| %.4f, max |vnni - reference| %.6f\n", worst_fp32,
              worst_vnni);
  if (vnni != nullptr) {
    std::vector<float> x(8 * 24, 0.5f), scratch(attention_scratch_floats(8, 8)), out(8 * 8);
    EXPECT_FALSE(vnni(x.data(), x.data(), x.data(), 24, 8, 8, 1.0f, x.data(), out.data(), 8,
                      scratch.data()))
        << "head size 8 is not a multiple of 16";
  }
}

// Int8Heads: the heads prepared from the QKV accumulators, in pieces of rows
// as the layer-by-layer path splits them, against dequantize_rows + the
// reference int8 head.
TEST(Int8Attention, HeadsFromAccumulatorsMatchReference) {
  const QuantKernels& qk = scalar_quant_kernels();
  for (size_t d : {16, 32, 64}) {
    const Int8Heads* ih = int8_heads(d);
    if (ih == nullptr) GTEST_SKIP() << "no AVX512-VNNI here";
    for (size_t T : {1, 7, 37, 128}) {
      const size_t nh = 3, H = nh * d, N = 3 * H;
      Int8Block blk(T, N, 51);
      for (auto& v : blk.acc) v /= 8;  // scores of a few units, as in a model
      std::vector<float> mask(T, 0.0f);
      for (size_t j = 1; j < T; j += 5) mask[j] = -3.4e38f;
      const float scale = 1.0f / std::sqrt(static_cast<float>(d));
      std::vector<float> qkv(T * N);
      qk.dequantize_rows(blk.acc.data(), T, N, blk.a_scale.data(), blk.a_zero.data(),
                         blk.w_scale.data(), blk.w_qsum.data(), blk.bias.data(), qkv.data());
      std::vector<uint8_t> buf(int8_heads_bytes(T, nh, d));
      for (size_t t0 = 0; t0 < T; t0 += 5) {  // rows in pieces of 5
        const size_t n = std::min<size_t>(5, T - t0);
        Dequant dq = blk.d();
        dq.acc += t0 * N;
        dq.a_scale += t0;
        dq.a_zero += t0;
        ih->prepare(dq, n, t0, T, nh, d, scale, buf.data());
      }
      std::vector<float> scratch(attention_scratch_floats(T, d));
      std::vector<float> want(T * H, -1.0f), got(T * H, -1.0f);
      for (size_t h = 0; h < nh; ++h) {
        ASSERT_TRUE(attention_head_int8_reference(qkv.data() + h * d, qkv.data() + H + h * d,
                                                  qkv.data() + 2 * H + h * d, N, T, d, scale,
                                                  mask.data(), want.data() + h * d, H,
                                                  scratch.data()));
        ih->attention(buf.data(), T, nh, d, h, mask.data(), got.data() + h * d, H, scratch.data());
      }
      expect_close(got, want, 3e-3f, "int8 heads vs reference");
    }
  }
}

}  // namespace
}  // namespace tokrec::encoder
