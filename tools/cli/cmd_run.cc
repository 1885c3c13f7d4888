// tokrec run: the main job, configured by a TOML file (docs/run.md).
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <cmath>
#include <set>

#include "commands.h"
#include "run_config.h"
#include "tokrec/eval/experiment.h"
#include "tokrec/io/file.h"

namespace tokrec::cli {
namespace {

namespace fs = std::filesystem;

// Default config: ./configs/movielens.toml, else next to the binary's source tree.
std::string find_default_config() {
  if (io::file_exists("configs/movielens.toml")) return "configs/movielens.toml";
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    buf[n] = '\0';
    fs::path exe(buf);
    for (const fs::path& candidate : {exe.parent_path().parent_path() / "configs/movielens.toml",
                                      exe.parent_path().parent_path() / "share/tokrec/configs/movielens.toml"})
      if (io::file_exists(candidate.string())) return candidate.string();
  }
  return "configs/movielens.toml";
}

// Strict TOML reading: unknown sections or keys are errors, so typos never pass silently.
class ConfigReader {
 public:
  ConfigReader(const toml::table& root, fs::path base) : root_(root), base_(std::move(base)) {}

  Status check_known(const std::map<std::string, std::set<std::string>>& known) const {
    for (const auto& [section, node] : root_) {
      auto it = known.find(std::string(section.str()));
      if (it == known.end()) return Status::invalid_argument("unknown section [" + std::string(section.str()) + "]");
      const auto* table = node.as_table();
      if (!table) return Status::invalid_argument("[" + std::string(section.str()) + "] must be a table");
      for (const auto& [key, value] : *table)
        if (!it->second.count(std::string(key.str())))
          return Status::invalid_argument("unknown key " + std::string(section.str()) + "." + std::string(key.str()));
    }
    return Status::ok();
  }

  const toml::node* get(const std::string& section, const std::string& key) const {
    const auto* t = root_[section].as_table();
    return t ? t->get(key) : nullptr;
  }

  Status path(const std::string& s, const std::string& k, std::string& out) const {
    const auto* n = get(s, k);
    if (!n) return Status::ok();
    auto v = n->value<std::string>();
    if (!v) return Status::invalid_argument(s + "." + k + " must be a string");
    out = v->empty() ? "" : (fs::path(*v).is_absolute() ? fs::path(*v) : base_ / *v).lexically_normal().string();
    return Status::ok();
  }
  Status str(const std::string& s, const std::string& k, std::string& out) const {
    const auto* n = get(s, k);
    if (!n) return Status::ok();
    auto v = n->value<std::string>();
    if (!v) return Status::invalid_argument(s + "." + k + " must be a string");
    out = *v;
    return Status::ok();
  }
  Status boolean(const std::string& s, const std::string& k, bool& out) const {
    const auto* n = get(s, k);
    if (!n) return Status::ok();
    auto v = n->value<bool>();
    if (!v) return Status::invalid_argument(s + "." + k + " must be true or false");
    out = *v;
    return Status::ok();
  }
  Status number(const std::string& s, const std::string& k, double& out) const {
    const auto* n = get(s, k);
    if (!n) return Status::ok();
    auto v = n->value<double>();
    if (!v) return Status::invalid_argument(s + "." + k + " must be a number");
    out = *v;
    return Status::ok();
  }
  Status count(const std::string& s, const std::string& k, size_t& out) const {
    const auto* n = get(s, k);
    if (!n) return Status::ok();
    auto v = n->value<int64_t>();
    if (!v || *v < 0) return Status::invalid_argument(s + "." + k + " must be a non-negative integer");
    out = static_cast<size_t>(*v);
    return Status::ok();
  }
  Status is_integer(const std::string& s, const std::string& k, bool& out) const {
    const auto* n = get(s, k);
    out = n && n->is_integer();
    return Status::ok();
  }
  template <typename T>
  Status array(const std::string& s, const std::string& k, std::vector<T>& out) const {
    const auto* n = get(s, k);
    if (!n) return Status::ok();
    const auto* a = n->as_array();
    if (!a) return Status::invalid_argument(s + "." + k + " must be an array");
    out.clear();
    for (const auto& e : *a) {
      auto v = e.value<T>();
      if (!v) return Status::invalid_argument(s + "." + k + " has an element of the wrong type");
      out.push_back(*v);
    }
    return Status::ok();
  }

 private:
  const toml::table& root_;
  fs::path base_;
};

features::DfBound df_bound(const ConfigReader& r, const std::string& key, features::DfBound fallback, Status& st) {
  const auto* n = r.get("features", key);
  if (!n) return fallback;
  if (n->is_integer()) {
    auto v = n->value<int64_t>();
    if (*v < 0) st = Status::invalid_argument("features." + key + " must not be negative");
    return {true, static_cast<double>(*v)};
  }
  auto v = n->value<double>();
  if (!v || *v < 0 || *v > 1)
    st = Status::invalid_argument("features." + key + " must be an integer count or a fraction in [0, 1]");
  return {false, v.value_or(0)};
}

// [features.encoder]: the content-encoder model's item embeddings. The model
// folder resolves against the config file's folder like every other path.
Status encoder_features(const toml::node& node, const fs::path& base, eval::ExperimentConfig::EncoderFeatures& e) {
  const auto* t = node.as_table();
  if (!t) return Status::invalid_argument("features.encoder must be a table ([features.encoder])");
  static const std::set<std::string> known{"model", "pooling", "normalize", "max_length", "batch_size", "dtype"};
  for (const auto& [k, v] : *t)
    if (!known.count(std::string(k.str())))
      return Status::invalid_argument("unknown key features.encoder." + std::string(k.str()));
  auto text = [&](const char* key, std::string& out) -> Status {
    const auto* n = t->get(key);
    if (!n) return Status::ok();
    auto v = n->value<std::string>();
    if (!v) return Status::invalid_argument(std::string("features.encoder.") + key + " must be a string");
    out = *v;
    return Status::ok();
  };
  auto whole = [&](const char* key, size_t& out) -> Status {
    const auto* n = t->get(key);
    if (!n) return Status::ok();
    auto v = n->value<int64_t>();
    if (!v || *v < 0)
      return Status::invalid_argument(std::string("features.encoder.") + key + " must be a non-negative integer");
    out = static_cast<size_t>(*v);
    return Status::ok();
  };
  std::string model;
  for (Status s : {text("model", model), text("pooling", e.pooling), text("dtype", e.dtype),
                   whole("max_length", e.max_length), whole("batch_size", e.batch_size)})
    TOKREC_RETURN_IF_ERROR(s);
  if (const auto* n = t->get("normalize")) {
    auto v = n->value<bool>();
    if (!v) return Status::invalid_argument("features.encoder.normalize must be true or false");
    e.normalize = *v;
  }
  if (!model.empty())
    e.model = (fs::path(model).is_absolute() ? fs::path(model) : base / model).lexically_normal().string();
  return Status::ok();
}

}  // namespace

Result<eval::ExperimentConfig> config_from_table(const toml::table& root, const std::string& path) {
  ConfigReader r(root, fs::absolute(path).parent_path());
  auto ctx = [&](Status s) { return s.with_context(path); };
  Status st = r.check_known({{"data", {"ratings", "movies", "tags"}},
                             {"split", {"positive_threshold", "min_positives", "ratios", "seed"}},
                             {"text", {"fields", "clean"}},
                             {"tokenizer", {"path", "lowercase"}},
                             {"features", {"vectors", "max_vectors", "subword", "center", "sublinear_tf", "smooth_idf", "norm",
                                           "min_df", "max_df", "encoder"}},
                             {"models", {"list", "itemknn", "ease", "bpr", "hybrid", "blend", "similar_items"}},
                             {"eval", {"k", "protocols", "cold_item_share", "cold_user_share", "cold_user_keep", "stage",
                                       "sampled_negatives"}},
                             {"run", {"threads"}}});
  if (!st.is_ok()) return ctx(st);

  eval::ExperimentConfig c;
  std::vector<double> ratios;
  double seed = 0;
  std::string norm = "l2";
  std::vector<int64_t> ks;
  for (Status s : {r.path("data", "ratings", c.ratings_path), r.path("data", "movies", c.movies_path),
                   r.path("data", "tags", c.tags_path),
                   r.number("split", "positive_threshold", c.split.positive_threshold),
                   r.count("split", "min_positives", c.split.min_positives), r.array("split", "ratios", ratios),
                   r.array("text", "fields", c.text_fields), r.boolean("text", "clean", c.clean),
                   r.path("tokenizer", "path", c.tokenizer_path), r.path("features", "vectors", c.vectors_path),
                   r.count("features", "max_vectors", c.max_vectors), r.str("features", "subword", c.subword),
                   r.boolean("features", "center", c.center_vectors),
                   r.boolean("features", "sublinear_tf", c.tfidf.sublinear_tf),
                   r.boolean("features", "smooth_idf", c.tfidf.smooth_idf), r.str("features", "norm", norm),
                   r.array("models", "list", c.models), r.array("eval", "k", ks), r.count("run", "threads", c.threads),
                   r.array("eval", "protocols", c.protocols), r.number("eval", "cold_item_share", c.cold_item_share),
                   r.number("eval", "cold_user_share", c.cold_user_share),
                   r.count("eval", "cold_user_keep", c.cold_user_keep),
                   r.count("eval", "sampled_negatives", c.sampled_negatives),
                   r.str("eval", "stage", c.stage), r.count("models", "similar_items", c.similar_items)})
    if (!s.is_ok()) return ctx(s);
  // Model hyperparameters: [models.itemknn], [models.ease], [models.bpr], [models.hybrid].
  auto sub = [&](const char* name) -> const toml::table* {
    const auto* m = root["models"].as_table();
    return m ? (*m)[name].as_table() : nullptr;
  };
  auto num = [&](const toml::table* t, const char* model, const char* key, double& out) -> Status {
    if (!t) return Status::ok();
    const auto* n = t->get(key);
    if (!n) return Status::ok();
    auto v = n->value<double>();
    if (!v) return Status::invalid_argument(std::string("models.") + model + "." + key + " must be a number");
    out = *v;
    return Status::ok();
  };
  auto known_keys = [&](const toml::table* t, const char* model, std::set<std::string> keys) -> Status {
    if (!t) return Status::ok();
    for (const auto& [k, v] : *t)
      if (!keys.count(std::string(k.str())))
        return Status::invalid_argument(std::string("unknown key models.") + model + "." + std::string(k.str()));
    return Status::ok();
  };
  {
    double knn_k = static_cast<double>(c.itemknn.k), bpr_dim = static_cast<double>(c.bpr.dim),
           bpr_epochs = static_cast<double>(c.bpr.epochs), hy_dim = static_cast<double>(c.hybrid.dim),
           hy_epochs = static_cast<double>(c.hybrid.epochs);
    const toml::table *knn = sub("itemknn"), *ease = sub("ease"), *bpr = sub("bpr"), *hy = sub("hybrid");
    for (Status s : {known_keys(knn, "itemknn", {"k", "shrink"}), known_keys(ease, "ease", {"lambda"}),
                     known_keys(bpr, "bpr", {"dim", "epochs", "learning_rate", "reg"}),
                     known_keys(hy, "hybrid", {"dim", "epochs", "learning_rate", "loss", "learning_schedule", "item_alpha",
                                               "user_alpha", "max_sampled", "identity_weight", "normalize",
                                               "item_identity", "user_identity", "item_features", "user_features",
                                               "user_feature_limit", "patience", "max_epochs", "ensemble", "negatives",
                                               "threads", "seed", "kos_k", "kos_n", "identity_alpha",
                                               "side_learning_rate"}),
                     num(knn, "itemknn", "k", knn_k), num(knn, "itemknn", "shrink", c.itemknn.shrink),
                     num(ease, "ease", "lambda", c.ease.lambda), num(bpr, "bpr", "dim", bpr_dim),
                     num(bpr, "bpr", "epochs", bpr_epochs), num(bpr, "bpr", "learning_rate", c.bpr.learning_rate),
                     num(bpr, "bpr", "reg", c.bpr.reg), num(hy, "hybrid", "dim", hy_dim),
                     num(hy, "hybrid", "epochs", hy_epochs), num(hy, "hybrid", "learning_rate", c.hybrid.learning_rate)})
      if (!s.is_ok()) return ctx(s);
    if (hy) {
      // String choices, booleans and counts of [models.hybrid].
      auto choice = [&](const char* key, std::initializer_list<const char*> allowed, std::string& out) -> Status {
        const auto* n = hy->get(key);
        if (!n) return Status::ok();
        auto v = n->value<std::string>();
        std::string list;
        for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + "\"" + a + "\"";
        if (!v || std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return *v == a; }))
          return Status::invalid_argument(std::string("models.hybrid.") + key + " must be one of " + list);
        out = *v;
        return Status::ok();
      };
      auto flag = [&](const char* key, bool& out) -> Status {
        const auto* n = hy->get(key);
        if (!n) return Status::ok();
        auto v = n->value<bool>();
        if (!v) return Status::invalid_argument(std::string("models.hybrid.") + key + " must be true or false");
        out = *v;
        return Status::ok();
      };
      auto whole = [&](const char* key, size_t& out, int64_t min) -> Status {
        const auto* n = hy->get(key);
        if (!n) return Status::ok();
        auto v = n->value<int64_t>();
        if (!v || *v < min)
          return Status::invalid_argument(std::string("models.hybrid.") + key + " must be an integer >= " + std::to_string(min));
        out = static_cast<size_t>(*v);
        return Status::ok();
      };
      size_t hy_seed = c.hybrid.seed;
      for (Status s : {choice("loss", {"warp", "warp-kos", "bpr"}, c.hybrid.loss),
                       choice("learning_schedule", {"adagrad", "adadelta"}, c.hybrid.learning_schedule),
                       choice("normalize", {"l1", "l2", "none"}, c.hybrid.normalize),
                       choice("negatives", {"warm", "all"}, c.hybrid.negatives),
                       choice("item_features", {"tfidf", "binary", "none"}, c.hybrid_item_features),
                       choice("user_features", {"none", "items", "history"}, c.hybrid_user_features),
                       flag("item_identity", c.hybrid.item_identity), flag("user_identity", c.hybrid.user_identity),
                       whole("max_sampled", c.hybrid.max_sampled, 1), whole("threads", c.hybrid.threads, 0),
                       whole("user_feature_limit", c.hybrid_user_feature_limit, 0),
                       whole("patience", c.hybrid_patience, 0), whole("max_epochs", c.hybrid_max_epochs, 1),
                       whole("ensemble", c.hybrid_ensemble, 1), whole("kos_k", c.hybrid.kos_k, 1),
                       whole("kos_n", c.hybrid.kos_n, 1), num(hy, "hybrid", "identity_alpha", c.hybrid.identity_alpha),
                       num(hy, "hybrid", "side_learning_rate", c.hybrid.side_learning_rate),
                       whole("seed", hy_seed, 0), num(hy, "hybrid", "item_alpha", c.hybrid.item_alpha),
                       num(hy, "hybrid", "user_alpha", c.hybrid.user_alpha),
                       num(hy, "hybrid", "identity_weight", c.hybrid.identity_weight)})
        if (!s.is_ok()) return ctx(s);
      c.hybrid.seed = hy_seed;
      if (!(c.hybrid.item_alpha >= 0) || !(c.hybrid.user_alpha >= 0) || !(c.hybrid.identity_weight >= 0))
        return ctx(Status::invalid_argument("models.hybrid.item_alpha, user_alpha and identity_weight must be >= 0"));
      if (!(c.hybrid.learning_rate > 0)) return ctx(Status::invalid_argument("models.hybrid.learning_rate must be > 0"));
      // Unset (negative): the same as item_alpha / learning_rate.
      if (hy->get("identity_alpha") && !(c.hybrid.identity_alpha >= 0))
        return ctx(Status::invalid_argument("models.hybrid.identity_alpha must be >= 0"));
      if (hy->get("side_learning_rate") && !(c.hybrid.side_learning_rate > 0))
        return ctx(Status::invalid_argument("models.hybrid.side_learning_rate must be > 0"));
    }
    if (const toml::table* bl = sub("blend")) {
      TOKREC_RETURN_IF_ERROR(ctx(known_keys(bl, "blend", {"members", "weights", "normalization"})));
      if (const auto* n = bl->get("members")) {
        const auto* a = n->as_array();
        if (!a) return ctx(Status::invalid_argument("models.blend.members must be an array of model names"));
        c.blend.members.clear();
        for (const auto& e : *a) {
          auto v = e.value<std::string>();
          if (!v) return ctx(Status::invalid_argument("models.blend.members must be an array of model names"));
          c.blend.members.push_back(*v);
        }
      }
      if (const auto* n = bl->get("weights")) {
        const auto* a = n->as_array();
        if (!a) return ctx(Status::invalid_argument("models.blend.weights must be an array of numbers"));
        c.blend.weights.clear();
        for (const auto& e : *a) {
          auto v = e.value<double>();
          if (!v) return ctx(Status::invalid_argument("models.blend.weights must be an array of numbers"));
          c.blend.weights.push_back(*v);
        }
      }
      if (const auto* n = bl->get("normalization")) {
        auto v = n->value<std::string>();
        if (!v) return ctx(Status::invalid_argument("models.blend.normalization must be a string"));
        c.blend.normalization = *v;
      }
    }
    for (double v : {knn_k, bpr_dim, bpr_epochs, hy_dim, hy_epochs})
      if (!(v >= 1) || v != std::floor(v))
        return ctx(Status::invalid_argument("model sizes and epochs must be positive integers"));
    c.itemknn.k = static_cast<size_t>(knn_k);
    c.bpr.dim = static_cast<size_t>(bpr_dim);
    c.bpr.epochs = static_cast<size_t>(bpr_epochs);
    c.hybrid.dim = static_cast<size_t>(hy_dim);
    c.hybrid.epochs = static_cast<size_t>(hy_epochs);
  }
  if (const auto* n = r.get("features", "encoder")) {
    TOKREC_RETURN_IF_ERROR(ctx(encoder_features(*n, fs::absolute(path).parent_path(), c.encoder)));
  }
  if (const auto* n = r.get("tokenizer", "lowercase")) {
    auto v = n->value<bool>();
    if (!v) return ctx(Status::invalid_argument("tokenizer.lowercase must be true or false"));
    c.lowercase = *v;
  }
  if (const auto* n = r.get("split", "seed")) {
    auto v = n->value<int64_t>();
    if (!v || *v < 0) return ctx(Status::invalid_argument("split.seed must be a non-negative integer"));
    c.split.seed = static_cast<uint64_t>(*v);
  }
  (void)seed;
  if (!ratios.empty()) {
    if (ratios.size() != 3) return ctx(Status::invalid_argument("split.ratios must have 3 numbers (train, valid, test)"));
    c.split.ratios = {ratios[0], ratios[1], ratios[2]};
  }
  if (norm == "l2") c.tfidf.norm = features::Norm::kL2;
  else if (norm == "l1") c.tfidf.norm = features::Norm::kL1;
  else if (norm == "none") c.tfidf.norm = features::Norm::kNone;
  else return ctx(Status::invalid_argument("features.norm must be \"l2\", \"l1\" or \"none\""));
  c.tfidf.min_df = df_bound(r, "min_df", c.tfidf.min_df, st);
  c.tfidf.max_df = df_bound(r, "max_df", c.tfidf.max_df, st);
  if (!st.is_ok()) return ctx(st);
  if (!ks.empty()) {
    c.ks.clear();
    for (auto k : ks) c.ks.push_back(static_cast<int>(k));
  }
  TOKREC_RETURN_IF_ERROR(ctx(eval::validate(c)));
  return c;
}

Result<toml::table> parse_config_file(const std::string& path) {
  if (!io::file_exists(path)) return Status::not_found(path + ": config file not found");
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return Status::parse_error(path + ": line " + std::to_string(e.source().begin.line) + ": " +
                               std::string(e.description()));
  }
}

Status apply_override(toml::table& root, const std::string& assignment) {
  auto eq = assignment.find('=');
  if (eq == std::string::npos || eq == 0)
    return Status::invalid_argument("--set expects section.key=VALUE, got '" + assignment + "'");
  std::string path = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  while (!path.empty() && path.back() == ' ') path.pop_back();
  std::vector<std::string> parts;
  for (size_t start = 0;;) {
    size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  for (const auto& p : parts)
    if (p.empty()) return Status::invalid_argument("--set: bad key '" + path + "'");
  if (parts.size() < 2) return Status::invalid_argument("--set: key '" + path + "' needs a section, e.g. eval.k");
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value);
  } catch (const toml::parse_error& e) {
    return Status::invalid_argument("--set " + path + ": '" + value + "' is not a TOML value (quote strings: \"text\")");
  }
  toml::table* t = &root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    auto* next = (*t)[parts[i]].as_table();
    if (!next) {
      t->insert_or_assign(parts[i], toml::table{});
      next = (*t)[parts[i]].as_table();
    }
    t = next;
  }
  t->insert_or_assign(parts.back(), *parsed.get("v"));
  return Status::ok();
}

namespace {

Result<eval::ExperimentConfig> load_config(const std::string& path, const std::vector<std::string>& overrides) {
  TOKREC_ASSIGN_OR_RETURN(toml::table root, parse_config_file(path));
  for (const auto& o : overrides) TOKREC_RETURN_IF_ERROR(apply_override(root, o));
  return config_from_table(root, path);
}

}  // namespace

// The effective configuration, echoed into report.json.
std::string config_json(const eval::ExperimentConfig& c, const std::string& path) {
  auto df = [](const features::DfBound& b) -> nlohmann::ordered_json {
    if (b.is_count) return static_cast<int64_t>(b.value);
    return b.value;
  };
  nlohmann::ordered_json j;
  j["config_file"] = path;
  j["data"] = {{"ratings", c.ratings_path}, {"movies", c.movies_path}, {"tags", c.tags_path}};
  j["split"] = {{"positive_threshold", c.split.positive_threshold},
                {"min_positives", c.split.min_positives},
                {"ratios", c.split.ratios},
                {"seed", c.split.seed},
                {"protocol", c.stage == "valid"
                                 ? "per-user random ratio split; full ranking of valid over items not in the "
                                   "user's train split"
                                 : "per-user random ratio split; full ranking of test over items in neither the "
                                   "user's train nor valid split (RecBole's full-sort masking)"}};
  j["text"] = {{"fields", c.text_fields}, {"clean", c.clean}};
  j["tokenizer"] = {{"path", c.tokenizer_path}};
  if (c.lowercase) j["tokenizer"]["lowercase"] = *c.lowercase;
  j["features"] = {{"vectors", c.vectors_path},
                   {"max_vectors", c.max_vectors},
                   {"subword", c.subword},
                   {"center", c.center_vectors},
                   {"sublinear_tf", c.tfidf.sublinear_tf},
                   {"smooth_idf", c.tfidf.smooth_idf},
                   {"norm", c.tfidf.norm == features::Norm::kL2   ? "l2"
                            : c.tfidf.norm == features::Norm::kL1 ? "l1"
                                                                  : "none"},
                   {"min_df", df(c.tfidf.min_df)},
                   {"max_df", df(c.tfidf.max_df)},
                   {"encoder", {{"model", c.encoder.model},
                                {"pooling", c.encoder.pooling},
                                {"normalize", c.encoder.normalize},
                                {"max_length", c.encoder.max_length},
                                {"batch_size", c.encoder.batch_size},
                                {"dtype", c.encoder.dtype}}}};
  j["models"] = {{"list", c.models},
                 {"similar_items", c.similar_items},
                 {"itemknn", {{"k", c.itemknn.k}, {"shrink", c.itemknn.shrink}}},
                 {"ease", {{"lambda", c.ease.lambda}}},
                 {"bpr", {{"dim", c.bpr.dim}, {"epochs", c.bpr.epochs}, {"learning_rate", c.bpr.learning_rate},
                          {"reg", c.bpr.reg}}},
                 {"hybrid", {{"dim", c.hybrid.dim}, {"epochs", c.hybrid.epochs},
                             {"learning_rate", c.hybrid.learning_rate}, {"loss", c.hybrid.loss},
                             {"learning_schedule", c.hybrid.learning_schedule}, {"item_alpha", c.hybrid.item_alpha},
                             {"user_alpha", c.hybrid.user_alpha}, {"max_sampled", c.hybrid.max_sampled},
                             {"identity_weight", c.hybrid.identity_weight}, {"normalize", c.hybrid.normalize},
                             {"item_identity", c.hybrid.item_identity}, {"user_identity", c.hybrid.user_identity},
                             {"item_features", c.hybrid_item_features}, {"user_features", c.hybrid_user_features},
                             {"user_feature_limit", c.hybrid_user_feature_limit},
                             {"patience", c.hybrid_patience}, {"max_epochs", c.hybrid_max_epochs},
                             {"ensemble", c.hybrid_ensemble}, {"negatives", c.hybrid.negatives},
                             {"threads", c.hybrid.threads}, {"seed", c.hybrid.seed},
                             {"kos_k", c.hybrid.kos_k}, {"kos_n", c.hybrid.kos_n},
                             {"identity_alpha", c.hybrid.identity_alpha},
                             {"side_learning_rate", c.hybrid.side_learning_rate}}}};
  j["models"]["blend"] = {{"members", c.blend.members}, {"weights", c.blend.weights},
                          {"normalization", c.blend.normalization}};
  j["eval"] = {{"k", c.ks}, {"protocols", c.protocols}, {"cold_item_share", c.cold_item_share},
               {"cold_user_share", c.cold_user_share}, {"cold_user_keep", c.cold_user_keep}, {"stage", c.stage},
               {"sampled_negatives", c.sampled_negatives}};
  j["run"] = {{"threads", c.threads}};
  return j.dump();
}


Action add_run(CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "run",
      "Run the main job of a TOML config (default configs/movielens.toml): item text -> LLM tokens -> "
      "TF-IDF, pooled word vectors (optionally encoder embeddings) -> popularity, random, ItemKNN, EASE, BPR, the "
      "hybrid factorization on token features, content-based and blended models -> full-ranking metrics on every "
      "protocol of eval.protocols (warm random split and cold-start items by default), a comparison table and "
      "report.json/md/html. See docs/run.md.");
  struct Flags {
    std::string config, out = "out/run";
    int threads = -1;
    bool quiet = false;
    std::vector<std::string> overrides;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("--config", flags->config,
                  "TOML job file (default: configs/movielens.toml from the current folder or the source tree); "
                  "relative paths inside it are resolved against its folder");
  cmd->add_option("--out", flags->out,
                  "output folder: report.json, report.md, recommendations/<model>.tsv, truth.tsv, train.tsv, "
                  "valid.tsv")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "compute threads (overrides run.threads; 0 = all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--quiet", flags->quiet, "no progress on stderr");
  cmd->add_option("--set", flags->overrides,
                  "override a config key, e.g. --set 'eval.k=[10]' --set 'models.list=[\"ease\"]' (TOML values; "
                  "repeatable)");
  return [flags] {
    auto start = std::chrono::steady_clock::now();
    std::string path = flags->config.empty() ? find_default_config() : flags->config;
    auto config = load_config(path, flags->overrides);
    if (!config.is_ok()) return report_error("run", config.status());
    if (flags->threads >= 0) config->threads = static_cast<size_t>(flags->threads);
    auto progress = [&](const std::string& m) {
      if (flags->quiet) return;
      double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::fprintf(stderr, "[tokrec run %6.1fs] %s\n", s, m.c_str());
    };
    auto result = eval::run_experiment(*config, progress);
    if (!result.is_ok()) return report_error("run", result.status());
    Status st = eval::write_experiment(*result, config_json(*config, path), config->ks, flags->out);
    if (!st.is_ok()) return report_error("run", st);
    for (const auto& p : result->protocols) {
      if (result->protocols.size() > 1) std::cout << "\n## " << p.name << "\n\n";
      std::cout << eval::format_table(p, config->ks);
    }
    if (result->protocols.size() > 1) std::cout << "\n## comparison\n\n" << eval::format_comparison(*result, config->ks);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress("wrote " + flags->out + "/report.json, report.md, report.html, recommendations/ (" + std::to_string(s) +
             " s)");
    return 0;
  };
}

}  // namespace tokrec::cli
