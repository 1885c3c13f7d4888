// Linear layers per precision (see gemm.h) and the scalar quantization
// kernels.
#include "encoder/gemm.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "encoder/kernels.h"

namespace tokrec::encoder {
namespace {

void quantize_rows_scalar(const float* x, size_t rows, size_t k, uint8_t* q, float* scale,
                          int32_t* zero) {
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * k;
    uint8_t* qr = q + r * k;
    float lo = 0.0f, hi = 0.0f;
    for (size_t j = 0; j < k; ++j) {
      lo = std::min(lo, xr[j]);
      hi = std::max(hi, xr[j]);
    }
    float s = (hi - lo) / 255.0f;
    if (!(s > 0.0f) || !std::isfinite(s)) s = 1.0f;
    const float inv = 1.0f / s;
    const float z = std::min(255.0f, std::max(0.0f, std::floor(-lo * inv + 0.5f)));
    const float offset = z + 0.5f;
    for (size_t j = 0; j < k; ++j) {
      const float v = std::floor(xr[j] * inv + offset);
      qr[j] = static_cast<uint8_t>(std::min(255.0f, std::max(0.0f, v)));
    }
    scale[r] = s;
    zero[r] = static_cast<int32_t>(z);
  }
}

void dequantize_rows_scalar(const int32_t* acc, size_t rows, size_t n, const float* a_scale,
                            const int32_t* a_zero, const float* w_scale, const float* w_qsum,
                            const float* bias, float* out) {
  for (size_t r = 0; r < rows; ++r) {
    const int32_t* ar = acc + r * n;
    float* o = out + r * n;
    const float s = a_scale[r];
    const float zs = static_cast<float>(a_zero[r]) * s;
    for (size_t j = 0; j < n; ++j) {
      const float offset = (bias != nullptr ? bias[j] : 0.0f) - zs * w_qsum[j];
      o[j] = static_cast<float>(ar[j]) * (s * w_scale[j]) + offset;
    }
  }
}

void dequantize_split_scalar(const int32_t* acc, size_t rows, size_t n, const float* a_scale,
                             const int32_t* a_zero, const float* w_scale, const float* w_qsum,
                             const float* bias, float* out, size_t seg, size_t seg_stride) {
  for (size_t r = 0; r < rows; ++r)
    for (size_t j0 = 0; j0 < n; j0 += seg)
      dequantize_rows_scalar(acc + r * n + j0, 1, seg, a_scale + r, a_zero + r, w_scale + j0,
                             w_qsum + j0, bias != nullptr ? bias + j0 : nullptr,
                             out + (j0 / seg) * seg_stride + r * seg);
}

void bf16_to_fp32_scalar(const uint16_t* in, size_t n, float* out) {
  for (size_t i = 0; i < n; ++i) {
    const uint32_t bits = static_cast<uint32_t>(in[i]) << 16;
    std::memcpy(out + i, &bits, 4);
  }
}

void gemm_u8s8s32_reference(const uint8_t* a, const int8_t* w, int32_t* c, size_t M, size_t N,
                            size_t K) {
  for (size_t m = 0; m < M; ++m)
    for (size_t n = 0; n < N; ++n) {
      int32_t s = 0;
      for (size_t k = 0; k < K; ++k) s += static_cast<int32_t>(a[m * K + k]) * w[n * K + k];
      c[m * N + n] = s;
    }
}

size_t env_size(const char* name, size_t fallback) {
  const char* e = std::getenv(name);
  if (e == nullptr || *e == '\0') return fallback;
  const long v = std::strtol(e, nullptr, 10);
  return v > 0 ? static_cast<size_t>(v) : fallback;
}

// Rows per fp32 product: short enough that the output rows (and the residual
// rows LayerNorm reads) are still in L2 for the epilogue, tall enough for the
// product's efficiency. 0: the whole block at once.
size_t f32_chunk_rows() {
  static const size_t n = env_size("TOKREC_ENCODER_F32_CHUNK", 256);
  return n;
}


// bias + activation on finished rows, for the paths that cannot fuse it.
void bias_activation(PostOp post, float* x, const float* bias, size_t rows, size_t n) {
  const Kernels& k = kernels();
  switch (post) {
    case PostOp::kNone: break;
    case PostOp::kGeluErf: k.bias_gelu_erf(x, bias, rows, n); break;
    case PostOp::kGeluTanh: k.bias_gelu_tanh(x, bias, rows, n); break;
    case PostOp::kRelu: k.bias_relu(x, bias, rows, n); break;
  }
}

void sgemm_rows(const float* in, size_t rows, const float* w, size_t N, size_t K, const float* bias,
                float* out) {
  if (bias != nullptr)
    for (size_t r = 0; r < rows; ++r) std::memcpy(out + r * N, bias, N * sizeof(float));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows), static_cast<int>(N),
              static_cast<int>(K), 1.0f, in, static_cast<int>(K), w, static_cast<int>(K),
              bias != nullptr ? 1.0f : 0.0f, out, static_cast<int>(N));
}

}  // namespace

size_t int8_chunk_rows() {
  static const size_t n = env_size("TOKREC_ENCODER_INT8_CHUNK", kInt8ChunkRows);
  return n;
}

const QuantKernels& scalar_quant_kernels() {
  static const QuantKernels k{"scalar", quantize_rows_scalar, dequantize_rows_scalar,
                              dequantize_split_scalar, bf16_to_fp32_scalar, nullptr};
  return k;
}

bool attention_head_int8_reference(const float* q, const float* k, const float* v, size_t ld,
                                   size_t T, size_t d, float scale, const float* mask, float* ctx,
                                   size_t ldc, float* scratch) {
  // scratch: T scores, then the quantized K and V and their scales.
  float* s = scratch;
  std::vector<int8_t> kq(T * d), vq(T * d);
  std::vector<float> sk(T), ksum(T), sv(d);
  for (size_t j = 0; j < T; ++j) {
    float m = 0.0f;
    for (size_t c = 0; c < d; ++c) m = std::max(m, std::fabs(k[j * ld + c]));
    const float sc = m > 0.0f && std::isfinite(m) ? m / 127.0f : 1.0f;
    const float inv = 1.0f / sc;
    int32_t sum = 0;
    for (size_t c = 0; c < d; ++c) {
      const float r = std::nearbyint(k[j * ld + c] * inv);
      kq[j * d + c] = static_cast<int8_t>(std::min(127.0f, std::max(-127.0f, r)));
      sum += kq[j * d + c];
    }
    sk[j] = sc * scale;
    ksum[j] = static_cast<float>(sum);
  }
  for (size_t c = 0; c < d; ++c) {
    float m = 0.0f;
    for (size_t j = 0; j < T; ++j) m = std::max(m, std::fabs(v[j * ld + c]));
    sv[c] = m > 0.0f ? m * (1.0f / 127.0f) : 1.0f;
    const float inv = 1.0f / sv[c];
    for (size_t j = 0; j < T; ++j) {
      const float r = std::nearbyint(v[j * ld + c] * inv);
      vq[j * d + c] = static_cast<int8_t>(std::min(127.0f, std::max(-127.0f, r)));
    }
  }
  std::vector<uint8_t> qq(d), p(T);
  for (size_t i = 0; i < T; ++i) {
    float sq;
    int32_t zq;
    quantize_rows_scalar(q + i * ld, 1, d, qq.data(), &sq, &zq);
    float mx = -INFINITY;
    for (size_t j = 0; j < T; ++j) {
      int32_t dot = 0;
      for (size_t c = 0; c < d; ++c) dot += static_cast<int32_t>(qq[c]) * kq[j * d + c];
      s[j] = (static_cast<float>(dot) - static_cast<float>(zq) * ksum[j]) * (sq * sk[j]) + mask[j];
      mx = std::max(mx, s[j]);
    }
    int32_t psum = 0;
    for (size_t j = 0; j < T; ++j) {
      p[j] = static_cast<uint8_t>(std::nearbyint(std::exp(s[j] - mx) * 255.0f));
      psum += p[j];
    }
    const float inv = 1.0f / static_cast<float>(psum);
    for (size_t c = 0; c < d; ++c) {
      int32_t acc = 0;
      for (size_t j = 0; j < T; ++j) acc += static_cast<int32_t>(p[j]) * vq[j * d + c];
      ctx[i * ldc + c] = static_cast<float>(acc) * (inv * sv[c]);
    }
  }
  return true;
}

const QuantKernels& quant_kernels() {
  static const QuantKernels& chosen = []() -> const QuantKernels& {
    if (std::string_view(kernels().name) == "avx512")
      if (const QuantKernels* k = avx512_quant_kernels()) return *k;
    return scalar_quant_kernels();
  }();
  return chosen;
}

uint16_t fp32_to_bf16(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, 4);
  if ((bits & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((bits >> 16) | 0x40u);  // quiet NaN
  bits += 0x7fffu + ((bits >> 16) & 1u);
  return static_cast<uint16_t>(bits >> 16);
}

void gemm_u8s8s32(const uint8_t* a, const int8_t* w, int32_t* c, size_t M, size_t N, size_t K) {
  if (matmul_u8s8_plain(a, w, c, M, N, K)) return;
  gemm_u8s8s32_reference(a, w, c, M, N, K);
}

const char* int8_gemm_backend() { return onednn_available() ? "onednn" : "reference"; }

GemmMode gemm_mode() {
  static const GemmMode mode = [] {
    const char* e = std::getenv("TOKREC_ENCODER_GEMM");
    const std::string v = e != nullptr ? e : "";
    if (v == "blas") return GemmMode::kBlas;
    if (v == "sgemm" || !onednn_available()) return GemmMode::kSgemm;
    return GemmMode::kOnednn;
  }();
  return mode;
}

void int8_product(const uint8_t* a_q, size_t rows, const Linear& l, int32_t* acc, GemmScratch& s) {
  if (l.packed != nullptr && matmul_u8s8_packed(a_q, rows, *l.packed, acc)) return;
  const int8_t* w = l.w_q;
  if (w == nullptr) {
    s.w_i8.resize(l.out * l.in);
    unpack_weights_s8(*l.packed, s.w_i8.data());
    w = s.w_i8.data();
  }
  gemm_u8s8s32(a_q, w, acc, rows, l.out, l.in);
}

void linear_block(DType dtype, const float* in, size_t rows, const Linear& l, const float* w_fp32,
                  float* out, bool add_bias, PostOp post, GemmScratch& s, const RowEpilogue* epilogue) {
  if (rows == 0) return;
  const size_t N = l.out, K = l.in;
  const float* bias = add_bias ? l.b : nullptr;
  if (dtype == DType::kInt8) {
    const QuantKernels& qk = quant_kernels();
    const size_t chunk = std::min(rows, int8_chunk_rows());
    s.a_q.resize(chunk * K);
    s.a_scale.resize(chunk);
    s.a_zero.resize(chunk);
    s.acc.resize(chunk * N);
    for (size_t r0 = 0; r0 < rows; r0 += chunk) {
      const size_t m = std::min(chunk, rows - r0);
      float* o = out + r0 * N;
      qk.quantize_rows(in + r0 * K, m, K, s.a_q.data(), s.a_scale.data(), s.a_zero.data());
      int8_product(s.a_q.data(), m, l, s.acc.data(), s);
      if (post == PostOp::kNone) {
        qk.dequantize_rows(s.acc.data(), m, N, s.a_scale.data(), s.a_zero.data(), l.w_scale,
                           l.w_qsum, bias, o);
      } else {
        // Row by row, so that the activation reads the row while it is in L1.
        for (size_t r = 0; r < m; ++r) {
          qk.dequantize_rows(s.acc.data() + r * N, 1, N, s.a_scale.data() + r, s.a_zero.data() + r,
                             l.w_scale, l.w_qsum, nullptr, o + r * N);
          bias_activation(post, o + r * N, l.b, 1, N);
        }
      }
      if (epilogue != nullptr) (*epilogue)(o, r0, m);
    }
    return;
  }
  const bool packed = dtype == DType::kFp32 && l.packed != nullptr;
  const bool onednn = packed || gemm_mode() == GemmMode::kOnednn;
  const size_t chunk = onednn && f32_chunk_rows() != 0 ? std::min(rows, f32_chunk_rows()) : rows;
  for (size_t r0 = 0; r0 < rows; r0 += chunk) {
    const size_t m = std::min(chunk, rows - r0);
    const float* x = in + r0 * K;
    float* o = out + r0 * N;
    bool done = false;
    if (packed) {
      done = matmul_f32_packed(x, m, *l.packed, bias, post, o);
    } else if (onednn) {
      const float* w = dtype == DType::kBf16 ? w_fp32 : l.w;
      done = matmul_f32_plain(x, m, w, N, K, bias, post, o);
    }
    if (!done) {
      const float* w = dtype == DType::kBf16 ? w_fp32 : l.w;
      if (w == nullptr) {
        s.w_f32.resize(N * K);
        unpack_weights_f32(*l.packed, s.w_f32.data());
        w = s.w_f32.data();
      }
      sgemm_rows(x, m, w, N, K, post == PostOp::kNone ? bias : nullptr, o);
      bias_activation(post, o, l.b, m, N);
    }
    if (epilogue != nullptr) (*epilogue)(o, r0, m);
  }
}

}  // namespace tokrec::encoder
