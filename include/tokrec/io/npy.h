// NumPy .npy and scipy.sparse .npz writers.
//
// .npy: format version 1.0 (2.0 when the header would not fit), little-endian,
// C order; the header dict is padded so the data starts at a multiple of 64
// bytes, as numpy writes it. np.load reads the files back directly.
//
// .npz (write_csr_npz): the layout of scipy.sparse.save_npz for a CSR matrix:
// a ZIP holding indices.npy, indptr.npy, format.npy (b'csr', dtype |S3),
// shape.npy (int64 [rows, cols]) and data.npy (float64), in that order.
// indices/indptr are int32 when nnz and cols fit (scipy's get_index_dtype),
// else int64. Entries are stored or deflated (zlib), ZIP64 when past 4 GiB, so
// scipy.sparse.load_npz(path) returns the matrix. Stored entries are written
// straight from the matrix (writev, no copy) while a second thread computes
// their CRC-32s (past 1 MiB), which are patched into the local headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/features/sparse.h"

namespace tokrec::io {

// Serialized .npy bytes of a float32 / float64 / int32 / int64 array of the
// given shape (product of shape == values.size(); a mismatch is a bug and aborts).
std::string npy_bytes(std::span<const float> values, const std::vector<size_t>& shape);
std::string npy_bytes(std::span<const double> values, const std::vector<size_t>& shape);
std::string npy_bytes(std::span<const int32_t> values, const std::vector<size_t>& shape);
std::string npy_bytes(std::span<const int64_t> values, const std::vector<size_t>& shape);

// Dense float32 row-major [rows, cols] to a .npy file.
Status write_npy(const std::string& path, std::span<const float> values, size_t rows, size_t cols);

// Reads a float32 / float64 .npy (C order, little-endian) as float32, for tests
// and tools. shape receives the dimensions.
Result<std::vector<float>> read_npy_f32(const std::string& path, std::vector<size_t>& shape);

struct NpzOptions {
  bool compress = false;  // deflate (scipy's default) or store (faster)
};

Status write_csr_npz(const std::string& path, const features::SparseMatrix& m, const NpzOptions& options = {});

}  // namespace tokrec::io
