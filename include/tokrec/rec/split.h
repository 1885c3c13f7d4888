// Implicit-feedback train/valid/test split, per user, at random with a seed.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/rec/dataset.h"

namespace tokrec::rec {

struct SplitOptions {
  double positive_threshold = 3.5;  // rating >= threshold is a positive
  size_t min_positives = 5;         // users with fewer positives are dropped
  std::array<double, 3> ratios{0.8, 0.1, 0.1};  // train, valid, test
  uint64_t seed = 2024;
};

// Item lists per user index (size = number of users in the dataset; dropped
// users have three empty lists). Items within a list are sorted ascending.
struct Split {
  std::vector<std::vector<int32_t>> train, valid, test;
  std::vector<int32_t> users;  // users kept, ascending
};

// Sizes per user follow RecBole's split_by_ratio: valid = floor(r_valid * n),
// test = floor(r_test * n), each raised to 1 when r*n is in (0, 1) while train
// keeps more than one item; train takes the rest. The positives of each user
// (duplicates removed, ordered by item index) are shuffled by Fisher-Yates with
// a std::mt19937_64 seeded once with `seed`, users taken in index order.
Result<Split> split_by_ratio(const Dataset& data, const SplitOptions& options = {});

// Per-user temporal split: each user's positives ordered by (timestamp, item);
// the oldest go to train, the newest to test, sizes as split_by_ratio.
Result<Split> split_by_time_ratio(const Dataset& data, const SplitOptions& options = {});

// Leave-one-out: per user, the newest positive (by timestamp, then item) is
// test, the second newest valid, the rest train. Users need at least
// max(3, min_positives) positives.
Result<Split> split_leave_one_out(const Dataset& data, const SplitOptions& options = {});

// Global time cut: all positives are ordered by timestamp; the first
// ratios[0] share (by count) is train, the next ratios[1] valid, the rest test.
// A user is kept when it has >= min_positives positives in total and at least
// one in train and one in test; valid/test items already in the user's train
// list are dropped.
Result<Split> split_global_time(const Dataset& data, const SplitOptions& options = {});

// Cold-start items: `item_share` of the items with positives (chosen at random
// with the seed) are held out with all their interactions. Users keep their
// other positives as train (valid = a ratios[1] share of them, at random) and
// the held-out items as test; a user is kept when it has >= min_positives
// positives and at least one train and one test item. Rank only cold_items.
struct ColdStartSplit {
  Split split;
  std::vector<int32_t> cold_items;  // ascending
};
Result<ColdStartSplit> split_cold_items(const Dataset& data, double item_share, const SplitOptions& options = {});

// Cold-start users: `user_share` of the users with >= min_positives positives
// (chosen at random with the seed) keep only `keep` random positives for
// train; the rest of their positives are test. Every other user keeps all
// positives as train (and nothing to evaluate), so models still learn from
// them. `users` lists the cold users only.
Result<Split> split_cold_users(const Dataset& data, double user_share, size_t keep, const SplitOptions& options = {});

}  // namespace tokrec::rec
