// SIF pooling: weighted average with a/(a + p(w)) weights, then removal of the
// first (uncentered) principal component. The component is the top
// eigenvector of EᵀE (dim × dim, double), found by power iteration: EᵀE is
// symmetric positive semi-definite, so the iteration converges to the top
// eigenvector without sign flips, and a dim × dim product per step is cheap
// next to pooling.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tokrec/features/pooling.h"
#include "tokrec/io/file.h"

namespace tokrec::features {
namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "tokrec::features: %s\n", what);
    std::abort();
  }
}

// Top eigenvector of the symmetric PSD matrix c (dim × dim); empty when c is zero.
std::vector<double> top_eigenvector(const std::vector<double>& c, size_t dim) {
  std::vector<double> v(dim), next(dim);
  // A start vector with distinct components is almost surely not orthogonal
  // to the top eigenvector; deterministic so results repeat.
  for (size_t j = 0; j < dim; ++j) v[j] = 1.0 + 0.01 * static_cast<double>(j);
  constexpr int kMaxIterations = 20000;
  for (int it = 0; it < kMaxIterations; ++it) {
    double norm = 0.0;
    for (size_t r = 0; r < dim; ++r) {
      double s = 0.0;
      for (size_t j = 0; j < dim; ++j) s += c[r * dim + j] * v[j];
      next[r] = s;
      norm += s * s;
    }
    norm = std::sqrt(norm);
    if (norm == 0.0) return {};
    double change = 0.0;
    for (size_t j = 0; j < dim; ++j) {
      next[j] /= norm;
      change += (next[j] - v[j]) * (next[j] - v[j]);
    }
    v.swap(next);
    if (change < 1e-26) break;
  }
  return v;
}

}  // namespace

WordProbabilities WordProbabilities::from_counts(const std::vector<std::pair<std::string, double>>& counts) {
  WordProbabilities p;
  for (const auto& [w, c] : counts) {
    p.counts_[w] += c;
    p.total_ += c;
  }
  return p;
}

WordProbabilities WordProbabilities::from_documents(const std::vector<std::vector<std::string>>& docs) {
  WordProbabilities p;
  for (const auto& d : docs)
    for (const auto& t : d) {
      p.counts_[t] += 1.0;
      p.total_ += 1.0;
    }
  return p;
}

Result<WordProbabilities> WordProbabilities::load(const std::string& path) {
  TOKREC_ASSIGN_OR_RETURN(std::unique_ptr<io::LineReader> reader, io::LineReader::open(path));
  std::vector<std::pair<std::string, double>> counts;
  std::string line;
  while (reader->next(line)) {
    std::vector<std::string_view> fields;
    for (std::string_view f : io::split(line, ' '))
      for (std::string_view g : io::split(f, '\t'))
        if (!g.empty()) fields.push_back(g);
    if (fields.empty()) continue;
    auto where = [&] { return path + " line " + std::to_string(reader->line_number()) + ": "; };
    if (fields.size() != 2) return Status::parse_error(where() + "expected 'word count'");
    double c = 0.0;
    auto [ptr, ec] = std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), c);
    if (ec != std::errc() || ptr != fields[1].data() + fields[1].size() || !(c >= 0.0) || std::isinf(c))
      return Status::parse_error(where() + "count '" + std::string(fields[1]) + "' is not a non-negative number");
    counts.emplace_back(std::string(fields[0]), c);
  }
  TOKREC_RETURN_IF_ERROR(reader->status());
  return from_counts(counts);
}

double WordProbabilities::probability(std::string_view word) const {
  if (total_ <= 0.0) return 0.0;
  auto it = counts_.find(std::string(word));
  return it == counts_.end() ? 0.0 : it->second / total_;
}

std::vector<size_t> pool_sif(const std::vector<std::vector<std::string>>& docs, const VectorLookup& lookup,
                             size_t dim, const WordProbabilities& probabilities, std::span<float> out,
                             const SifOptions& options) {
  check(out.size() == docs.size() * dim, "pool_sif: out.size() != docs.size() * dim");
  const size_t n = docs.size();
  std::vector<double> e(n * dim, 0.0);
  std::vector<size_t> found(n, 0);
  for (size_t i = 0; i < n; ++i) {
    double* row = &e[i * dim];
    for (const auto& t : docs[i]) {
      const float* v = lookup(t);
      if (v == nullptr) continue;
      ++found[i];
      double w = options.a / (options.a + probabilities.probability(t));
      for (size_t j = 0; j < dim; ++j) row[j] += w * static_cast<double>(v[j]);
    }
    if (found[i] > 0)
      for (size_t j = 0; j < dim; ++j) row[j] /= static_cast<double>(found[i]);
  }
  if (options.remove_first_component && n > 0) {
    std::vector<double> c(dim * dim, 0.0);  // EᵀE
    for (size_t i = 0; i < n; ++i) {
      const double* row = &e[i * dim];
      for (size_t r = 0; r < dim; ++r) {
        if (row[r] == 0.0) continue;
        for (size_t j = 0; j < dim; ++j) c[r * dim + j] += row[r] * row[j];
      }
    }
    std::vector<double> u = top_eigenvector(c, dim);
    if (!u.empty())
      for (size_t i = 0; i < n; ++i) {
        double* row = &e[i * dim];
        double proj = 0.0;
        for (size_t j = 0; j < dim; ++j) proj += row[j] * u[j];
        for (size_t j = 0; j < dim; ++j) row[j] -= proj * u[j];
      }
  }
  for (size_t k = 0; k < n * dim; ++k) out[k] = static_cast<float>(e[k]);
  return found;
}

std::vector<size_t> pool_sif(const WordVectors& vectors, const std::vector<std::vector<std::string>>& docs,
                             const WordProbabilities& probabilities, std::span<float> out, const SifOptions& options) {
  VectorLookup lookup = [&vectors](std::string_view t) { return vectors.find(t); };
  return pool_sif(docs, lookup, vectors.dim(), probabilities, out, options);
}

}  // namespace tokrec::features
