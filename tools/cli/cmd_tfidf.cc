// tokrec tfidf: a corpus (one document per line) -> TF-IDF / BM25 / counts /
// hashed features as scipy CSR .npz plus the vocabulary, with
// scikit-learn's TfidfVectorizer() semantics by default (see
// include/tokrec/features/{analyzer,tfidf,hashing,corpus}.h and docs/features.md).
//
//   OUT.npz        scipy.sparse.save_npz layout (load_npz reads it)
//   OUT.vocab.txt  one term per line, line i = column i (not for --hashing)
//   OUT.npy        dense float32 [rows, cols] with --dense
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "line_io.h"
#include "tokrec/features/analyzer.h"
#include "tokrec/features/corpus.h"
#include "tokrec/features/hashing.h"
#include "tokrec/features/tfidf.h"
#include "tokrec/io/file.h"
#include "tokrec/io/npy.h"
#include "tokrec/tokenize/tokenizer.h"

#include "tokrec/segment/pos_tagger.h"
#include "tokrec/segment/segmenter.h"

namespace tokrec::cli {
namespace {

struct TfidfArgs {
  std::string input;
  std::string output;
  std::string analyzer = "word";
  std::string tokenizer;
  std::string jieba_dir;
  bool token_ids = false;
  std::string pre_segment;
  std::string ngram_range = "1,1";
  std::string min_df = "1";
  std::string max_df = "1.0";
  size_t max_features = 0;
  bool sublinear_tf = false;
  std::string norm = "l2";
  bool no_smooth_idf = false;
  bool no_idf = false;
  bool binary = false;
  std::string lowercase = "auto";
  std::string stop_words;
  std::string weighting = "tfidf";
  double k1 = 1.2, b = 0.75;
  size_t hashing = 0;
  bool no_alternate_sign = false;
  bool dense = false;
  bool compress = false;
  bool two_pass = false;
  std::string save_state, load_state;
  size_t threads = 0;
  bool progress = false;
};

// sklearn: an int is a document count, a float a proportion ("1.0" = 100%).
Result<features::DfBound> parse_df(const std::string& name, const std::string& s) {
  bool is_float = s.find_first_of(".eE") != std::string::npos;
  try {
    size_t used = 0;
    double v = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument(s);
    return features::DfBound{!is_float, v};
  } catch (const std::exception&) {
    return Status::invalid_argument(name + " '" + s + "' is not a number");
  }
}

Result<std::pair<size_t, size_t>> parse_range(const std::string& s) {
  auto comma = s.find(',');
  auto bad = Status::invalid_argument("--ngram-range '" + s + "' must be A,B with 1 <= A <= B");
  if (comma == std::string::npos) return bad;
  try {
    size_t u1 = 0, u2 = 0;
    long a = std::stol(s.substr(0, comma), &u1), b = std::stol(s.substr(comma + 1), &u2);
    if (u1 != comma || u2 != s.size() - comma - 1 || a < 1 || b < a) return bad;
    return std::make_pair(static_cast<size_t>(a), static_cast<size_t>(b));
  } catch (const std::exception&) {
    return bad;
  }
}

Result<std::shared_ptr<const segment::Segmenter>> load_jieba(const TfidfArgs& a, std::string& dir) {
  dir = a.jieba_dir.empty() ? segment::default_jieba_dir() : a.jieba_dir;
  if (dir.empty()) return Status::not_found("jieba data not found: give --jieba-dir or run scripts/fetch-data.sh");
  return segment::Segmenter::load(segment::SegmenterOptions::from_dir(dir));
}

// jieba.lcut(doc) (accurate mode, HMM) as an analyzer callback.
features::Segmenter jieba_words_of(std::shared_ptr<const segment::Segmenter> seg) {
  return [seg](std::string_view text, std::vector<std::string>& out) -> Status {
    TOKREC_ASSIGN_OR_RETURN(out, seg->cut(text, segment::Mode::kAccurate, true));
    return Status::ok();
  };
}

Result<features::Analyzer> make_analyzer(const TfidfArgs& a) {
  const bool pos = a.analyzer == "pos";
  TOKREC_ASSIGN_OR_RETURN(features::AnalyzerKind kind, features::parse_analyzer_kind(pos ? "jieba" : a.analyzer));
  features::AnalyzerOptions o;
  o.kind = kind;
  // sklearn lowercases for its own analyzers; jieba words and LLM tokens are
  // taken as the segmenter / tokenizer gives them.
  bool sklearn_kind = kind == features::AnalyzerKind::kWord || kind == features::AnalyzerKind::kChar ||
                      kind == features::AnalyzerKind::kCharWb;
  o.lowercase = a.lowercase == "auto" ? sklearn_kind : a.lowercase == "true";
  TOKREC_ASSIGN_OR_RETURN(auto range, parse_range(a.ngram_range));
  o.ngram_min = range.first;
  o.ngram_max = range.second;
  if (a.stop_words == "english") {
    o.stop_words = features::english_stop_words();
  } else if (!a.stop_words.empty()) {
    TOKREC_ASSIGN_OR_RETURN(o.stop_words, io::read_lines(a.stop_words));
  }
  if (!o.stop_words.empty() && (kind == features::AnalyzerKind::kChar || kind == features::AnalyzerKind::kCharWb))
    return Status::invalid_argument("--stop-words applies to word-level analyzers only (as in scikit-learn)");
  if (!a.pre_segment.empty() && kind != features::AnalyzerKind::kTokenizer)
    return Status::invalid_argument("--pre-segment applies to --analyzer tokenizer only");
  if (kind == features::AnalyzerKind::kTokenizer) {
    if (a.tokenizer.empty()) return Status::invalid_argument("--analyzer tokenizer needs --tokenizer PATH");
    TOKREC_ASSIGN_OR_RETURN(o.tokenizer, tokenize::Tokenizer::load(a.tokenizer));
    o.token_ids = a.token_ids;
    if (a.pre_segment == "jieba") {
      std::string dir;
      TOKREC_ASSIGN_OR_RETURN(auto seg, load_jieba(a, dir));
      o.segmenter = jieba_words_of(seg);
    }
  }
  if (kind == features::AnalyzerKind::kSegmenter) {
    std::string dir;
    TOKREC_ASSIGN_OR_RETURN(auto seg, load_jieba(a, dir));
    if (pos) {
      // A bag of POS tags (jieba.posseg, HMM on): one term per word, its tag.
      TOKREC_ASSIGN_OR_RETURN(std::shared_ptr<const segment::PosTagger> tagger, segment::PosTagger::load(seg, dir + "/posseg"));
      o.segmenter = [tagger](std::string_view text, std::vector<std::string>& out) -> Status {
        TOKREC_ASSIGN_OR_RETURN(auto tagged, tagger->cut(text, true));
        for (auto& t : tagged)
          if (!segment::is_blank(t.word)) out.push_back(t.tag);
        return Status::ok();
      };
    } else {
      o.segmenter = jieba_words_of(seg);
    }
  }
  return features::Analyzer::create(std::move(o));
}

Result<features::TfidfOptions> make_options(const TfidfArgs& a) {
  features::TfidfOptions o;
  o.sublinear_tf = a.sublinear_tf;
  o.smooth_idf = !a.no_smooth_idf;
  o.use_idf = !a.no_idf;
  o.binary = a.binary;
  o.norm = a.norm == "l2" ? features::Norm::kL2 : a.norm == "l1" ? features::Norm::kL1 : features::Norm::kNone;
  TOKREC_ASSIGN_OR_RETURN(o.min_df, parse_df("--min-df", a.min_df));
  TOKREC_ASSIGN_OR_RETURN(o.max_df, parse_df("--max-df", a.max_df));
  o.max_features = a.max_features;
  if (a.weighting == "bm25") {
    o.weighting = features::Weighting::kBm25;
    o.k1 = a.k1;
    o.b = a.b;
  } else if (a.weighting == "counts") {  // CountVectorizer: raw counts, no norm
    o.use_idf = false;
    o.norm = features::Norm::kNone;
  }
  return o;
}

Status write_outputs(const TfidfArgs& a, const features::SparseMatrix& m, const std::vector<std::string>* vocab) {
  io::NpzOptions npz;
  npz.compress = a.compress;
  TOKREC_RETURN_IF_ERROR(io::write_csr_npz(a.output + ".npz", m, npz));
  if (vocab) TOKREC_RETURN_IF_ERROR(io::write_file(a.output + ".vocab.txt", lines_text(*vocab)));
  if (a.dense) {
    if (m.rows != 0 && m.cols > (size_t{1} << 34) / m.rows)
      return Status::invalid_argument("--dense: a " + std::to_string(m.rows) + " x " + std::to_string(m.cols) +
                                      " matrix is too large to write densely");
    std::vector<float> dense(m.rows * m.cols, 0.0f);
    for (size_t r = 0; r < m.rows; ++r)
      for (auto k = static_cast<size_t>(m.indptr[r]); k < static_cast<size_t>(m.indptr[r + 1]); ++k)
        dense[r * m.cols + static_cast<size_t>(m.indices[k])] = static_cast<float>(m.data[k]);
    TOKREC_RETURN_IF_ERROR(io::write_npy(a.output + ".npy", dense, m.rows, m.cols));
  }
  return Status::ok();
}

int run_tfidf(const TfidfArgs& a) {
  auto fail = [](const Status& s) { return report_error("tfidf", s); };
  if (a.input != "-" && !io::file_exists(a.input)) return fail(Status::not_found("cannot open " + a.input));
  auto analyzer = make_analyzer(a);
  if (!analyzer.is_ok()) return fail(analyzer.status());
  features::CorpusOptions co;
  co.threads = a.threads;
  co.keep_rows = !a.two_pass;
  const bool tty = isatty(fileno(stderr)) != 0;
  if (a.progress || tty) {
    co.progress = [tty](const char* stage, size_t lines) {
      std::fprintf(stderr, tty ? "\rtokrec tfidf: %s: %zu lines" : "tokrec tfidf: %s: %zu lines\n", stage, lines);
      std::fflush(stderr);
    };
  }
  auto end_progress = [&] {
    if (co.progress && tty) std::fputc('\n', stderr);
  };

  if (a.hashing > 0) {
    features::HashingOptions ho;
    ho.n_features = a.hashing;
    ho.alternate_sign = !a.no_alternate_sign;
    ho.binary = a.binary;
    ho.norm = a.norm == "l2" ? features::Norm::kL2 : a.norm == "l1" ? features::Norm::kL1 : features::Norm::kNone;
    auto hv = features::HashingVectorizer::create(ho);
    if (!hv.is_ok()) return fail(hv.status());
    auto m = features::hash_file(a.input, *analyzer, *hv, co);
    end_progress();
    if (!m.is_ok()) return fail(m.status());
    Status st = write_outputs(a, *m, nullptr);
    return st.is_ok() ? 0 : fail(st);
  }

  Result<features::SparseMatrix> m = Status::internal("unset");
  std::unique_ptr<features::TfidfVectorizer> vec;
  if (!a.load_state.empty()) {
    auto loaded = features::TfidfVectorizer::load(a.load_state);
    if (!loaded.is_ok()) return fail(loaded.status());
    vec = std::make_unique<features::TfidfVectorizer>(std::move(*loaded));
    m = features::transform_file(a.input, *analyzer, *vec, co);
  } else {
    auto opts = make_options(a);
    if (!opts.is_ok()) return fail(opts.status());
    vec = std::make_unique<features::TfidfVectorizer>(*opts);
    m = features::fit_transform_file(a.input, *analyzer, *vec, co);
  }
  end_progress();
  if (!m.is_ok()) return fail(m.status());
  Status st = write_outputs(a, *m, &vec->vocabulary());
  if (st.is_ok() && !a.save_state.empty()) st = vec->save(a.save_state);
  return st.is_ok() ? 0 : fail(st);
}

}  // namespace

Action add_tfidf(CLI::App& root) {
  auto a = std::make_shared<TfidfArgs>();
  auto* cmd = root.add_subcommand(
      "tfidf", "TF-IDF / BM25 / hashed features of a corpus (one document per line) as scipy .npz + vocabulary");
  cmd->add_option("--input", a->input, "documents, one per line (.gz ok, - = stdin)")->required();
  cmd->add_option("--output", a->output, "output prefix: writes OUT.npz and OUT.vocab.txt")->required();
  cmd->add_option("--analyzer", a->analyzer,
                  "word | char | char_wb | jieba | tokenizer | whitespace | pos (bag of jieba POS tags)")
      ->check(CLI::IsMember({"word", "char", "char_wb", "jieba", "tokenizer", "whitespace", "pos"}))
      ->capture_default_str();
  cmd->add_option("--tokenizer", a->tokenizer, "tokenizer for --analyzer tokenizer (vocab.txt, tokenizer.json, folder)");
  cmd->add_option("--jieba-dir", a->jieba_dir, "jieba data folder for --analyzer jieba (default: data cache)");
  cmd->add_flag("--token-ids", a->token_ids, "--analyzer tokenizer: terms are token ids instead of pieces");
  cmd->add_option("--pre-segment", a->pre_segment,
                  "--analyzer tokenizer: segment into words first (jieba) and tokenize each word on its own")
      ->check(CLI::IsMember({"jieba"}));
  cmd->add_option("--ngram-range", a->ngram_range, "A,B: n-grams from A to B")->capture_default_str();
  cmd->add_option("--min-df", a->min_df, "ignore terms in fewer documents (integer = count, fraction = proportion)")
      ->capture_default_str();
  cmd->add_option("--max-df", a->max_df, "ignore terms in more documents (integer = count, fraction = proportion)")
      ->capture_default_str();
  cmd->add_option("--max-features", a->max_features, "keep the N most frequent terms (0 = all)");
  cmd->add_flag("--sublinear-tf", a->sublinear_tf, "tf = 1 + ln(tf)");
  cmd->add_option("--norm", a->norm, "row normalization")
      ->check(CLI::IsMember({"l2", "l1", "none"}))
      ->capture_default_str();
  cmd->add_flag("--no-smooth-idf", a->no_smooth_idf, "idf = ln(n/df) + 1 instead of ln((1+n)/(1+df)) + 1");
  cmd->add_flag("--no-idf", a->no_idf, "use_idf=False: tf only");
  cmd->add_flag("--binary", a->binary, "counts become 1");
  cmd->add_option("--lowercase", a->lowercase, "auto (sklearn analyzers: yes; jieba/tokenizer/whitespace: no) | true | false")
      ->check(CLI::IsMember({"auto", "true", "false"}))
      ->capture_default_str();
  cmd->add_option("--stop-words", a->stop_words, "english (scikit-learn's list) or a file with one word per line");
  cmd->add_option("--weighting", a->weighting, "tfidf | bm25 | counts")
      ->check(CLI::IsMember({"tfidf", "bm25", "counts"}))
      ->capture_default_str();
  cmd->add_option("--k1", a->k1, "BM25 k1")->capture_default_str();
  cmd->add_option("--b", a->b, "BM25 b")->capture_default_str();
  cmd->add_option("--hashing", a->hashing, "HashingVectorizer with N columns instead of a vocabulary");
  cmd->add_flag("--no-alternate-sign", a->no_alternate_sign, "--hashing: all values positive");
  cmd->add_flag("--dense", a->dense, "also write OUT.npy, dense float32");
  cmd->add_flag("--compress", a->compress, "deflate the .npz entries (as save_npz's default)");
  cmd->add_flag("--two-pass", a->two_pass, "re-read the input for the transform pass (least memory)");
  cmd->add_option("--save-state", a->save_state, "write the fitted vectorizer (JSON) here");
  cmd->add_option("--load-state", a->load_state, "transform with a saved vectorizer instead of fitting");
  cmd->add_option("--threads", a->threads, "compute threads (0 = all cores)");
  cmd->add_flag("--progress", a->progress, "report progress on stderr (default: when stderr is a terminal)");
  return [a] { return run_tfidf(*a); };
}

}  // namespace tokrec::cli
