// Load-time conversion of the linear layers to bf16 or int8 (model.h).
#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "encoder/gemm.h"
#include "encoder/model.h"
#include "tokrec/core/thread_pool.h"

namespace tokrec::encoder {
namespace {

// Symmetric per-output-channel int8: scale = max|w[n]| / 127, q = round(w / scale);
// qsum[n] = scale · Σ_k q[n][k] (the zero-point correction, gemm.h).
void quantize_weight(const float* w, size_t out, size_t in, int8_t* q, float* scale, float* qsum) {
  for (size_t n = 0; n < out; ++n) {
    const float* row = w + n * in;
    float amax = 0.0f;
    for (size_t k = 0; k < in; ++k) amax = std::max(amax, std::fabs(row[k]));
    const float s = amax > 0.0f && std::isfinite(amax) ? amax / 127.0f : 1.0f;
    int32_t sum = 0;
    for (size_t k = 0; k < in; ++k) {
      const float v = std::nearbyint(row[k] / s);
      const int32_t qi = static_cast<int32_t>(std::min(127.0f, std::max(-127.0f, v)));
      q[n * in + k] = static_cast<int8_t>(qi);
      sum += qi;
    }
    scale[n] = s;
    qsum[n] = s * static_cast<float>(sum);
  }
}

}  // namespace

void prepare_linear_weights(Model& model, DType dtype) {
  model.dtype = dtype;
  if (dtype == DType::kFp32) return;
  std::vector<Linear*> linears;
  // Storage for `count` stacked layers of [out, in] (Q, K, V share one).
  auto allocate = [&](Linear* const* group, size_t count) {
    const size_t out = group[0]->out, in = group[0]->in, numel = count * out * in;
    for (size_t i = 0; i < count; ++i) {
      Linear* l = group[i];
      if (dtype == DType::kBf16) {
        if (i == 0) model.owned_bf16.push_back(std::make_unique<uint16_t[]>(numel));
        l->w_bf16 = model.owned_bf16.back().get() + i * out * in;
      } else {
        if (i == 0) {
          model.owned_i8.push_back(std::make_unique<int8_t[]>(numel));
          model.owned_scales.push_back(std::make_unique<float[]>(count * out));
          model.owned_sums.push_back(std::make_unique<float[]>(count * out));
        }
        l->w_q = model.owned_i8.back().get() + i * out * in;
        l->w_scale = model.owned_scales.back().get() + i * out;
        l->w_qsum = model.owned_sums.back().get() + i * out;
      }
      linears.push_back(l);
    }
  };
  for (EncoderLayer& L : model.layers) {
    Linear* qkv[] = {&L.query, &L.key, &L.value};
    const size_t H = L.query.out;
    if (L.key.out == H && L.value.out == H && L.key.in == L.query.in && L.value.in == L.query.in) {
      allocate(qkv, 3);
      Linear& f = L.qkv;
      f.out = 3 * H;
      f.in = L.query.in;
      f.w_bf16 = L.query.w_bf16;
      f.w_q = L.query.w_q;
      f.w_scale = L.query.w_scale;
      f.w_qsum = L.query.w_qsum;
      model.owned.push_back(std::make_unique<float[]>(3 * H));
      float* bias = model.owned.back().get();
      for (size_t i = 0; i < 3; ++i) std::copy(qkv[i]->b, qkv[i]->b + H, bias + i * H);
      f.b = bias;
    } else {
      for (Linear* l : qkv) allocate(&l, 1);
    }
    for (Linear* l : {&L.attn_out, &L.ffn_in, &L.ffn_out}) allocate(&l, 1);
  }
  parallel_for(default_thread_count(), 0, linears.size(), [&](size_t i) {
    Linear& l = *linears[i];
    if (dtype == DType::kBf16) {
      uint16_t* dst = const_cast<uint16_t*>(l.w_bf16);
      for (size_t j = 0; j < l.out * l.in; ++j) dst[j] = fp32_to_bf16(l.w[j]);
    } else {
      quantize_weight(l.w, l.out, l.in, const_cast<int8_t*>(l.w_q), const_cast<float*>(l.w_scale),
                      const_cast<float*>(l.w_qsum));
    }
  });
  // The fp32 copies are no longer used: free those converted at load (fp16 /
  // bf16 checkpoints); memory-mapped ones are simply never touched again.
  for (Linear* l : linears) {
    auto it = std::find_if(model.owned.begin(), model.owned.end(),
                           [&](const std::unique_ptr<float[]>& p) { return p.get() == l->w; });
    if (it != model.owned.end()) model.owned.erase(it);
    l->w = nullptr;
  }
}

}  // namespace tokrec::encoder
