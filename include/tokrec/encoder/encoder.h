// Transformer encoders (BERT, RoBERTa / XLM-R, DistilBERT) loaded straight from
// a Hugging Face model folder, computing what transformers computes.
//
// Layout, stated once: hidden states are row-major, token t of a sequence is
// hidden[t * H .. t * H + H); pooled embeddings are rows of an [N, H] matrix.
//
// An Encoder is loaded once and then immutable: any number of threads may call
// it at the same time (each call uses its own buffers and thread pool). Weights
// stay memory-mapped when they are fp32 in the file; fp16 / bf16 tensors are
// converted to fp32 at load (as transformers does by default). With
// LoadOptions::dtype = kBf16 / kInt8 the linear layers are converted at load
// and computed in that precision.
//
//   auto enc = Encoder::load("all-MiniLM-L6-v2");
//   EmbedOptions o; o.pooling = Pooling::kMean; o.normalize = true;
//   auto m = (*enc)->embed({"a sentence", "another"}, o);   // m->rows == 2
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::encoder {

enum class Architecture { kBert, kRoberta, kDistilBert };
enum class Activation {
  kGelu,      // "gelu": exact, 0.5·x·(1 + erf(x/√2))
  kGeluTanh,  // "gelu_new", "gelu_pytorch_tanh", "gelu_fast": tanh approximation
  kRelu,      // "relu"
};
// Compute precision of the encoder blocks' linear layers (Q, K, V, attention
// output, both feed-forward layers), chosen at load. Embeddings, attention
// scores, softmax, layer norms, activations and the pooler stay fp32.
//   kFp32: fp32 weights (fp16 / bf16 checkpoints widened at load), sgemm.
//   kBf16: weights stored bf16 (round to nearest even), fp32 accumulation.
//   kInt8: dynamic quantization: weights int8 per output channel (symmetric),
//          activations uint8 per token row (scale + zero point, computed at run
//          time), int32 accumulation (AVX512-VNNI through oneDNN where present).
// Both reduced precisions track fp32 closely (cosine ≥ 0.99 per sentence on the
// tests' models; docs/encoder.md gives measured figures).
enum class DType { kFp32, kBf16, kInt8 };
Result<DType> parse_dtype(std::string_view name);  // "fp32", "bf16", "int8"
const char* dtype_name(DType d);

// What config.json says, normalized across the three families.
struct ModelConfig {
  Architecture architecture = Architecture::kBert;
  std::string model_type;          // as written ("bert", "xlm-roberta", ...)
  size_t vocab_size = 0;
  size_t hidden_size = 0;
  size_t num_layers = 0;
  size_t num_heads = 0;
  size_t intermediate_size = 0;
  size_t max_position_embeddings = 0;
  size_t type_vocab_size = 0;      // 0 for DistilBERT (no token type embeddings)
  float layer_norm_eps = 1e-12f;
  Activation activation = Activation::kGelu;
  int32_t pad_token_id = 0;

  // Longest input (special tokens included) the position table allows:
  // max_position_embeddings, minus pad_token_id + 1 for RoBERTa (its
  // positions start at pad_token_id + 1).
  size_t max_tokens() const;
};

// Reads and checks config.json (already in memory). Unsupported architectures
// and position embedding types are InvalidArgument errors naming them.
Result<ModelConfig> parse_model_config(std::string_view config_json);

struct LoadOptions {
  DType dtype = DType::kFp32;  // precision of the linear layers (see DType)
  // Tokenizer file or folder; empty = the model folder (tokenizer.json, else
  // vocab.txt).
  std::string tokenizer_path;
  // vocab.txt only; nullopt = tokenizer_config.json's do_lower_case if
  // present, else lowercase (BertTokenizerFast's default).
  std::optional<bool> lowercase;
};

enum class Pooling {
  kCls,       // hidden state of the first token ([CLS] / <s>)
  kMean,      // mean over attention-mask positions, special tokens included
  kMax,       // element-wise max over attention-mask positions
  kPooler,    // tanh(W·h_CLS + b); needs pooler weights in the checkpoint
  kWeighted,  // Σ wᵢ·hᵢ / Σ wᵢ over mask positions, special tokens weighted 0
};
Result<Pooling> parse_pooling(std::string_view name);  // "cls", "mean", ...
const char* pooling_name(Pooling p);

// Token weights for Pooling::kWeighted, by token id. Tokens without a weight
// count 0; a sequence whose weights sum to 0 pools to the zero vector.
struct TokenWeights {
  std::unordered_map<int32_t, float> by_id;
  float weight(int32_t id) const {
    auto it = by_id.find(id);
    return it == by_id.end() ? 0.0f : it->second;
  }
  // A file of `token<TAB>weight` lines (token = vocabulary string, e.g.
  // "##ing"). Tokens not in the vocabulary are skipped; malformed lines and
  // negative or non-finite weights are errors naming the line.
  static Result<std::shared_ptr<const TokenWeights>> load(const std::string& path,
                                                          const tokenize::Tokenizer& tokenizer);
};

struct RunOptions {
  size_t threads = 0;      // total compute threads (BLAS + kernels); 0 = all cores
  size_t batch_size = 32;  // sequences per forward pass (sorted by length, padded per batch)
  size_t max_length = 0;   // truncation, special tokens included; 0 or above the model's limit = the limit
  // Called on the calling thread after each forward pass with the sequences
  // done so far and the total (long runs report progress with it).
  std::function<void(size_t done, size_t total)> progress;
};

struct EmbedOptions : RunOptions {
  Pooling pooling = Pooling::kMean;
  bool normalize = false;                 // L2-normalize each row (a zero row stays zero)
  const TokenWeights* weights = nullptr;  // required for kWeighted
};

// Row-major float32 matrix.
struct Matrix {
  size_t rows = 0, cols = 0;
  std::vector<float> data;
};

// Model outputs for one sequence (real positions only).
struct SequenceOutput {
  tokenize::Encoding encoding;  // what was fed to the model
  std::vector<float> hidden;    // last_hidden_state, [encoding.ids.size(), H]
  std::vector<float> pooler;    // pooler_output [H]; empty when the model has no pooler
};

class Encoder {
 public:
  // `dir`: a Hugging Face model folder with config.json and model.safetensors
  // (or model.safetensors.index.json and its shards), plus a tokenizer unless
  // options.tokenizer_path names one.
  static Result<std::shared_ptr<const Encoder>> load(const std::string& dir,
                                                     const LoadOptions& options = {});

  const ModelConfig& config() const;
  DType dtype() const;  // LoadOptions::dtype it was loaded with
  const tokenize::Tokenizer& tokenizer() const;
  size_t hidden_size() const { return config().hidden_size; }
  bool has_pooler() const;
  // Effective truncation length for `options.max_length`.
  size_t max_length(size_t requested = 0) const;

  // Tokenize as the model expects: special tokens, truncation, no padding.
  Result<std::vector<tokenize::Encoding>> tokenize(const std::vector<std::string>& texts,
                                                   const RunOptions& options) const;

  // last_hidden_state and pooler_output for each text, in input order.
  Result<std::vector<SequenceOutput>> forward(const std::vector<std::string>& texts,
                                              const RunOptions& options) const;
  // Same from encodings (ids, type_ids, attention_mask; padding is ignored).
  Result<std::vector<SequenceOutput>> forward(const std::vector<tokenize::Encoding>& encodings,
                                              const RunOptions& options) const;

  // Pooled embeddings, one row per text, in input order.
  Result<Matrix> embed(const std::vector<std::string>& texts, const EmbedOptions& options) const;
  Result<Matrix> embed(const std::vector<tokenize::Encoding>& encodings,
                       const EmbedOptions& options) const;

  ~Encoder();
  Encoder(const Encoder&) = delete;
  Encoder& operator=(const Encoder&) = delete;

  struct Impl;  // src/encoder/encoder_impl.h

 private:
  explicit Encoder(std::unique_ptr<const Impl> impl);
  std::unique_ptr<const Impl> impl_;
};

// Write a float32 .npy file (little-endian, C order) with the given shape.
Status write_npy(const std::string& path, const float* data, const std::vector<size_t>& shape);

}  // namespace tokrec::encoder
