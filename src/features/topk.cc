// Top-k cosine neighbours: rows normalised once, then scores for a block of
// query rows at a time (one sgemm, or a direct loop for small inputs), then a
// bounded heap per query row. sgemm runs on OpenBLAS's own threads; the heap
// selection runs on ours, so the two never nest.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "tokrec/core/thread_pool.h"
#include "tokrec/features/similarity.h"

namespace tokrec::features {
namespace {

using Neighbours = std::vector<std::pair<int32_t, float>>;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "tokrec::features: %s\n", what);
    std::abort();
  }
}

// a ranks before b: higher score, then lower index.
bool better(const std::pair<int32_t, float>& a, const std::pair<int32_t, float>& b) {
  return a.second > b.second || (a.second == b.second && a.first < b.first);
}

// Best k of scores[0..n) except `self`, best first.
Neighbours select_topk(const float* scores, size_t n, size_t self, size_t k) {
  Neighbours heap;  // worst kept candidate at the front
  heap.reserve(k);
  for (size_t j = 0; j < n; ++j) {
    if (j == self) continue;
    std::pair<int32_t, float> c(static_cast<int32_t>(j), scores[j]);
    if (heap.size() < k) {
      heap.push_back(c);
      std::push_heap(heap.begin(), heap.end(), better);
    } else if (better(c, heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = c;
      std::push_heap(heap.begin(), heap.end(), better);
    }
  }
  std::sort_heap(heap.begin(), heap.end(), better);
  return heap;
}

}  // namespace

std::vector<Neighbours> topk_neighbours(std::span<const float> rows, size_t n, size_t dim, size_t k,
                                        const TopkOptions& options) {
  check(rows.size() == n * dim, "topk_neighbours: rows.size() != n * dim");
  check(n <= static_cast<size_t>(INT32_MAX), "topk_neighbours: more than 2^31 - 1 rows");
  std::vector<Neighbours> result(n);
  k = std::min(k, n == 0 ? 0 : n - 1);
  if (k == 0) return result;

  std::vector<float> unit(rows.begin(), rows.end());
  for (size_t i = 0; i < n; ++i) l2_normalize(std::span<float>(&unit[i * dim], dim));

  const size_t threads = options.threads == 0 ? default_thread_count() : options.threads;
  const bool blas = dim > 0 && n * n * dim >= options.blas_threshold;
  // The score block is capped at 2^26 floats (256 MiB) whatever n is.
  const size_t block = std::max<size_t>(1, std::min({options.block_rows, n, (size_t{1} << 26) / n}));
  std::vector<float> scores(block * n);
  for (size_t b0 = 0; b0 < n; b0 += block) {
    const size_t rows_in_block = std::min(block, n - b0);
    if (blas) {
      // scores (rows_in_block × n) = unit[b0..] (rows_in_block × dim) · unitᵀ (dim × n)
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(rows_in_block), static_cast<int>(n),
                  static_cast<int>(dim), 1.0f, &unit[b0 * dim], static_cast<int>(dim), unit.data(),
                  static_cast<int>(dim), 0.0f, scores.data(), static_cast<int>(n));
    } else {
      parallel_for(threads, 0, rows_in_block, [&](size_t r) {
        const float* q = &unit[(b0 + r) * dim];
        for (size_t j = 0; j < n; ++j) {
          const float* x = &unit[j * dim];
          float s = 0.0f;
          for (size_t d = 0; d < dim; ++d) s += q[d] * x[d];
          scores[r * n + j] = s;
        }
      });
    }
    parallel_for(threads, 0, rows_in_block,
                 [&](size_t r) { result[b0 + r] = select_topk(&scores[r * n], n, b0 + r, k); });
  }
  return result;
}

std::vector<Neighbours> topk_neighbours(std::span<const float> rows, size_t n, size_t dim, size_t k, size_t threads) {
  TopkOptions o;
  o.threads = threads;
  return topk_neighbours(rows, n, dim, k, o);
}

}  // namespace tokrec::features
