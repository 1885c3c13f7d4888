// The loaded weights of one encoder, as fp32 pointers: either straight into
// the memory-mapped safetensors files (fp32, aligned) or into buffers owned
// here (converted from fp16 / bf16).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "encoder/safetensors.h"
#include "tokrec/encoder/encoder.h"

namespace tokrec::encoder {

// y = x·Wᵀ + b, W stored [out, in] as in torch.nn.Linear.
struct Linear {
  const float* w = nullptr;
  const float* b = nullptr;
  size_t out = 0, in = 0;
};

struct LayerNormWeights {
  const float* gamma = nullptr;
  const float* beta = nullptr;
};

struct EncoderLayer {
  Linear query, key, value, attn_out;
  LayerNormWeights attn_norm;
  Linear ffn_in, ffn_out;
  LayerNormWeights ffn_norm;
};

struct Model {
  ModelConfig config;
  const float* word_embeddings = nullptr;      // [vocab, H]
  const float* position_embeddings = nullptr;  // [max_pos, H]
  const float* token_type_embeddings = nullptr;  // [type_vocab, H]; null for DistilBERT
  LayerNormWeights embedding_norm;
  std::vector<EncoderLayer> layers;
  std::optional<Linear> pooler;

  TensorStore store;                              // keeps the mappings alive
  std::vector<std::unique_ptr<float[]>> owned;    // converted tensors
};

// Load the weights of `dir` (model.safetensors or the sharded index) for
// `config`. Errors name the missing or wrongly shaped tensor.
Result<std::unique_ptr<Model>> load_model(const std::string& dir, const ModelConfig& config);

}  // namespace tokrec::encoder
