// A dense latent-factor scorer shared by BPR-MF and the hybrid model:
// score(u, i) = users[u] · items[i] + item_bias[i] (+ user_bias[u]).
//
// Layout: users is [num_users, dim] and items [num_items, dim], row major
// (component j of user u is users[u * dim + j]). Biases may be empty (= 0).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/rec/recommender.h"

namespace tokrec::rec {

class FactorModel : public Scorer {
 public:
  FactorModel() = default;
  FactorModel(std::vector<float> users, std::vector<float> items, size_t dim, std::vector<float> user_bias = {},
              std::vector<float> item_bias = {});

  size_t num_items() const override { return num_items_; }
  size_t num_users() const { return num_users_; }
  size_t dim() const { return dim_; }
  std::span<const float> user_factors() const { return users_; }
  std::span<const float> item_factors() const { return items_; }
  std::span<const float> user_bias() const { return user_bias_; }  // empty when the model has none
  std::span<const float> item_bias() const { return item_bias_; }  // empty when the model has none

  // One SGEMM per call. Users outside [0, num_users()) score 0 everywhere.
  void score(std::span<const int32_t> users, std::span<float> out) const override;

  // Vectors whose inner product is the score (for inner-product ANN search):
  // users get [u, 1] and items [i, b_i] when there is an item bias, else the
  // plain factors. The user bias is left out: it does not change a ranking.
  std::vector<float> user_search_vectors() const;
  std::vector<float> item_search_vectors() const;
  size_t search_dim() const { return dim_ + (item_bias_.empty() ? 0 : 1); }

 private:
  std::vector<float> users_, items_, user_bias_, item_bias_;
  size_t dim_ = 0, num_users_ = 0, num_items_ = 0;
};

// An ensemble of factor models (e.g. one model per seed) as one factor model
// whose score is the members' mean score: the user and item factors are
// concatenated ([p_1 … p_N] / N and [q_1 … q_N], dimension Σ d_k) and the
// biases averaged, so exact and HNSW retrieval work on it unchanged. Every
// member must have the same num_users() and num_items(); a member without
// biases counts as bias 0.
Result<FactorModel> average_factor_models(std::span<const FactorModel* const> members);

}  // namespace tokrec::rec
