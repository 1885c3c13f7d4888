// One attention head with int8 products for int8 models
// (QuantKernels::attention_head_int8, gemm.h): AVX512-VNNI vpdpbusd
// multiplies 64 byte pairs per instruction where the fp32 kernel
// (kernels_simd.inc) does 16 multiply-adds, on both products of attention.
//
//   Q rows: uint8 per row, asymmetric (scale sq, zero zq), like the linear
//           layers' activations;
//   K rows: int8 per key, symmetric (scale sk), with Σ_k k_q for the zero
//           point: s[i][j] = sq·sk·(Σ q_q·k_q − zq·Σ k_q)·scale + mask[j];
//   softmax numerators e = exp(s − max) ∈ (0, 1] rounded to p = round(255·e)
//           (the row maximum is exactly 255), normalized by Σ p;
//   V:      int8 per column of the head, symmetric (scale sv over the keys):
//           ctx[i][c] = sv[c]·Σ_j p[i][j]·v_q[j][c] / Σ_j p[i][j].
// attention_head_int8_reference (gemm.cc) is the same arithmetic in plain
// loops; the tests hold this kernel to it and both to the fp32 head.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "encoder/gemm.h"
#include "encoder/kernels.h"

#if defined(__GNUC__) && defined(__x86_64__)
#define TOKREC_ISA_AVX512_VNNI 1
#include "encoder/isa_avx512_begin.inc"

namespace tokrec::encoder {
namespace {

#include "encoder/vec_avx512.inc"

constexpr size_t kRows = 8;  // query rows per tile (≤ kAttentionMaxRows)
constexpr size_t kVecs = 2;  // 16-lane vectors per tile row: 32 keys or 32 columns

inline int32_t load_i32(const void* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// The int8 operands of one head, carved from the caller's scratch.
struct Head {
  size_t T, Tp, d;
  uint8_t* q;    // [T][d] uint8
  float* sq;     // [T]
  float* zq;     // [T], as float
  int8_t* k;     // [d/4][Tp][4]: dword (g, j) = k_q[j][4g .. 4g+3]
  float* sk;     // [Tp] key scale × the softmax scale (0 for padded keys)
  float* ksum;   // [Tp] Σ_k k_q[j][k], as float
  int8_t* v;     // [Tp/4][d][4]: dword (jg, c) = v_q[4jg .. 4jg+3][c]
  float* sv;     // [d]
  float* mask;   // [Tp], −∞ on padded keys
  float* s;      // [kRows][Tp] scores
  uint8_t* p;    // [kRows][Tp] quantized softmax numerators
};

// Aligned pieces of a byte buffer; false if it does not fit.
struct Carver {
  char* at;
  char* end;
  template <typename T>
  T* take(size_t n) {
    const uintptr_t a = (reinterpret_cast<uintptr_t>(at) + 63) & ~uintptr_t{63};
    char* p = reinterpret_cast<char*>(a);
    at = p + n * sizeof(T);
    return reinterpret_cast<T*>(p);
  }
  bool fits() const { return at <= end; }
};

inline __m512i clamp127(__m512i x) {
  return _mm512_min_epi32(_mm512_max_epi32(x, _mm512_set1_epi32(-127)), _mm512_set1_epi32(127));
}

void prepare_q(const float* q, size_t ld, Head& h) {
  for (size_t i = 0; i < h.T; ++i) {
    const float* x = q + i * ld;
    V lo = vset1(0.0f), hi = vset1(0.0f);
    for (size_t c = 0; c < h.d; c += W) {
      lo = vmin(lo, vload(x + c));
      hi = vmax(hi, vload(x + c));
    }
    const float l = vhmin(lo), u = vhmax(hi);
    float s = (u - l) / 255.0f;
    if (!(s > 0.0f) || !std::isfinite(s)) s = 1.0f;
    const float inv = 1.0f / s;
    const float z = std::fmin(255.0f, std::fmax(0.0f, std::floor(-l * inv + 0.5f)));
    const V vinv = vset1(inv), voff = vset1(z + 0.5f);
    for (size_t c = 0; c < h.d; c += W) vstore_u8_floor(h.q + i * h.d + c, vadd(vmul(vload(x + c), vinv), voff));
    h.sq[i] = s;
    h.zq[i] = z;
  }
}

void prepare_k(const float* k, size_t ld, float scale, const float* mask, Head& h) {
  const size_t G = h.d / 4;
  for (size_t j = 0; j < h.Tp; ++j) {
    if (j >= h.T) {
      for (size_t g = 0; g < G; ++g) std::memset(h.k + (g * h.Tp + j) * 4, 0, 4);
      h.sk[j] = 0.0f;
      h.ksum[j] = 0.0f;
      h.mask[j] = -INFINITY;
      continue;
    }
    const float* x = k + j * ld;
    V amax = vset1(0.0f);
    for (size_t c = 0; c < h.d; c += W) amax = vmax(amax, vabs(vload(x + c)));
    const float m = vhmax(amax);
    const float s = m > 0.0f && std::isfinite(m) ? m / 127.0f : 1.0f;
    const V vinv = vset1(1.0f / s);
    int32_t sum = 0;
    for (size_t c = 0; c < h.d; c += W) {
      const __m512i xi = clamp127(_mm512_cvtps_epi32(vmul(vload(x + c), vinv)));
      sum += _mm512_reduce_add_epi32(xi);
      alignas(16) int32_t dw[4];
      _mm_store_si128(reinterpret_cast<__m128i*>(dw), _mm512_cvtepi32_epi8(xi));
      for (size_t t = 0; t < 4; ++t) std::memcpy(h.k + ((c / 4 + t) * h.Tp + j) * 4, dw + t, 4);
    }
    h.sk[j] = s * scale;
    h.ksum[j] = static_cast<float>(sum);
    h.mask[j] = mask[j];
  }
}

void prepare_v(const float* v, size_t ld, Head& h) {
  for (size_t c = 0; c < h.d; c += W) {
    V amax = vset1(0.0f);
    for (size_t j = 0; j < h.T; ++j) amax = vmax(amax, vabs(vload(v + j * ld + c)));
    // Per-column scale; an all-zero column gets 1 (its values are 0 anyway).
    const __mmask16 zero = _mm512_cmp_ps_mask(amax, vset1(0.0f), _CMP_LE_OQ);
    const V s = _mm512_mask_blend_ps(zero, vmul(amax, vset1(1.0f / 127.0f)), vset1(1.0f));
    vstore(h.sv + c, s);
    const V inv = vdiv(vset1(1.0f), s);
    const __m512i lowbyte = _mm512_set1_epi32(0xff);
    for (size_t jg = 0; jg < h.Tp / 4; ++jg) {
      __m512i w = _mm512_setzero_si512();
      for (size_t t = 0; t < 4; ++t) {
        const size_t j = 4 * jg + t;
        if (j >= h.T) break;
        const __m512i xi = clamp127(_mm512_cvtps_epi32(vmul(vload(v + j * ld + c), inv)));
        w = _mm512_or_si512(w, _mm512_slli_epi32(_mm512_and_si512(xi, lowbyte), static_cast<unsigned>(8 * t)));
      }
      _mm512_storeu_si512(h.v + (jg * h.d + c) * 4, w);
    }
  }
}

// Scores of R query rows (from row i) against keys [j0, j0 + C·16).
template <size_t R, size_t C>
inline void scores_tile(const Head& h, size_t i, size_t j0, float* s) {
  __m512i acc[R][C];
  for (size_t r = 0; r < R; ++r)
    for (size_t c = 0; c < C; ++c) acc[r][c] = _mm512_setzero_si512();
  const uint8_t* q = h.q + i * h.d;
  for (size_t g = 0; g < h.d / 4; ++g) {
    __m512i b[C];
    for (size_t c = 0; c < C; ++c) b[c] = _mm512_loadu_si512(h.k + (g * h.Tp + j0 + c * W) * 4);
    for (size_t r = 0; r < R; ++r) {
      const __m512i a = _mm512_set1_epi32(load_i32(q + r * h.d + 4 * g));
      for (size_t c = 0; c < C; ++c) acc[r][c] = _mm512_dpbusd_epi32(acc[r][c], a, b[c]);
    }
  }
  for (size_t r = 0; r < R; ++r) {
    const V sq = vset1(h.sq[i + r]), zq = vset1(h.zq[i + r]);
    for (size_t c = 0; c < C; ++c) {
      const size_t j = j0 + c * W;
      const V dot = _mm512_fnmadd_ps(zq, vload(h.ksum + j), _mm512_cvtepi32_ps(acc[r][c]));
      vstore(s + r * h.Tp + j, vfma(dot, vmul(sq, vload(h.sk + j)), vload(h.mask + j)));
    }
  }
}

// exp(x) for x ≤ 0 to about 4e-5 relative (2^f by its degree-4 Taylor
// polynomial on [−½, ½], then vscalefps): plenty for probabilities rounded
// to steps of 1/255, and half the operations of vexp.
inline V vexp_coarse(V x) {
  const V t = vmul(vmax(x, vset1(-87.0f)), vset1(1.44269504088896341f));
  const V n = vround(t);
  const V f = vsub(t, n);
  V p = vset1(0.00961812910762847716f);
  p = vfma(p, f, vset1(0.0555041086648215800f));
  p = vfma(p, f, vset1(0.240226506959100712f));
  p = vfma(p, f, vset1(0.693147180559945309f));
  p = vfma(p, f, vset1(1.0f));
  return _mm512_scalef_ps(p, n);
}

// p = round(255·exp(s − max s)) over Tp (a multiple of 16); returns 1 / Σ p.
inline float softmax_u8(const float* s, size_t Tp, uint8_t* p) {
  V vm = vset1(-INFINITY);
  for (size_t j = 0; j < Tp; j += W) vm = vmax(vm, vload(s + j));
  const V m = vset1(vhmax(vm));
  __m512i sum = _mm512_setzero_si512();
  for (size_t j = 0; j < Tp; j += W) {
    const V e = vmul(vexp_coarse(vsub(vload(s + j), m)), vset1(255.0f));
    const __m512i pi = _mm512_cvt_roundps_epi32(e, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    sum = _mm512_add_epi32(sum, pi);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(p + j), _mm512_cvtusepi32_epi8(pi));
  }
  return 1.0f / static_cast<float>(_mm512_reduce_add_epi32(sum));
}

// ctx columns [c0, c0 + C·16) of R rows: Σ_j p[r][j]·v_q[j][c], scaled.
template <size_t R, size_t C>
inline void pv_tile(const Head& h, const float* inv, size_t c0, float* ctx, size_t ldc) {
  __m512i acc[R][C];
  for (size_t r = 0; r < R; ++r)
    for (size_t c = 0; c < C; ++c) acc[r][c] = _mm512_setzero_si512();
  for (size_t jg = 0; jg < h.Tp / 4; ++jg) {
    __m512i b[C];
    for (size_t c = 0; c < C; ++c) b[c] = _mm512_loadu_si512(h.v + (jg * h.d + c0 + c * W) * 4);
    for (size_t r = 0; r < R; ++r) {
      const __m512i a = _mm512_set1_epi32(load_i32(h.p + r * h.Tp + 4 * jg));
      for (size_t c = 0; c < C; ++c) acc[r][c] = _mm512_dpbusd_epi32(acc[r][c], a, b[c]);
    }
  }
  for (size_t r = 0; r < R; ++r) {
    const V scale = vset1(inv[r]);
    for (size_t c = 0; c < C; ++c) {
      const size_t col = c0 + c * W;
      vstore(ctx + r * ldc + col, vmul(_mm512_cvtepi32_ps(acc[r][c]), vmul(scale, vload(h.sv + col))));
    }
  }
}

template <size_t R>
inline void rows(const Head& h, size_t i, float* ctx, size_t ldc) {
  size_t j0 = 0;
  for (; j0 + kVecs * W <= h.Tp; j0 += kVecs * W) scores_tile<R, kVecs>(h, i, j0, h.s);
  for (; j0 < h.Tp; j0 += W) scores_tile<R, 1>(h, i, j0, h.s);
  float inv[R];
  for (size_t r = 0; r < R; ++r) inv[r] = softmax_u8(h.s + r * h.Tp, h.Tp, h.p + r * h.Tp);
  size_t c0 = 0;
  for (; c0 + kVecs * W <= h.d; c0 += kVecs * W) pv_tile<R, kVecs>(h, inv, c0, ctx, ldc);
  for (; c0 < h.d; c0 += W) pv_tile<R, 1>(h, inv, c0, ctx, ldc);
}

bool attention_head_vnni(const float* q, const float* k, const float* v, size_t ld, size_t T,
                         size_t d, float scale, const float* mask, float* ctx, size_t ldc,
                         float* scratch) {
  if (d % W != 0 || T == 0) return false;
  Head h;
  h.T = T;
  h.Tp = attention_padded(T);
  h.d = d;
  Carver cv{reinterpret_cast<char*>(scratch),
            reinterpret_cast<char*>(scratch + attention_scratch_floats(T, d))};
  h.q = cv.take<uint8_t>(T * d);
  h.sq = cv.take<float>(T);
  h.zq = cv.take<float>(T);
  h.k = cv.take<int8_t>(d * h.Tp);
  h.sk = cv.take<float>(h.Tp);
  h.ksum = cv.take<float>(h.Tp);
  h.v = cv.take<int8_t>(h.Tp * d);
  h.sv = cv.take<float>(d);
  h.mask = cv.take<float>(h.Tp);
  h.s = cv.take<float>(kRows * h.Tp);
  h.p = cv.take<uint8_t>(kRows * h.Tp);
  if (!cv.fits()) return false;
  prepare_q(q, ld, h);
  prepare_k(k, ld, scale, mask, h);
  prepare_v(v, ld, h);
  size_t i = 0;
  for (; i + kRows <= T; i += kRows) rows<kRows>(h, i, ctx + i * ldc, ldc);
  for (; i < T; ++i) rows<1>(h, i, ctx + i * ldc, ldc);
  return true;
}

}  // namespace

AttentionHeadFn vnni_attention_head() {
  const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512vnni");
  return ok ? attention_head_vnni : nullptr;
}

}  // namespace tokrec::encoder
#include "encoder/isa_end.inc"
#else
namespace tokrec::encoder {
AttentionHeadFn vnni_attention_head() { return nullptr; }
}  // namespace tokrec::encoder
#endif
