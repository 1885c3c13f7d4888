#include "tokrec/features/pooling.h"

#include <cstdio>
#include <cstdlib>

namespace tokrec::features {
namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "tokrec::features: %s\n", what);
    std::abort();
  }
}

// weights empty = all ones.
size_t pool(const std::vector<std::string>& tokens, std::span<const double> weights, const VectorLookup& lookup,
            std::span<float> out) {
  const size_t dim = out.size();
  std::vector<double> acc(dim, 0.0);
  double total = 0.0;
  size_t found = 0;
  for (size_t t = 0; t < tokens.size(); ++t) {
    const float* v = lookup(tokens[t]);
    if (v == nullptr) continue;
    ++found;
    double w = weights.empty() ? 1.0 : weights[t];
    total += w;
    if (w == 0.0) continue;
    for (size_t j = 0; j < dim; ++j) acc[j] += w * static_cast<double>(v[j]);
  }
  for (size_t j = 0; j < dim; ++j) out[j] = total == 0.0 ? 0.0f : static_cast<float>(acc[j] / total);
  return found;
}

VectorLookup table_lookup(const WordVectors& vectors, std::span<float> out) {
  check(out.size() == vectors.dim(), "pool: out.size() differs from the vectors' dimension");
  return [&vectors](std::string_view t) { return vectors.find(t); };
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

}  // namespace tokrec::features
