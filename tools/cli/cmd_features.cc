// tokrec features --config FILE: runs a declared feature set over an item
// file and writes one output per block plus ids.txt and manifest.json
// (docs/features.md, "tokrec features"; example: configs/features-example.toml).
//
//   [input]   path, format (csv|tsv|jsonl; default from the extension), id, text = [fields], joiner
//   [output]  dir, threads
//   [[feature]] name, type = tfidf|bm25|counts|hashing|vectors|pos|keywords, per-type keys
//
// Relative paths resolve against the config file's folder. Unknown keys are
// errors naming them, so a typo never silently falls back to a default.
#include <toml++/toml.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "commands.h"
#include "line_io.h"
#include "tokrec/core/thread_pool.h"
#include "tokrec/features/analyzer.h"
#include "tokrec/features/corpus.h"
#include "tokrec/features/fasttext.h"
#include "tokrec/features/hashing.h"
#include "tokrec/features/pooling.h"
#include "tokrec/features/similarity.h"
#include "tokrec/features/tfidf.h"
#include "tokrec/features/word_vectors.h"
#include "tokrec/io/csv.h"
#include "tokrec/io/file.h"
#include "tokrec/io/npy.h"
#include "tokrec/segment/keywords.h"
#include "tokrec/segment/pos_tagger.h"
#include "tokrec/segment/segmenter.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct FeaturesArgs {
  std::string config;
  std::string output;  // overrides [output].dir
  size_t threads = 0;
  bool progress = false;
};

// ---------------------------------------------------------------------------
// Strict TOML access: every key read is recorded; leftovers are errors.

class Section {
 public:
  Section(const toml::table& table, std::string where) : table_(table), where_(std::move(where)) {}

  bool has(const std::string& key) const { return table_.contains(key); }
  const std::string& where() const { return where_; }

  Result<std::string> str(const std::string& key, const std::string& fallback) {
    used_.insert(key);
    auto node = table_.get(key);
    if (!node) return fallback;
    if (auto v = node->value<std::string>()) return *v;
    return bad(key, "a string");
  }
  Result<bool> boolean(const std::string& key, bool fallback) {
    used_.insert(key);
    auto node = table_.get(key);
    if (!node) return fallback;
    if (auto v = node->value_exact<bool>()) return *v;
    return bad(key, "true or false");
  }
  Result<double> number(const std::string& key, double fallback) {
    used_.insert(key);
    auto node = table_.get(key);
    if (!node) return fallback;
    if (node->is_number()) return *node->value<double>();
    return bad(key, "a number");
  }
  Result<size_t> count(const std::string& key, size_t fallback) {
    used_.insert(key);
    auto node = table_.get(key);
    if (!node) return fallback;
    auto v = node->value_exact<int64_t>();
    if (!v || *v < 0) return bad(key, "a non-negative integer");
    return static_cast<size_t>(*v);
  }
  // An integer is a document count, a float a proportion (as scikit-learn).
  Result<features::DfBound> df(const std::string& key, features::DfBound fallback) {
    used_.insert(key);
    auto node = table_.get(key);
    if (!node) return fallback;
    if (auto i = node->value_exact<int64_t>()) return features::DfBound{true, static_cast<double>(*i)};
    if (auto f = node->value_exact<double>()) return features::DfBound{false, *f};
    return bad(key, "an integer (document count) or a float (proportion)");
  }
  // A string or an array of strings.
  Result<std::vector<std::string>> strings(const std::string& key, std::vector<std::string> fallback) {
    used_.insert(key);
    auto node = table_.get(key);
    if (!node) return fallback;
    if (auto v = node->value<std::string>()) return std::vector<std::string>{*v};
    const toml::array* arr = node->as_array();
    if (!arr) return bad(key, "a string or an array of strings");
    std::vector<std::string> out;
    for (const auto& e : *arr) {
      auto v = e.value<std::string>();
      if (!v) return bad(key, "a string or an array of strings");
      out.push_back(*v);
    }
    return out;
  }
  Result<std::pair<size_t, size_t>> range(const std::string& key, std::pair<size_t, size_t> fallback) {
    used_.insert(key);
    auto node = table_.get(key);
    if (!node) return fallback;
    const toml::array* arr = node->as_array();
    if (!arr || arr->size() != 2) return bad(key, "[A, B] with 1 <= A <= B");
    auto a = (*arr)[0].value_exact<int64_t>(), b = (*arr)[1].value_exact<int64_t>();
    if (!a || !b || *a < 1 || *b < *a) return bad(key, "[A, B] with 1 <= A <= B");
    return std::make_pair(static_cast<size_t>(*a), static_cast<size_t>(*b));
  }
  Status check_unused() const {
    for (const auto& [key, node] : table_) {
      (void)node;
      if (!used_.count(std::string(key.str())))
        return Status::invalid_argument(where_ + ": unknown key '" + std::string(key.str()) + "'");
    }
    return Status::ok();
  }

 private:
  Status bad(const std::string& key, const std::string& what) const {
    return Status::invalid_argument(where_ + "." + key + " must be " + what);
  }
  const toml::table& table_;
  std::string where_;
  std::set<std::string> used_;
};

// ---------------------------------------------------------------------------
// Items: ids and named text fields.

struct Items {
  std::vector<std::string> ids;
  std::map<std::string, std::vector<std::string>> fields;  // field -> one value per item
  size_t size() const { return ids.size(); }
};

struct InputSpec {
  std::string path, format, id;
  std::vector<std::string> text;
  std::string joiner = " ";
};

std::string json_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      if (!out.empty()) out.push_back(' ');
      out += json_text(e);
    }
    return out;
  }
  return v.dump();
}

Result<Items> read_items(const InputSpec& in, const std::set<std::string>& wanted) {
  Items items;
  if (in.format == "jsonl") {
    TOKREC_ASSIGN_OR_RETURN(std::vector<std::string> lines, io::read_lines(in.path));
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find_first_not_of(" \t\r") == std::string::npos) continue;
      json obj;
      try {
        obj = json::parse(lines[i]);
      } catch (const json::exception& e) {
        return Status::parse_error(in.path + " line " + std::to_string(i + 1) + ": " + e.what());
      }
      if (!obj.is_object()) return Status::parse_error(in.path + " line " + std::to_string(i + 1) + ": not a JSON object");
      if (!obj.contains(in.id))
        return Status::parse_error(in.path + " line " + std::to_string(i + 1) + ": no id field '" + in.id + "'");
      items.ids.push_back(json_text(obj[in.id]));
      for (const auto& f : wanted) items.fields[f].push_back(obj.contains(f) ? json_text(obj[f]) : "");
    }
  } else {
    io::CsvOptions o;
    o.delimiter = in.format == "tsv" ? '\t' : ',';
    TOKREC_ASSIGN_OR_RETURN(io::CsvTable t, io::read_csv(in.path, o));
    auto column = [&](const std::string& name) -> Result<size_t> {
      for (size_t c = 0; c < t.header.size(); ++c)
        if (t.header[c] == name) return c;
      return Status::invalid_argument(in.path + ": no column '" + name + "' in the header");
    };
    TOKREC_ASSIGN_OR_RETURN(size_t id_col, column(in.id));
    std::map<std::string, size_t> cols;
    for (const auto& f : wanted) {
      TOKREC_ASSIGN_OR_RETURN(cols[f], column(f));
    }
    items.ids.reserve(t.rows.size());
    for (auto& row : t.rows) {
      items.ids.push_back(row[id_col]);
      for (const auto& [f, c] : cols) items.fields[f].push_back(row[c]);
    }
  }
  if (items.ids.empty()) return Status::invalid_argument(in.path + ": no items");
  return items;
}

std::vector<std::string> item_texts(const Items& items, const std::vector<std::string>& fields, const std::string& joiner) {
  std::vector<std::string> texts(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t f = 0; f < fields.size(); ++f) {
      const std::string& v = items.fields.at(fields[f])[i];
      if (v.empty()) continue;
      if (!texts[i].empty()) texts[i] += joiner;
      texts[i] += v;
    }
  }
  return texts;
}

// ---------------------------------------------------------------------------
// Shared per-run context.

struct Context {
  fs::path base;  // the config file's folder
  fs::path out_dir;
  size_t threads = 0;
  bool progress = false;
  bool tty = false;
  std::string jieba_dir;
  std::shared_ptr<const segment::Segmenter> jieba;
  std::shared_ptr<const segment::PosTagger> tagger;

  std::string resolve(const std::string& p) const {
    if (p.empty() || fs::path(p).is_absolute()) return p;
    return (base / p).lexically_normal().string();
  }
  Status load_jieba() {
    if (jieba) return Status::ok();
    std::string dir = jieba_dir.empty() ? segment::default_jieba_dir() : jieba_dir;
    if (dir.empty()) return Status::not_found("jieba data not found: set jieba_dir or run scripts/fetch-data.sh");
    TOKREC_ASSIGN_OR_RETURN(jieba, segment::Segmenter::load(segment::SegmenterOptions::from_dir(dir)));
    jieba_dir = dir;
    return Status::ok();
  }
  Status load_tagger() {
    TOKREC_RETURN_IF_ERROR(load_jieba());
    if (!tagger) {
      TOKREC_ASSIGN_OR_RETURN(tagger, segment::PosTagger::load(jieba, jieba_dir + "/posseg"));
    }
    return Status::ok();
  }
};

// The analyzer keys shared by the text blocks. pos = bag of jieba POS tags.
Result<features::Analyzer> make_analyzer(Section& s, Context& ctx, bool pos, json& echo) {
  TOKREC_ASSIGN_OR_RETURN(std::string name, s.str("analyzer", pos ? "pos" : "word"));
  if (pos && name != "pos") return Status::invalid_argument(s.where() + ": a pos block always uses the pos analyzer");
  TOKREC_ASSIGN_OR_RETURN(features::AnalyzerKind kind,
                          features::parse_analyzer_kind(name == "pos" ? "jieba" : name));
  features::AnalyzerOptions o;
  o.kind = kind;
  const bool sklearn_kind = kind == features::AnalyzerKind::kWord || kind == features::AnalyzerKind::kChar ||
                            kind == features::AnalyzerKind::kCharWb;
  TOKREC_ASSIGN_OR_RETURN(o.lowercase, s.boolean("lowercase", sklearn_kind));
  TOKREC_ASSIGN_OR_RETURN(auto range, s.range("ngram_range", {1, 1}));
  o.ngram_min = range.first;
  o.ngram_max = range.second;
  TOKREC_ASSIGN_OR_RETURN(std::string stop, s.str("stop_words", ""));
  if (stop == "english") o.stop_words = features::english_stop_words();
  else if (!stop.empty()) {
    TOKREC_ASSIGN_OR_RETURN(o.stop_words, io::read_lines(ctx.resolve(stop)));
  }
  TOKREC_ASSIGN_OR_RETURN(std::string tokenizer, s.str("tokenizer", ""));
  TOKREC_ASSIGN_OR_RETURN(o.token_ids, s.boolean("token_ids", false));
  if (kind == features::AnalyzerKind::kTokenizer) {
    if (tokenizer.empty()) return Status::invalid_argument(s.where() + ": analyzer = \"tokenizer\" needs tokenizer = PATH");
    TOKREC_ASSIGN_OR_RETURN(o.tokenizer, tokenize::Tokenizer::load(ctx.resolve(tokenizer)));
  } else if (!tokenizer.empty()) {
    return Status::invalid_argument(s.where() + ": tokenizer is only used with analyzer = \"tokenizer\"");
  }
  if (kind == features::AnalyzerKind::kSegmenter) {
    if (name == "pos") {
      TOKREC_RETURN_IF_ERROR(ctx.load_tagger());
      auto tagger = ctx.tagger;
      o.segmenter = [tagger](std::string_view text, std::vector<std::string>& out) -> Status {
        TOKREC_ASSIGN_OR_RETURN(auto tagged, tagger->cut(text, true));
        for (auto& t : tagged)
          if (!segment::is_blank(t.word)) out.push_back(t.tag);
        return Status::ok();
      };
    } else {
      TOKREC_RETURN_IF_ERROR(ctx.load_jieba());
      auto seg = ctx.jieba;
      o.segmenter = [seg](std::string_view text, std::vector<std::string>& out) -> Status {
        TOKREC_ASSIGN_OR_RETURN(out, seg->cut(text, segment::Mode::kAccurate, true));
        return Status::ok();
      };
    }
  }
  echo["analyzer"] = name;
  echo["lowercase"] = o.lowercase;
  echo["ngram_range"] = {o.ngram_min, o.ngram_max};
  if (!stop.empty()) echo["stop_words"] = stop;
  if (!tokenizer.empty()) echo["tokenizer"] = ctx.resolve(tokenizer);
  return features::Analyzer::create(std::move(o));
}

features::CorpusOptions corpus_options(const Context& ctx, const std::string& block, size_t total) {
  features::CorpusOptions co;
  co.threads = ctx.threads;
  if (ctx.progress) {
    bool tty = ctx.tty;
    co.progress = [tty, block, total](const char* stage, size_t lines) {
      std::fprintf(stderr, tty ? "\rtokrec features: %s: %s %zu/%zu items" : "tokrec features: %s: %s %zu/%zu items\n",
                   block.c_str(), stage, lines, total);
      std::fflush(stderr);
    };
  }
  return co;
}

Result<features::Norm> parse_norm(Section& s, const std::string& fallback) {
  TOKREC_ASSIGN_OR_RETURN(std::string norm, s.str("norm", fallback));
  if (norm == "l2") return features::Norm::kL2;
  if (norm == "l1") return features::Norm::kL1;
  if (norm == "none") return features::Norm::kNone;
  return Status::invalid_argument(s.where() + ".norm must be \"l2\", \"l1\" or \"none\"");
}

struct BlockResult {
  json entry;  // the manifest entry
};

Status write_sparse(const Context& ctx, const std::string& name, const features::SparseMatrix& m,
                    const std::vector<std::string>* vocab, json& entry) {
  std::string file = name + ".npz";
  TOKREC_RETURN_IF_ERROR(io::write_csr_npz((ctx.out_dir / file).string(), m));
  entry["file"] = file;
  entry["kind"] = "sparse";
  entry["shape"] = {m.rows, m.cols};
  entry["nnz"] = m.data.size();
  if (vocab) {
    std::string vf = name + ".vocab.txt";
    TOKREC_RETURN_IF_ERROR(io::write_file((ctx.out_dir / vf).string(), lines_text(*vocab)));
    entry["vocabulary"] = vf;
  }
  return Status::ok();
}

// tfidf / bm25 / counts / pos: a fitted TfidfVectorizer over the block's texts.
Status run_vectorizer_block(Section& s, Context& ctx, const std::string& name, const std::string& type,
                            const std::vector<std::string>& texts, json& entry) {
  json& opt = entry["options"];
  const bool pos = type == "pos";
  TOKREC_ASSIGN_OR_RETURN(features::Analyzer analyzer, make_analyzer(s, ctx, pos, opt));
  features::TfidfOptions o;
  std::string weighting = type == "pos" ? "counts" : type;
  if (pos) {
    TOKREC_ASSIGN_OR_RETURN(weighting, s.str("weighting", "counts"));
    if (weighting != "counts" && weighting != "tfidf" && weighting != "bm25")
      return Status::invalid_argument(s.where() + ".weighting must be \"counts\", \"tfidf\" or \"bm25\"");
  }
  const bool counts = weighting == "counts";
  if (weighting == "bm25") o.weighting = features::Weighting::kBm25;
  TOKREC_ASSIGN_OR_RETURN(o.norm, parse_norm(s, counts || weighting == "bm25" ? "none" : "l2"));
  TOKREC_ASSIGN_OR_RETURN(o.use_idf, s.boolean("use_idf", !counts));
  TOKREC_ASSIGN_OR_RETURN(o.smooth_idf, s.boolean("smooth_idf", true));
  TOKREC_ASSIGN_OR_RETURN(o.sublinear_tf, s.boolean("sublinear_tf", false));
  TOKREC_ASSIGN_OR_RETURN(o.binary, s.boolean("binary", false));
  TOKREC_ASSIGN_OR_RETURN(o.min_df, s.df("min_df", o.min_df));
  TOKREC_ASSIGN_OR_RETURN(o.max_df, s.df("max_df", o.max_df));
  TOKREC_ASSIGN_OR_RETURN(o.max_features, s.count("max_features", 0));
  TOKREC_ASSIGN_OR_RETURN(o.k1, s.number("k1", o.k1));
  TOKREC_ASSIGN_OR_RETURN(o.b, s.number("b", o.b));
  TOKREC_ASSIGN_OR_RETURN(bool save_state, s.boolean("save_state", false));
  TOKREC_RETURN_IF_ERROR(s.check_unused());
  features::TfidfVectorizer vec(o);
  auto m = features::fit_transform_texts(texts, analyzer, vec, corpus_options(ctx, name, texts.size()));
  if (!m.is_ok()) return m.status();
  TOKREC_RETURN_IF_ERROR(write_sparse(ctx, name, *m, &vec.vocabulary(), entry));
  if (save_state) {
    std::string sf = name + ".state.json";
    TOKREC_RETURN_IF_ERROR(vec.save((ctx.out_dir / sf).string()));
    entry["state"] = sf;
  }
  opt["weighting"] = weighting;
  opt["norm"] = o.norm == features::Norm::kL2 ? "l2" : o.norm == features::Norm::kL1 ? "l1" : "none";
  opt["use_idf"] = o.use_idf;
  opt["smooth_idf"] = o.smooth_idf;
  opt["sublinear_tf"] = o.sublinear_tf;
  opt["binary"] = o.binary;
  opt["min_df"] = o.min_df.is_count ? json(static_cast<int64_t>(o.min_df.value)) : json(o.min_df.value);
  opt["max_df"] = o.max_df.is_count ? json(static_cast<int64_t>(o.max_df.value)) : json(o.max_df.value);
  opt["max_features"] = o.max_features;
  if (weighting == "bm25") {
    opt["k1"] = o.k1;
    opt["b"] = o.b;
  }
  return Status::ok();
}

Status run_hashing_block(Section& s, Context& ctx, const std::string& name, const std::vector<std::string>& texts,
                         json& entry) {
  json& opt = entry["options"];
  TOKREC_ASSIGN_OR_RETURN(features::Analyzer analyzer, make_analyzer(s, ctx, false, opt));
  features::HashingOptions ho;
  TOKREC_ASSIGN_OR_RETURN(ho.n_features, s.count("n_features", size_t{1} << 20));
  TOKREC_ASSIGN_OR_RETURN(ho.alternate_sign, s.boolean("alternate_sign", true));
  TOKREC_ASSIGN_OR_RETURN(ho.binary, s.boolean("binary", false));
  TOKREC_ASSIGN_OR_RETURN(ho.norm, parse_norm(s, "l2"));
  TOKREC_RETURN_IF_ERROR(s.check_unused());
  TOKREC_ASSIGN_OR_RETURN(features::HashingVectorizer hv, features::HashingVectorizer::create(ho));
  TOKREC_ASSIGN_OR_RETURN(features::SparseMatrix m,
                          features::hash_texts(texts, analyzer, hv, corpus_options(ctx, name, texts.size())));
  TOKREC_RETURN_IF_ERROR(write_sparse(ctx, name, m, nullptr, entry));
  opt["n_features"] = ho.n_features;
  opt["alternate_sign"] = ho.alternate_sign;
  opt["binary"] = ho.binary;
  opt["norm"] = ho.norm == features::Norm::kL2 ? "l2" : ho.norm == features::Norm::kL1 ? "l1" : "none";
  return Status::ok();
}

// jieba TF-IDF / TextRank keywords as a sparse bag: column = keyword (sorted),
// value = its keyword weight in the item.
Status run_keywords_block(Section& s, Context& ctx, const std::string& name, const std::vector<std::string>& texts,
                          json& entry) {
  json& opt = entry["options"];
  TOKREC_ASSIGN_OR_RETURN(std::string method, s.str("method", "tfidf"));
  if (method != "tfidf" && method != "textrank")
    return Status::invalid_argument(s.where() + ".method must be \"tfidf\" or \"textrank\"");
  TOKREC_ASSIGN_OR_RETURN(size_t top_k, s.count("top_k", 10));
  TOKREC_ASSIGN_OR_RETURN(std::vector<std::string> allow_pos, s.strings("allow_pos", {}));
  TOKREC_ASSIGN_OR_RETURN(std::string idf_path, s.str("idf", ""));
  TOKREC_RETURN_IF_ERROR(s.check_unused());
  TOKREC_RETURN_IF_ERROR(ctx.load_tagger());
  if (idf_path.empty())
    idf_path = io::file_exists(ctx.jieba_dir + "/idf.txt") ? ctx.jieba_dir + "/idf.txt" : ctx.jieba_dir + "/analyse/idf.txt";
  else
    idf_path = ctx.resolve(idf_path);
  TOKREC_ASSIGN_OR_RETURN(auto kx, segment::KeywordExtractor::load(ctx.tagger, idf_path));
  std::vector<std::vector<segment::Keyword>> rows(texts.size());
  std::vector<Status> errors(texts.size());
  parallel_for(ctx.threads ? ctx.threads : default_thread_count(), 0, texts.size(), [&](size_t i) {
    auto r = method == "tfidf" ? (allow_pos.empty() ? kx->tfidf(texts[i], top_k) : kx->tfidf(texts[i], top_k, allow_pos))
                               : (allow_pos.empty() ? kx->textrank(texts[i], top_k) : kx->textrank(texts[i], top_k, allow_pos));
    if (r.is_ok()) rows[i] = std::move(*r);
    else errors[i] = r.status().with_context("item " + std::to_string(i + 1));
  });
  for (const auto& e : errors) TOKREC_RETURN_IF_ERROR(e);
  std::set<std::string> words;
  for (const auto& r : rows)
    for (const auto& k : r) words.insert(k.word);
  std::vector<std::string> vocab(words.begin(), words.end());
  std::map<std::string_view, int32_t> column;
  for (size_t c = 0; c < vocab.size(); ++c) column[vocab[c]] = static_cast<int32_t>(c);
  features::SparseMatrix m;
  m.rows = texts.size();
  m.cols = vocab.size();
  m.indptr.push_back(0);
  std::vector<std::pair<int32_t, double>> cells;
  for (const auto& r : rows) {
    cells.clear();
    for (const auto& k : r) cells.emplace_back(column[k.word], k.weight);
    std::sort(cells.begin(), cells.end());
    for (const auto& [c, w] : cells) {
      m.indices.push_back(c);
      m.data.push_back(w);
    }
    m.indptr.push_back(static_cast<int64_t>(m.data.size()));
  }
  TOKREC_RETURN_IF_ERROR(write_sparse(ctx, name, m, &vocab, entry));
  opt["method"] = method;
  opt["top_k"] = top_k;
  opt["allow_pos"] = allow_pos;
  opt["idf"] = idf_path;
  return Status::ok();
}

// Pooled word vectors: one dense float32 row per item (.npy).
Status run_vectors_block(Section& s, Context& ctx, const std::string& name, const std::vector<std::string>& texts,
                         json& entry) {
  json& opt = entry["options"];
  TOKREC_ASSIGN_OR_RETURN(features::Analyzer analyzer, make_analyzer(s, ctx, false, opt));
  TOKREC_ASSIGN_OR_RETURN(std::string path, s.str("vectors", ""));
  if (path.empty()) return Status::invalid_argument(s.where() + ": a vectors block needs vectors = PATH");
  path = ctx.resolve(path);
  TOKREC_ASSIGN_OR_RETURN(std::string cache, s.str("cache", ""));
  TOKREC_ASSIGN_OR_RETURN(size_t max_words, s.count("max_words", 0));
  TOKREC_ASSIGN_OR_RETURN(std::string pooling, s.str("pooling", "mean"));
  if (pooling != "mean" && pooling != "max" && pooling != "tfidf" && pooling != "sif")
    return Status::invalid_argument(s.where() + ".pooling must be \"mean\", \"max\", \"tfidf\" or \"sif\"");
  TOKREC_ASSIGN_OR_RETURN(bool normalize, s.boolean("normalize", false));
  TOKREC_ASSIGN_OR_RETURN(double sif_a, s.number("sif_a", 1e-3));
  TOKREC_ASSIGN_OR_RETURN(std::string probabilities, s.str("word_counts", ""));
  TOKREC_RETURN_IF_ERROR(s.check_unused());

  // The table: fastText .bin (subword vectors for unknown words) or a text /
  // cached table (unknown words skipped).
  std::unique_ptr<features::WordVectors> table;
  std::unique_ptr<features::FastTextVectors> fasttext;
  features::VectorLookup lookup;
  size_t dim = 0;
  if (fs::path(path).extension() == ".bin") {
    TOKREC_ASSIGN_OR_RETURN(features::FastTextVectors ft, features::FastTextVectors::load(path));
    fasttext = std::make_unique<features::FastTextVectors>(std::move(ft));
    lookup = fasttext->lookup();
    dim = fasttext->dim();
  } else {
    features::WordVectorLoadOptions wo;
    wo.max_words = max_words;
    wo.cache_path = ctx.resolve(cache);
    TOKREC_ASSIGN_OR_RETURN(features::WordVectors wv, features::WordVectors::load(path, wo));
    table = std::make_unique<features::WordVectors>(std::move(wv));
    const features::WordVectors* t = table.get();
    lookup = [t](std::string_view w) { return t->find(w); };
    dim = table->dim();
  }

  const size_t n = texts.size();
  std::vector<features::Terms> terms(n);
  std::vector<Status> errors(n);
  const size_t threads = ctx.threads ? ctx.threads : default_thread_count();
  parallel_for(threads, 0, n, [&](size_t i) {
    Status st = analyzer.analyze(texts[i], terms[i]);
    if (!st.is_ok()) errors[i] = st.with_context("item " + std::to_string(i + 1));
  });
  for (const auto& e : errors) TOKREC_RETURN_IF_ERROR(e);

  std::vector<float> out(n * dim, 0.0f);
  std::vector<size_t> found(n, 0);
  if (pooling == "sif") {
    std::vector<std::vector<std::string>> docs(n);
    for (size_t i = 0; i < n; ++i) docs[i] = terms[i].to_vector();
    features::WordProbabilities p;
    if (probabilities.empty()) p = features::WordProbabilities::from_documents(docs);
    else {
      TOKREC_ASSIGN_OR_RETURN(p, features::WordProbabilities::load(ctx.resolve(probabilities)));
    }
    features::SifOptions so;
    so.a = sif_a;
    found = features::pool_sif(docs, lookup, dim, p, out, so);
    opt["sif_a"] = sif_a;
    opt["word_counts"] = probabilities.empty() ? "items" : ctx.resolve(probabilities);
  } else {
    // tfidf pooling: each occurrence of t weighs idf(t), so a term's total
    // weight is tf·idf (the row norm cancels in Σ wᵢ·f(tᵢ) / Σ wᵢ); idf is
    // fitted on the items themselves with scikit-learn's smooth idf.
    features::TfidfVectorizer idf;
    if (pooling == "tfidf") {
      features::TermStatistics stats;
      std::map<std::string, size_t> ids;
      stats.n_docs = n;
      std::vector<size_t> last;
      for (size_t i = 0; i < n; ++i)
        for (size_t t = 0; t < terms[i].size(); ++t) {
          auto [it, inserted] = ids.try_emplace(std::string(terms[i][t]), stats.terms.size());
          if (inserted) {
            stats.terms.push_back(it->first);
            stats.df.push_back(0);
            stats.total.push_back(0);
            last.push_back(SIZE_MAX);
          }
          if (last[it->second] != i) {
            last[it->second] = i;
            ++stats.df[it->second];
          }
          stats.total[it->second] += 1;
        }
      if (!stats.terms.empty()) TOKREC_RETURN_IF_ERROR(idf.fit_statistics(stats));
    }
    parallel_for(threads, 0, n, [&](size_t i) {
      std::span<float> row(out.data() + i * dim, dim);
      if (pooling == "mean") {
        found[i] = features::pool_mean_terms(terms[i], lookup, row);
      } else if (pooling == "max") {
        found[i] = features::pool_max_terms(terms[i], lookup, row);
      } else {
        std::vector<double> w(terms[i].size(), 0.0);
        if (idf.fitted())
          for (size_t t = 0; t < w.size(); ++t)
            if (auto c = idf.column(terms[i][t])) w[t] = idf.idf()[static_cast<size_t>(*c)];
        found[i] = features::pool_weighted_terms(terms[i], w, lookup, row);
      }
    });
  }
  if (normalize)
    for (size_t i = 0; i < n; ++i) features::l2_normalize(std::span<float>(out.data() + i * dim, dim));
  size_t empty = 0, total_found = 0;
  for (size_t f : found) {
    empty += f == 0;
    total_found += f;
  }
  std::string file = name + ".npy";
  TOKREC_RETURN_IF_ERROR(io::write_npy((ctx.out_dir / file).string(), out, n, dim));
  entry["file"] = file;
  entry["kind"] = "dense";
  entry["shape"] = {n, dim};
  entry["items_without_vector"] = empty;
  entry["tokens_found"] = total_found;
  opt["vectors"] = path;
  opt["pooling"] = pooling;
  opt["normalize"] = normalize;
  opt["unknown_words"] = fasttext ? "fastText subword vectors" : "skipped";
  return Status::ok();
}

Result<json> run_config(const FeaturesArgs& a) {
  toml::table root;
  try {
    root = toml::parse_file(a.config);
  } catch (const toml::parse_error& e) {
    return Status::parse_error(a.config + ": " + std::string(e.description()));
  }
  Context ctx;
  ctx.base = fs::absolute(fs::path(a.config)).parent_path();
  ctx.tty = isatty(fileno(stderr)) != 0;
  ctx.progress = a.progress || ctx.tty;
  for (const auto& [key, node] : root) {
    (void)node;
    std::string k(key.str());
    if (k != "input" && k != "output" && k != "feature" && k != "jieba_dir")
      return Status::invalid_argument(a.config + ": unknown section '" + k + "' (expected input, output, feature)");
  }
  if (auto j = root["jieba_dir"].value<std::string>()) ctx.jieba_dir = ctx.resolve(*j);

  const toml::table* input_t = root["input"].as_table();
  if (!input_t) return Status::invalid_argument(a.config + ": missing [input] section");
  Section input(*input_t, "[input]");
  InputSpec in;
  TOKREC_ASSIGN_OR_RETURN(in.path, input.str("path", ""));
  if (in.path.empty()) return Status::invalid_argument("[input].path is required");
  in.path = ctx.resolve(in.path);
  std::string ext = fs::path(in.path).extension().string();
  if (ext == ".gz") ext = fs::path(in.path).stem().extension().string();
  TOKREC_ASSIGN_OR_RETURN(in.format, input.str("format", ext == ".tsv" ? "tsv" : ext == ".jsonl" || ext == ".json" ? "jsonl" : "csv"));
  if (in.format != "csv" && in.format != "tsv" && in.format != "jsonl")
    return Status::invalid_argument("[input].format must be \"csv\", \"tsv\" or \"jsonl\"");
  TOKREC_ASSIGN_OR_RETURN(in.id, input.str("id", "id"));
  TOKREC_ASSIGN_OR_RETURN(in.text, input.strings("text", {"text"}));
  TOKREC_ASSIGN_OR_RETURN(in.joiner, input.str("joiner", " "));
  TOKREC_RETURN_IF_ERROR(input.check_unused());

  std::string out_dir = a.output;
  const toml::table* output_t = root["output"].as_table();
  if (output_t) {
    Section output(*output_t, "[output]");
    TOKREC_ASSIGN_OR_RETURN(std::string dir, output.str("dir", ""));
    TOKREC_ASSIGN_OR_RETURN(size_t threads, output.count("threads", 0));
    TOKREC_RETURN_IF_ERROR(output.check_unused());
    if (out_dir.empty()) out_dir = ctx.resolve(dir);
    ctx.threads = threads;
  }
  if (a.threads) ctx.threads = a.threads;
  if (out_dir.empty()) return Status::invalid_argument("no output folder: set [output].dir or pass --output");
  ctx.out_dir = out_dir;

  const toml::array* blocks = root["feature"].as_array();
  if (!blocks || blocks->empty()) return Status::invalid_argument(a.config + ": no [[feature]] blocks");
  // Validate names and collect the fields first, so a typo fails before any work.
  std::set<std::string> names, wanted(in.text.begin(), in.text.end());
  for (size_t b = 0; b < blocks->size(); ++b) {
    const toml::table* t = (*blocks)[b].as_table();
    if (!t) return Status::invalid_argument("feature " + std::to_string(b + 1) + " is not a table");
    auto name = (*t)["name"].value<std::string>();
    if (!name || name->empty() || name->find_first_of("/\\") != std::string::npos || (*name)[0] == '.')
      return Status::invalid_argument("feature " + std::to_string(b + 1) + ": name must be a plain file name");
    if (!names.insert(*name).second) return Status::invalid_argument("feature name '" + *name + "' is used twice");
    if (const toml::array* f = (*t)["fields"].as_array())
      for (const auto& e : *f)
        if (auto v = e.value<std::string>()) wanted.insert(*v);
    if (auto v = (*t)["fields"].value<std::string>()) wanted.insert(*v);
  }

  TOKREC_ASSIGN_OR_RETURN(Items items, read_items(in, wanted));
  std::error_code ec;
  fs::create_directories(ctx.out_dir, ec);
  if (ec) return Status::io_error("cannot create " + ctx.out_dir.string() + ": " + ec.message());
  TOKREC_RETURN_IF_ERROR(io::write_file((ctx.out_dir / "ids.txt").string(), lines_text(items.ids)));

  json manifest;
  manifest["format"] = "tokrec.features";
  manifest["version"] = 1;
  manifest["config"] = fs::absolute(a.config).lexically_normal().string();
  manifest["input"] = {{"path", in.path}, {"format", in.format}, {"id", in.id}, {"text", in.text}, {"rows", items.size()}};
  manifest["ids"] = "ids.txt";
  manifest["features"] = json::array();
  for (size_t b = 0; b < blocks->size(); ++b) {
    const toml::table& t = *(*blocks)[b].as_table();
    const std::string name = *t["name"].value<std::string>();
    Section s(t, "[[feature]] '" + name + "'");
    (void)s.str("name", "");
    TOKREC_ASSIGN_OR_RETURN(std::string type, s.str("type", ""));
    TOKREC_ASSIGN_OR_RETURN(std::vector<std::string> fields, s.strings("fields", in.text));
    std::vector<std::string> texts = item_texts(items, fields, in.joiner);
    json entry = {{"name", name}, {"type", type}, {"fields", fields}};
    const auto start = std::chrono::steady_clock::now();
    Status st;
    if (type == "tfidf" || type == "bm25" || type == "counts" || type == "pos")
      st = run_vectorizer_block(s, ctx, name, type, texts, entry);
    else if (type == "hashing")
      st = run_hashing_block(s, ctx, name, texts, entry);
    else if (type == "vectors")
      st = run_vectors_block(s, ctx, name, texts, entry);
    else if (type == "keywords")
      st = run_keywords_block(s, ctx, name, texts, entry);
    else
      st = Status::invalid_argument(s.where() + ": type must be tfidf, bm25, counts, hashing, vectors, pos or keywords");
    if (ctx.progress && ctx.tty) std::fputc('\n', stderr);
    if (!st.is_ok()) return st.with_context("feature '" + name + "'");
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    entry["seconds"] = seconds;
    std::fprintf(stderr, "tokrec features: [%zu/%zu] %s (%s) -> %s, %.2f s\n", b + 1, blocks->size(), name.c_str(),
                 type.c_str(), entry.value("file", std::string("?")).c_str(), seconds);
    manifest["features"].push_back(std::move(entry));
  }
  TOKREC_RETURN_IF_ERROR(io::write_file((ctx.out_dir / "manifest.json").string(), manifest.dump(2) + "\n"));
  return manifest;
}

int run_features(const FeaturesArgs& a) {
  if (!io::file_exists(a.config)) return report_error("features", Status::not_found("cannot open " + a.config));
  auto r = run_config(a);
  if (!r.is_ok()) return report_error("features", r.status());
  return 0;
}

}  // namespace

Action add_features(CLI::App& root) {
  auto a = std::make_shared<FeaturesArgs>();
  auto* cmd = root.add_subcommand(
      "features", "Run a declared feature set (TOML) over an item file: .npz/.npy per block, ids.txt, manifest.json");
  cmd->add_option("--config", a->config, "feature-set TOML (see configs/features-example.toml)")->required();
  cmd->add_option("--output", a->output, "output folder (overrides [output].dir)");
  cmd->add_option("--threads", a->threads, "compute threads (0 = [output].threads or all cores)");
  cmd->add_flag("--progress", a->progress, "report progress on stderr (default: when stderr is a terminal)");
  return [a] { return run_features(*a); };
}

}  // namespace tokrec::cli
