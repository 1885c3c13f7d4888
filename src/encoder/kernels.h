// Fused element-wise kernels of the encoder forward pass, one implementation
// per instruction set. kernels_scalar.cc is the reference; kernels_avx2.cc and
// kernels_avx512.cc compile the same algorithm (kernels_simd.inc) with
// per-function target attributes, so the build never needs -march flags.
// The best set the CPU supports is chosen at run time; the environment
// variable TOKREC_FORCE_CPU_ISA=scalar|avx2|avx512 overrides the choice
// (tests use it to run every path).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "encoder/onednn.h"

namespace tokrec::encoder {

// The dequantization of an int8 product (gemm.h), for row r, column j:
//   y = acc[r][j]·(a_scale[r]·w_scale[j]) + (bias[j] − a_zero[r]·a_scale[r]·w_qsum[j])
// (bias may be null; acc rows are n wide).
struct Dequant {
  const int32_t* acc = nullptr;
  const float* a_scale = nullptr;
  const int32_t* a_zero = nullptr;
  const float* w_scale = nullptr;
  const float* w_qsum = nullptr;
  const float* bias = nullptr;
};

// Rows quantized for the next int8 product, by QuantKernels::quantize_rows's
// rule (per row: uint8 with scale and zero point; gemm.h).
struct QuantOut {
  uint8_t* q = nullptr;  // [rows, n]; null: no quantized copy wanted
  float* scale = nullptr;
  int32_t* zero = nullptr;
};

// Kernels::attention_head's signature (also the int8 head of gemm.h).
using AttentionHeadFn = bool (*)(const float* q, const float* k, const float* v, size_t ld,
                                 size_t T, size_t d, float scale, const float* mask, float* ctx,
                                 size_t ldc, float* scratch);

struct Kernels {
  const char* name;
  // x[r][j] = gelu(x[r][j] + bias[j]) for r < rows, j < n. Exact erf GELU.
  void (*bias_gelu_erf)(float* x, const float* bias, size_t rows, size_t n);
  // Same with the tanh approximation (gelu_new / gelu_pytorch_tanh).
  void (*bias_gelu_tanh)(float* x, const float* bias, size_t rows, size_t n);
  // x[r][j] = max(0, x[r][j] + bias[j]).
  void (*bias_relu)(float* x, const float* bias, size_t rows, size_t n);
  // For each of `rows` rows of width n:
  //   x = LayerNorm(x + residual) * gamma + beta   (residual may be null).
  void (*add_layer_norm)(float* x, const float* residual, const float* gamma, const float* beta,
                         size_t rows, size_t n, float eps);
  // For each of `rows` rows of width n: x = softmax(x + mask) (mask: n
  // additive values shared by all rows).
  void (*masked_softmax)(float* x, const float* mask, size_t rows, size_t n);
  // x = tanh(x + bias) for one row of n.
  void (*bias_tanh)(float* x, const float* bias, size_t n);
  // One attention head of one sequence of T positions, head size d:
  //   ctx[i] = softmax(scale · q_i·Kᵀ + mask) · V   for i < T,
  // q, k, v: T rows of d at stride ld; ctx: T rows at stride ldc; mask: T
  // additive values. Scores, softmax and the product with V run on a few
  // query rows at a time, in L1, instead of three passes over a T × T
  // matrix. `scratch` holds attention_scratch_floats(T, d). False (nothing
  // written) when this kernel set does not handle d (SIMD: d a multiple of
  // the vector width); the caller then takes another path.
  bool (*attention_head)(const float* q, const float* k, const float* v, size_t ld, size_t T,
                         size_t d, float scale, const float* mask, float* ctx, size_t ldc,
                         float* scratch);

  // Epilogues of an int8 product that hand the next product its quantized
  // input directly: each row goes dequantize → … → quantize while it is in
  // L1, instead of one pass per step over the whole block.
  //
  // out ← quantize(act(y)) for the `rows` rows of y = dequant(d) (n wide);
  // act is kNone, GELU (erf / tanh) or ReLU. `row`: n floats of scratch.
  void (*dequant_act_quantize)(const Dequant& d, size_t rows, size_t n, PostOp act, QuantOut out,
                               float* row);
  // x[r] = LayerNorm(y[r] + residual[r])·gamma + beta with y = dequant(d),
  // and, when out.q is set, out ← quantize(x[r]). x may be residual.
  void (*dequant_add_layer_norm)(const Dequant& d, size_t rows, size_t n, const float* residual,
                                 const float* gamma, const float* beta, float eps, float* x,
                                 QuantOut out);
};

// Scratch of attention_head: K transposed and scaled (d × Tp), V copied
// contiguous (T × d: its rows are 3H apart in the QKV buffer, a page or more,
// which defeats the hardware prefetcher), the mask padded to Tp, and a
// block of score rows; Tp = T rounded up to 16.
constexpr size_t attention_padded(size_t T) { return (T + 15) / 16 * 16; }
constexpr size_t kAttentionMaxRows = 8;
constexpr size_t attention_scratch_floats(size_t T, size_t d) {
  return (2 * d + 1 + kAttentionMaxRows) * attention_padded(T);
}

const Kernels& scalar_kernels();
// nullptr when not compiled in or when this CPU lacks the instructions.
const Kernels* avx2_kernels();
const Kernels* avx512_kernels();

// The kernels for this process: TOKREC_FORCE_CPU_ISA if set (an unknown or
// unsupported value falls back to the best available and says so on stderr
// once), else the best the CPU supports. Chosen once.
const Kernels& kernels();
// By name ("scalar", "avx2", "avx512"); nullptr if unavailable here.
const Kernels* kernels_by_name(std::string_view name);

}  // namespace tokrec::encoder
