// Linear layers per precision (see gemm.h) and the scalar quantization
// kernels.
#include "encoder/gemm.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <string_view>
#include <tuple>

#include "encoder/kernels.h"

#if defined(TOKREC_HAVE_DNNL)
#include <omp.h>

#include <dnnl.hpp>
#endif

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

#if defined(TOKREC_HAVE_DNNL)
// One matmul primitive per (M, N, K) and thread: oneDNN JIT-compiles a kernel
// per shape (its own primitive cache makes re-creation cheap, but not free).
// The map is cleared when it grows past a few dozen shapes.
struct DnnlState {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
};

DnnlState& dnnl_state() {
  static DnnlState s;
  return s;
}

bool gemm_u8s8s32_dnnl(const uint8_t* a, const int8_t* w, int32_t* c, size_t M, size_t N,
                       size_t K) {
  using dnnl::memory;
  using Key = std::tuple<size_t, size_t, size_t>;
  thread_local std::map<Key, dnnl::matmul> cache;
  // Debian's oneDNN runs on OpenMP. Each of our compute threads calls it for
  // its own block of rows, so OpenMP must not fan out again: one thread for
  // this call, and the caller's setting restored afterwards.
  const int prev = omp_get_max_threads();
  if (prev != 1) omp_set_num_threads(1);
  struct Restore {
    int prev;
    ~Restore() {
      if (prev != 1) omp_set_num_threads(prev);
    }
  } restore{prev};
  try {
    DnnlState& st = dnnl_state();
    const memory::dim m = static_cast<memory::dim>(M), n = static_cast<memory::dim>(N),
                      k = static_cast<memory::dim>(K);
    const memory::desc a_md({m, k}, memory::data_type::u8, memory::format_tag::ab);
    // W is [N, K] row-major: the [K, N] weights matrix in column-major ("ba").
    const memory::desc w_md({k, n}, memory::data_type::s8, memory::format_tag::ba);
    const memory::desc c_md({m, n}, memory::data_type::s32, memory::format_tag::ab);
    const Key key{M, N, K};
    auto it = cache.find(key);
    if (it == cache.end()) {
      if (cache.size() > 48) cache.clear();
      dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(a_md, w_md, c_md), st.engine);
      it = cache.emplace(key, dnnl::matmul(pd)).first;
    }
    memory am(a_md, st.engine, const_cast<uint8_t*>(a));
    memory wm(w_md, st.engine, const_cast<int8_t*>(w));
    memory cm(c_md, st.engine, c);
    dnnl::stream stream(st.engine);
    it->second.execute(stream, {{DNNL_ARG_SRC, am}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DST, cm}});
    stream.wait();
    return true;
  } catch (const std::exception& e) {
    static std::once_flag once;
    std::call_once(once, [&] {
      std::fprintf(stderr, "tokrec: oneDNN int8 matmul failed (%s); using the reference loop\n",
                   e.what());
    });
    return false;
  }
}
#endif

}  // namespace

const QuantKernels& scalar_quant_kernels() {
  static const QuantKernels k{"scalar", quantize_rows_scalar, dequantize_rows_scalar,
                              bf16_to_fp32_scalar};
  return k;
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
#if defined(TOKREC_HAVE_DNNL)
  if (gemm_u8s8s32_dnnl(a, w, c, M, N, K)) return;
#endif
  gemm_u8s8s32_reference(a, w, c, M, N, K);
}

const char* int8_gemm_backend() {
#if defined(TOKREC_HAVE_DNNL)
  return "onednn";
#else
  return "reference";
#endif
}

void linear_block(DType dtype, const float* in, size_t rows, const Linear& l, const float* w_fp32,
                  float* out, bool add_bias, GemmScratch& s, const RowEpilogue* epilogue) {
  if (rows == 0) return;
  const size_t N = l.out, K = l.in;
  if (dtype == DType::kInt8) {
    const QuantKernels& qk = quant_kernels();
    const size_t chunk = std::min(rows, kInt8ChunkRows);
    s.a_q.resize(chunk * K);
    s.a_scale.resize(chunk);
    s.a_zero.resize(chunk);
    s.acc.resize(chunk * N);
    for (size_t r0 = 0; r0 < rows; r0 += chunk) {
      const size_t m = std::min(chunk, rows - r0);
      qk.quantize_rows(in + r0 * K, m, K, s.a_q.data(), s.a_scale.data(), s.a_zero.data());
      gemm_u8s8s32(s.a_q.data(), l.w_q, s.acc.data(), m, N, K);
      qk.dequantize_rows(s.acc.data(), m, N, s.a_scale.data(), s.a_zero.data(), l.w_scale,
                         l.w_qsum, add_bias ? l.b : nullptr, out + r0 * N);
      if (epilogue != nullptr) (*epilogue)(out + r0 * N, r0, m);
    }
    return;
  }
  const float* w = dtype == DType::kBf16 ? w_fp32 : l.w;
  const float beta = add_bias ? 1.0f : 0.0f;
  if (add_bias)
    for (size_t r = 0; r < rows; ++r) std::memcpy(out + r * N, l.b, N * sizeof(float));
  cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows), static_cast<int>(N),
              static_cast<int>(K), 1.0f, in, static_cast<int>(K), w, static_cast<int>(K), beta, out,
              static_cast<int>(N));
  if (epilogue != nullptr) (*epilogue)(out, 0, rows);
}

}  // namespace tokrec::encoder
