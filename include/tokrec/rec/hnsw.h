// Approximate top-K by inner product with HNSW (Debian's header-only
// hnswlib, InnerProductSpace: distance = 1 − x·y). For dense models the user
// and item vectors come from FactorModel::{user,item}_search_vectors, whose
// inner product is the model's score (item bias folded in).
//
// Exclusion: the index is asked for k + |excluded| neighbours (with
// ef = max(ef_search, that)) and excluded items are dropped afterwards, so a
// user's training items never crowd out the K results.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/rec/factor_model.h"
#include "tokrec/rec/recommender.h"

namespace tokrec::rec {

struct HnswOptions {
  size_t m = 16;                 // links per node (hnswlib M)
  size_t ef_construction = 200;  // candidate list while building
  size_t ef_search = 200;        // candidate list while searching (recall vs speed)
  uint64_t seed = 100;           // level generator (hnswlib's default)
  size_t threads = 1;            // parallel insertion (order, hence the graph, then varies); 0 = all cores
};

class HnswIndex {
 public:
  ~HnswIndex();
  HnswIndex(const HnswIndex&) = delete;
  HnswIndex& operator=(const HnswIndex&) = delete;

  // vectors: [n, dim] row major; label of row r is r.
  static Result<std::unique_ptr<HnswIndex>> build(std::span<const float> vectors, size_t n, size_t dim,
                                                  const HnswOptions& options = {});
  size_t size() const { return n_; }
  size_t dim() const { return dim_; }

  // The k items with the largest inner product with `query` (dim floats),
  // best first (ties to the lower index), none from the sorted `excluded`.
  // Thread-safe.
  std::vector<int32_t> search(std::span<const float> query, size_t k, std::span<const int32_t> excluded = {}) const;

 private:
  HnswIndex() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  size_t n_ = 0, dim_ = 0, ef_search_ = 0;
};

// Index over a factor model's item search vectors.
Result<std::unique_ptr<HnswIndex>> build_hnsw(const FactorModel& model, const HnswOptions& options = {});

// recommend_top_k's contract (result[i] for users[i], never an excluded
// item) answered by the index: uses the model's user search vectors.
std::vector<std::vector<int32_t>> recommend_top_k_hnsw(const FactorModel& model, const HnswIndex& index,
                                                       std::span<const int32_t> users,
                                                       const std::vector<std::vector<int32_t>>& exclude,
                                                       const TopKOptions& options = {});

}  // namespace tokrec::rec
