#include "tokrec/rec/factor_model.h"

#include <cblas.h>

#include <algorithm>

namespace tokrec::rec {

FactorModel::FactorModel(std::vector<float> users, std::vector<float> items, size_t dim, std::vector<float> user_bias,
                         std::vector<float> item_bias)
    : users_(std::move(users)),
      items_(std::move(items)),
      user_bias_(std::move(user_bias)),
      item_bias_(std::move(item_bias)),
      dim_(dim),
      num_users_(dim == 0 ? 0 : users_.size() / dim),
      num_items_(dim == 0 ? 0 : items_.size() / dim) {}

void FactorModel::score(std::span<const int32_t> users, std::span<float> out) const {
  const size_t b_count = users.size();
  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(b_count * num_items_), 0.0f);
  if (b_count == 0 || num_items_ == 0) return;
  std::vector<float> block(b_count * dim_, 0.0f);
  for (size_t b = 0; b < b_count; ++b) {
    auto u = static_cast<size_t>(users[b]);
    if (users[b] < 0 || u >= num_users_) continue;
    std::copy_n(users_.begin() + static_cast<std::ptrdiff_t>(u * dim_), dim_,
                block.begin() + static_cast<std::ptrdiff_t>(b * dim_));
  }
  if (dim_ > 0)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(b_count), static_cast<int>(num_items_),
                static_cast<int>(dim_), 1.0f, block.data(), static_cast<int>(dim_), items_.data(),
                static_cast<int>(dim_), 0.0f, out.data(), static_cast<int>(num_items_));
  for (size_t b = 0; b < b_count; ++b) {
    auto u = static_cast<size_t>(users[b]);
    bool known = users[b] >= 0 && u < num_users_;
    float ub = known && !user_bias_.empty() ? user_bias_[u] : 0.0f;
    float* row = out.data() + b * num_items_;
    if (!known) continue;
    if (!item_bias_.empty())
      for (size_t j = 0; j < num_items_; ++j) row[j] += item_bias_[j] + ub;
    else if (ub != 0.0f)
      for (size_t j = 0; j < num_items_; ++j) row[j] += ub;
  }
}

std::vector<float> FactorModel::user_search_vectors() const {
  if (item_bias_.empty()) return users_;
  const size_t d = search_dim();
  std::vector<float> out(num_users_ * d);
  for (size_t u = 0; u < num_users_; ++u) {
    std::copy_n(users_.begin() + static_cast<std::ptrdiff_t>(u * dim_), dim_, out.begin() + static_cast<std::ptrdiff_t>(u * d));
    out[u * d + dim_] = 1.0f;
  }
  return out;
}

std::vector<float> FactorModel::item_search_vectors() const {
  if (item_bias_.empty()) return items_;
  const size_t d = search_dim();
  std::vector<float> out(num_items_ * d);
  for (size_t i = 0; i < num_items_; ++i) {
    std::copy_n(items_.begin() + static_cast<std::ptrdiff_t>(i * dim_), dim_, out.begin() + static_cast<std::ptrdiff_t>(i * d));
    out[i * d + dim_] = item_bias_[i];
  }
  return out;
}

}  // namespace tokrec::rec

namespace tokrec::rec {

Result<FactorModel> average_factor_models(std::span<const FactorModel* const> members) {
  if (members.empty()) return Status::invalid_argument("average_factor_models: no member");
  const size_t n_users = members[0]->num_users(), n_items = members[0]->num_items();
  size_t dim = 0;
  bool user_bias = false, item_bias = false;
  for (const FactorModel* m : members) {
    if (m == nullptr) return Status::invalid_argument("average_factor_models: null member");
    if (m->num_users() != n_users || m->num_items() != n_items)
      return Status::invalid_argument("average_factor_models: members differ in their numbers of users or items");
    dim += m->dim();
    user_bias = user_bias || !m->user_bias().empty();
    item_bias = item_bias || !m->item_bias().empty();
  }
  const auto scale = 1.0f / static_cast<float>(members.size());
  std::vector<float> users(n_users * dim), items(n_items * dim);
  std::vector<float> ub(user_bias ? n_users : 0, 0.0f), ib(item_bias ? n_items : 0, 0.0f);
  size_t offset = 0;
  for (const FactorModel* m : members) {
    const size_t d = m->dim();
    const auto pu = m->user_factors(), qi = m->item_factors();
    for (size_t u = 0; u < n_users; ++u)
      for (size_t c = 0; c < d; ++c) users[u * dim + offset + c] = pu[u * d + c] * scale;
    for (size_t i = 0; i < n_items; ++i) std::copy_n(qi.begin() + static_cast<std::ptrdiff_t>(i * d), d, items.begin() + static_cast<std::ptrdiff_t>(i * dim + offset));
    if (!m->user_bias().empty())
      for (size_t u = 0; u < n_users; ++u) ub[u] += m->user_bias()[u] * scale;
    if (!m->item_bias().empty())
      for (size_t i = 0; i < n_items; ++i) ib[i] += m->item_bias()[i] * scale;
    offset += d;
  }
  return FactorModel(std::move(users), std::move(items), dim, std::move(ub), std::move(ib));
}

}  // namespace tokrec::rec
