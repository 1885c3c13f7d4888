// Hybrid factorization with LightFM semantics (Kula, 2015): an item's
// embedding (and bias) is the weighted sum of the embeddings (and biases) of
// its features — its identity and any side features (LLM token ids, words,
// tags, genres) — and a user's likewise (identity only by default):
//
//   q_i = Σ_f x_if e_f,  b_i = Σ_f x_if β_f,   p_u = Σ_g y_ug e_g,  b_u = Σ_g y_ug β_g
//   score(u, i) = p_u · q_i + b_i + b_u
//
// Feature rows (identity included, weight `identity_weight`) are normalized
// per `normalize` (LightFM's Dataset default: l1, rows summing to 1).
// Training follows lightfm/_lightfm_fast.pyx: per (user, positive item) pair
// in shuffled order, "warp" samples uniform negatives until one violates the
// margin (s_j > s_i − 1, skipping the user's positives) within max_sampled
// draws and takes a hinge step weighted by log(max(1, floor((n − 1) / draws)))
// (clipped at 10, LightFM's MAX_LOSS); "warp-kos" does the same from the k-th
// best of n drawn positives of the user (LightFM's k-OS WARP, but one step per
// training pair rather than per user, so an epoch has as many steps as with
// "warp"); "bpr" draws one negative that is not a
// positive and uses the gradient of log σ(s_i − s_j) (1 − σ; LightFM passes σ,
// a known quirk we do not copy). Adagrad per parameter (accumulators start at
// 1) or adadelta (rho, epsilon), L2 `alpha` on every step, Hogwild threads
// (lock-free updates, as LightFM's OpenMP loop). Unlike LightFM, item identity
// and side features may have their own L2 (`identity_alpha`) and adagrad base
// rate (`side_learning_rate`).
//
// Cold start: the catalog's feature matrix is given at fit time while only
// the training interactions train. Items without a training interaction get
// no identity feature (their identity embedding would be untrained noise) and
// are drawn as negatives only with negatives = "all", so their embedding
// comes from their features alone; `embed_items`/`score_new_items` do the same for items that were not
// in the catalog at all, without retraining.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/rec/factor_model.h"
#include "tokrec/rec/recommender.h"

namespace tokrec::rec {

struct HybridOptions {
  size_t dim = 64;                // no_components
  // "warp", "warp-kos" or "bpr". "warp-kos" (LightFM's k-OS WARP, Weston et
  // al. 2013): the positive of each step is the kos_k-th best scoring of
  // kos_n positives drawn (with replacement) from the user's items, so the
  // update works on the user's weaker positives rather than on one at random.
  std::string loss = "warp";
  size_t kos_k = 5, kos_n = 10;   // LightFM's defaults
  double learning_rate = 0.05;    // adagrad base rate (LightFM 0.05)
  std::string learning_schedule = "adagrad";  // "adagrad" or "adadelta" (LightFM's two)
  double rho = 0.95, epsilon = 1e-6;          // adadelta only (LightFM's defaults)
  // Defaults differ from LightFM's where tuning on the ml-latest-small
  // validation split said so (docs/models.md): a little L2 and more WARP draws.
  double item_alpha = 1e-5;       // L2 on item feature parameters, per step (LightFM 0)
  double user_alpha = 1e-5;       // L2 on user feature parameters, per step (LightFM 0)
  // Item identity vs side features: an identity column is trained by one
  // item's interactions, a token column by every item that has the token, so
  // the two may want different regularization and step sizes. Negative =
  // the same as the side features (item_alpha, learning_rate).
  double identity_alpha = -1;     // L2 on item identity parameters, per step
  double side_learning_rate = -1; // adagrad base rate of item side features (adadelta has none)
  size_t max_sampled = 50;        // WARP draws per positive (LightFM 10): more = sharper top ranks
  size_t epochs = 20;
  bool item_identity = true;      // one identity feature per item with training interactions
  bool user_identity = true;      // one identity feature per user
  double identity_weight = 1.0;   // identity value before normalization
  std::string normalize = "l1";   // "l1", "l2" or "none", per feature row (identity included)
  // Items drawn as negatives: "warm" = items with a training interaction;
  // "all" = every item with a non-empty feature row, as LightFM draws from the
  // whole catalog, so items nobody interacted with are pushed down too (their
  // scores otherwise come from shared token parameters that only rise).
  std::string negatives = "warm";
  uint64_t seed = 2020;
  size_t threads = 1;             // Hogwild workers; 1 = deterministic; 0 = all cores
};

class HybridModel final : public Scorer {
 public:
  size_t num_items() const override { return factors_.num_items(); }
  void score(std::span<const int32_t> users, std::span<float> out) const override { factors_.score(users, out); }
  // The catalog's user/item representations (for exact or HNSW retrieval).
  const FactorModel& factors() const { return factors_; }

  // Representations of new items from side features alone ([rows, dim]
  // embeddings and [rows] biases). `features` has the columns of the fit's
  // item feature matrix; rows are normalized as at fit time.
  Status embed_items(const CsrView& features, std::vector<float>& embeddings, std::vector<float>& biases) const;
  // Scores of users (catalog indices) for new items: out is [B, features.rows].
  Status score_new_items(std::span<const int32_t> users, const CsrView& features, std::span<float> out) const;

 private:
  friend Result<std::unique_ptr<HybridModel>> fit_hybrid(const std::vector<std::vector<int32_t>>&, size_t,
                                                         const CsrView*, const CsrView*, const HybridOptions&,
                                                         const std::function<bool(size_t, const HybridModel&)>&);
  HybridOptions options_;
  size_t side_item_columns_ = 0, item_identity_columns_ = 0;
  std::vector<float> item_emb_, item_bias_;  // [identity + side columns, dim], [.. ]
  FactorModel factors_;
};

// Called after every epoch (1-based) with the model as it stands; return false
// to stop training (early stopping on a validation split).
using HybridEpochCallback = std::function<bool(size_t epoch, const HybridModel& current)>;

// `train[u]`: user u's training items, ascending. `item_features`: a CSR
// [num_items, F] of side features for the whole catalog (nullptr: identity
// only, i.e. plain MF with biases). `user_features`: [train.size(), G] or nullptr.
// Feature values must be finite and >= 0.
Result<std::unique_ptr<HybridModel>> fit_hybrid(const std::vector<std::vector<int32_t>>& train, size_t num_items,
                                                const CsrView* item_features, const CsrView* user_features = nullptr,
                                                const HybridOptions& options = {}, const HybridEpochCallback& on_epoch = {});

}  // namespace tokrec::rec
