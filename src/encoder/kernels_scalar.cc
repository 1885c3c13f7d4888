// Reference kernels: plain C++, the numerics every SIMD path is tested against.
#include <algorithm>
#include <cmath>

#include "encoder/gemm.h"
#include "encoder/kernels.h"

namespace tokrec::encoder {
namespace {

inline float gelu_erf(float x) { return 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f)); }
inline float gelu_tanh(float x) {
  const float k = 0.79788456080286536f;  // sqrt(2/pi)
  return 0.5f * x * (1.0f + std::tanh(k * (x + 0.044715f * x * x * x)));
}

void bias_gelu_erf(float* x, const float* bias, size_t rows, size_t n) {
  for (size_t r = 0; r < rows; ++r, x += n)
    for (size_t j = 0; j < n; ++j) x[j] = gelu_erf(x[j] + bias[j]);
}
void bias_gelu_tanh(float* x, const float* bias, size_t rows, size_t n) {
  for (size_t r = 0; r < rows; ++r, x += n)
    for (size_t j = 0; j < n; ++j) x[j] = gelu_tanh(x[j] + bias[j]);
}
void bias_relu(float* x, const float* bias, size_t rows, size_t n) {
  for (size_t r = 0; r < rows; ++r, x += n)
    for (size_t j = 0; j < n; ++j) x[j] = std::max(0.0f, x[j] + bias[j]);
}

void add_layer_norm(float* x, const float* residual, const float* gamma, const float* beta,
                    size_t rows, size_t n, float eps) {
  for (size_t r = 0; r < rows; ++r, x += n) {
    if (residual != nullptr) {
      for (size_t j = 0; j < n; ++j) x[j] += residual[j];
      residual += n;
    }
    // Two passes (mean, then centred variance) as torch's layer_norm does.
    float sum = 0;
    for (size_t j = 0; j < n; ++j) sum += x[j];
    const float mean = sum / static_cast<float>(n);
    float var = 0;
    for (size_t j = 0; j < n; ++j) var += (x[j] - mean) * (x[j] - mean);
    var /= static_cast<float>(n);
    const float inv = 1.0f / std::sqrt(var + eps);
    for (size_t j = 0; j < n; ++j) x[j] = (x[j] - mean) * inv * gamma[j] + beta[j];
  }
}

void masked_softmax(float* x, const float* mask, size_t rows, size_t n) {
  for (size_t r = 0; r < rows; ++r, x += n) {
    float m = -INFINITY;
    for (size_t j = 0; j < n; ++j) {
      x[j] += mask[j];
      m = std::max(m, x[j]);
    }
    float sum = 0;
    for (size_t j = 0; j < n; ++j) {
      x[j] = std::exp(x[j] - m);
      sum += x[j];
    }
    const float inv = 1.0f / sum;
    for (size_t j = 0; j < n; ++j) x[j] *= inv;
  }
}

void bias_tanh(float* x, const float* bias, size_t n) {
  for (size_t j = 0; j < n; ++j) x[j] = std::tanh(x[j] + bias[j]);
}

bool attention_head(const float* q, const float* k, const float* v, size_t ld, size_t T, size_t d,
                    float scale, const float* mask, float* ctx, size_t ldc, float* scratch) {
  float* s = scratch;  // one row of scores
  for (size_t i = 0; i < T; ++i) {
    for (size_t j = 0; j < T; ++j) {
      float dot = 0;
      for (size_t kk = 0; kk < d; ++kk) dot += q[i * ld + kk] * k[j * ld + kk];
      s[j] = dot * scale;
    }
    masked_softmax(s, mask, 1, T);
    for (size_t c = 0; c < d; ++c) {
      float acc = 0;
      for (size_t j = 0; j < T; ++j) acc += s[j] * v[j * ld + c];
      ctx[i * ldc + c] = acc;
    }
  }
  return true;
}

inline float dequant(const Dequant& d, size_t r, size_t n, size_t j) {
  const float s = d.a_scale[r], zs = static_cast<float>(d.a_zero[r]) * s;
  const float offset = (d.bias != nullptr ? d.bias[j] : 0.0f) - zs * d.w_qsum[j];
  return static_cast<float>(d.acc[r * n + j]) * (s * d.w_scale[j]) + offset;
}

inline void quantize_row(const float* x, size_t n, QuantOut out, size_t r) {
  scalar_quant_kernels().quantize_rows(x, 1, n, out.q + r * n, out.scale + r, out.zero + r);
}

void dequant_act_quantize(const Dequant& d, size_t rows, size_t n, PostOp act, QuantOut out,
                          float* row) {
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < n; ++j) {
      const float y = dequant(d, r, n, j);
      switch (act) {
        case PostOp::kNone: row[j] = y; break;
        case PostOp::kGeluErf: row[j] = gelu_erf(y); break;
        case PostOp::kGeluTanh: row[j] = gelu_tanh(y); break;
        case PostOp::kRelu: row[j] = std::max(0.0f, y); break;
      }
    }
    quantize_row(row, n, out, r);
  }
}

void dequant_add_layer_norm(const Dequant& d, size_t rows, size_t n, const float* residual,
                            const float* gamma, const float* beta, float eps, float* x,
                            QuantOut out) {
  for (size_t r = 0; r < rows; ++r) {
    float* xr = x + r * n;
    for (size_t j = 0; j < n; ++j) xr[j] = dequant(d, r, n, j) + residual[r * n + j];
    add_layer_norm(xr, nullptr, gamma, beta, 1, n, eps);
    if (out.q != nullptr) quantize_row(xr, n, out, r);
  }
}

}  // namespace

const Kernels& scalar_kernels() {
  static const Kernels k{"scalar", bias_gelu_erf, bias_gelu_tanh, bias_relu,
                         add_layer_norm, masked_softmax, bias_tanh, attention_head,
                         dequant_act_quantize, dequant_add_layer_norm};
  return k;
}

}  // namespace tokrec::encoder
