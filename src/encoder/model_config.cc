// config.json -> ModelConfig. Missing keys take the defaults of transformers'
// BertConfig / RobertaConfig / DistilBertConfig, as from_pretrained does.
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "tokrec/encoder/encoder.h"

namespace tokrec::encoder {
namespace {

bool starts_with(const std::string& s, const char* p) { return s.rfind(p, 0) == 0; }

Result<Architecture> family_of_architecture(const std::string& a) {
  // Longest prefixes first: "DistilBert" and "XLMRoberta" before "Bert"/"Roberta".
  if (starts_with(a, "DistilBert")) return Architecture::kDistilBert;
  if (starts_with(a, "XLMRoberta") || starts_with(a, "Roberta") || starts_with(a, "Camembert"))
    return Architecture::kRoberta;
  if (starts_with(a, "Bert")) return Architecture::kBert;
  return Status::invalid_argument(
      "unsupported architecture " + a +
      " (tokrec runs BertModel, RobertaModel / XLMRobertaModel and DistilBertModel)");
}

Result<Activation> activation_of(const std::string& a) {
  if (a == "gelu" || a == "gelu_python") return Activation::kGelu;
  if (a == "gelu_new" || a == "gelu_pytorch_tanh" || a == "gelu_fast") return Activation::kGeluTanh;
  if (a == "relu") return Activation::kRelu;
  return Status::invalid_argument("unsupported hidden activation " + a +
                                  " (supported: gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu)");
}

// A size field: a non-negative integer, or the default when absent.
size_t dim(const nlohmann::json& j, const char* key, size_t def) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return def;
  if (!it->is_number_integer() || it->get<int64_t>() < 0)
    throw std::invalid_argument(std::string(key) + " must be a non-negative integer");
  return static_cast<size_t>(it->get<int64_t>());
}

}  // namespace

size_t ModelConfig::max_tokens() const {
  if (architecture == Architecture::kRoberta) {
    const size_t offset = static_cast<size_t>(pad_token_id) + 1;
    return max_position_embeddings > offset ? max_position_embeddings - offset : 0;
  }
  return max_position_embeddings;
}

Result<ModelConfig> parse_model_config(std::string_view config_json) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(config_json);
  } catch (const std::exception& e) {
    return Status::parse_error(std::string("config.json: ") + e.what());
  }
  if (!j.is_object()) return Status::parse_error("config.json: not a JSON object");
  ModelConfig c;
  try {
    c.model_type = j.value("model_type", std::string());
    std::string arch_name;
    if (j.contains("architectures") && j["architectures"].is_array() && !j["architectures"].empty())
      arch_name = j["architectures"][0].get<std::string>();
    if (c.model_type == "bert") {
      c.architecture = Architecture::kBert;
    } else if (c.model_type == "roberta" || c.model_type == "xlm-roberta" ||
               c.model_type == "camembert") {
      c.architecture = Architecture::kRoberta;
    } else if (c.model_type == "distilbert") {
      c.architecture = Architecture::kDistilBert;
    } else if (c.model_type.empty() && !arch_name.empty()) {
      TOKREC_ASSIGN_OR_RETURN(c.architecture, family_of_architecture(arch_name));
    } else {
      return Status::invalid_argument(
          "config.json: unsupported model_type '" + c.model_type + "'" +
          (arch_name.empty() ? std::string() : " (architecture " + arch_name + ")") +
          "; tokrec runs BertModel, RobertaModel / XLMRobertaModel and DistilBertModel");
    }
    if (!arch_name.empty()) {
      auto fam = family_of_architecture(arch_name);
      if (!fam.is_ok()) return fam.status().with_context("config.json");
      if (*fam != c.architecture)
        return Status::invalid_argument("config.json: architecture " + arch_name +
                                        " does not match model_type " + c.model_type);
    }
    const std::string pos_type = j.value("position_embedding_type", std::string("absolute"));
    if (pos_type != "absolute")
      return Status::invalid_argument("config.json: unsupported position_embedding_type " +
                                      pos_type + " (only absolute)");
    std::string act;
    if (c.architecture == Architecture::kDistilBert) {
      c.vocab_size = dim(j, "vocab_size", 30522);
      c.hidden_size = dim(j, "dim", 768);
      c.num_layers = dim(j, "n_layers", 6);
      c.num_heads = dim(j, "n_heads", 12);
      c.intermediate_size = dim(j, "hidden_dim", 3072);
      c.max_position_embeddings = dim(j, "max_position_embeddings", 512);
      c.type_vocab_size = 0;
      c.layer_norm_eps = 1e-12f;  // hard-coded in modeling_distilbert.py
      act = j.value("activation", std::string("gelu"));
      c.pad_token_id = j.value("pad_token_id", 0);
    } else {
      const bool roberta = c.architecture == Architecture::kRoberta;
      c.vocab_size = dim(j, "vocab_size", roberta ? 50265 : 30522);
      c.hidden_size = dim(j, "hidden_size", 768);
      c.num_layers = dim(j, "num_hidden_layers", 12);
      c.num_heads = dim(j, "num_attention_heads", 12);
      c.intermediate_size = dim(j, "intermediate_size", 3072);
      c.max_position_embeddings = dim(j, "max_position_embeddings", 512);
      c.type_vocab_size = dim(j, "type_vocab_size", 2);
      c.layer_norm_eps = static_cast<float>(j.value("layer_norm_eps", 1e-12));
      act = j.value("hidden_act", std::string("gelu"));
      c.pad_token_id = j.value("pad_token_id", roberta ? 1 : 0);
    }
    TOKREC_ASSIGN_OR_RETURN(c.activation, activation_of(act));
  } catch (const std::exception& e) {
    return Status::parse_error(std::string("config.json: ") + e.what());
  }
  if (c.hidden_size == 0 || c.num_heads == 0 || c.hidden_size % c.num_heads != 0)
    return Status::invalid_argument("config.json: hidden size " + std::to_string(c.hidden_size) +
                                    " is not a multiple of the number of heads " +
                                    std::to_string(c.num_heads));
  if (c.vocab_size == 0 || c.intermediate_size == 0 || c.max_position_embeddings == 0)
    return Status::invalid_argument("config.json: vocab, intermediate and position sizes must be > 0");
  if (c.pad_token_id < 0) return Status::invalid_argument("config.json: negative pad_token_id");
  if (c.architecture == Architecture::kRoberta && c.max_tokens() < 2)
    return Status::invalid_argument("config.json: max_position_embeddings too small for pad_token_id");
  if (!(c.layer_norm_eps > 0)) return Status::invalid_argument("config.json: layer_norm_eps must be > 0");
  return c;
}

}  // namespace tokrec::encoder
