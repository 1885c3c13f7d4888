#include "tokrec/rec/split.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace tokrec::rec {

Result<Split> split_by_ratio(const Dataset& data, const SplitOptions& options) {
  double total = options.ratios[0] + options.ratios[1] + options.ratios[2];
  for (double r : options.ratios)
    if (!(r >= 0) || !std::isfinite(r)) return Status::invalid_argument("split ratios must be finite and >= 0");
  if (!(total > 0)) return Status::invalid_argument("split ratios must not all be 0");
  if (options.min_positives < 1) return Status::invalid_argument("min_positives must be at least 1");

  const size_t n_users = data.users.size();
  std::vector<std::vector<int32_t>> positives(n_users);
  for (const auto& x : data.interactions)
    if (x.rating >= options.positive_threshold) positives[static_cast<size_t>(x.user)].push_back(x.item);

  Split split;
  split.train.resize(n_users);
  split.valid.resize(n_users);
  split.test.resize(n_users);
  std::mt19937_64 rng(options.seed);
  const double r_valid = options.ratios[1] / total, r_test = options.ratios[2] / total;
  for (size_t u = 0; u < n_users; ++u) {
    auto& items = positives[u];
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    if (items.size() < options.min_positives) continue;
    for (size_t i = items.size() - 1; i > 0; --i) std::swap(items[i], items[rng() % (i + 1)]);

    const auto n = static_cast<double>(items.size());
    size_t n_valid = static_cast<size_t>(std::floor(r_valid * n));
    size_t n_test = static_cast<size_t>(std::floor(r_test * n));
    size_t n_train = items.size() - n_valid - n_test;
    // RecBole gives a ratio that rounds to zero one item, last split first.
    if (n_train > 1 && r_test * n > 0 && r_test * n < 1) { ++n_test; --n_train; }
    if (n_train > 1 && r_valid * n > 0 && r_valid * n < 1) { ++n_valid; --n_train; }

    split.train[u].assign(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n_train));
    split.valid[u].assign(items.begin() + static_cast<std::ptrdiff_t>(n_train),
                          items.begin() + static_cast<std::ptrdiff_t>(n_train + n_valid));
    split.test[u].assign(items.begin() + static_cast<std::ptrdiff_t>(n_train + n_valid), items.end());
    for (auto* list : {&split.train[u], &split.valid[u], &split.test[u]}) std::sort(list->begin(), list->end());
    split.users.push_back(static_cast<int32_t>(u));
  }
  if (split.users.empty())
    return Status::invalid_argument("no user has at least " + std::to_string(options.min_positives) +
                                    " positives (rating >= " + std::to_string(options.positive_threshold) + ")");
  return split;
}

}  // namespace tokrec::rec
