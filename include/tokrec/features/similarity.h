// Cosine similarity for dense float rows and CSR rows. A zero vector has
// similarity 0 with everything, itself included (as sklearn's cosine_similarity).
#pragma once

#include <cstddef>
#include <span>
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

}  // namespace tokrec::features
