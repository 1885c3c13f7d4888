// AVX-512F kernels (16 lanes); same algorithm as kernels_avx2.cc. Only this
// file is compiled for AVX-512, by the pragma after the standard headers.
#include <cmath>
#include <cstddef>

#include "encoder/kernels.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include "encoder/isa_avx512_begin.inc"

namespace tokrec::encoder {
namespace {

using V = __m512;
constexpr size_t W = 16;
inline V vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, V v) { _mm512_storeu_ps(p, v); }
inline V vset1(float x) { return _mm512_set1_ps(x); }
inline V vadd(V a, V b) { return _mm512_add_ps(a, b); }
inline V vsub(V a, V b) { return _mm512_sub_ps(a, b); }
inline V vmul(V a, V b) { return _mm512_mul_ps(a, b); }
inline V vdiv(V a, V b) { return _mm512_div_ps(a, b); }
inline V vfma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
inline V vrcp(V a) {
  const V r = _mm512_rcp14_ps(a);
  return _mm512_mul_ps(r, _mm512_fnmadd_ps(a, r, _mm512_set1_ps(2.0f)));
}
inline V vmax(V a, V b) { return _mm512_max_ps(a, b); }
inline V vmin(V a, V b) { return _mm512_min_ps(a, b); }
inline V vsignbits(V a) {
  return _mm512_castsi512_ps(
      _mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(static_cast<int>(0x80000000u))));
}
inline V vabs(V a) {
  return _mm512_castsi512_ps(_mm512_and_si512(_mm512_castps_si512(a), _mm512_set1_epi32(0x7fffffff)));
}
inline V vxor(V a, V b) {
  return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_castps_si512(b)));
}
inline V vround(V a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline V vpow2i(V n) {
  const __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  return _mm512_castsi512_ps(e);
}
inline float vhsum(V v) { return _mm512_reduce_add_ps(v); }
inline float vhmax(V v) { return _mm512_reduce_max_ps(v); }

// Attention tiles (kernels_simd.inc): rows × vectors of accumulators within
// the 32 zmm registers. 8 × 2 measured faster than 4 × 4 for heads of 64
// (fewer passes over K and V per query row), and fits heads of 32.
constexpr size_t kAttnRows = 8, kAttnVecs = 2;
#include "encoder/kernels_simd.inc"

}  // namespace

const Kernels* avx512_kernels() {
  static const Kernels k{"avx512", bias_gelu_erf, bias_gelu_tanh, bias_relu,
                         add_layer_norm, masked_softmax, bias_tanh, attention_head};
  return &k;
}

}  // namespace tokrec::encoder
#include "encoder/isa_end.inc"
#else
namespace tokrec::encoder {
const Kernels* avx512_kernels() { return nullptr; }
}  // namespace tokrec::encoder
#endif
