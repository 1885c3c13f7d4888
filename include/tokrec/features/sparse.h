// Compressed sparse row matrix, the layout scipy.sparse.csr_matrix uses:
// row r's entries are indices/data[indptr[r] .. indptr[r+1]), with column
// indices sorted ascending within a row (no duplicates).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tokrec::features {

struct SparseMatrix {
  size_t rows = 0, cols = 0;
  std::vector<int64_t> indptr;   // rows + 1 entries, indptr[0] == 0
  std::vector<int32_t> indices;  // column of each stored value
  std::vector<double> data;      // stored values
};

}  // namespace tokrec::features
