// tokrec similar: pairwise cosine similarity of the input lines.
//
//   tfidf   (default) tokens from a tokrec tokenizer, no special tokens ->
//           TfidfVectorizer with sklearn's defaults (smooth idf, l2) -> cosine.
//   vectors mean of the tokens' word vectors (--vectors) -> cosine. A WordPiece
//           continuation "##x" not in the table is looked up as "x".
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
#include <span>
#include <string>
#include <vector>

#include "commands.h"
#include "tokrec/core/utf8.h"
#include "tokrec/features/pooling.h"
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

Result<std::vector<double>> tfidf_similarity(const std::vector<std::vector<std::string>>& tokens) {
  features::TfidfVectorizer vec;  // sklearn TfidfVectorizer() defaults
  auto m = vec.fit_transform(tokens);
  if (!m.is_ok()) return m.status().with_context("TF-IDF");
  return features::cosine_matrix(*m);
}

Result<std::vector<double>> vector_similarity(const SimilarArgs& args,
                                              const std::vector<std::vector<std::string>>& tokens) {
  TOKREC_ASSIGN_OR_RETURN(features::WordVectors wv, features::WordVectors::load(args.vectors));
  const size_t dim = wv.dim();
  features::VectorLookup lookup = [&wv](std::string_view t) {
    const float* v = wv.find(t);
    if (v == nullptr && t.size() > 2 && t.substr(0, 2) == "##") v = wv.find(t.substr(2));
    return v;
  };
  std::vector<float> rows(tokens.size() * dim, 0.0f);
  for (size_t i = 0; i < tokens.size(); ++i)
    features::pool_mean(tokens[i], lookup, std::span<float>(rows.data() + i * dim, dim));
  return features::cosine_matrix(rows, tokens.size(), dim);
}

std::string format_matrix(const std::vector<double>& m, size_t n) {
  std::string out;
  char buf[32];
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      double v = m[i * n + j];
      if (std::fabs(v) < 5e-7) v = 0.0;  // no "-0.000000"
      std::snprintf(buf, sizeof buf, "%.6f", v);
      if (j > 0) out.push_back(' ');
      out += buf;
    }
    out.push_back('\n');
  }
  return out;
}

int run_similar(const SimilarArgs& args) {
  auto fail = [](const Status& s) { return report_error("similar", s); };
  if (args.features == "vectors" && args.vectors.empty())
    return fail(Status::invalid_argument("--features vectors needs --vectors PATH"));
  auto lines = read_input(args);
  if (!lines.is_ok()) return fail(lines.status());
  auto tokens = tokenize_lines(args, *lines);
  if (!tokens.is_ok()) return fail(tokens.status());
  auto sim = args.features == "vectors" ? vector_similarity(args, *tokens) : tfidf_similarity(*tokens);
  if (!sim.is_ok()) return fail(sim.status());
  std::string text = format_matrix(*sim, lines->size());
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
  cmd->add_option("--features", args->features, "tfidf: TF-IDF of the tokens; vectors: mean word vector")
      ->check(CLI::IsMember({"tfidf", "vectors"}))
      ->capture_default_str();
  cmd->add_option("--tokenizer", args->tokenizer,
                  "tokenizer: vocab.txt, tokenizer.json or a folder (default: data/cache/tokenizers/bert-base-chinese)");
  cmd->add_option("--vectors", args->vectors, "word vectors, GloVe or word2vec text (.gz ok); needed for --features vectors");
  cmd->add_option("--input", args->input, "input lines (default: stdin)");
  cmd->add_option("--output", args->output, "write the matrix here (default: stdout)");
  cmd->add_flag("--clean", args->clean, "strip HTML, decode entities and collapse whitespace first");
  return [args] { return run_similar(*args); };
}

}  // namespace tokrec::cli
