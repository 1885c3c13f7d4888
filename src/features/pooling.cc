#include "tokrec/features/pooling.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace tokrec::features {
namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "tokrec::features: %s\n", what);
    std::abort();
  }
}

// Σ wᵢ·f(tᵢ) / Σ wᵢ over the tokens found; weights empty = all ones. The
// accumulator is per thread so that pooling a catalog allocates nothing per text.
template <typename Tokens, typename Lookup>
size_t pool(const Tokens& tokens, std::span<const double> weights, const Lookup& lookup, std::span<float> out) {
  const size_t dim = out.size();
  thread_local std::vector<double> acc;
  acc.assign(dim, 0.0);
  double* a = acc.data();
  double total = 0.0;
  size_t found = 0;
  for (size_t t = 0; t < tokens.size(); ++t) {
    const float* v = lookup(std::string_view(tokens[t]));
    if (v == nullptr) continue;
    ++found;
    double w = weights.empty() ? 1.0 : weights[t];
    total += w;
    if (w == 0.0) continue;
    for (size_t j = 0; j < dim; ++j) a[j] += w * static_cast<double>(v[j]);
  }
  for (size_t j = 0; j < dim; ++j) out[j] = total == 0.0 ? 0.0f : static_cast<float>(a[j] / total);
  return found;
}

template <typename Tokens, typename Lookup>
size_t pool_maximum(const Tokens& tokens, const Lookup& lookup, std::span<float> out) {
  std::fill(out.begin(), out.end(), -std::numeric_limits<float>::infinity());
  size_t found = 0;
  for (size_t t = 0; t < tokens.size(); ++t) {
    const float* v = lookup(std::string_view(tokens[t]));
    if (v == nullptr) continue;
    ++found;
    for (size_t j = 0; j < out.size(); ++j) out[j] = std::max(out[j], v[j]);
  }
  if (found == 0) std::fill(out.begin(), out.end(), 0.0f);
  return found;
}

struct TableLookup {
  const WordVectors& vectors;
  const float* operator()(std::string_view t) const { return vectors.find(t); }
};

TableLookup table_lookup(const WordVectors& vectors, std::span<float> out) {
  check(out.size() == vectors.dim(), "pool: out.size() differs from the vectors' dimension");
  return TableLookup{vectors};
}

}  // namespace

size_t pool_mean(const WordVectors& vectors, const std::vector<std::string>& tokens, std::span<float> out) {
  return pool(tokens, {}, table_lookup(vectors, out), out);
}

size_t pool_weighted(const WordVectors& vectors, const std::vector<std::string>& tokens,
                     std::span<const double> weights, std::span<float> out) {
  check(weights.size() == tokens.size(), "pool_weighted: weights.size() != tokens.size()");
  return pool(tokens, weights, table_lookup(vectors, out), out);
}

size_t pool_mean(const std::vector<std::string>& tokens, const VectorLookup& lookup, std::span<float> out) {
  return pool(tokens, {}, lookup, out);
}

size_t pool_weighted(const std::vector<std::string>& tokens, std::span<const double> weights,
                     const VectorLookup& lookup, std::span<float> out) {
  check(weights.size() == tokens.size(), "pool_weighted: weights.size() != tokens.size()");
  return pool(tokens, weights, lookup, out);
}

size_t pool_mean_terms(const WordVectors& vectors, const Terms& terms, std::span<float> out) {
  return pool(terms, {}, table_lookup(vectors, out), out);
}

size_t pool_weighted_terms(const WordVectors& vectors, const Terms& terms, std::span<const double> weights,
                     std::span<float> out) {
  check(weights.size() == terms.size(), "pool_weighted: weights.size() != terms.size()");
  return pool(terms, weights, table_lookup(vectors, out), out);
}

size_t pool_mean_terms(const Terms& terms, const VectorLookup& lookup, std::span<float> out) {
  return pool(terms, {}, lookup, out);
}

size_t pool_weighted_terms(const Terms& terms, std::span<const double> weights, const VectorLookup& lookup,
                     std::span<float> out) {
  check(weights.size() == terms.size(), "pool_weighted: weights.size() != terms.size()");
  return pool(terms, weights, lookup, out);
}

size_t pool_max(const WordVectors& vectors, const std::vector<std::string>& tokens, std::span<float> out) {
  return pool_maximum(tokens, table_lookup(vectors, out), out);
}

size_t pool_max_terms(const Terms& terms, const VectorLookup& lookup, std::span<float> out) {
  return pool_maximum(terms, lookup, out);
}

}  // namespace tokrec::features
