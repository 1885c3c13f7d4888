// The loaded weights of one encoder, as fp32 pointers: either straight into
// the memory-mapped safetensors files (fp32, aligned) or into buffers owned
// here (converted from fp16 / bf16).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "encoder/onednn.h"
#include "encoder/safetensors.h"
#include "tokrec/encoder/encoder.h"

namespace tokrec::encoder {

// y = x·Wᵀ + b, W stored [out, in] as in torch.nn.Linear.
//
// The weight exists in the form the model's DType computes with (gemm.h):
// fp32 `w`; bf16 `w_bf16` (fp32 `w` is then null); int8 `w_q` with one scale
// per output row (w ≈ w_scale[n] · w_q[n][k]) and the row sums of w_q, which
// undo the activations' zero points. The bias stays fp32 in every case.
// `packed` (when set) holds the weight of the model's DType (fp32 or s8) in
// oneDNN's blocked layout; the plain int8 copy is then freed (w_q null).
struct Linear {
  const float* w = nullptr;
  const float* b = nullptr;
  size_t out = 0, in = 0;
  const uint16_t* w_bf16 = nullptr;  // [out, in], bf16 bit patterns
  const int8_t* w_q = nullptr;       // [out, in], symmetric per-output-channel int8
  const float* w_scale = nullptr;    // [out]
  const float* w_qsum = nullptr;     // [out], w_scale[n] · Σ_k w_q[n][k]
  const PackedWeights* packed = nullptr;
};

struct LayerNormWeights {
  const float* gamma = nullptr;
  const float* beta = nullptr;
};

struct EncoderLayer {
  Linear query, key, value, attn_out;
  // Q, K and V as one [3H, H] layer (one activation quantization and one
  // wider product instead of three). Set where the weights are converted
  // into owned memory anyway: bf16, int8, and fp32 packed for oneDNN (the
  // concatenation is packed; query/key/value keep their mapped weights).
  // out == 0 otherwise.
  Linear qkv;
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
  DType dtype = DType::kFp32;                     // precision of the linear layers
  // bf16 / int8 copies of the linear weights (prepare_linear_weights).
  std::vector<std::unique_ptr<uint16_t[]>> owned_bf16;
  std::vector<std::unique_ptr<int8_t[]>> owned_i8;
  std::vector<std::unique_ptr<float[]>> owned_scales;
  std::vector<std::unique_ptr<float[]>> owned_sums;
  std::vector<PackedWeightsPtr> owned_packed;  // oneDNN layouts (onednn.h)
};

// Load the weights of `dir` (model.safetensors or the sharded index) for
// `config`. Errors name the missing or wrongly shaped tensor.
Result<std::unique_ptr<Model>> load_model(const std::string& dir, const ModelConfig& config);

// Converts every linear layer of the encoder blocks to `dtype` (bf16: round
// to nearest even; int8: per-output-channel symmetric, scale = max|w|/127) and
// drops the fp32 copies this model owns. The pooler, embeddings and layer
// norms stay fp32. fp32 and int8 weights are then packed for oneDNN when
// gemm_mode() is kOnednn: for fp32 that is an owned copy of every encoder
// linear weight (BERT-base: 340 MB; the mapped file pages are no longer
// read). (quantize.cc)
void prepare_linear_weights(Model& model, DType dtype);

}  // namespace tokrec::encoder
