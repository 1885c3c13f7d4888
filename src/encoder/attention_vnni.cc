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
//
// Int8Heads (gemm.h), what the encoder runs: Q and K are quantized straight
// from the QKV product's accumulators into one buffer per sequence (no fp32
// Q and K, and each head's operands contiguous), V kept fp32 until each head
// quantizes it per column; then the same tiles per head.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

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

// The int8 operands of one head: Q and K from the caller's scratch
// (attention_head_vnni) or from an Int8Heads buffer, the rest from scratch.
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

// Row i of Q (at x) → uint8 with its scale and zero point.
// max over the lanes of hi and min over those of lo in one reduction: the
// 256-bit halves of hi and −lo side by side, then three folds.
inline void hminmax(V lo, V hi, float* l, float* u) {
  const V nlo = vsub(vset1(0.0f), lo);
  V m = vmax(_mm512_shuffle_f32x4(hi, nlo, _MM_SHUFFLE(1, 0, 1, 0)),
             _mm512_shuffle_f32x4(hi, nlo, _MM_SHUFFLE(3, 2, 3, 2)));
  m = vmax(m, _mm512_shuffle_f32x4(m, m, _MM_SHUFFLE(2, 3, 0, 1)));
  m = vmax(m, _mm512_permute_ps(m, _MM_SHUFFLE(1, 0, 3, 2)));
  m = vmax(m, _mm512_permute_ps(m, _MM_SHUFFLE(2, 3, 0, 1)));
  *u = _mm512_cvtss_f32(m);
  *l = -_mm_cvtss_f32(_mm512_extractf32x4_ps(m, 2));
}

void prepare_q(const float* x, Head& h, size_t i) {
  {
    V lo = vset1(0.0f), hi = vset1(0.0f);
    for (size_t c = 0; c < h.d; c += W) {
      lo = vmin(lo, vload(x + c));
      hi = vmax(hi, vload(x + c));
    }
    float l, u;
    hminmax(lo, hi, &l, &u);
    float s = (u - l) / 255.0f;
    if (!(s > 0.0f) || !std::isfinite(s)) s = 1.0f;
    const float inv = 1.0f / s;
    const float zf = std::floor(-l * inv + 0.5f);
    const float z = zf < 0.0f ? 0.0f : (zf > 255.0f ? 255.0f : zf);
    const V vinv = vset1(inv), voff = vset1(z + 0.5f);
    for (size_t c = 0; c < h.d; c += W) vstore_u8_floor(h.q + i * h.d + c, vadd(vmul(vload(x + c), vinv), voff));
    h.sq[i] = s;
    h.zq[i] = z;
  }
}

void prepare_q(const float* q, size_t ld, Head& h) {
  for (size_t i = 0; i < h.T; ++i) prepare_q(q + i * ld, h, i);
}

void key_sums(Head& h);

// Key j (at x) → int8 with its scale (× the softmax scale), in K's layout.
void prepare_k_row(const float* x, float scale, Head& h, size_t j) {
  V amax = vset1(0.0f);
  for (size_t c = 0; c < h.d; c += W) amax = vmax(amax, vabs(vload(x + c)));
  const float m = vhmax(amax);
  const float s = m > 0.0f && std::isfinite(m) ? m / 127.0f : 1.0f;
  const V vinv = vset1(1.0f / s);
  for (size_t c = 0; c < h.d; c += W) {
    const __m512i xi = clamp127(_mm512_cvtps_epi32(vmul(vload(x + c), vinv)));
    alignas(16) int32_t dw[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(dw), _mm512_cvtepi32_epi8(xi));
    for (size_t t = 0; t < 4; ++t) std::memcpy(h.k + ((c / 4 + t) * h.Tp + j) * 4, dw + t, 4);
  }
  h.sk[j] = s * scale;
}

void prepare_k(const float* k, size_t ld, float scale, const float* mask, Head& h) {
  const size_t G = h.d / 4;
  for (size_t j = 0; j < h.Tp; ++j) {
    if (j >= h.T) {
      for (size_t g = 0; g < G; ++g) std::memset(h.k + (g * h.Tp + j) * 4, 0, 4);
      h.sk[j] = 0.0f;
      h.mask[j] = -INFINITY;
      continue;
    }
    prepare_k_row(k + j * ld, scale, h, j);
    h.mask[j] = mask[j];
  }
  key_sums(h);
}

// Σ_k k_q[j][k] for 16 keys at a time: vpdpbusd with bytes of 1.
void key_sums(Head& h) {
  const size_t G = h.d / 4;
  const __m512i ones = _mm512_set1_epi8(1);
  for (size_t j0 = 0; j0 < h.Tp; j0 += W) {
    __m512i sum = _mm512_setzero_si512();
    for (size_t g = 0; g < G; ++g)
      sum = _mm512_dpbusd_epi32(sum, ones, _mm512_loadu_si512(h.k + (g * h.Tp + j0) * 4));
    vstore(h.ksum + j0, _mm512_cvtepi32_ps(sum));
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

// The int8 product both attention steps share, as R × C register tiles of
// 16 int32 lanes: acc[r][c] = Σ_g a[r·lda + 4g, +4) · b[g·ldb + 64c, +64)
// (u8 × s8 in groups of 4 bytes, vpdpbusd), over `steps` groups.
template <size_t R, size_t C>
inline void dpbusd_tile(const uint8_t* a, size_t lda, const int8_t* b, size_t ldb, size_t steps,
                        __m512i (&acc)[R][C]) {
  for (size_t r = 0; r < R; ++r)
    for (size_t c = 0; c < C; ++c) acc[r][c] = _mm512_setzero_si512();
  for (size_t g = 0; g < steps; ++g) {
    __m512i bv[C];
    for (size_t c = 0; c < C; ++c) bv[c] = _mm512_loadu_si512(b + g * ldb + c * W * 4);
    for (size_t r = 0; r < R; ++r) {
      const __m512i av = _mm512_set1_epi32(load_i32(a + r * lda + 4 * g));
      for (size_t c = 0; c < C; ++c) acc[r][c] = _mm512_dpbusd_epi32(acc[r][c], av, bv[c]);
    }
  }
}

// Scores of R query rows (from row i) against keys [j0, j0 + C·16).
template <size_t R, size_t C>
inline void scores_tile(const Head& h, size_t i, size_t j0, float* s) {
  __m512i acc[R][C];
  // Locals: stores through s must not make the compiler reload h's fields.
  const size_t d = h.d, Tp = h.Tp;
  dpbusd_tile<R, C>(h.q + i * d, d, h.k + j0 * 4, Tp * 4, d / 4, acc);
  const float *ksum = h.ksum + j0, *sk = h.sk + j0, *mask = h.mask + j0, *sqs = h.sq + i,
              *zqs = h.zq + i;
  for (size_t r = 0; r < R; ++r) {
    const V sq = vset1(sqs[r]), zq = vset1(zqs[r]);
    for (size_t c = 0; c < C; ++c) {
      const V dot = _mm512_fnmadd_ps(zq, vload(ksum + c * W), _mm512_cvtepi32_ps(acc[r][c]));
      vstore(s + r * Tp + j0 + c * W, vfma(dot, vmul(sq, vload(sk + c * W)), vload(mask + c * W)));
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
// (A separate max pass over the row, in L1: tracking the maximum in the
// score tiles costs registers the tiles need.)
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
  const size_t d = h.d, Tp = h.Tp;
  dpbusd_tile<R, C>(h.p, Tp, h.v + c0 * 4, d * 4, Tp / 4, acc);
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

// The per-call pieces of a head (K's row sums, V quantized, the mask, score
// and probability rows) carved from `scratch`; false if it is too small.
bool carve_scratch(Head& h, float* scratch) {
  Carver cv{reinterpret_cast<char*>(scratch),
            reinterpret_cast<char*>(scratch + attention_scratch_floats(h.T, h.d))};
  h.ksum = cv.take<float>(h.Tp);
  h.v = cv.take<int8_t>(h.Tp * h.d);
  h.sv = cv.take<float>(h.d);
  h.mask = cv.take<float>(h.Tp);
  h.s = cv.take<float>(kRows * h.Tp);
  h.p = cv.take<uint8_t>(kRows * h.Tp);
  if (h.q == nullptr) {  // attention_head_vnni: Q and K quantized into scratch too
    h.q = cv.take<uint8_t>(h.T * h.d);
    h.sq = cv.take<float>(h.T);
    h.zq = cv.take<float>(h.T);
    h.k = cv.take<int8_t>(h.d * h.Tp);
    h.sk = cv.take<float>(h.Tp);
  }
  return cv.fits();
}

void all_rows(const Head& h, float* ctx, size_t ldc) {
  size_t i = 0;
  for (; i + kRows <= h.T; i += kRows) rows<kRows>(h, i, ctx + i * ldc, ldc);
  for (; i < h.T; ++i) rows<1>(h, i, ctx + i * ldc, ldc);
}

bool attention_head_vnni(const float* q, const float* k, const float* v, size_t ld, size_t T,
                         size_t d, float scale, const float* mask, float* ctx, size_t ldc,
                         float* scratch) {
  if (d % W != 0 || T == 0) return false;
  Head h{};
  h.T = T;
  h.Tp = attention_padded(T);
  h.d = d;
  if (!carve_scratch(h, scratch)) return false;
  prepare_q(q, ld, h);
  prepare_k(k, ld, scale, mask, h);
  prepare_v(v, ld, h);
  all_rows(h, ctx, ldc);
  return true;
}

// ---- Heads prepared straight from the QKV product (Int8Heads, gemm.h) ----

// Byte offsets of one sequence's heads: Q uint8 [nh][T][d], its scales and
// zero points [nh][T], K int8 [nh][d/4][Tp][4], its scales [nh][Tp], V fp32
// [nh][T][d].
struct HeadsLayout {
  size_t T, Tp, nh, d;
  size_t q, sq, zq, k, sk, v, bytes;
  HeadsLayout(size_t t, size_t heads, size_t dh) : T(t), Tp(attention_padded(t)), nh(heads), d(dh) {
    auto align = [](size_t x) { return (x + 63) / 64 * 64; };
    q = 0;
    sq = align(q + nh * T * d);
    zq = align(sq + nh * T * 4);
    k = align(zq + nh * T * 4);
    sk = align(k + nh * d * Tp);
    v = align(sk + nh * Tp * 4);
    bytes = align(v + nh * T * d * 4) + 64;
  }
  Head head(char* base, size_t h) const {
    Head hd{};
    hd.T = T;
    hd.Tp = Tp;
    hd.d = d;
    hd.q = reinterpret_cast<uint8_t*>(base + q) + h * T * d;
    hd.sq = reinterpret_cast<float*>(base + sq) + h * T;
    hd.zq = reinterpret_cast<float*>(base + zq) + h * T;
    hd.k = reinterpret_cast<int8_t*>(base + k) + h * d * Tp;
    hd.sk = reinterpret_cast<float*>(base + sk) + h * Tp;
    return hd;
  }
  float* vf(char* base, size_t h) const { return reinterpret_cast<float*>(base + v) + h * T * d; }
};

// 64-byte aligned start of a heads buffer.
char* heads_base(void* buf) {
  return reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(buf) + 63) & ~uintptr_t{63});
}

constexpr size_t kMaxHeadDim = 256;

// s = range / 255 (1 for an empty or non-finite range), inv = 1 / s,
// z = clamp(floor(−lo·inv + ½), 0, 255) for 16 rows at once: prepare_q's
// scalar arithmetic, vectorized across heads (each head's chain is long
// and would otherwise run serially).
inline void quant_params(const float* lo, const float* hi, float* s, float* inv, float* z) {
  const V l = vload(lo), u = vload(hi);
  V sc = vdiv(vsub(u, l), vset1(255.0f));
  const __mmask16 bad = _mm512_kor(_mm512_cmp_ps_mask(sc, vset1(0.0f), _CMP_NGT_UQ),
                                   _mm512_cmp_ps_mask(sc, vset1(INFINITY), _CMP_EQ_OQ));
  sc = _mm512_mask_blend_ps(bad, sc, vset1(1.0f));
  const V iv = vdiv(vset1(1.0f), sc);
  const V zf = _mm512_roundscale_ps(vadd(vmul(vsub(vset1(0.0f), l), iv), vset1(0.5f)),
                                    _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC);
  vstore(s, sc);
  vstore(inv, iv);
  vstore(z, vmin(vmax(zf, vset1(0.0f)), vset1(255.0f)));
}

// Likewise prepare_k_row's: s = max|x| / 127 (1 if 0 or not finite), inv.
inline void key_params(const float* amax, float* s, float* inv) {
  const V m = vload(amax);
  const __mmask16 ok = _mm512_kand(_mm512_cmp_ps_mask(m, vset1(0.0f), _CMP_GT_OQ),
                                   _mm512_cmp_ps_mask(m, vset1(INFINITY), _CMP_LT_OQ));
  const V sc = _mm512_mask_blend_ps(ok, vset1(1.0f), vdiv(m, vset1(127.0f)));
  vstore(s, sc);
  vstore(inv, vdiv(vset1(1.0f), sc));
}

void heads_prepare(const Dequant& dq, size_t rows, size_t t0, size_t T, size_t nh, size_t d,
                   float scale, void* buf) {
  const HeadsLayout L(T, nh, d);
  char* base = heads_base(buf);
  const size_t H = nh * d, N = 3 * H, nh16 = (nh + 15) / 16 * 16;
  // One row's dequantized Q and K, and per-head parameters (padded to 16).
  std::vector<float> y(2 * H), lo(nh16, 0.0f), hi(nh16, 0.0f), s(nh16), inv(nh16), z(nh16);
  for (size_t r = 0; r < rows; ++r) {
    const size_t t = t0 + r;
    const int32_t* acc = dq.acc + r * N;
    const V vs = vset1(dq.a_scale[r]);
    const V vzs = vset1(static_cast<float>(dq.a_zero[r]) * dq.a_scale[r]);
    // Dequantized columns [j0, j0 + n) into out, dequantize_rows's arithmetic.
    auto dequant = [&](size_t j0, size_t n, float* out) {
      for (size_t c = 0; c < n; c += W) {
        const size_t j = j0 + c;
        const V a = _mm512_cvtepi32_ps(_mm512_loadu_si512(acc + j));
        const V b = dq.bias != nullptr ? vload(dq.bias + j) : vset1(0.0f);
        const V offset = vsub(b, vmul(vzs, vload(dq.w_qsum + j)));
        vstore(out + c, vadd(vmul(a, vmul(vs, vload(dq.w_scale + j))), offset));
      }
    };
    dequant(0, 2 * H, y.data());
    // Q: uint8 per row and head (prepare_q's rule).
    for (size_t h = 0; h < nh; ++h) {
      V vlo = vset1(0.0f), vhi = vset1(0.0f);
      for (size_t c = 0; c < d; c += W) {
        vlo = vmin(vlo, vload(y.data() + h * d + c));
        vhi = vmax(vhi, vload(y.data() + h * d + c));
      }
      hminmax(vlo, vhi, &lo[h], &hi[h]);
    }
    for (size_t h = 0; h < nh; h += W) quant_params(&lo[h], &hi[h], &s[h], &inv[h], &z[h]);
    for (size_t h = 0; h < nh; ++h) {
      Head hd = L.head(base, h);
      const V vinv = vset1(inv[h]), voff = vset1(z[h] + 0.5f);
      for (size_t c = 0; c < d; c += W)
        vstore_u8_floor(hd.q + t * d + c, vadd(vmul(vload(y.data() + h * d + c), vinv), voff));
      hd.sq[t] = s[h];
      hd.zq[t] = z[h];
    }
    // K: int8 per key and head (prepare_k_row's rule), in K's layout.
    for (size_t h = 0; h < nh; ++h) {
      V amax = vset1(0.0f);
      for (size_t c = 0; c < d; c += W) amax = vmax(amax, vabs(vload(y.data() + H + h * d + c)));
      hi[h] = vhmax(amax);
    }
    for (size_t h = 0; h < nh; h += W) key_params(&hi[h], &s[h], &inv[h]);
    for (size_t h = 0; h < nh; ++h) {
      Head hd = L.head(base, h);
      const V vinv = vset1(inv[h]);
      for (size_t c = 0; c < d; c += W) {
        const __m512i xi = clamp127(_mm512_cvtps_epi32(vmul(vload(y.data() + H + h * d + c), vinv)));
        alignas(16) int32_t dw[4];
        _mm_store_si128(reinterpret_cast<__m128i*>(dw), _mm512_cvtepi32_epi8(xi));
        for (size_t g = 0; g < 4; ++g) std::memcpy(hd.k + ((c / 4 + g) * hd.Tp + t) * 4, dw + g, 4);
      }
      hd.sk[t] = s[h] * scale;
    }
    // V: fp32, quantized per column once all rows are in.
    for (size_t h = 0; h < nh; ++h) dequant(2 * H + h * d, d, L.vf(base, h) + t * d);
  }
}

void heads_attention(void* buf, size_t T, size_t nh, size_t d, size_t h, const float* mask,
                     float* ctx, size_t ldc, float* scratch) {
  const HeadsLayout L(T, nh, d);
  char* base = heads_base(buf);
  Head hd = L.head(base, h);
  carve_scratch(hd, scratch);  // fits: Q and K live in buf, not in scratch
  for (size_t j = 0; j < hd.Tp; ++j) {
    hd.mask[j] = j < T ? mask[j] : -INFINITY;
    if (j < T) continue;
    for (size_t g = 0; g < d / 4; ++g) std::memset(hd.k + (g * hd.Tp + j) * 4, 0, 4);
    hd.sk[j] = 0.0f;
  }
  key_sums(hd);
  prepare_v(L.vf(base, h), d, hd);
  all_rows(hd, ctx, ldc);
}

}  // namespace

AttentionHeadFn vnni_attention_head() {
  const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                  __builtin_cpu_supports("avx512vnni");
  return ok ? attention_head_vnni : nullptr;
}

const Int8Heads* int8_heads(size_t head_dim) {
  static const Int8Heads k{heads_prepare, heads_attention};
  if (vnni_attention_head() == nullptr || head_dim % 16 != 0 || head_dim > kMaxHeadDim) return nullptr;
  return &k;
}

size_t int8_heads_bytes(size_t T, size_t num_heads, size_t head_dim) {
  return HeadsLayout(T, num_heads, head_dim).bytes;
}

}  // namespace tokrec::encoder
#include "encoder/isa_end.inc"
#else
namespace tokrec::encoder {
AttentionHeadFn vnni_attention_head() { return nullptr; }
const Int8Heads* int8_heads(size_t) { return nullptr; }
size_t int8_heads_bytes(size_t, size_t, size_t) { return 0; }
}  // namespace tokrec::encoder
#endif
