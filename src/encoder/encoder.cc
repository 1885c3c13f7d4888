// Encoder: loading a model folder, tokenizing, batching by length, pooling.
#include "tokrec/encoder/encoder.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <nlohmann/json.hpp>
#include <numeric>

#include "encoder/forward.h"
#include "encoder/model.h"
#include "tokrec/core/thread_pool.h"
#include "tokrec/io/file.h"

namespace tokrec::encoder {

struct Encoder::Impl {
  std::unique_ptr<Model> model;
  std::shared_ptr<const tokenize::Tokenizer> tokenizer;
  std::vector<int32_t> special_ids;  // sorted: what the post-processor adds, plus padding
};

Encoder::Encoder(std::unique_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Encoder::~Encoder() = default;

const ModelConfig& Encoder::config() const { return impl_->model->config; }
DType Encoder::dtype() const { return impl_->model->dtype; }
const tokenize::Tokenizer& Encoder::tokenizer() const { return *impl_->tokenizer; }
bool Encoder::has_pooler() const { return impl_->model->pooler.has_value(); }

size_t Encoder::max_length(size_t requested) const {
  const size_t limit = config().max_tokens();
  return requested == 0 || requested > limit ? limit : requested;
}

Result<std::shared_ptr<const Encoder>> Encoder::load(const std::string& dir,
                                                     const LoadOptions& options) {
  const std::string config_path = dir + "/config.json";
  if (!io::file_exists(config_path)) return Status::not_found(dir + ": no config.json");
  TOKREC_ASSIGN_OR_RETURN(auto config_text, io::read_file(config_path));
  auto config = parse_model_config(config_text);
  if (!config.is_ok()) return config.status().with_context(dir);
  auto model = load_model(dir, *config);
  if (!model.is_ok()) return model.status().with_context(dir);

  auto impl = std::make_unique<Impl>();
  impl->model = std::move(model).value();
  prepare_linear_weights(*impl->model, options.dtype);

  tokenize::LoadOptions tok_options;
  tok_options.lowercase = options.lowercase;
  std::string tok_path = options.tokenizer_path.empty() ? dir : options.tokenizer_path;
  if (options.tokenizer_path.empty() && !tok_options.lowercase) {
    // A bare vocab.txt: follow tokenizer_config.json's do_lower_case.
    const std::string tc = dir + "/tokenizer_config.json";
    if (!io::file_exists(dir + "/tokenizer.json") && io::file_exists(tc)) {
      if (auto text = io::read_file(tc); text.is_ok()) {
        try {
          const auto j = nlohmann::json::parse(*text);
          if (j.contains("do_lower_case") && j["do_lower_case"].is_boolean())
            tok_options.lowercase = j["do_lower_case"].get<bool>();
        } catch (const std::exception&) {
          // An unreadable tokenizer_config.json changes nothing: defaults apply.
        }
      }
    }
  }
  auto tok = tokenize::Tokenizer::load(tok_path, tok_options);
  if (!tok.is_ok()) return tok.status().with_context("tokenizer for " + dir);
  impl->tokenizer = *tok;

  tokenize::EncodeOptions eo;
  eo.padding = tokenize::Padding::kNone;
  auto empty = impl->tokenizer->encode("", eo);
  if (!empty.is_ok()) return empty.status().with_context("tokenizer for " + dir);
  // Special tokens (weighted 0 by Pooling::kWeighted): what the
  // post-processor adds, the padding token, and the usual unknown / mask /
  // sentence-boundary tokens when the vocabulary has them.
  impl->special_ids = empty->ids;
  if (auto pad = impl->tokenizer->pad_token_id()) impl->special_ids.push_back(*pad);
  for (const char* t : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "<s>", "</s>", "<pad>",
                        "<unk>", "<mask>"}) {
    if (auto id = impl->tokenizer->token_to_id(t)) impl->special_ids.push_back(*id);
  }
  std::sort(impl->special_ids.begin(), impl->special_ids.end());
  return std::shared_ptr<const Encoder>(new Encoder(std::move(impl)));
}

Result<std::vector<tokenize::Encoding>> Encoder::tokenize(const std::vector<std::string>& texts,
                                                          const RunOptions& options) const {
  tokenize::EncodeOptions eo;
  eo.truncation = true;
  eo.max_length = max_length(options.max_length);
  eo.padding = tokenize::Padding::kNone;
  return impl_->tokenizer->encode_batch(texts, eo, options.threads == 0 ? 0 : options.threads);
}

namespace {

using BatchCallback = std::function<void(size_t index, const float* hidden, const float* pooler)>;

// Sorts by length, runs padded batches, and hands each sequence's hidden
// states (its first ids.size() rows) and pooler output to `on_sequence`.
Status run_batches(const Model& model, const std::vector<tokenize::Encoding>& encodings,
                   const RunOptions& options, const BatchCallback& on_sequence) {
  const ModelConfig& c = model.config;
  const size_t limit = c.max_tokens();
  for (size_t i = 0; i < encodings.size(); ++i) {
    const auto& e = encodings[i];
    if (e.ids.size() > limit)
      return Status::invalid_argument("sequence " + std::to_string(i) + " has " +
                                      std::to_string(e.ids.size()) + " tokens; the model allows " +
                                      std::to_string(limit));
    if (e.type_ids.size() != e.ids.size() || e.attention_mask.size() != e.ids.size())
      return Status::invalid_argument("sequence " + std::to_string(i) +
                                      ": ids, type_ids and attention_mask differ in length");
    for (size_t t = 0; t < e.ids.size(); ++t) {
      if (e.ids[t] < 0 || static_cast<size_t>(e.ids[t]) >= c.vocab_size)
        return Status::invalid_argument("sequence " + std::to_string(i) + ": token id " +
                                        std::to_string(e.ids[t]) + " outside the model vocabulary (" +
                                        std::to_string(c.vocab_size) + ")");
      const size_t types = std::max<size_t>(c.type_vocab_size, 1);
      if (e.type_ids[t] < 0 || static_cast<size_t>(e.type_ids[t]) >= types)
        return Status::invalid_argument("sequence " + std::to_string(i) + ": token type id " +
                                        std::to_string(e.type_ids[t]) + " outside the model's " +
                                        std::to_string(types));
    }
  }
  std::vector<size_t> order(encodings.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return encodings[a].ids.size() > encodings[b].ids.size();
  });
  const size_t threads = options.threads == 0 ? default_thread_count() : options.threads;
  const size_t batch_size = std::max<size_t>(1, options.batch_size);
  ForwardRunner runner(model, threads);
  BatchInput in;
  for (size_t start = 0; start < order.size(); start += batch_size) {
    const size_t B = std::min(batch_size, order.size() - start);
    const size_t T = encodings[order[start]].ids.size();  // longest first
    if (T == 0) {  // nothing to run: every remaining sequence is empty
      for (size_t i = start; i < order.size(); ++i) on_sequence(order[i], nullptr, nullptr);
      break;
    }
    in.batch = B;
    in.length = T;
    in.ids.assign(B * T, c.pad_token_id);
    in.type_ids.assign(B * T, 0);
    in.mask.assign(B * T, 0);
    for (size_t b = 0; b < B; ++b) {
      const auto& e = encodings[order[start + b]];
      std::copy(e.ids.begin(), e.ids.end(), in.ids.begin() + static_cast<long>(b * T));
      std::copy(e.type_ids.begin(), e.type_ids.end(), in.type_ids.begin() + static_cast<long>(b * T));
      std::copy(e.attention_mask.begin(), e.attention_mask.end(),
                in.mask.begin() + static_cast<long>(b * T));
    }
    runner.run(in);
    const size_t H = c.hidden_size;
    for (size_t b = 0; b < B; ++b) {
      const float* pooler = runner.pooler();
      on_sequence(order[start + b], runner.hidden() + b * T * H,
                  pooler != nullptr ? pooler + b * H : nullptr);
    }
    if (options.progress) options.progress(start + B, order.size());
  }
  return Status::ok();
}

void pool_sequence(const float* hidden, const tokenize::Encoding& e, const float* pooler,
                   const EmbedOptions& o, const std::vector<int32_t>& special, size_t H,
                   float* out) {
  std::fill(out, out + H, 0.0f);
  const size_t len = e.ids.size();
  if (hidden == nullptr || len == 0) return;
  switch (o.pooling) {
    case Pooling::kCls:
      std::memcpy(out, hidden, H * sizeof(float));
      break;
    case Pooling::kPooler:
      if (pooler != nullptr) std::memcpy(out, pooler, H * sizeof(float));
      break;
    case Pooling::kMean: {
      float n = 0;
      for (size_t t = 0; t < len; ++t) {
        if (!e.attention_mask[t]) continue;
        for (size_t j = 0; j < H; ++j) out[j] += hidden[t * H + j];
        n += 1;
      }
      const float inv = 1.0f / std::max(n, 1e-9f);
      for (size_t j = 0; j < H; ++j) out[j] *= inv;
      break;
    }
    case Pooling::kMax: {
      bool first = true;
      for (size_t t = 0; t < len; ++t) {
        if (!e.attention_mask[t]) continue;
        for (size_t j = 0; j < H; ++j)
          out[j] = first ? hidden[t * H + j] : std::max(out[j], hidden[t * H + j]);
        first = false;
      }
      break;
    }
    case Pooling::kWeighted: {
      double wsum = 0;
      for (size_t t = 0; t < len; ++t) {
        if (!e.attention_mask[t] || std::binary_search(special.begin(), special.end(), e.ids[t]))
          continue;
        const float w = o.weights != nullptr ? o.weights->weight(e.ids[t]) : 0.0f;
        if (w == 0) continue;
        for (size_t j = 0; j < H; ++j) out[j] += w * hidden[t * H + j];
        wsum += w;
      }
      if (wsum > 0)
        for (size_t j = 0; j < H; ++j) out[j] = static_cast<float>(out[j] / wsum);
      break;
    }
  }
  if (o.normalize) {
    // torch.nn.functional.normalize: x / max(‖x‖, 1e-12).
    double ss = 0;
    for (size_t j = 0; j < H; ++j) ss += static_cast<double>(out[j]) * out[j];
    const double norm = std::max(std::sqrt(ss), 1e-12);
    for (size_t j = 0; j < H; ++j) out[j] = static_cast<float>(out[j] / norm);
  }
}

}  // namespace

Result<std::vector<SequenceOutput>> Encoder::forward(const std::vector<std::string>& texts,
                                                     const RunOptions& options) const {
  TOKREC_ASSIGN_OR_RETURN(auto encodings, tokenize(texts, options));
  return forward(encodings, options);
}

Result<std::vector<SequenceOutput>> Encoder::forward(
    const std::vector<tokenize::Encoding>& encodings, const RunOptions& options) const {
  const size_t H = hidden_size();
  std::vector<SequenceOutput> out(encodings.size());
  TOKREC_RETURN_IF_ERROR(run_batches(*impl_->model, encodings, options,
                                     [&](size_t i, const float* hidden, const float* pooler) {
    SequenceOutput& s = out[i];
    s.encoding = encodings[i];
    const size_t len = encodings[i].ids.size();
    if (hidden != nullptr) s.hidden.assign(hidden, hidden + len * H);
    if (pooler != nullptr) s.pooler.assign(pooler, pooler + H);
  }));
  return out;
}

Result<Matrix> Encoder::embed(const std::vector<std::string>& texts,
                              const EmbedOptions& options) const {
  if (options.pooling == Pooling::kPooler && !has_pooler())
    return Status::invalid_argument("pooling 'pooler' needs pooler weights, and this checkpoint has none");
  if (options.pooling == Pooling::kWeighted && options.weights == nullptr)
    return Status::invalid_argument("pooling 'weighted' needs token weights");
  TOKREC_ASSIGN_OR_RETURN(auto encodings, tokenize(texts, options));
  return embed(encodings, options);
}

Result<Matrix> Encoder::embed(const std::vector<tokenize::Encoding>& encodings,
                              const EmbedOptions& options) const {
  if (options.pooling == Pooling::kPooler && !has_pooler())
    return Status::invalid_argument("pooling 'pooler' needs pooler weights, and this checkpoint has none");
  if (options.pooling == Pooling::kWeighted && options.weights == nullptr)
    return Status::invalid_argument("pooling 'weighted' needs token weights");
  const size_t H = hidden_size();
  Matrix m;
  m.rows = encodings.size();
  m.cols = H;
  m.data.assign(m.rows * H, 0.0f);
  TOKREC_RETURN_IF_ERROR(run_batches(*impl_->model, encodings, options,
                                     [&](size_t i, const float* hidden, const float* pooler) {
    pool_sequence(hidden, encodings[i], pooler, options, impl_->special_ids, H,
                  m.data.data() + i * H);
  }));
  return m;
}

Result<DType> parse_dtype(std::string_view name) {
  if (name == "fp32") return DType::kFp32;
  if (name == "bf16") return DType::kBf16;
  if (name == "int8") return DType::kInt8;
  return Status::invalid_argument("unknown dtype '" + std::string(name) + "' (fp32, bf16, int8)");
}

const char* dtype_name(DType d) {
  switch (d) {
    case DType::kFp32: return "fp32";
    case DType::kBf16: return "bf16";
    case DType::kInt8: return "int8";
  }
  return "?";
}

Result<Pooling> parse_pooling(std::string_view name) {
  if (name == "cls") return Pooling::kCls;
  if (name == "mean") return Pooling::kMean;
  if (name == "max") return Pooling::kMax;
  if (name == "pooler") return Pooling::kPooler;
  if (name == "weighted") return Pooling::kWeighted;
  return Status::invalid_argument("unknown pooling '" + std::string(name) +
                                  "' (cls, mean, max, pooler, weighted)");
}

const char* pooling_name(Pooling p) {
  switch (p) {
    case Pooling::kCls: return "cls";
    case Pooling::kMean: return "mean";
    case Pooling::kMax: return "max";
    case Pooling::kPooler: return "pooler";
    case Pooling::kWeighted: return "weighted";
  }
  return "?";
}

Result<std::shared_ptr<const TokenWeights>> TokenWeights::load(
    const std::string& path, const tokenize::Tokenizer& tokenizer) {
  TOKREC_ASSIGN_OR_RETURN(auto reader, io::LineReader::open(path));
  auto w = std::make_shared<TokenWeights>();
  std::string line;
  while (reader->next(line)) {
    if (line.empty()) continue;
    const size_t tab = line.rfind('\t');
    const std::string where = path + " line " + std::to_string(reader->line_number());
    if (tab == std::string::npos || tab == 0)
      return Status::parse_error(where + ": expected token<TAB>weight");
    const std::string value = line.substr(tab + 1);
    char* end = nullptr;
    const float v = std::strtof(value.c_str(), &end);
    if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v) || v < 0)
      return Status::parse_error(where + ": bad weight '" + value + "' (a finite number >= 0)");
    if (auto id = tokenizer.token_to_id(std::string_view(line).substr(0, tab))) w->by_id[*id] = v;
  }
  TOKREC_RETURN_IF_ERROR(reader->status());
  return std::shared_ptr<const TokenWeights>(std::move(w));
}

}  // namespace tokrec::encoder
