// ItemKNN: item-item cosine similarity on the binary user x item training
// matrix, with RecBole's shrinkage and neighbourhood semantics
// (recbole/model/general_recommender/itemknn.py):
//
//   sim(i, j) = |U(i) ∩ U(j)| / (sqrt|U(i)| · sqrt|U(j)| + shrink + 1e-6),  sim(i, i) = 0
//
// For every item i only its k most similar items j are kept (ties to the lower
// index; zero similarities dropped), and a user scores item i with
//   score(u, i) = Σ_{j ∈ train(u), j kept among i's neighbours} sim(i, j).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/rec/recommender.h"

namespace tokrec::rec {

struct ItemKnnOptions {
  size_t k = 100;       // neighbours kept per item (RecBole default 100)
  double shrink = 0.0;  // added to the cosine denominator (RecBole default 0)
  size_t threads = 1;   // 0 = all cores
};

class ItemKnnModel final : public Scorer {
 public:
  struct Neighbour {
    int32_t item;
    float similarity;
  };
  size_t num_items() const override { return num_items_; }
  // Users outside the training lists score 0 everywhere.
  void score(std::span<const int32_t> users, std::span<float> out) const override;
  // The kept neighbours of `item`, most similar first.
  std::span<const Neighbour> neighbours(int32_t item) const;
  // sim(item, other) when `other` is a kept neighbour of `item`, else 0.
  float similarity(int32_t item, int32_t other) const;

 private:
  friend Result<std::unique_ptr<ItemKnnModel>> fit_item_knn(const std::vector<std::vector<int32_t>>&, size_t,
                                                            const ItemKnnOptions&);
  size_t num_items_ = 0;
  std::vector<std::vector<int32_t>> train_;
  std::vector<std::vector<Neighbour>> neighbours_;  // per target item i
  // Per source item j: (target i, sim(i, j)) for every i keeping j; a user's
  // score row is the sum of the rows of its items.
  std::vector<std::vector<Neighbour>> spread_;
};

// `train[u]`: user u's training items, ascending.
Result<std::unique_ptr<ItemKnnModel>> fit_item_knn(const std::vector<std::vector<int32_t>>& train, size_t num_items,
                                                   const ItemKnnOptions& options = {});

}  // namespace tokrec::rec
