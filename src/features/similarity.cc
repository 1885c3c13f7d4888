#include "tokrec/features/similarity.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tokrec::features {
namespace {

// Shape mismatches are caller bugs, not user input: stop loudly.
void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "tokrec::features: %s\n", what);
    std::abort();
  }
}

double dot(const float* a, const float* b, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) s += static_cast<double>(a[i]) * static_cast<double>(b[i]);
  return s;
}

double sparse_dot(const SparseMatrix& a, size_t ra, const SparseMatrix& b, size_t rb) {
  auto i = static_cast<size_t>(a.indptr[ra]), ie = static_cast<size_t>(a.indptr[ra + 1]);
  auto j = static_cast<size_t>(b.indptr[rb]), je = static_cast<size_t>(b.indptr[rb + 1]);
  double s = 0.0;
  while (i < ie && j < je) {
    if (a.indices[i] < b.indices[j]) ++i;
    else if (a.indices[i] > b.indices[j]) ++j;
    else s += a.data[i++] * b.data[j++];
  }
  return s;
}

double sparse_norm(const SparseMatrix& m, size_t r) {
  double s = 0.0;
  for (auto k = static_cast<size_t>(m.indptr[r]); k < static_cast<size_t>(m.indptr[r + 1]); ++k) s += m.data[k] * m.data[k];
  return std::sqrt(s);
}

double ratio(double d, double na, double nb) { return (na == 0.0 || nb == 0.0) ? 0.0 : d / (na * nb); }

}  // namespace

void l2_normalize(std::span<float> v) {
  double n = std::sqrt(dot(v.data(), v.data(), v.size()));
  if (n == 0.0) return;
  for (float& x : v) x = static_cast<float>(static_cast<double>(x) / n);
}

double cosine(std::span<const float> a, std::span<const float> b) {
  check(a.size() == b.size(), "cosine: vectors of different lengths");
  return ratio(dot(a.data(), b.data(), a.size()), std::sqrt(dot(a.data(), a.data(), a.size())),
               std::sqrt(dot(b.data(), b.data(), b.size())));
}

double cosine(const SparseMatrix& a, size_t ra, const SparseMatrix& b, size_t rb) {
  check(ra < a.rows && rb < b.rows, "cosine: row out of range");
  check(a.cols == b.cols, "cosine: sparse matrices with different column counts");
  return ratio(sparse_dot(a, ra, b, rb), sparse_norm(a, ra), sparse_norm(b, rb));
}

std::vector<double> cosine_matrix(std::span<const float> rows, size_t n, size_t dim) {
  check(rows.size() == n * dim, "cosine_matrix: rows.size() != n * dim");
  std::vector<double> norms(n);
  for (size_t i = 0; i < n; ++i) norms[i] = std::sqrt(dot(&rows[i * dim], &rows[i * dim], dim));
  std::vector<double> out(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i; j < n; ++j)
      out[i * n + j] = out[j * n + i] = ratio(dot(&rows[i * dim], &rows[j * dim], dim), norms[i], norms[j]);
  return out;
}

std::vector<double> cosine_matrix(const SparseMatrix& m) {
  size_t n = m.rows;
  std::vector<double> norms(n);
  for (size_t i = 0; i < n; ++i) norms[i] = sparse_norm(m, i);
  std::vector<double> out(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = i; j < n; ++j) out[i * n + j] = out[j * n + i] = ratio(sparse_dot(m, i, m, j), norms[i], norms[j]);
  return out;
}

}  // namespace tokrec::features
