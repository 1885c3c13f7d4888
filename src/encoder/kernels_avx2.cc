// AVX2 + FMA kernels. Only this file is compiled for AVX2 (by the pragma
// below, after every standard header so no shared inline code is affected);
// kernels.cc calls it only when the CPU has AVX2 and FMA.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "encoder/kernels.h"

#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#include <immintrin.h>
// GCC takes the ISA from `#pragma GCC target`; clang ignores that pragma and
// needs the target attribute on each function, which `#pragma clang
// attribute` applies to every function defined up to the matching pop.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

namespace tokrec::encoder {
namespace {

using V = __m256;
constexpr size_t W = 8;
inline V vload(const float* p) { return _mm256_loadu_ps(p); }
inline void vstore(float* p, V v) { _mm256_storeu_ps(p, v); }
inline V vset1(float x) { return _mm256_set1_ps(x); }
inline V vadd(V a, V b) { return _mm256_add_ps(a, b); }
inline V vsub(V a, V b) { return _mm256_sub_ps(a, b); }
inline V vmul(V a, V b) { return _mm256_mul_ps(a, b); }
inline V vdiv(V a, V b) { return _mm256_div_ps(a, b); }
inline V vfma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
inline V vrcp(V a) {
  const V r = _mm256_rcp_ps(a);
  return _mm256_mul_ps(r, _mm256_fnmadd_ps(a, r, _mm256_set1_ps(2.0f)));
}
inline V vmax(V a, V b) { return _mm256_max_ps(a, b); }
inline V vmin(V a, V b) { return _mm256_min_ps(a, b); }
inline V vsignbits(V a) { return _mm256_and_ps(a, _mm256_set1_ps(-0.0f)); }
inline V vabs(V a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
inline V vxor(V a, V b) { return _mm256_xor_ps(a, b); }
inline V vround(V a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline V vpow2i(V n) {
  const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_castsi256_ps(e);
}
inline float vhsum(V v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline float vhmax(V v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline float vhmin(V v) {
  __m128 s = _mm_min_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_min_ps(s, _mm_movehl_ps(s, s));
  s = _mm_min_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline V vload_i32(const int32_t* p) {
  return _mm256_cvtepi32_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}
// W bytes: clamp(floor(t), 0, 255).
inline void vstore_u8_floor(uint8_t* q, V t) {
  __m256i i = _mm256_cvtps_epi32(_mm256_floor_ps(t));
  i = _mm256_min_epi32(_mm256_max_epi32(i, _mm256_setzero_si256()), _mm256_set1_epi32(255));
  const __m128i w = _mm_packus_epi32(_mm256_castsi256_si128(i), _mm256_extracti128_si256(i, 1));
  _mm_storel_epi64(reinterpret_cast<__m128i*>(q), _mm_packus_epi16(w, w));
}

// Attention tiles (kernels_simd.inc): rows × vectors of accumulators within
// the 16 ymm registers.
constexpr size_t kAttnRows = 4, kAttnVecs = 2;
#include "encoder/kernels_simd.inc"

}  // namespace

const Kernels* avx2_kernels() {
  static const Kernels k{"avx2", bias_gelu_erf, bias_gelu_tanh, bias_relu,
                         add_layer_norm, masked_softmax, bias_tanh, attention_head,
                         dequant_act_quantize, dequant_add_layer_norm};
  return &k;
}

}  // namespace tokrec::encoder
#include "encoder/isa_end.inc"
#else
namespace tokrec::encoder {
const Kernels* avx2_kernels() { return nullptr; }
}  // namespace tokrec::encoder
#endif
