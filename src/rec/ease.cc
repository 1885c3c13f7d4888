#include "tokrec/rec/ease.h"

#include <algorithm>
#include <cmath>

#include "rec/interactions.h"
#include "tokrec/core/thread_pool.h"

// LAPACK from OpenBLAS. The trailing size_t is gfortran's hidden length of the
// `uplo` string; passing it is harmless for OpenBLAS's C implementations and
// required for its Fortran ones.
extern "C" {
void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t uplo_len);
void spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t uplo_len);
}

namespace tokrec::rec {

void EaseModel::score(std::span<const int32_t> users, std::span<float> out) const {
  std::vector<float> dense(m_);
  for (size_t b = 0; b < users.size(); ++b) {
    float* row = out.data() + b * num_items_;
    std::fill(row, row + num_items_, 0.0f);
    auto u = static_cast<size_t>(users[b]);
    if (users[b] < 0 || u >= train_.size()) continue;
    std::fill(dense.begin(), dense.end(), 0.0f);
    // X_u · B = the sum of B's rows of the user's items.
    for (int32_t i : train_[u]) {
      const float* brow = b_.data() + static_cast<size_t>(dense_of_item_[static_cast<size_t>(i)]) * m_;
      for (size_t c = 0; c < m_; ++c) dense[c] += brow[c];
    }
    for (size_t c = 0; c < m_; ++c) row[static_cast<size_t>(item_of_dense_[c])] = dense[c];
  }
}

float EaseModel::weight(int32_t from, int32_t to) const {
  if (from < 0 || to < 0 || static_cast<size_t>(from) >= num_items_ || static_cast<size_t>(to) >= num_items_) return 0.0f;
  int32_t a = dense_of_item_[static_cast<size_t>(from)], c = dense_of_item_[static_cast<size_t>(to)];
  if (a < 0 || c < 0) return 0.0f;
  return b_[static_cast<size_t>(a) * m_ + static_cast<size_t>(c)];
}

Result<std::unique_ptr<EaseModel>> fit_ease(const std::vector<std::vector<int32_t>>& train, size_t num_items,
                                            const EaseOptions& options) {
  TOKREC_RETURN_IF_ERROR(detail::check_train(train, num_items));
  if (!(options.lambda > 0) || !std::isfinite(options.lambda))
    return Status::invalid_argument("EASE lambda must be finite and > 0");
  auto model = std::unique_ptr<EaseModel>(new EaseModel());
  model->num_items_ = num_items;
  model->train_ = train;
  model->dense_of_item_.assign(num_items, -1);
  for (const auto& items : train)
    for (int32_t i : items) model->dense_of_item_[static_cast<size_t>(i)] = 0;
  for (size_t i = 0; i < num_items; ++i)
    if (model->dense_of_item_[i] == 0) {
      model->dense_of_item_[i] = static_cast<int32_t>(model->item_of_dense_.size());
      model->item_of_dense_.push_back(static_cast<int32_t>(i));
    }
  const size_t m = model->item_of_dense_.size();
  model->m_ = m;
  if (m == 0) return model;  // no interactions: every score is 0
  if (m > 46340) return Status::invalid_argument("EASE supports at most 46,340 items with interactions (found " + std::to_string(m) + ")");

  // G = XᵀX + λI, accumulated per user; each worker owns a band of rows.
  std::vector<float> g;
  try {
    g.assign(m * m, 0.0f);
  } catch (const std::bad_alloc&) {
    return Status::invalid_argument("EASE needs " + std::to_string(m * m * 8 / (1u << 20)) + " MiB for " +
                                    std::to_string(m) + " items; not enough memory");
  }
  const size_t threads = options.threads == 0 ? default_thread_count() : options.threads;
  std::vector<std::vector<int32_t>> dense_train(train.size());
  for (size_t u = 0; u < train.size(); ++u)
    for (int32_t i : train[u]) dense_train[u].push_back(model->dense_of_item_[static_cast<size_t>(i)]);
  parallel_for(threads, 0, threads, [&](size_t t) {
    const size_t lo = m * t / threads, hi = m * (t + 1) / threads;
    for (const auto& items : dense_train)
      for (int32_t a : items) {
        auto sa = static_cast<size_t>(a);
        if (sa < lo || sa >= hi) continue;
        float* row = g.data() + sa * m;
        for (int32_t c : items) row[static_cast<size_t>(c)] += 1.0f;
      }
  });
  for (size_t i = 0; i < m; ++i) g[i * m + i] += static_cast<float>(options.lambda);

  // G is symmetric positive definite (λ > 0): Cholesky, then the inverse.
  // Row major and column major coincide for a symmetric matrix; LAPACK fills
  // the column-major upper triangle, i.e. row-major entries (c, r) with r <= c.
  const int n = static_cast<int>(m);
  int info = 0;
  const char uplo = 'U';
  spotrf_(&uplo, &n, g.data(), &n, &info, 1);
  if (info != 0) return Status::internal("EASE: Cholesky factorization failed (info " + std::to_string(info) + ")");
  spotri_(&uplo, &n, g.data(), &n, &info, 1);
  if (info != 0) return Status::internal("EASE: matrix inverse failed (info " + std::to_string(info) + ")");
  for (size_t c = 0; c < m; ++c)
    for (size_t r = 0; r < c; ++r) g[r * m + c] = g[c * m + r];

  // B_ij = −P_ij / P_jj off the diagonal, 0 on it.
  std::vector<float> inv_diag(m);
  for (size_t j = 0; j < m; ++j) inv_diag[j] = 1.0f / g[j * m + j];
  for (size_t i = 0; i < m; ++i) {
    float* row = g.data() + i * m;
    for (size_t j = 0; j < m; ++j) row[j] = i == j ? 0.0f : -row[j] * inv_diag[j];
  }
  model->b_ = std::move(g);
  return model;
}

}  // namespace tokrec::rec
