// Scoring models and exact top-K retrieval.
//
// Layout: a score block for B users is row-major [B, n_items]; component j of
// row b is the score of item j for users[b].
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::rec {

class Scorer {
 public:
  virtual ~Scorer() = default;
  virtual size_t num_items() const = 0;
  // Fill out[b * num_items() + j] for every users[b] and item j. Thread-safe.
  virtual void score(std::span<const int32_t> users, std::span<float> out) const = 0;
};

// Items with the most training positives score highest (the same for every user).
std::unique_ptr<Scorer> make_popularity(const std::vector<std::vector<int32_t>>& train, size_t num_items);

// Content-based over dense item features `item_features` [num_items, dim] (row
// major): a user's profile is the mean of the feature rows of their training
// items; an item scores cosine(profile, item). Zero rows score 0.
Result<std::unique_ptr<Scorer>> make_content_dense(const std::vector<std::vector<int32_t>>& train,
                                                   std::vector<float> item_features, size_t num_items, size_t dim);

// Content-based over sparse CSR item features (e.g. TF-IDF): same definition.
struct CsrView {
  size_t rows = 0, cols = 0;
  std::span<const int64_t> indptr;
  std::span<const int32_t> indices;
  std::span<const double> data;
};
Result<std::unique_ptr<Scorer>> make_content_sparse(const std::vector<std::vector<int32_t>>& train, const CsrView& items);

struct TopKOptions {
  size_t k = 10;
  size_t threads = 1;
  size_t block_users = 256;  // users scored per block (bounds memory: block * items floats per thread)
  // Rank only these items (ascending; e.g. the held-out items of a cold-start
  // protocol). Empty = the whole catalog.
  std::vector<int32_t> candidates;
};

// The K best items for each of `users`, never an item of that user's
// `exclude` list (sorted ascending). Ties go to the lower item index.
// result[i] belongs to users[i].
std::vector<std::vector<int32_t>> recommend_top_k(const Scorer& scorer, std::span<const int32_t> users,
                                                  const std::vector<std::vector<int32_t>>& exclude,
                                                  const TopKOptions& options = {});

// Top-K of one score row, skipping the sorted `excluded` items.
void top_k_row(std::span<const float> scores, size_t k, std::span<const int32_t> excluded, std::vector<int32_t>& out);
// The same over the ascending `candidates` only.
void top_k_row(std::span<const float> scores, size_t k, std::span<const int32_t> excluded,
               std::span<const int32_t> candidates, std::vector<int32_t>& out);

}  // namespace tokrec::rec
