// Cosine similarity for dense float rows and CSR rows. A zero vector has
// similarity 0 with everything, itself included (as sklearn's cosine_similarity).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "tokrec/features/sparse.h"

namespace tokrec::features {

// Scale to unit L2 norm in place; a zero vector stays zero.
void l2_normalize(std::span<float> v);

// a and b must have the same length (a mismatch is a bug and aborts).
// Accumulates in double.
double cosine(std::span<const float> a, std::span<const float> b);

// Cosine of row ra of a and row rb of b (same number of columns).
double cosine(const SparseMatrix& a, size_t ra, const SparseMatrix& b, size_t rb);

// Pairwise cosine of the n rows of a row-major n × dim matrix; returns n × n
// row-major. Meant for small inputs (O(n² dim)).
std::vector<double> cosine_matrix(std::span<const float> rows, size_t n, size_t dim);
// Pairwise cosine of the rows of a CSR matrix; returns rows × rows row-major.
std::vector<double> cosine_matrix(const SparseMatrix& m);

// ---------------------------------------------------------------------------
// Top-k cosine neighbours of every row of a row-major n × dim matrix.
// Result[i] holds min(k, n - 1) pairs (j, cosine) with j != i, best first;
// equal scores are ordered by lower j. Scores are float dot products of the
// L2-normalised rows (a zero row scores 0 with everything).
//
// Above a size threshold the scores come from blocked cblas_sgemm (a block of
// query rows against all rows, like faiss's exhaustive search); below it from
// a direct loop. Both accumulate in float, so scores may differ in the last
// bits between paths; rows whose dot products are exact in float (e.g.
// integer-valued or dyadic unit vectors) give identical results.
struct TopkOptions {
  size_t threads = 0;  // 0 = all cores
  // Use BLAS when n * n * dim >= this; 0 = always BLAS, max() = never.
  size_t blas_threshold = size_t{1} << 22;
  size_t block_rows = 1024;  // query rows per sgemm call (memory: block_rows × n floats)
};

std::vector<std::vector<std::pair<int32_t, float>>> topk_neighbours(std::span<const float> rows, size_t n, size_t dim,
                                                                    size_t k, const TopkOptions& options);
std::vector<std::vector<std::pair<int32_t, float>>> topk_neighbours(std::span<const float> rows, size_t n, size_t dim,
                                                                    size_t k, size_t threads);

}  // namespace tokrec::features
