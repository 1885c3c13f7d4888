// AVX-512F versions of the quantization helpers (gemm.h), same arithmetic as
// the scalar ones in gemm.cc. Only this file is compiled for AVX-512, by the
// pragma after the standard headers; it is called only after the run-time
// CPU check.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "encoder/gemm.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include "encoder/isa_avx512_begin.inc"

namespace tokrec::encoder {
namespace {

inline __mmask16 tail_mask(size_t left) {
  return left >= 16 ? static_cast<__mmask16>(0xffff) : static_cast<__mmask16>((1u << left) - 1u);
}

void quantize_rows(const float* x, size_t rows, size_t k, uint8_t* q, float* scale,
                   int32_t* zero) {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * k;
    uint8_t* qr = q + r * k;
    // Masked-off lanes load 0, which the range includes anyway.
    __m512 vlo = _mm512_setzero_ps(), vhi = _mm512_setzero_ps();
    for (size_t j = 0; j < k; j += 16) {
      const __m512 v = _mm512_maskz_loadu_ps(tail_mask(k - j), xr + j);
      vlo = _mm512_min_ps(vlo, v);
      vhi = _mm512_max_ps(vhi, v);
    }
    const float lo = _mm512_reduce_min_ps(vlo), hi = _mm512_reduce_max_ps(vhi);
    float s = (hi - lo) / 255.0f;
    if (!(s > 0.0f) || !std::isfinite(s)) s = 1.0f;
    const float inv = 1.0f / s;
    const float z = std::min(255.0f, std::max(0.0f, std::floor(-lo * inv + 0.5f)));
    const __m512 vinv = _mm512_set1_ps(inv), voff = _mm512_set1_ps(z + 0.5f);
    const __m512i vzero = _mm512_setzero_si512();
    for (size_t j = 0; j < k; j += 16) {
      const __mmask16 m = tail_mask(k - j);
      const __m512 v = _mm512_maskz_loadu_ps(m, xr + j);
      const __m512 t = _mm512_add_ps(_mm512_mul_ps(v, vinv), voff);
      // floor in the conversion, the clamp to 0 in integers, and to 255 by
      // the saturating narrow store: the scalar min(255, max(0, floor(t))).
      const __m512i qi = _mm512_max_epi32(
          vzero, _mm512_cvt_roundps_epi32(t, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC));
      _mm512_mask_cvtusepi32_storeu_epi8(qr + j, m, qi);
    }
    scale[r] = s;
    zero[r] = static_cast<int32_t>(z);
  }
}

void dequantize_rows(const int32_t* acc, size_t rows, size_t n, const float* a_scale,
                     const int32_t* a_zero, const float* w_scale, const float* w_qsum,
                     const float* bias, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    const int32_t* ar = acc + r * n;
    float* o = out + r * n;
    const __m512 vs = _mm512_set1_ps(a_scale[r]);
    const __m512 vzs = _mm512_set1_ps(static_cast<float>(a_zero[r]) * a_scale[r]);
    for (size_t j = 0; j < n; j += 16) {
      const __mmask16 m = tail_mask(n - j);
      const __m512 a = _mm512_cvtepi32_ps(_mm512_maskz_loadu_epi32(m, ar + j));
      const __m512 b = bias != nullptr ? _mm512_maskz_loadu_ps(m, bias + j) : _mm512_setzero_ps();
      const __m512 offset = _mm512_sub_ps(b, _mm512_mul_ps(vzs, _mm512_maskz_loadu_ps(m, w_qsum + j)));
      const __m512 scale = _mm512_mul_ps(vs, _mm512_maskz_loadu_ps(m, w_scale + j));
      _mm512_mask_storeu_ps(o + j, m, _mm512_add_ps(_mm512_mul_ps(a, scale), offset));
    }
  }
}

void dequantize_split(const int32_t* acc, size_t rows, size_t n, const float* a_scale,
                      const int32_t* a_zero, const float* w_scale, const float* w_qsum,
                      const float* bias, float* out, size_t seg, size_t seg_stride) {
  if (seg % 16 != 0) {
    for (size_t r = 0; r < rows; ++r)
      for (size_t j0 = 0; j0 < n; j0 += seg)
        dequantize_rows(acc + r * n + j0, 1, seg, a_scale + r, a_zero + r, w_scale + j0,
                        w_qsum + j0, bias != nullptr ? bias + j0 : nullptr,
                        out + (j0 / seg) * seg_stride + r * seg);
    return;
  }
  // Same arithmetic as dequantize_rows, whole vectors only.
  for (size_t r = 0; r < rows; ++r) {
    const int32_t* ar = acc + r * n;
    const __m512 vs = _mm512_set1_ps(a_scale[r]);
    const __m512 vzs = _mm512_set1_ps(static_cast<float>(a_zero[r]) * a_scale[r]);
    for (size_t j0 = 0; j0 < n; j0 += seg) {
      float* o = out + (j0 / seg) * seg_stride + r * seg - j0;
      for (size_t j = j0; j < j0 + seg; j += 16) {
        const __m512 a = _mm512_cvtepi32_ps(_mm512_loadu_si512(ar + j));
        const __m512 b = bias != nullptr ? _mm512_loadu_ps(bias + j) : _mm512_setzero_ps();
        const __m512 offset = _mm512_sub_ps(b, _mm512_mul_ps(vzs, _mm512_loadu_ps(w_qsum + j)));
        const __m512 scale = _mm512_mul_ps(vs, _mm512_loadu_ps(w_scale + j));
        _mm512_storeu_ps(o + j, _mm512_add_ps(_mm512_mul_ps(a, scale), offset));
      }
    }
  }
}

void bf16_to_fp32(const uint16_t* in, size_t n, float* out) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
    _mm512_storeu_si512(out + i, _mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16));
  }
  for (; i < n; ++i) {
    const uint32_t bits = static_cast<uint32_t>(in[i]) << 16;
    std::memcpy(out + i, &bits, 4);
  }
}

}  // namespace

const QuantKernels* avx512_quant_kernels() {
  if (!__builtin_cpu_supports("avx512f")) return nullptr;
  static const QuantKernels k{"avx512", quantize_rows, dequantize_rows, dequantize_split,
                              bf16_to_fp32, vnni_attention_head()};
  return &k;
}

}  // namespace tokrec::encoder
#include "encoder/isa_end.inc"
#else
namespace tokrec::encoder {
const QuantKernels* avx512_quant_kernels() { return nullptr; }
}  // namespace tokrec::encoder
#endif
