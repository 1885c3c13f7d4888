// Save / load of a fitted TfidfVectorizer as JSON (format in tfidf.h). The
// columns map is rebuilt from the vocabulary; idf is stored rather than
// recomputed so a loaded state reproduces the saved one bit for bit.
#include <nlohmann/json.hpp>

#include <string>

#include "tokrec/features/tfidf.h"
#include "tokrec/io/file.h"

namespace tokrec::features {
namespace {

using nlohmann::json;

const char* norm_name(Norm n) { return n == Norm::kL2 ? "l2" : n == Norm::kL1 ? "l1" : "none"; }

json bound_json(const DfBound& b) {
  return b.is_count ? json{{"count", static_cast<int64_t>(b.value)}} : json{{"proportion", b.value}};
}

DfBound bound_from(const json& j) {
  if (j.contains("count")) return {true, j.at("count").get<double>()};
  return {false, j.at("proportion").get<double>()};
}

}  // namespace

std::string TfidfVectorizer::to_json() const {
  json o = {{"use_idf", options_.use_idf},
            {"smooth_idf", options_.smooth_idf},
            {"sublinear_tf", options_.sublinear_tf},
            {"binary", options_.binary},
            {"norm", norm_name(options_.norm)},
            {"min_df", bound_json(options_.min_df)},
            {"max_df", bound_json(options_.max_df)},
            {"max_features", options_.max_features},
            {"weighting", options_.weighting == Weighting::kBm25 ? "bm25" : "tfidf"},
            {"k1", options_.k1},
            {"b", options_.b}};
  json j = {{"format", "tokrec.tfidf"}, {"version", 1}, {"options", o}, {"fitted", fitted_},
            {"n_docs", n_docs_},       {"avgdl", avgdl_}, {"vocabulary", vocabulary_}, {"df", df_},
            {"idf", idf_}};
  // nlohmann prints doubles with enough digits to round-trip.
  return j.dump(1, ' ', false, json::error_handler_t::strict) + "\n";
}

Result<TfidfVectorizer> TfidfVectorizer::from_json(std::string_view text) {
  try {
    json j = json::parse(text);
    if (j.value("format", "") != "tokrec.tfidf")
      return Status::parse_error("not a tokrec TF-IDF state (\"format\" is not \"tokrec.tfidf\")");
    if (j.value("version", 0) != 1) return Status::parse_error("unsupported TF-IDF state version");
    const json& o = j.at("options");
    TfidfOptions opt;
    opt.use_idf = o.at("use_idf").get<bool>();
    opt.smooth_idf = o.at("smooth_idf").get<bool>();
    opt.sublinear_tf = o.at("sublinear_tf").get<bool>();
    opt.binary = o.at("binary").get<bool>();
    std::string norm = o.at("norm").get<std::string>();
    if (norm != "l2" && norm != "l1" && norm != "none") return Status::parse_error("bad norm '" + norm + "'");
    opt.norm = norm == "l2" ? Norm::kL2 : norm == "l1" ? Norm::kL1 : Norm::kNone;
    opt.min_df = bound_from(o.at("min_df"));
    opt.max_df = bound_from(o.at("max_df"));
    opt.max_features = o.value("max_features", size_t{0});
    opt.weighting = o.value("weighting", std::string("tfidf")) == "bm25" ? Weighting::kBm25 : Weighting::kTfidf;
    opt.k1 = o.value("k1", 1.2);
    opt.b = o.value("b", 0.75);
    TfidfVectorizer v(opt);
    v.fitted_ = j.at("fitted").get<bool>();
    v.n_docs_ = j.at("n_docs").get<size_t>();
    v.avgdl_ = j.at("avgdl").get<double>();
    v.vocabulary_ = j.at("vocabulary").get<std::vector<std::string>>();
    v.df_ = j.at("df").get<std::vector<int64_t>>();
    v.idf_ = j.at("idf").get<std::vector<double>>();
    if (v.df_.size() != v.vocabulary_.size())
      return Status::parse_error("TF-IDF state: df and vocabulary differ in length");
    bool needs_idf = opt.weighting == Weighting::kBm25 || opt.use_idf;
    if (v.fitted_ && needs_idf && v.idf_.size() != v.vocabulary_.size())
      return Status::parse_error("TF-IDF state: idf and vocabulary differ in length");
    v.columns_.reserve(v.vocabulary_.size());
    for (size_t i = 0; i < v.vocabulary_.size(); ++i)
      if (!v.columns_.emplace(v.vocabulary_[i], static_cast<int32_t>(i)).second)
        return Status::parse_error("TF-IDF state: term repeated in the vocabulary: " + v.vocabulary_[i]);
    return v;
  } catch (const json::exception& e) {
    return Status::parse_error(std::string("TF-IDF state: ") + e.what());
  }
}

Status TfidfVectorizer::save(const std::string& path) const { return io::write_file(path, to_json()); }

Result<TfidfVectorizer> TfidfVectorizer::load(const std::string& path) {
  TOKREC_ASSIGN_OR_RETURN(std::string text, io::read_file(path));
  auto v = from_json(text);
  if (!v.is_ok()) return v.status().with_context(path);
  return v;
}

}  // namespace tokrec::features
