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

// The weights each encoder layer multiplies by: the fused QKV when present,
// else Q, K and V apart; then the attention output and the feed-forward pair.
std::vector<Linear*> products(Model& model) {
  std::vector<Linear*> out;
  for (EncoderLayer& L : model.layers) {
    if (L.qkv.out != 0) {
      out.push_back(&L.qkv);
    } else {
      for (Linear* l : {&L.query, &L.key, &L.value}) out.push_back(l);
    }
    for (Linear* l : {&L.attn_out, &L.ffn_in, &L.ffn_out}) out.push_back(l);
  }
  return out;
}

// fp32 for oneDNN: every product's weight packed (Q, K and V concatenated
// into one [3H, H] weight first). A weight oneDNN refuses keeps the sgemm
// path; a refused QKV stays three products.
void pack_fp32(Model& model) {
  struct Task {
    Linear* target;
    std::vector<const Linear*> parts;  // stacked along out
    PackedWeightsPtr packed;
  };
  std::vector<Task> tasks;
  for (EncoderLayer& L : model.layers) {
    const size_t H = L.query.out;
    if (L.key.out == H && L.value.out == H && L.key.in == L.query.in && L.value.in == L.query.in) {
      L.qkv.out = 3 * H;
      L.qkv.in = L.query.in;
      model.owned.push_back(std::make_unique<float[]>(3 * H));
      float* bias = model.owned.back().get();
      const Linear* parts[] = {&L.query, &L.key, &L.value};
      for (size_t i = 0; i < 3; ++i) std::copy(parts[i]->b, parts[i]->b + H, bias + i * H);
      L.qkv.b = bias;
      tasks.push_back({&L.qkv, {&L.query, &L.key, &L.value}, nullptr});
    } else {
      for (Linear* l : {&L.query, &L.key, &L.value}) tasks.push_back({l, {l}, nullptr});
    }
    for (Linear* l : {&L.attn_out, &L.ffn_in, &L.ffn_out}) tasks.push_back({l, {l}, nullptr});
  }
  parallel_for(default_thread_count(), 0, tasks.size(), [&](size_t i) {
    Task& t = tasks[i];
    const size_t in = t.parts[0]->in;
    if (t.parts.size() == 1) {
      t.packed = pack_weights_f32(t.parts[0]->w, t.parts[0]->out, in);
      return;
    }
    size_t out = 0;
    for (const Linear* p : t.parts) out += p->out;
    std::vector<float> stacked(out * in);
    size_t row = 0;
    for (const Linear* p : t.parts) {
      std::copy(p->w, p->w + p->out * in, stacked.begin() + static_cast<long>(row * in));
      row += p->out;
    }
    t.packed = pack_weights_f32(stacked.data(), out, in);
  });
  for (Task& t : tasks) {
    if (t.packed == nullptr) {
      if (t.parts.size() > 1) t.target->out = 0;  // Q, K, V apart, on sgemm
      continue;
    }
    t.target->packed = t.packed.get();
    model.owned_packed.push_back(std::move(t.packed));
  }
}

// int8 for oneDNN: each product's s8 weight packed; the plain copies are
// freed only if every one was packed.
void pack_int8(Model& model) {
  std::vector<Linear*> ls = products(model);
  std::vector<PackedWeightsPtr> packed(ls.size());
  parallel_for(default_thread_count(), 0, ls.size(), [&](size_t i) {
    packed[i] = pack_weights_s8(ls[i]->w_q, ls[i]->out, ls[i]->in);
  });
  for (const auto& p : packed)
    if (p == nullptr) return;
  for (size_t i = 0; i < ls.size(); ++i) {
    ls[i]->packed = packed[i].get();
    model.owned_packed.push_back(std::move(packed[i]));
  }
  for (EncoderLayer& L : model.layers)
    for (Linear* l : {&L.query, &L.key, &L.value, &L.attn_out, &L.ffn_in, &L.ffn_out, &L.qkv})
      l->w_q = nullptr;
  model.owned_i8.clear();
}

}  // namespace

void prepare_linear_weights(Model& model, DType dtype) {
  model.dtype = dtype;
  if (dtype == DType::kFp32) {
    if (gemm_mode() == GemmMode::kOnednn) pack_fp32(model);
    return;
  }
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
  if (dtype == DType::kInt8 && gemm_mode() == GemmMode::kOnednn) pack_int8(model);
}

}  // namespace tokrec::encoder
