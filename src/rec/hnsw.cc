#include "tokrec/rec/hnsw.h"

#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cmath>
#include <exception>

#include "tokrec/core/thread_pool.h"

namespace tokrec::rec {

struct HnswIndex::Impl {
  explicit Impl(size_t dim) : space(dim) {}
  hnswlib::InnerProductSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph;
};

HnswIndex::~HnswIndex() = default;

Result<std::unique_ptr<HnswIndex>> HnswIndex::build(std::span<const float> vectors, size_t n, size_t dim,
                                                    const HnswOptions& options) {
  if (dim == 0) return Status::invalid_argument("HNSW needs dim >= 1");
  if (vectors.size() != n * dim)
    return Status::invalid_argument("HNSW: " + std::to_string(vectors.size()) + " values given for " + std::to_string(n) + " x " +
                                    std::to_string(dim));
  if (options.m < 2) return Status::invalid_argument("HNSW m must be >= 2");
  if (options.ef_construction == 0 || options.ef_search == 0) return Status::invalid_argument("HNSW ef values must be >= 1");
  for (float x : vectors)
    if (!std::isfinite(x)) return Status::invalid_argument("HNSW vectors must be finite");
  auto index = std::unique_ptr<HnswIndex>(new HnswIndex());
  index->n_ = n;
  index->dim_ = dim;
  index->ef_search_ = options.ef_search;
  index->impl_ = std::make_unique<Impl>(dim);
  try {
    index->impl_->graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &index->impl_->space, std::max<size_t>(n, 1), options.m, options.ef_construction, options.seed);
    if (n > 0) index->impl_->graph->addPoint(vectors.data(), 0);
    const size_t threads = options.threads == 0 ? default_thread_count() : options.threads;
    auto* graph = index->impl_->graph.get();
    // hnswlib's addPoint is thread-safe; its exceptions must not leave a worker.
    std::atomic<bool> failed{false};
    parallel_for(threads, 1, n, [&](size_t r) {
      try {
        graph->addPoint(vectors.data() + r * dim, r);
      } catch (const std::exception&) {
        failed = true;
      }
    });
    if (failed) return Status::internal("HNSW: inserting a vector failed");
    graph->setEf(options.ef_search);
  } catch (const std::exception& e) {
    return Status::internal(std::string("HNSW: ") + e.what());
  }
  return index;
}

std::vector<int32_t> HnswIndex::search(std::span<const float> query, size_t k, std::span<const int32_t> excluded) const {
  std::vector<int32_t> out;
  if (k == 0 || n_ == 0 || query.size() != dim_) return out;
  const size_t want = std::min(n_, k + excluded.size());
  std::vector<std::pair<float, int32_t>> found;
  try {
    // searchKnn uses max(ef, want) candidates; ef itself is fixed at build.
    auto heap = impl_->graph->searchKnn(query.data(), want);
    found.reserve(heap.size());
    while (!heap.empty()) {
      found.emplace_back(heap.top().first, static_cast<int32_t>(heap.top().second));
      heap.pop();
    }
  } catch (const std::exception&) {
    return out;
  }
  std::sort(found.begin(), found.end());  // distance ascending = score descending, ties to the lower index
  for (const auto& [dist, item] : found) {
    if (std::binary_search(excluded.begin(), excluded.end(), item)) continue;
    out.push_back(item);
    if (out.size() == k) break;
  }
  return out;
}

Result<std::unique_ptr<HnswIndex>> build_hnsw(const FactorModel& model, const HnswOptions& options) {
  const auto vectors = model.item_search_vectors();
  return HnswIndex::build(vectors, model.num_items(), model.search_dim(), options);
}

std::vector<std::vector<int32_t>> recommend_top_k_hnsw(const FactorModel& model, const HnswIndex& index,
                                                       std::span<const int32_t> users,
                                                       const std::vector<std::vector<int32_t>>& exclude,
                                                       const TopKOptions& options) {
  std::vector<std::vector<int32_t>> result(users.size());
  const auto queries = model.user_search_vectors();
  const size_t d = model.search_dim();
  static const std::vector<int32_t> kNone;
  parallel_for(std::max<size_t>(1, options.threads), 0, users.size(), [&](size_t b) {
    auto u = static_cast<size_t>(users[b]);
    if (users[b] < 0 || u >= model.num_users()) return;
    const auto& ex = u < exclude.size() ? exclude[u] : kNone;
    result[b] = index.search(std::span<const float>(queries).subspan(u * d, d), options.k, ex);
  });
  return result;
}

}  // namespace tokrec::rec
