#include <algorithm>
#include <vector>

#include "tokrec/core/thread_pool.h"
#include "tokrec/rec/recommender.h"

namespace tokrec::rec {

namespace {

// Visits items in ascending order: every item, or the candidates only.
template <typename ForEachItem>
void select_top_k(std::span<const float> scores, size_t k, std::span<const int32_t> excluded,
                  ForEachItem for_each_item, std::vector<int32_t>& out) {
  out.clear();
  if (k == 0) return;
  // Keep a min-heap of the best k (score, -index) pairs: the root is the worst kept.
  struct Entry {
    float score;
    int32_t item;
  };
  auto better = [](const Entry& a, const Entry& b) {
    return a.score > b.score || (a.score == b.score && a.item < b.item);
  };
  std::vector<Entry> heap;
  heap.reserve(k);
  size_t ex = 0;
  for_each_item([&](int32_t j) {
    while (ex < excluded.size() && excluded[ex] < j) ++ex;
    if (ex < excluded.size() && excluded[ex] == j) return;
    Entry e{scores[static_cast<size_t>(j)], j};
    if (heap.size() < k) {
      heap.push_back(e);
      std::push_heap(heap.begin(), heap.end(), better);
    } else if (better(e, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = e;
      std::push_heap(heap.begin(), heap.end(), better);
    }
  });
  std::sort(heap.begin(), heap.end(), better);
  for (const auto& e : heap) out.push_back(e.item);
}

}  // namespace

void top_k_row(std::span<const float> scores, size_t k, std::span<const int32_t> excluded, std::vector<int32_t>& out) {
  const auto n = static_cast<int32_t>(scores.size());
  select_top_k(scores, k, excluded, [n](auto&& visit) {
    for (int32_t j = 0; j < n; ++j) visit(j);
  }, out);
}

void top_k_row(std::span<const float> scores, size_t k, std::span<const int32_t> excluded,
               std::span<const int32_t> candidates, std::vector<int32_t>& out) {
  select_top_k(scores, k, excluded, [candidates](auto&& visit) {
    for (int32_t j : candidates) visit(j);
  }, out);
}

std::vector<std::vector<int32_t>> recommend_top_k(const Scorer& scorer, std::span<const int32_t> users,
                                                  const std::vector<std::vector<int32_t>>& exclude,
                                                  const TopKOptions& options) {
  std::vector<std::vector<int32_t>> result(users.size());
  const size_t n_items = scorer.num_items();
  const size_t block = std::max<size_t>(1, options.block_users);
  const size_t n_blocks = (users.size() + block - 1) / block;
  static const std::vector<int32_t> kNone;
  parallel_for(std::max<size_t>(1, options.threads), 0, n_blocks, [&](size_t b) {
    const size_t begin = b * block, end = std::min(users.size(), begin + block);
    std::vector<float> scores((end - begin) * n_items);
    scorer.score(users.subspan(begin, end - begin), scores);
    for (size_t i = begin; i < end; ++i) {
      auto u = static_cast<size_t>(users[i]);
      const auto& ex = u < exclude.size() ? exclude[u] : kNone;
      auto row = std::span<const float>(scores).subspan((i - begin) * n_items, n_items);
      if (options.candidates.empty())
        top_k_row(row, options.k, ex, result[i]);
      else
        top_k_row(row, options.k, ex, options.candidates, result[i]);
    }
  });
  return result;
}

}  // namespace tokrec::rec
