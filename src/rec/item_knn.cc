#include "tokrec/rec/item_knn.h"

#include <algorithm>
#include <cmath>

#include "rec/interactions.h"
#include "tokrec/core/thread_pool.h"

namespace tokrec::rec {

void ItemKnnModel::score(std::span<const int32_t> users, std::span<float> out) const {
  for (size_t b = 0; b < users.size(); ++b) {
    float* row = out.data() + b * num_items_;
    std::fill(row, row + num_items_, 0.0f);
    auto u = static_cast<size_t>(users[b]);
    if (users[b] < 0 || u >= train_.size()) continue;
    for (int32_t j : train_[u])
      for (const auto& n : spread_[static_cast<size_t>(j)]) row[static_cast<size_t>(n.item)] += n.similarity;
  }
}

std::span<const ItemKnnModel::Neighbour> ItemKnnModel::neighbours(int32_t item) const {
  if (item < 0 || static_cast<size_t>(item) >= num_items_) return {};
  return neighbours_[static_cast<size_t>(item)];
}

float ItemKnnModel::similarity(int32_t item, int32_t other) const {
  for (const auto& n : neighbours(item))
    if (n.item == other) return n.similarity;
  return 0.0f;
}

Result<std::unique_ptr<ItemKnnModel>> fit_item_knn(const std::vector<std::vector<int32_t>>& train, size_t num_items,
                                                   const ItemKnnOptions& options) {
  TOKREC_RETURN_IF_ERROR(detail::check_train(train, num_items));
  if (options.k == 0) return Status::invalid_argument("ItemKNN needs k >= 1");
  if (!(options.shrink >= 0) || !std::isfinite(options.shrink))
    return Status::invalid_argument("ItemKNN shrink must be finite and >= 0");
  auto model = std::unique_ptr<ItemKnnModel>(new ItemKnnModel());
  model->num_items_ = num_items;
  model->train_ = train;
  model->neighbours_.resize(num_items);
  const auto item_users = detail::transpose(train, num_items);
  std::vector<double> norm(num_items);
  for (size_t i = 0; i < num_items; ++i) norm[i] = std::sqrt(static_cast<double>(item_users[i].size()));

  // Co-occurrence counts of one target item with every item, by walking its
  // users' lists: O(Σ_u |u|²) in all, one dense accumulator per worker.
  const size_t threads = options.threads == 0 ? default_thread_count() : options.threads;
  const size_t chunks = std::min(num_items, threads * 8);
  parallel_for(threads, 0, chunks, [&](size_t c) {
    std::vector<float> counts(num_items, 0.0f);
    std::vector<int32_t> touched;
    std::vector<ItemKnnModel::Neighbour> cand;
    for (size_t i = c; i < num_items; i += chunks) {
      for (int32_t u : item_users[i])
        for (int32_t j : train[static_cast<size_t>(u)]) {
          if (counts[static_cast<size_t>(j)] == 0.0f) touched.push_back(j);
          counts[static_cast<size_t>(j)] += 1.0f;
        }
      cand.clear();
      for (int32_t j : touched) {
        auto sj = static_cast<size_t>(j);
        if (sj != i) {
          double sim = counts[sj] / (norm[i] * norm[sj] + options.shrink + 1e-6);
          auto s = static_cast<float>(sim);
          if (s != 0.0f) cand.push_back({j, s});
        }
        counts[sj] = 0.0f;
      }
      touched.clear();
      auto better = [](const ItemKnnModel::Neighbour& a, const ItemKnnModel::Neighbour& b) {
        return a.similarity > b.similarity || (a.similarity == b.similarity && a.item < b.item);
      };
      size_t keep = std::min(options.k, cand.size());
      std::partial_sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(keep), cand.end(), better);
      model->neighbours_[i].assign(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(keep));
    }
  });
  model->spread_.resize(num_items);
  for (size_t i = 0; i < num_items; ++i)
    for (const auto& n : model->neighbours_[i])
      model->spread_[static_cast<size_t>(n.item)].push_back({static_cast<int32_t>(i), n.similarity});
  return model;
}

}  // namespace tokrec::rec
