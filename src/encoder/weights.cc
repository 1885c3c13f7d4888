// Maps checkpoint tensor names onto the Model. Names are normalized first the
// way transformers does when loading: the base-model prefix ("bert.",
// "roberta.", "distilbert.", or whatever precedes
// "embeddings.word_embeddings.weight") is dropped, and old TF-style
// "LayerNorm.gamma"/"LayerNorm.beta" become "weight"/"bias".
#include <cstdint>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "encoder/model.h"
#include "tokrec/io/file.h"

namespace tokrec::encoder {
namespace {

float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalize
      exp = 127 - 15 + 1;
      while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --exp;
      }
      mant &= 0x3ffu;
      bits = sign | (exp << 23) | (mant << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::string normalize_name(const std::string& name) {
  std::string n = name;
  auto replace_suffix = [&n](const char* from, const char* to) {
    const size_t len = std::strlen(from);
    if (n.size() >= len && n.compare(n.size() - len, len, from) == 0) {
      n.replace(n.size() - len, len, to);
      return true;
    }
    return false;
  };
  if (!replace_suffix(".gamma", ".weight")) replace_suffix(".beta", ".bias");
  return n;
}

std::string shape_string(const std::vector<size_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

class Loader {
 public:
  Loader(Model& m, std::map<std::string, const TensorView*> by_name)
      : m_(m), by_name_(std::move(by_name)) {}

  Result<const float*> get(const std::string& name, const std::vector<size_t>& shape) {
    auto it = by_name_.find(name);
    if (it == by_name_.end()) return Status::not_found("missing tensor " + name);
    const TensorView& t = *it->second;
    if (t.shape != shape)
      return Status::invalid_argument("tensor " + name + " has shape " + shape_string(t.shape) +
                                      ", expected " + shape_string(shape));
    size_t numel = 1;
    for (size_t d : shape) numel *= d;
    if (t.dtype == TensorDType::kF32 && reinterpret_cast<uintptr_t>(t.data) % alignof(float) == 0)
      return reinterpret_cast<const float*>(t.data);
    if (t.dtype == TensorDType::kOther)
      return Status::invalid_argument("tensor " + name + " has dtype " + t.dtype_name +
                                      " (supported: F32, F16, BF16)");
    auto buf = std::make_unique<float[]>(numel);
    for (size_t i = 0; i < numel; ++i) {
      if (t.dtype == TensorDType::kF32) {
        std::memcpy(&buf[i], t.data + 4 * i, 4);
        continue;
      }
      uint16_t h;
      std::memcpy(&h, t.data + 2 * i, 2);
      if (t.dtype == TensorDType::kF16) {
        buf[i] = half_to_float(h);
      } else {
        const uint32_t bits = static_cast<uint32_t>(h) << 16;
        std::memcpy(&buf[i], &bits, 4);
      }
    }
    const float* p = buf.get();
    m_.owned.push_back(std::move(buf));
    return p;
  }

  Result<Linear> linear(const std::string& prefix, size_t out, size_t in) {
    Linear l;
    l.out = out;
    l.in = in;
    TOKREC_ASSIGN_OR_RETURN(l.w, get(prefix + ".weight", {out, in}));
    TOKREC_ASSIGN_OR_RETURN(l.b, get(prefix + ".bias", {out}));
    return l;
  }

  Result<LayerNormWeights> norm(const std::string& prefix, size_t n) {
    LayerNormWeights w;
    TOKREC_ASSIGN_OR_RETURN(w.gamma, get(prefix + ".weight", {n}));
    TOKREC_ASSIGN_OR_RETURN(w.beta, get(prefix + ".bias", {n}));
    return w;
  }

  bool has(const std::string& name) const { return by_name_.count(name) > 0; }

 private:
  Model& m_;
  std::map<std::string, const TensorView*> by_name_;
};

Status add_weight_files(const std::string& dir, TensorStore& store) {
  const std::string single = dir + "/model.safetensors";
  const std::string index = dir + "/model.safetensors.index.json";
  if (io::file_exists(single)) return store.add_file(single);
  if (!io::file_exists(index)) {
    if (io::file_exists(dir + "/pytorch_model.bin"))
      return Status::not_found(dir + ": has pytorch_model.bin but no model.safetensors (tokrec reads safetensors only)");
    return Status::not_found(dir + ": no model.safetensors or model.safetensors.index.json");
  }
  TOKREC_ASSIGN_OR_RETURN(auto text, io::read_file(index));
  std::set<std::string> shards;
  try {
    const auto j = nlohmann::json::parse(text);
    for (const auto& [name, file] : j.at("weight_map").items()) {
      const auto f = file.get<std::string>();
      if (f.empty() || f.find('/') != std::string::npos || f.find("..") != std::string::npos)
        return Status::parse_error(index + ": bad shard name '" + f + "' for tensor " + name);
      shards.insert(f);
    }
  } catch (const std::exception& e) {
    return Status::parse_error(index + ": " + e.what());
  }
  if (shards.empty()) return Status::parse_error(index + ": empty weight_map");
  for (const auto& s : shards) TOKREC_RETURN_IF_ERROR(store.add_file(dir + "/" + s));
  return Status::ok();
}

}  // namespace

Result<std::unique_ptr<Model>> load_model(const std::string& dir, const ModelConfig& config) {
  auto model = std::make_unique<Model>();
  model->config = config;
  TOKREC_RETURN_IF_ERROR(add_weight_files(dir, model->store));

  // Find the base-model prefix from the word embeddings.
  const std::string anchor = "embeddings.word_embeddings.weight";
  std::string prefix;
  bool found = false;
  for (const auto& [name, view] : model->store.tensors()) {
    if (name.size() >= anchor.size() &&
        name.compare(name.size() - anchor.size(), anchor.size(), anchor) == 0) {
      const std::string p = name.substr(0, name.size() - anchor.size());
      // Prefer the shortest prefix (the base model) if several match.
      if (!found || p.size() < prefix.size()) prefix = p;
      found = true;
    }
  }
  if (!found) return Status::not_found("missing tensor " + anchor + " (with or without a model prefix)");
  std::map<std::string, const TensorView*> by_name;
  for (const auto& [name, view] : model->store.tensors()) {
    if (name.compare(0, prefix.size(), prefix) != 0) continue;  // heads: cls., lm_head., ...
    by_name[normalize_name(name.substr(prefix.size()))] = &view;
  }

  Loader ld(*model, std::move(by_name));
  const ModelConfig& c = config;
  const size_t H = c.hidden_size, I = c.intermediate_size;
  Status st;
  auto wrap = [&prefix](Status s) {
    return prefix.empty() ? s : s.with_context("model prefix '" + prefix + "'");
  };
#define TOKREC_LOAD(lhs, expr)                 \
  do {                                         \
    auto r_ = (expr);                          \
    if (!r_.is_ok()) return wrap(r_.status()); \
    lhs = std::move(r_).value();               \
  } while (0)

  TOKREC_LOAD(model->word_embeddings, ld.get("embeddings.word_embeddings.weight", {c.vocab_size, H}));
  TOKREC_LOAD(model->position_embeddings,
              ld.get("embeddings.position_embeddings.weight", {c.max_position_embeddings, H}));
  TOKREC_LOAD(model->embedding_norm, ld.norm("embeddings.LayerNorm", H));
  if (c.architecture == Architecture::kDistilBert) {
    for (size_t i = 0; i < c.num_layers; ++i) {
      const std::string p = "transformer.layer." + std::to_string(i) + ".";
      EncoderLayer L;
      TOKREC_LOAD(L.query, ld.linear(p + "attention.q_lin", H, H));
      TOKREC_LOAD(L.key, ld.linear(p + "attention.k_lin", H, H));
      TOKREC_LOAD(L.value, ld.linear(p + "attention.v_lin", H, H));
      TOKREC_LOAD(L.attn_out, ld.linear(p + "attention.out_lin", H, H));
      TOKREC_LOAD(L.attn_norm, ld.norm(p + "sa_layer_norm", H));
      TOKREC_LOAD(L.ffn_in, ld.linear(p + "ffn.lin1", I, H));
      TOKREC_LOAD(L.ffn_out, ld.linear(p + "ffn.lin2", H, I));
      TOKREC_LOAD(L.ffn_norm, ld.norm(p + "output_layer_norm", H));
      model->layers.push_back(L);
    }
  } else {
    TOKREC_LOAD(model->token_type_embeddings,
                ld.get("embeddings.token_type_embeddings.weight", {c.type_vocab_size, H}));
    for (size_t i = 0; i < c.num_layers; ++i) {
      const std::string p = "encoder.layer." + std::to_string(i) + ".";
      EncoderLayer L;
      TOKREC_LOAD(L.query, ld.linear(p + "attention.self.query", H, H));
      TOKREC_LOAD(L.key, ld.linear(p + "attention.self.key", H, H));
      TOKREC_LOAD(L.value, ld.linear(p + "attention.self.value", H, H));
      TOKREC_LOAD(L.attn_out, ld.linear(p + "attention.output.dense", H, H));
      TOKREC_LOAD(L.attn_norm, ld.norm(p + "attention.output.LayerNorm", H));
      TOKREC_LOAD(L.ffn_in, ld.linear(p + "intermediate.dense", I, H));
      TOKREC_LOAD(L.ffn_out, ld.linear(p + "output.dense", H, I));
      TOKREC_LOAD(L.ffn_norm, ld.norm(p + "output.LayerNorm", H));
      model->layers.push_back(L);
    }
    if (ld.has("pooler.dense.weight")) {
      Linear pooler;
      TOKREC_LOAD(pooler, ld.linear("pooler.dense", H, H));
      model->pooler = pooler;
    }
  }
#undef TOKREC_LOAD
  (void)st;
  return model;
}

}  // namespace tokrec::encoder
