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

namespace tokrec::rec {
namespace {

struct Positive {
  int32_t item;
  int64_t time;
};

// Per-user positives (rating >= threshold), duplicates merged keeping the newest time.
std::vector<std::vector<Positive>> user_positives(const Dataset& data, double threshold) {
  std::vector<std::vector<Positive>> pos(data.users.size());
  for (const auto& x : data.interactions)
    if (x.rating >= threshold) pos[static_cast<size_t>(x.user)].push_back({x.item, x.timestamp});
  for (auto& p : pos) {
    std::sort(p.begin(), p.end(), [](const Positive& a, const Positive& b) {
      return a.item != b.item ? a.item < b.item : a.time > b.time;
    });
    p.erase(std::unique(p.begin(), p.end(), [](const Positive& a, const Positive& b) { return a.item == b.item; }),
            p.end());
    std::sort(p.begin(), p.end(), [](const Positive& a, const Positive& b) {
      return a.time != b.time ? a.time < b.time : a.item < b.item;
    });
  }
  return pos;
}

Split empty_split(size_t n_users) {
  Split s;
  s.train.resize(n_users);
  s.valid.resize(n_users);
  s.test.resize(n_users);
  return s;
}

void sort_lists(Split& s, size_t u) {
  for (auto* list : {&s.train[u], &s.valid[u], &s.test[u]}) std::sort(list->begin(), list->end());
}

Status no_users(const SplitOptions& o) {
  return Status::invalid_argument("no user left after the split (min_positives " + std::to_string(o.min_positives) +
                                  ", positive_threshold " + std::to_string(o.positive_threshold) + ")");
}

}  // namespace

Result<Split> split_by_time_ratio(const Dataset& data, const SplitOptions& options) {
  double total = options.ratios[0] + options.ratios[1] + options.ratios[2];
  if (!(total > 0)) return Status::invalid_argument("split ratios must not all be 0");
  auto pos = user_positives(data, options.positive_threshold);
  Split s = empty_split(data.users.size());
  const double r_valid = options.ratios[1] / total, r_test = options.ratios[2] / total;
  for (size_t u = 0; u < pos.size(); ++u) {
    const auto& p = pos[u];
    if (p.size() < std::max<size_t>(1, options.min_positives)) continue;
    const auto n = static_cast<double>(p.size());
    size_t n_valid = static_cast<size_t>(std::floor(r_valid * n)), n_test = static_cast<size_t>(std::floor(r_test * n));
    size_t n_train = p.size() - n_valid - n_test;
    if (n_train > 1 && r_test * n > 0 && r_test * n < 1) { ++n_test; --n_train; }
    if (n_train > 1 && r_valid * n > 0 && r_valid * n < 1) { ++n_valid; --n_train; }
    for (size_t k = 0; k < p.size(); ++k)
      (k < n_train ? s.train[u] : k < n_train + n_valid ? s.valid[u] : s.test[u]).push_back(p[k].item);
    sort_lists(s, u);
    s.users.push_back(static_cast<int32_t>(u));
  }
  if (s.users.empty()) return no_users(options);
  return s;
}

Result<Split> split_leave_one_out(const Dataset& data, const SplitOptions& options) {
  auto pos = user_positives(data, options.positive_threshold);
  Split s = empty_split(data.users.size());
  for (size_t u = 0; u < pos.size(); ++u) {
    const auto& p = pos[u];
    if (p.size() < std::max<size_t>(3, options.min_positives)) continue;
    for (size_t k = 0; k + 2 < p.size(); ++k) s.train[u].push_back(p[k].item);
    s.valid[u].push_back(p[p.size() - 2].item);
    s.test[u].push_back(p.back().item);
    sort_lists(s, u);
    s.users.push_back(static_cast<int32_t>(u));
  }
  if (s.users.empty()) return no_users(options);
  return s;
}

Result<Split> split_global_time(const Dataset& data, const SplitOptions& options) {
  double total = options.ratios[0] + options.ratios[1] + options.ratios[2];
  if (!(total > 0)) return Status::invalid_argument("split ratios must not all be 0");
  auto pos = user_positives(data, options.positive_threshold);
  std::vector<int64_t> times;
  for (const auto& p : pos)
    for (const auto& x : p) times.push_back(x.time);
  if (times.empty()) return no_users(options);
  std::sort(times.begin(), times.end());
  auto cut = [&](double share) {
    auto k = static_cast<size_t>(std::floor(share * static_cast<double>(times.size())));
    return k >= times.size() ? times.back() + 1 : times[k];
  };
  const int64_t t_valid = cut(options.ratios[0] / total), t_test = cut((options.ratios[0] + options.ratios[1]) / total);
  Split s = empty_split(data.users.size());
  for (size_t u = 0; u < pos.size(); ++u) {
    const auto& p = pos[u];
    if (p.size() < std::max<size_t>(1, options.min_positives)) continue;
    for (const auto& x : p) (x.time < t_valid ? s.train[u] : x.time < t_test ? s.valid[u] : s.test[u]).push_back(x.item);
    if (s.train[u].empty() || s.test[u].empty()) {
      s.train[u].clear();
      s.valid[u].clear();
      s.test[u].clear();
      continue;
    }
    sort_lists(s, u);
    s.users.push_back(static_cast<int32_t>(u));
  }
  if (s.users.empty()) return no_users(options);
  return s;
}

Result<ColdStartSplit> split_cold_items(const Dataset& data, double item_share, const SplitOptions& options) {
  if (!(item_share > 0 && item_share < 1)) return Status::invalid_argument("cold item share must be in (0, 1)");
  auto pos = user_positives(data, options.positive_threshold);
  std::vector<char> has_pos(data.items.size(), 0);
  for (const auto& p : pos)
    for (const auto& x : p) has_pos[static_cast<size_t>(x.item)] = 1;
  std::vector<int32_t> candidates;
  for (size_t i = 0; i < has_pos.size(); ++i)
    if (has_pos[i]) candidates.push_back(static_cast<int32_t>(i));
  std::mt19937_64 rng(options.seed);
  for (size_t i = candidates.size(); i > 1; --i) std::swap(candidates[i - 1], candidates[rng() % i]);
  auto n_cold = static_cast<size_t>(std::round(item_share * static_cast<double>(candidates.size())));
  if (n_cold == 0) return Status::invalid_argument("cold item share selects no item");
  ColdStartSplit out;
  out.cold_items.assign(candidates.begin(), candidates.begin() + static_cast<std::ptrdiff_t>(n_cold));
  std::sort(out.cold_items.begin(), out.cold_items.end());
  std::vector<char> is_cold(data.items.size(), 0);
  for (int32_t i : out.cold_items) is_cold[static_cast<size_t>(i)] = 1;

  Split& s = out.split;
  s = empty_split(data.users.size());
  const double total = options.ratios[0] + options.ratios[1];
  const double r_valid = total > 0 ? options.ratios[1] / total : 0.0;
  for (size_t u = 0; u < pos.size(); ++u) {
    const auto& p = pos[u];
    if (p.size() < std::max<size_t>(1, options.min_positives)) continue;
    std::vector<int32_t> warm;
    for (const auto& x : p) (is_cold[static_cast<size_t>(x.item)] ? s.test[u] : warm).push_back(x.item);
    std::sort(warm.begin(), warm.end());
    for (size_t i = warm.size(); i > 1; --i) std::swap(warm[i - 1], warm[rng() % i]);
    auto n_valid = static_cast<size_t>(std::floor(r_valid * static_cast<double>(warm.size())));
    if (warm.size() - n_valid < 1 || s.test[u].empty()) {
      s.test[u].clear();
      continue;
    }
    s.train[u].assign(warm.begin(), warm.end() - static_cast<std::ptrdiff_t>(n_valid));
    s.valid[u].assign(warm.end() - static_cast<std::ptrdiff_t>(n_valid), warm.end());
    sort_lists(s, u);
    s.users.push_back(static_cast<int32_t>(u));
  }
  if (s.users.empty()) return no_users(options);
  return out;
}

Result<Split> split_cold_users(const Dataset& data, double user_share, size_t keep, const SplitOptions& options) {
  if (!(user_share > 0 && user_share < 1)) return Status::invalid_argument("cold user share must be in (0, 1)");
  if (keep < 1) return Status::invalid_argument("cold users must keep at least 1 training positive");
  auto pos = user_positives(data, options.positive_threshold);
  std::vector<int32_t> eligible;
  for (size_t u = 0; u < pos.size(); ++u)
    if (pos[u].size() >= std::max(options.min_positives, keep + 1)) eligible.push_back(static_cast<int32_t>(u));
  std::mt19937_64 rng(options.seed);
  for (size_t i = eligible.size(); i > 1; --i) std::swap(eligible[i - 1], eligible[rng() % i]);
  auto n_cold = static_cast<size_t>(std::round(user_share * static_cast<double>(eligible.size())));
  if (n_cold == 0) return no_users(options);
  std::vector<char> cold(pos.size(), 0);
  for (size_t i = 0; i < n_cold; ++i) cold[static_cast<size_t>(eligible[i])] = 1;
  Split s = empty_split(data.users.size());
  for (size_t u = 0; u < pos.size(); ++u) {
    std::vector<int32_t> items;
    for (const auto& x : pos[u]) items.push_back(x.item);
    std::sort(items.begin(), items.end());
    if (!cold[u]) {
      s.train[u] = std::move(items);
      continue;
    }
    for (size_t i = items.size(); i > 1; --i) std::swap(items[i - 1], items[rng() % i]);
    s.train[u].assign(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(keep));
    s.test[u].assign(items.begin() + static_cast<std::ptrdiff_t>(keep), items.end());
    sort_lists(s, u);
    s.users.push_back(static_cast<int32_t>(u));
  }
  return s;
}

}  // namespace tokrec::rec
