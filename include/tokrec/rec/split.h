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

}  // namespace tokrec::rec
