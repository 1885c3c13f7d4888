// Top-K ranking metrics (precision, recall, F1, NDCG, MAP, MRR, hit rate,
// catalog coverage) computed user by user, so evaluation never needs a
// users x items matrix. Definitions, conventions and their sources:
// docs/metrics.md.
//
// Conventions in one place (docs/metrics.md has the details):
//  - Evaluated users are the users with at least one test item (relevance > 0);
//    every average is over them. A user with test items but no recommendations
//    scores 0 on everything; users only in the recommendations are ignored
//    (they count only toward the default catalog).
//  - Position p is 1-based in the user's best-first list. A repeated item keeps
//    its slot but is a hit only at its first position.
//  - Truth relevance <= 0 (and NaN) is dropped; gains are the relevance values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::eval {

// user -> item -> relevance (> 0). Items are strings compared byte for byte.
using Truth = std::unordered_map<std::string, std::unordered_map<std::string, double>>;
// user -> recommended items, best first.
using Recommendations = std::unordered_map<std::string, std::vector<std::string>>;

struct MetricOptions {
  // Cut-offs; each must be >= 1. Duplicates are reported once.
  std::vector<int> ks{10};
  // Denominator of coverage@K; 0 = distinct items in truth (relevance > 0)
  // union all recommended items (every user, every position).
  size_t catalog_size = 0;
  // evaluate() only: threads splitting the users (0 = all cores). The per-user
  // values are the same; sums over more than one thread may differ in the last
  // bits, so 1 (the default) is the reproducible choice.
  size_t threads = 1;
};

// The metric names, in report order: "precision", "recall", "f1", "ndcg",
// "map", "mrr", "hit_rate", "coverage". Keys are "<name>@<K>".
const std::vector<std::string>& metric_names();

// InvalidArgument when ks is empty or holds a K < 1.
Status validate(const MetricOptions& options);

// Keys "precision@K", "recall@K", "f1@K", "ndcg@K", "map@K", "mrr@K",
// "hit_rate@K", "coverage@K" for each K (unrounded doubles), and "users"
// (count of evaluated users). InvalidArgument when the options are invalid or
// no user has a test item with relevance > 0.
Result<std::map<std::string, double>> evaluate(const Recommendations& recs, const Truth& truth,
                                               const MetricOptions& options = {});

// Per-user accumulation for streaming evaluation: call add() once per user
// with test items (or add_missing_user() when it has no recommendations), then
// result(). Not thread-safe; use one accumulator per thread and merge().
//
// Items may be strings or int64 ids; one accumulator should see one kind
// (the string item "7" and the id 7 are different items for coverage).
class MetricAccumulator {
 public:
  // Invalid Ks (< 1) are skipped; check validate(options) first to report them.
  explicit MetricAccumulator(MetricOptions options);

  // One evaluated user. `user` is not needed by the metrics (kept for the
  // signature others code against). Entries of truth_items with relevance <= 0
  // are ignored; a user left with no test item is not counted at all, but its
  // items still count toward the default catalog.
  void add(std::string_view user, const std::vector<std::string>& ranked_items,
           const std::unordered_map<std::string, double>& truth_items);
  // Same with integer item ids (faster: no string hashing).
  void add(std::string_view user, std::span<const int64_t> ranked_items,
           const std::unordered_map<int64_t, double>& truth_items);

  // A user with test items but no recommendations: counts in every average
  // with 0. To also count its test items toward the default catalog, call
  // add() with an empty list instead (same scores).
  void add_missing_user();

  // Items that belong to the default catalog without being evaluated
  // (e.g. recommendations of users that have no test items).
  void add_catalog_items(const std::vector<std::string>& items);
  void add_catalog_items(std::span<const int64_t> items);

  // Fold another accumulator (same options) into this one.
  void merge(const MetricAccumulator& other);

  size_t users() const { return users_; }

  // The keys of evaluate(); all 0 when no user was evaluated.
  std::map<std::string, double> result() const;

 private:
  struct Sums {
    double precision = 0, recall = 0, f1 = 0, ndcg = 0, map = 0, mrr = 0, hit_rate = 0;
  };
  // gains[p] = relevance of the item at position p+1 when it is a first hit,
  // else 0; ideal = the user's relevances sorted best first.
  void add_judged(const std::vector<double>& gains, std::vector<double>& ideal);
  // Shared body of the two add() overloads (defined in metrics.cc).
  template <typename Map, typename Item, typename TruthMap>
  void add_items(Map& best, const Item* ranked, size_t len, const TruthMap& truth);

  std::vector<int> ks_;  // sorted, unique, >= 1
  int max_k_ = 0;
  size_t catalog_size_ = 0;
  size_t users_ = 0;
  std::vector<Sums> sums_;  // one per K
  // Best (smallest) position at which each item appeared in an evaluated
  // user's top max_k (coverage@K = #items with position <= K), or kNotInTop for
  // items that are only part of the default catalog. One map serves both so
  // each recommended item is hashed once; with a given catalog_size only top
  // items are stored.
  static constexpr int kNotInTop = 1 << 30;
  std::unordered_map<std::string, int> best_position_;
  std::unordered_map<int64_t, int> best_position_id_;
  // Scratch buffers reused across add() calls.
  std::vector<double> gains_;
  std::vector<double> ideal_;
};

}  // namespace tokrec::eval
