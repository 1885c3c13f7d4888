// The linear layers' matrix products in the three precisions of DType, for
// one block of rows on the calling thread (ForwardRunner splits rows across
// its threads and calls these once per block).
//
//   fp32: oneDNN matmul on weights packed once at load (onednn.h), with bias
//         and GELU / ReLU fused into the product; QKV as one [3H, H] weight.
//         Without oneDNN, or with TOKREC_ENCODER_GEMM=sgemm|blas, OpenBLAS
//         sgemm on the memory-mapped fp32 weight.
//   bf16: weights are stored bf16 (half the memory). This CPU family has no
//         AVX512_BF16, and oneDNN 2.6 emulates bf16 matmul at a third of sgemm's
//         speed (measured), so the runner widens each weight to fp32 once per
//         call into a scratch buffer (cost ≈ 1/rows of the product) and runs
//         the fp32 product on it: bf16 storage, fp32 compute and accumulation.
//   int8: dynamic quantization. Each activation row is quantized to uint8 with
//         its own scale and zero point (asymmetric: GELU outputs are skewed),
//         weights are int8 with one symmetric scale per output channel (packed
//         once at load for oneDNN), the product is u8 × s8 → s32 (oneDNN's
//         brgemm matmul, AVX512-VNNI vpdpbusd where present), then
//           y[r][n] = a_scale[r]·w_scale[n]·(acc[r][n] − a_zero[r]·Σ_k w_q[n][k]) + b[n].
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "encoder/kernels.h"
#include "encoder/model.h"
#include "encoder/onednn.h"

namespace tokrec::encoder {

// Element-wise helpers of the quantized paths, one implementation per ISA
// (scalar in gemm.cc, AVX-512 in quant_avx512.cc); the set follows the
// kernels() choice, so TOKREC_FORCE_CPU_ISA covers them too.
struct QuantKernels {
  const char* name;
  // Per row r of x [rows, k]: zero-including range [min(x,0), max(x,0)] mapped
  // onto 0..255: scale[r] = range/255, zero[r] = round(-min/scale[r]),
  // q = clamp(floor(x/scale + zero + 0.5), 0, 255). A zero row gets scale 1, zero 0.
  void (*quantize_rows)(const float* x, size_t rows, size_t k, uint8_t* q, float* scale,
                        int32_t* zero);
  // out[r][n] = float(acc[r][n])·(a_scale[r]·w_scale[n])
  //             + (bias[n] − a_zero[r]·a_scale[r]·w_qsum_scaled[n]),
  // i.e. a_scale·w_scale·(acc − zero·Σw_q) + bias with the zero-point term
  // folded into the offset (w_qsum_scaled[n] = w_scale[n]·Σ_k w_q[n][k];
  // bias may be null).
  void (*dequantize_rows)(const int32_t* acc, size_t rows, size_t n, const float* a_scale,
                          const int32_t* a_zero, const float* w_scale, const float* w_qsum_scaled,
                          const float* bias, float* out);
  // dequantize_rows with the columns in segments of `seg` (n a multiple of
  // seg): element (r, j) goes to out[(j / seg)·seg_stride + r·seg + j % seg]
  // (the QKV product split into contiguous heads; same values).
  void (*dequantize_split)(const int32_t* acc, size_t rows, size_t n, const float* a_scale,
                           const int32_t* a_zero, const float* w_scale, const float* w_qsum_scaled,
                           const float* bias, float* out, size_t seg, size_t seg_stride);
  // out[i] = float(bits[i] << 16).
  void (*bf16_to_fp32)(const uint16_t* in, size_t n, float* out);
  // One attention head of an int8 model with int8 products (Kernels::
  // attention_head's contract; the arithmetic in attention_vnni.cc's header):
  // AVX512-VNNI where present, else null (the model's attention stays fp32:
  // without VNNI, int8 products are no faster than fp32 FMAs).
  AttentionHeadFn attention_head_int8;
};
const QuantKernels& scalar_quant_kernels();
// The int8 attention head in plain loops (the reference the VNNI kernel is
// tested against; too slow for use), and the VNNI one (null if the CPU lacks
// AVX512-VNNI / AVX512BW or the build is not x86-64).
bool attention_head_int8_reference(const float* q, const float* k, const float* v, size_t ld,
                                   size_t T, size_t d, float scale, const float* mask, float* ctx,
                                   size_t ldc, float* scratch);
AttentionHeadFn vnni_attention_head();

// The VNNI attention on heads quantized straight from the QKV product's
// accumulators (attention_vnni.cc), skipping fp32 Q and K: one buffer per
// sequence of int8_heads_bytes(T, heads, d) bytes holds every head's Q
// (uint8 per row), K (int8 per key, VNNI layout) and V (fp32 until each
// head quantizes it per column). Same arithmetic as attention_head_int8
// except that Q and K come from the accumulators.
struct Int8Heads {
  // Rows [t0, t0 + rows) of one sequence of T: d.acc holds their QKV
  // accumulators (3·heads·head_dim wide; Q, K, V in order), d.a_* their
  // activation scales. scale: the softmax scale (1/√head_dim).
  void (*prepare)(const Dequant& d, size_t rows, size_t t0, size_t T, size_t heads,
                  size_t head_dim, float scale, void* buf);
  // Head h of a fully prepared sequence: ctx rows at stride ldc; mask: T
  // additive values; scratch: attention_scratch_floats(T, head_dim) floats.
  void (*attention)(void* buf, size_t T, size_t heads, size_t head_dim, size_t h,
                    const float* mask, float* ctx, size_t ldc, float* scratch);
};
// Null without AVX512-VNNI or for a head size not a multiple of 16 (or > 256).
const Int8Heads* int8_heads(size_t head_dim);
size_t int8_heads_bytes(size_t T, size_t heads, size_t head_dim);
const QuantKernels* avx512_quant_kernels();  // nullptr when not compiled in / unsupported
const QuantKernels& quant_kernels();

// fp32 → bf16, round to nearest even (NaN stays NaN).
uint16_t fp32_to_bf16(float x);

// Per-thread buffers of linear_block (grown, never shrunk, within one call).
struct GemmScratch {
  std::vector<uint8_t> a_q;
  std::vector<float> a_scale;
  std::vector<int32_t> a_zero;
  std::vector<int32_t> acc;
  std::vector<float> ffn;     // a chunk of feed-forward activations (ForwardRunner::ffn)
  std::vector<float> w_f32;   // a packed weight unpacked (fallback only)
  std::vector<int8_t> w_i8;   // likewise
};

// How the linear layers run (TOKREC_ENCODER_GEMM, read once; for benchmarks):
//   onednn (default when built with oneDNN): packed weights, each compute
//          thread runs a single-threaded product on its block of rows;
//   sgemm: the same split, single-threaded OpenBLAS sgemm on plain weights;
//   blas:  one sgemm over all rows with OpenBLAS's own threads.
enum class GemmMode { kOnednn, kSgemm, kBlas };
GemmMode gemm_mode();

// Applied to finished output rows [first, first + count) of a block (row
// indices relative to `out`) while they are still in cache: bias + GELU,
// residual + LayerNorm. Must only touch those rows.
using RowEpilogue = std::function<void(float* rows_out, size_t first, size_t count)>;

// out[r] = post(in[r]·Wᵀ (+ b when add_bias)) for r < rows, single-threaded,
// in `dtype`, then `epilogue` (may be null) on the finished rows. A post op
// needs add_bias. For kBf16, `w_fp32` is the widened weight; otherwise it is
// unused (kFp32 uses l.packed or l.w, kInt8 l.packed or l.w_q). Rows run in
// chunks (int8: kInt8ChunkRows) so that the quantized rows, the products and
// the outputs stay in L2 through quantize → matmul → dequantize → epilogue.
constexpr size_t kInt8ChunkRows = 64;
// kInt8ChunkRows, or TOKREC_ENCODER_INT8_CHUNK (read once; for benchmarks).
size_t int8_chunk_rows();
void linear_block(DType dtype, const float* in, size_t rows, const Linear& l, const float* w_fp32,
                  float* out, bool add_bias, PostOp post, GemmScratch& scratch,
                  const RowEpilogue* epilogue = nullptr);

// acc [rows, l.out] (s32) = a_q [rows, l.in] (u8) · W_qᵀ for an int8 layer
// whose input rows are already quantized (by the fused epilogues of
// kernels.h), single-threaded; one oneDNN call on the packed weight.
void int8_product(const uint8_t* a_q, size_t rows, const Linear& l, int32_t* acc,
                  GemmScratch& scratch);

// u8 [M, K] × s8 [N, K]ᵀ → s32 [M, N], single-threaded. oneDNN when built
// with it, else a portable reference loop (correct, slow).
void gemm_u8s8s32(const uint8_t* a, const int8_t* w, int32_t* c, size_t M, size_t N, size_t K);
// "onednn" or "reference".
const char* int8_gemm_backend();

}  // namespace tokrec::encoder
