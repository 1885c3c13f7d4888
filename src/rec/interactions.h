// Private helpers shared by the models: checking training lists and
// transposing them (user -> items into item -> users).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::rec::detail {

// Every item index in [0, num_items); lists sorted ascending without repeats
// (the models count an interaction once).
inline Status check_train(const std::vector<std::vector<int32_t>>& train, size_t num_items) {
  if (num_items == 0) return Status::invalid_argument("the catalog has no items");
  for (size_t u = 0; u < train.size(); ++u) {
    const auto& items = train[u];
    for (size_t k = 0; k < items.size(); ++k) {
      if (items[k] < 0 || static_cast<size_t>(items[k]) >= num_items)
        return Status::out_of_range("training item " + std::to_string(items[k]) + " of user " + std::to_string(u) +
                                    " is outside the catalog of " + std::to_string(num_items) + " items");
      if (k > 0 && items[k] <= items[k - 1])
        return Status::invalid_argument("training items of user " + std::to_string(u) +
                                        " are not sorted ascending without repeats");
    }
  }
  return Status::ok();
}

// item -> users (ascending), from user -> items.
inline std::vector<std::vector<int32_t>> transpose(const std::vector<std::vector<int32_t>>& train, size_t num_items) {
  std::vector<std::vector<int32_t>> out(num_items);
  for (size_t u = 0; u < train.size(); ++u)
    for (int32_t i : train[u]) out[static_cast<size_t>(i)].push_back(static_cast<int32_t>(u));
  return out;
}

}  // namespace tokrec::rec::detail
