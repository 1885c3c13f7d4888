// scikit-learn's HashingVectorizer over analyzed terms, column for column:
//   h = MurmurHash3_x86_32(utf8(term), seed 0) as a signed int32
//   column = |h| mod n_features  (h = -2^31: (2^31 - 1 - (n_features - 1)) mod n_features)
//   value  = +1, or -1 when alternate_sign and h < 0; duplicates summed
//   (explicit zeros from cancelling signs stay stored, as scipy keeps them)
//   -> binary (every stored value, zeros included, becomes 1) -> norm.
// Stateless: no fit needed. Thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/features/analyzer.h"
#include "tokrec/features/sparse.h"
#include "tokrec/features/tfidf.h"

namespace tokrec::features {

// sklearn.utils.murmurhash3_32(key, seed, positive=False).
int32_t murmurhash3_32(std::string_view key, uint32_t seed = 0);

struct HashingOptions {
  size_t n_features = size_t{1} << 20;
  bool alternate_sign = true;
  bool binary = false;
  Norm norm = Norm::kL2;
};

class HashingVectorizer {
 public:
  // Error when n_features is 0 or above 2^31 - 1.
  static Result<HashingVectorizer> create(HashingOptions options = {});

  // Column of one term and its sign (+1 / -1).
  void hash(std::string_view term, int32_t& column, double& sign) const;
  // Appends one row (sorted columns, summed duplicates, binary, norm) to m.
  void append_row(const Terms& terms, SparseMatrix& m) const;
  SparseMatrix transform(const std::vector<std::vector<std::string>>& docs) const;
  const HashingOptions& options() const { return options_; }

 private:
  explicit HashingVectorizer(HashingOptions o) : options_(o) {}
  HashingOptions options_;
};

}  // namespace tokrec::features
