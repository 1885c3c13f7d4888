// EASE (Steck, WWW 2019), closed form as in RecBole's ease.py:
//   G = XᵀX + λI,  P = G⁻¹,  B = I − P·diag(1/diag(P))  (so B_jj = 0),
//   score(u, ·) = X_u · B.
// X is the binary user x item training matrix. G is factorized only over the
// items that have at least one training interaction (Cholesky + inverse from
// OpenBLAS's LAPACK, float32): an item without any has a zero column in X, so
// its rows and columns of B are 0 in the full solution too, and it scores 0
// for every user — exactly what the unrestricted closed form gives.
//
// Memory: the dense B holds m² floats for m items with interactions
// (m = 10,000 -> 400 MB); fitting needs one more m² buffer.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/rec/recommender.h"

namespace tokrec::rec {

struct EaseOptions {
  double lambda = 250.0;  // L2 weight λ (RecBole's reg_weight default 250)
  size_t threads = 1;     // Gram matrix and scoring; 0 = all cores (LAPACK uses OpenBLAS's own threads)
};

class EaseModel final : public Scorer {
 public:
  size_t num_items() const override { return num_items_; }
  // Users outside the training lists score 0 everywhere.
  void score(std::span<const int32_t> users, std::span<float> out) const override;
  // B[from, to] in catalog indices (0 when either item had no interactions).
  float weight(int32_t from, int32_t to) const;

 private:
  friend Result<std::unique_ptr<EaseModel>> fit_ease(const std::vector<std::vector<int32_t>>&, size_t,
                                                     const EaseOptions&);
  size_t num_items_ = 0, m_ = 0;
  std::vector<std::vector<int32_t>> train_;
  std::vector<int32_t> dense_of_item_;  // catalog index -> row of B, -1 when absent
  std::vector<int32_t> item_of_dense_;  // row of B -> catalog index
  std::vector<float> b_;                // [m, m] row major
};

Result<std::unique_ptr<EaseModel>> fit_ease(const std::vector<std::vector<int32_t>>& train, size_t num_items,
                                            const EaseOptions& options = {});

}  // namespace tokrec::rec
