#include <cblas.h>

#include <algorithm>
#include <cmath>

#include "tokrec/rec/recommender.h"

namespace tokrec::rec {
namespace {

void normalize_rows(std::vector<float>& m, size_t rows, size_t dim) {
  for (size_t r = 0; r < rows; ++r) {
    double s = 0;
    float* row = m.data() + r * dim;
    for (size_t j = 0; j < dim; ++j) s += static_cast<double>(row[j]) * row[j];
    if (s > 0) {
      auto inv = static_cast<float>(1.0 / std::sqrt(s));
      for (size_t j = 0; j < dim; ++j) row[j] *= inv;
    }
  }
}

// Cosine scores by one GEMM per block: profiles [B, d] x items^T [d, n].
class ContentDense final : public Scorer {
 public:
  ContentDense(std::vector<float> items, std::vector<float> profiles, size_t n, size_t dim)
      : items_(std::move(items)), profiles_(std::move(profiles)), n_(n), dim_(dim) {}
  size_t num_items() const override { return n_; }
  void score(std::span<const int32_t> users, std::span<float> out) const override {
    std::vector<float> block(users.size() * dim_);
    for (size_t b = 0; b < users.size(); ++b)
      std::copy_n(profiles_.begin() + static_cast<std::ptrdiff_t>(static_cast<size_t>(users[b]) * dim_), dim_,
                  block.begin() + static_cast<std::ptrdiff_t>(b * dim_));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(users.size()), static_cast<int>(n_),
                static_cast<int>(dim_), 1.0f, block.data(), static_cast<int>(dim_), items_.data(),
                static_cast<int>(dim_), 0.0f, out.data(), static_cast<int>(n_));
  }

 private:
  std::vector<float> items_;     // [n, dim], rows L2-normalized
  std::vector<float> profiles_;  // [users, dim], rows L2-normalized
  size_t n_, dim_;
};

class ContentSparse final : public Scorer {
 public:
  ContentSparse(CsrView items, std::vector<double> row_norms, std::vector<std::vector<std::pair<int32_t, double>>> profiles)
      : items_(items), row_norms_(std::move(row_norms)), profiles_(std::move(profiles)) {}
  size_t num_items() const override { return items_.rows; }
  void score(std::span<const int32_t> users, std::span<float> out) const override {
    std::vector<double> dense(items_.cols, 0.0);
    for (size_t b = 0; b < users.size(); ++b) {
      const auto& p = profiles_[static_cast<size_t>(users[b])];
      for (auto [c, v] : p) dense[static_cast<size_t>(c)] = v;
      float* row_out = out.data() + b * items_.rows;
      for (size_t r = 0; r < items_.rows; ++r) {
        double dot = 0;
        for (auto k = items_.indptr[r]; k < items_.indptr[r + 1]; ++k)
          dot += items_.data[static_cast<size_t>(k)] * dense[static_cast<size_t>(items_.indices[static_cast<size_t>(k)])];
        row_out[r] = row_norms_[r] > 0 ? static_cast<float>(dot / row_norms_[r]) : 0.0f;
      }
      for (auto [c, v] : p) dense[static_cast<size_t>(c)] = 0.0;
    }
  }

 private:
  CsrView items_;
  std::vector<double> row_norms_;
  std::vector<std::vector<std::pair<int32_t, double>>> profiles_;  // per user, L2-normalized, sorted by column
};

}  // namespace

Result<std::unique_ptr<Scorer>> make_content_dense(const std::vector<std::vector<int32_t>>& train,
                                                   std::vector<float> item_features, size_t num_items, size_t dim) {
  if (item_features.size() != num_items * dim)
    return Status::invalid_argument("item features hold " + std::to_string(item_features.size()) + " values, expected " +
                                    std::to_string(num_items) + " x " + std::to_string(dim));
  normalize_rows(item_features, num_items, dim);
  std::vector<float> profiles(train.size() * dim, 0.0f);
  for (size_t u = 0; u < train.size(); ++u) {
    float* p = profiles.data() + u * dim;
    for (int32_t i : train[u]) {
      if (i < 0 || static_cast<size_t>(i) >= num_items) return Status::out_of_range("training item index out of range");
      const float* x = item_features.data() + static_cast<size_t>(i) * dim;
      for (size_t j = 0; j < dim; ++j) p[j] += x[j];
    }
  }
  // The mean's direction equals the sum's, so normalizing the sum gives the cosine.
  normalize_rows(profiles, train.size(), dim);
  return std::unique_ptr<Scorer>(new ContentDense(std::move(item_features), std::move(profiles), num_items, dim));
}

Result<std::unique_ptr<Scorer>> make_content_sparse(const std::vector<std::vector<int32_t>>& train, const CsrView& items) {
  if (items.indptr.size() != items.rows + 1) return Status::invalid_argument("CSR indptr has the wrong length");
  std::vector<double> norms(items.rows, 0.0);
  for (size_t r = 0; r < items.rows; ++r)
    for (auto k = items.indptr[r]; k < items.indptr[r + 1]; ++k) norms[r] += items.data[static_cast<size_t>(k)] * items.data[static_cast<size_t>(k)];
  for (double& v : norms) v = std::sqrt(v);

  std::vector<std::vector<std::pair<int32_t, double>>> profiles(train.size());
  std::vector<double> acc(items.cols, 0.0);
  std::vector<int32_t> touched;
  for (size_t u = 0; u < train.size(); ++u) {
    for (int32_t i : train[u]) {
      if (i < 0 || static_cast<size_t>(i) >= items.rows) return Status::out_of_range("training item index out of range");
      auto r = static_cast<size_t>(i);
      if (norms[r] == 0) continue;
      for (auto k = items.indptr[r]; k < items.indptr[r + 1]; ++k) {
        auto c = items.indices[static_cast<size_t>(k)];
        if (acc[static_cast<size_t>(c)] == 0.0) touched.push_back(c);
        acc[static_cast<size_t>(c)] += items.data[static_cast<size_t>(k)] / norms[r];
      }
    }
    double s = 0;
    for (int32_t c : touched) s += acc[static_cast<size_t>(c)] * acc[static_cast<size_t>(c)];
    double inv = s > 0 ? 1.0 / std::sqrt(s) : 0.0;
    std::sort(touched.begin(), touched.end());
    for (int32_t c : touched) {
      if (acc[static_cast<size_t>(c)] != 0.0) profiles[u].emplace_back(c, acc[static_cast<size_t>(c)] * inv);
      acc[static_cast<size_t>(c)] = 0.0;
    }
    touched.clear();
  }
  return std::unique_ptr<Scorer>(new ContentSparse(items, std::move(norms), std::move(profiles)));
}

}  // namespace tokrec::rec
