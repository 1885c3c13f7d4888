// tokrec similar: pairwise cosine similarity of the input lines.
//
//   tfidf   (default) tokens from a tokrec tokenizer, no special tokens ->
//           TfidfVectorizer with sklearn's defaults (smooth idf, l2) -> cosine.
//   bm25    the same tokens -> BM25 weights (k1 1.2, b 0.75), rows l2-normalized -> cosine.
//   vectors mean of the tokens' word vectors (--vectors) -> cosine. A WordPiece
//           continuation "##x" not in the table is looked up as "x". A fastText
//           .bin gives subword vectors to unknown tokens.
//   vectors-tfidf  the idf-weighted mean (each occurrence weighs idf(t)).
//   vectors-max    the component-wise maximum.
//
// --topk K prints, instead of the matrix, one line per input line:
//   i<TAB>j:score j:score ...     (0-based line numbers, best first, %.6f,
// the line itself excluded, ties by lower j). Scores come from
// features::topk_neighbours (float; blocked sgemm above a size threshold).
// For tfidf the rows are densified, so n × vocabulary must stay below 2^28.
//
// Without --tokenizer the bert-base-chinese tokenizer of the data cache is
// used, searched in this order: $TOKREC_CACHE_DATA/tokenizers/bert-base-chinese,
// ./data/cache/..., then data/cache/... next to the tokrec binary's folder and
// its parent, then in the source tree this binary was built from.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "commands.h"
#include "tokrec/core/utf8.h"
#include "tokrec/features/fasttext.h"
#include "tokrec/features/pooling.h"
#include "tokrec/features/similarity.h"
#include "tokrec/features/tfidf.h"
#include "tokrec/features/word_vectors.h"
#include "tokrec/io/file.h"
#include "tokrec/text/clean.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::cli {
namespace {

namespace fs = std::filesystem;

struct SimilarArgs {
  std::string features = "tfidf";
  std::string tokenizer;
  std::string vectors;
  std::string input = "-";
  std::string output;
  bool clean = false;
  size_t topk = 0;  // 0 = full matrix
  size_t threads = 0;
};

// The rows whose cosines are wanted: dense n × dim, row-major.
struct DenseRows {
  std::vector<float> data;
  size_t n = 0, dim = 0;
};

constexpr const char* kDefaultTokenizer = "tokenizers/bert-base-chinese";

Result<std::string> default_tokenizer() {
  std::vector<fs::path> roots;
  if (const char* env = std::getenv("TOKREC_CACHE_DATA"); env && *env) roots.emplace_back(env);
  roots.emplace_back(fs::path("data") / "cache");
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    roots.push_back(exe.parent_path() / "data" / "cache");
    roots.push_back(exe.parent_path().parent_path() / "data" / "cache");
  }
  // tools/cli/cmd_similar.cc -> the source root (CMake compiles with absolute paths).
  fs::path source = fs::path(__FILE__).parent_path().parent_path().parent_path();
  if (source.is_absolute()) roots.push_back(source / "data" / "cache");
  std::string tried;
  for (const auto& root : roots) {
    fs::path p = root / kDefaultTokenizer;
    if (fs::is_directory(p, ec)) return p.string();
    tried += (tried.empty() ? "" : ", ") + p.string();
  }
  return Status::not_found("no --tokenizer given and the default bert-base-chinese tokenizer was not found (tried " +
                           tried + "); run scripts/fetch-data.sh or pass --tokenizer");
}

Result<std::vector<std::string>> read_input(const SimilarArgs& args) {
  TOKREC_ASSIGN_OR_RETURN(std::vector<std::string> lines, io::read_lines(args.input));
  const std::string name = args.input == "-" ? "<stdin>" : args.input;
  if (lines.empty()) return Status::invalid_argument(name + ": no input lines");
  for (size_t i = 0; i < lines.size(); ++i) {
    size_t bad = utf8::first_invalid_offset(lines[i]);
    if (bad != lines[i].size())
      return Status::invalid_argument(name + " line " + std::to_string(i + 1) + ": invalid UTF-8 at byte " +
                                      std::to_string(bad));
    if (args.clean) lines[i] = text::clean_text(lines[i]);
  }
  return lines;
}

Result<std::vector<std::vector<std::string>>> tokenize_lines(const SimilarArgs& args,
                                                             const std::vector<std::string>& lines) {
  std::string path = args.tokenizer;
  if (path.empty()) {
    TOKREC_ASSIGN_OR_RETURN(path, default_tokenizer());
  }
  TOKREC_ASSIGN_OR_RETURN(auto tokenizer, tokenize::Tokenizer::load(path));
  tokenize::EncodeOptions enc;
  enc.add_special_tokens = false;  // [CLS]/[SEP] would be a term of every line
  std::vector<std::vector<std::string>> tokens;
  tokens.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    auto e = tokenizer->encode(lines[i], enc);
    if (!e.is_ok()) return e.status().with_context("line " + std::to_string(i + 1));
    tokens.push_back(std::move(e->tokens));
  }
  return tokens;
}

Result<features::SparseMatrix> tfidf_rows(const SimilarArgs& args, const std::vector<std::vector<std::string>>& tokens) {
  features::TfidfOptions o;  // sklearn TfidfVectorizer() defaults
  if (args.features == "bm25") o.weighting = features::Weighting::kBm25;  // l2-normalized BM25 rows
  features::TfidfVectorizer vec(o);
  auto m = vec.fit_transform(tokens);
  if (!m.is_ok()) return m.status().with_context("TF-IDF");
  return std::move(m).value();
}

Result<std::vector<double>> tfidf_similarity(const SimilarArgs& args, const std::vector<std::vector<std::string>>& tokens) {
  TOKREC_ASSIGN_OR_RETURN(features::SparseMatrix m, tfidf_rows(args, tokens));
  return features::cosine_matrix(m);
}

Result<DenseRows> tfidf_dense(const SimilarArgs& args, const std::vector<std::vector<std::string>>& tokens) {
  TOKREC_ASSIGN_OR_RETURN(features::SparseMatrix m, tfidf_rows(args, tokens));
  constexpr size_t kMaxCells = size_t{1} << 28;
  if (m.cols != 0 && m.rows > kMaxCells / m.cols)
    return Status::invalid_argument("--topk with tfidf: " + std::to_string(m.rows) + " lines x " +
                                    std::to_string(m.cols) + " terms is too large to densify; use --features vectors");
  DenseRows d;
  d.n = m.rows;
  d.dim = m.cols;
  d.data.assign(d.n * d.dim, 0.0f);
  for (size_t r = 0; r < m.rows; ++r)
    for (auto k = static_cast<size_t>(m.indptr[r]); k < static_cast<size_t>(m.indptr[r + 1]); ++k)
      d.data[r * d.dim + static_cast<size_t>(m.indices[k])] = static_cast<float>(m.data[k]);
  return d;
}

Result<DenseRows> vector_rows(const SimilarArgs& args, const std::vector<std::vector<std::string>>& tokens) {
  // A fastText .bin gives subword vectors for unknown tokens; other tables skip them.
  std::unique_ptr<features::WordVectors> table;
  features::VectorLookup base;
  size_t dim = 0;
  if (fs::path(args.vectors).extension() == ".bin") {
    TOKREC_ASSIGN_OR_RETURN(features::FastTextVectors ft, features::FastTextVectors::load(args.vectors));
    base = ft.lookup();
    dim = ft.dim();
  } else {
    TOKREC_ASSIGN_OR_RETURN(features::WordVectors wv, features::WordVectors::load(args.vectors));
    table = std::make_unique<features::WordVectors>(std::move(wv));
    const features::WordVectors* t = table.get();
    base = [t](std::string_view w) { return t->find(w); };
    dim = table->dim();
  }
  features::VectorLookup lookup = [&base](std::string_view t) {
    const float* v = base(t);
    if (v == nullptr && t.size() > 2 && t.substr(0, 2) == "##") v = base(t.substr(2));
    return v;
  };
  // vectors-tfidf: each occurrence weighs idf(t) (smooth idf over the input lines).
  features::TfidfVectorizer idf;
  if (args.features == "vectors-tfidf") {
    auto fitted = idf.fit(tokens);
    if (!fitted.is_ok()) return fitted.with_context("TF-IDF");
  }
  DenseRows d;
  d.n = tokens.size();
  d.dim = dim;
  d.data.assign(d.n * dim, 0.0f);
  std::vector<double> w;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::span<float> row(d.data.data() + i * dim, dim);
    if (args.features == "vectors-max") {
      features::Terms terms;
      for (const auto& t : tokens[i]) terms.push(t);
      features::pool_max_terms(terms, lookup, row);
    } else if (args.features == "vectors-tfidf") {
      w.assign(tokens[i].size(), 0.0);
      for (size_t t = 0; t < w.size(); ++t)
        if (auto c = idf.column(tokens[i][t])) w[t] = idf.idf()[static_cast<size_t>(*c)];
      features::pool_weighted(tokens[i], w, lookup, row);
    } else {
      features::pool_mean(tokens[i], lookup, row);
    }
  }
  return d;
}

Result<std::vector<double>> vector_similarity(const SimilarArgs& args,
                                              const std::vector<std::vector<std::string>>& tokens) {
  TOKREC_ASSIGN_OR_RETURN(DenseRows d, vector_rows(args, tokens));
  return features::cosine_matrix(d.data, d.n, d.dim);
}

bool is_vectors(const SimilarArgs& args) { return args.features.rfind("vectors", 0) == 0; }

std::string format_score(double v) {
  if (std::fabs(v) < 5e-7) v = 0.0;  // no "-0.000000"
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

Result<std::string> topk_text(const SimilarArgs& args, const std::vector<std::vector<std::string>>& tokens) {
  auto rows = is_vectors(args) ? vector_rows(args, tokens) : tfidf_dense(args, tokens);
  if (!rows.is_ok()) return rows.status();
  auto nn = features::topk_neighbours(rows->data, rows->n, rows->dim, args.topk, args.threads);
  std::string out;
  for (size_t i = 0; i < nn.size(); ++i) {
    out += std::to_string(i);
    out.push_back('\t');
    for (size_t r = 0; r < nn[i].size(); ++r) {
      if (r > 0) out.push_back(' ');
      out += std::to_string(nn[i][r].first) + ":" + format_score(nn[i][r].second);
    }
    out.push_back('\n');
  }
  return out;
}

std::string format_matrix(const std::vector<double>& m, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      if (j > 0) out.push_back(' ');
      out += format_score(m[i * n + j]);
    }
    out.push_back('\n');
  }
  return out;
}

int run_similar(const SimilarArgs& args) {
  auto fail = [](const Status& s) { return report_error("similar", s); };
  if (is_vectors(args) && args.vectors.empty())
    return fail(Status::invalid_argument("--features " + args.features + " needs --vectors PATH"));
  auto lines = read_input(args);
  if (!lines.is_ok()) return fail(lines.status());
  auto tokens = tokenize_lines(args, *lines);
  if (!tokens.is_ok()) return fail(tokens.status());
  std::string text;
  if (args.topk > 0) {
    auto t = topk_text(args, *tokens);
    if (!t.is_ok()) return fail(t.status());
    text = std::move(t).value();
  } else {
    auto sim = is_vectors(args) ? vector_similarity(args, *tokens) : tfidf_similarity(args, *tokens);
    if (!sim.is_ok()) return fail(sim.status());
    text = format_matrix(*sim, lines->size());
  }
  if (args.output.empty() || args.output == "-") {
    std::cout << text << std::flush;
    if (!std::cout) return fail(Status::io_error("cannot write to stdout"));
  } else {
    Status st = io::write_file(args.output, text);
    if (!st.is_ok()) return fail(st);
  }
  return 0;
}

}  // namespace

Action add_similar(CLI::App& root) {
  auto args = std::make_shared<SimilarArgs>();
  auto* cmd = root.add_subcommand(
      "similar", "Pairwise cosine similarity of the input lines (one row per line, %.6f values)");
  cmd->add_option("--features", args->features,
                  "tfidf: TF-IDF of the tokens; bm25: BM25 weights (l2 rows); vectors: mean word vector; "
                  "vectors-tfidf: idf-weighted mean; vectors-max: max pooling")
      ->check(CLI::IsMember({"tfidf", "bm25", "vectors", "vectors-tfidf", "vectors-max"}))
      ->capture_default_str();
  cmd->add_option("--tokenizer", args->tokenizer,
                  "tokenizer: vocab.txt, tokenizer.json or a folder (default: data/cache/tokenizers/bert-base-chinese)");
  cmd->add_option("--vectors", args->vectors,
                  "word vectors: GloVe / word2vec / fastText .vec text (.gz ok), binary cache, or a fastText .bin "
                  "(subword vectors for unknown tokens); needed for --features vectors*");
  cmd->add_option("--input", args->input, "input lines (default: stdin)");
  cmd->add_option("--output", args->output, "write the matrix here (default: stdout)");
  cmd->add_flag("--clean", args->clean, "strip HTML, decode entities and collapse whitespace first");
  cmd->add_option("--topk", args->topk,
                  "print the K nearest other lines per line instead of the matrix: i<TAB>j:score j:score ...")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  cmd->add_option("--threads", args->threads, "threads for --topk (0 = all cores)")->capture_default_str();
  return [args] { return run_similar(*args); };
}

}  // namespace tokrec::cli
