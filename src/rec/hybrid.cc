#include "tokrec/rec/hybrid.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "rec/interactions.h"
#include "tokrec/core/thread_pool.h"

namespace tokrec::rec {
namespace {

// Feature rows with identity columns first, then side columns shifted by `offset`.
struct Rows {
  std::vector<size_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<float> data;
};

Status check_csr(const CsrView& m, size_t rows, const char* what) {
  if (m.rows != rows)
    return Status::invalid_argument(std::string(what) + " feature matrix has " + std::to_string(m.rows) + " rows, expected " +
                                    std::to_string(rows));
  if (m.indptr.size() != m.rows + 1) return Status::invalid_argument(std::string(what) + " feature matrix: indptr has the wrong length");
  if (m.indptr[0] != 0 || m.indices.size() != m.data.size() || static_cast<size_t>(m.indptr[m.rows]) != m.indices.size())
    return Status::invalid_argument(std::string(what) + " feature matrix: indptr does not match indices/data");
  for (size_t r = 0; r < m.rows; ++r)
    if (m.indptr[r + 1] < m.indptr[r]) return Status::invalid_argument(std::string(what) + " feature matrix: indptr decreases");
  for (size_t k = 0; k < m.indices.size(); ++k) {
    if (m.indices[k] < 0 || static_cast<size_t>(m.indices[k]) >= m.cols)
      return Status::out_of_range(std::string(what) + " feature matrix: column index out of range");
    if (!(m.data[k] >= 0) || !std::isfinite(m.data[k]))
      return Status::invalid_argument(std::string(what) + " feature values must be finite and >= 0");
  }
  return Status::ok();
}

// identity[r] >= 0: the identity column of row r; -1 none.
Rows build_rows(size_t n, const std::vector<int32_t>& identity, double identity_weight, const CsrView* side, size_t offset,
                const std::string& normalize) {
  Rows out;
  for (size_t r = 0; r < n; ++r) {
    const size_t start = out.indices.size();
    if (!identity.empty() && identity[r] >= 0) {
      out.indices.push_back(identity[r]);
      out.data.push_back(static_cast<float>(identity_weight));
    }
    if (side != nullptr)
      for (auto k = side->indptr[r]; k < side->indptr[r + 1]; ++k) {
        auto sk = static_cast<size_t>(k);
        if (side->data[sk] == 0) continue;
        out.indices.push_back(static_cast<int32_t>(offset + static_cast<size_t>(side->indices[sk])));
        out.data.push_back(static_cast<float>(side->data[sk]));
      }
    double norm = 0;
    for (size_t k = start; k < out.data.size(); ++k)
      norm += normalize == "l2" ? static_cast<double>(out.data[k]) * out.data[k] : std::fabs(out.data[k]);
    if (normalize == "l2") norm = std::sqrt(norm);
    if (normalize != "none" && norm > 0)
      for (size_t k = start; k < out.data.size(); ++k) out.data[k] = static_cast<float>(out.data[k] / norm);
    out.indptr.push_back(out.indices.size());
  }
  return out;
}

// Base learning rate and L2 of one group of features.
struct Rate {
  float lr, alpha;
};

// Embedding tables with per-parameter optimizer state; `bias` rides along per
// feature. Adagrad (LightFM's default): acc starts at 1, step = lr / sqrt(acc)
// with the accumulator read before this gradient is added (LightFM's order).
// Adadelta: acc and delta are running means of g² and step², both from 0.
struct Params {
  size_t d = 0;
  bool adadelta = false;
  float rho = 0.95f, eps = 1e-6f;
  std::vector<float> emb, bias, emb_acc, bias_acc, emb_delta, bias_delta;
  void init(size_t features, size_t dim, std::mt19937_64& rng, bool use_adadelta, float rho_, float eps_) {
    d = dim;
    adadelta = use_adadelta;
    rho = rho_;
    eps = eps_;
    std::uniform_real_distribution<float> uni(-0.5f, 0.5f);
    emb.resize(features * dim);
    for (float& x : emb) x = uni(rng) / static_cast<float>(dim);  // LightFM: (rand − 0.5) / no_components
    bias.assign(features, 0.0f);
    emb_acc.assign(emb.size(), adadelta ? 0.0f : 1.0f);
    bias_acc.assign(features, adadelta ? 0.0f : 1.0f);
    if (adadelta) {
      emb_delta.assign(emb.size(), 0.0f);
      bias_delta.assign(features, 0.0f);
    }
  }
  // out[0..d) = Σ x e, out[d] = Σ x β.
  void repr(const Rows& rows, size_t r, float* out) const {
    std::fill(out, out + d + 1, 0.0f);
    for (size_t k = rows.indptr[r]; k < rows.indptr[r + 1]; ++k) {
      const float x = rows.data[k];
      const float* e = emb.data() + static_cast<size_t>(rows.indices[k]) * d;
      for (size_t c = 0; c < d; ++c) out[c] += x * e[c];
      out[d] += x * bias[static_cast<size_t>(rows.indices[k])];
    }
  }
  // One optimizer step of parameter `w` with gradient g.
  void step(float& w, float& acc, float* delta, float g, float lr) const {
    if (adadelta) {
      acc = rho * acc + (1 - rho) * g * g;
      const float dx = std::sqrt(*delta + eps) / std::sqrt(acc + eps) * g;
      *delta = rho * *delta + (1 - rho) * dx * dx;
      w -= dx;
    } else {
      w -= lr * g / std::sqrt(acc);
      acc += g * g;
    }
  }
  // Step on the features of row r for d(loss)/d(repr) = scale · dir and
  // d(loss)/d(bias) = scale when with_bias, plus L2 alpha. Features below
  // `identity_cols` (the identity columns) step with `identity`, the others
  // (side features) with `side`.
  void update(const Rows& rows, size_t r, float scale, const float* dir, bool with_bias, Rate identity, Rate side,
              size_t identity_cols) {
    float unused = 0;
    for (size_t k = rows.indptr[r]; k < rows.indptr[r + 1]; ++k) {
      const float x = rows.data[k];
      const auto f = static_cast<size_t>(rows.indices[k]);
      const auto [lr, alpha] = f < identity_cols ? identity : side;
      float* e = emb.data() + f * d;
      float* acc = emb_acc.data() + f * d;
      float* delta = adadelta ? emb_delta.data() + f * d : &unused;
      for (size_t c = 0; c < d; ++c) step(e[c], acc[c], adadelta ? delta + c : &unused, scale * x * dir[c] + alpha * e[c], lr);
      if (with_bias) step(bias[f], bias_acc[f], adadelta ? &bias_delta[f] : &unused, scale * x + alpha * bias[f], lr);
    }
  }
};

float dot(const float* a, const float* b, size_t d) {
  float s = 0;
  for (size_t c = 0; c < d; ++c) s += a[c] * b[c];
  return s;
}

}  // namespace

Result<std::unique_ptr<HybridModel>> fit_hybrid(const std::vector<std::vector<int32_t>>& train, size_t num_items,
                                                const CsrView* item_features, const CsrView* user_features,
                                                const HybridOptions& options, const HybridEpochCallback& on_epoch) {
  TOKREC_RETURN_IF_ERROR(detail::check_train(train, num_items));
  const auto& o = options;
  if (o.dim == 0) return Status::invalid_argument("hybrid dim must be >= 1");
  if (o.loss != "warp" && o.loss != "warp-kos" && o.loss != "bpr")
    return Status::invalid_argument("hybrid loss must be 'warp', 'warp-kos' or 'bpr', got '" + o.loss + "'");
  if (o.loss == "warp-kos" && (o.kos_k == 0 || o.kos_n == 0)) return Status::invalid_argument("hybrid kos_k and kos_n must be >= 1");
  if (!std::isfinite(o.identity_alpha) || !std::isfinite(o.side_learning_rate))
    return Status::invalid_argument("hybrid identity_alpha and side_learning_rate must be finite");
  if (o.normalize != "l1" && o.normalize != "l2" && o.normalize != "none")
    return Status::invalid_argument("hybrid normalize must be 'l1', 'l2' or 'none', got '" + o.normalize + "'");
  if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate)) return Status::invalid_argument("hybrid learning_rate must be finite and > 0");
  if (!(o.item_alpha >= 0) || !(o.user_alpha >= 0)) return Status::invalid_argument("hybrid alphas must be >= 0");
  if (!(o.identity_weight >= 0) || !std::isfinite(o.identity_weight)) return Status::invalid_argument("hybrid identity_weight must be finite and >= 0");
  if (o.learning_schedule != "adagrad" && o.learning_schedule != "adadelta")
    return Status::invalid_argument("hybrid learning_schedule must be 'adagrad' or 'adadelta', got '" + o.learning_schedule + "'");
  if (!(o.rho > 0 && o.rho < 1) || !(o.epsilon > 0)) return Status::invalid_argument("hybrid rho must be in (0, 1) and epsilon > 0");
  if (o.negatives != "warm" && o.negatives != "all")
    return Status::invalid_argument("hybrid negatives must be 'warm' or 'all', got '" + o.negatives + "'");
  if (o.loss != "bpr" && o.max_sampled == 0) return Status::invalid_argument("hybrid max_sampled must be >= 1");
  if (item_features != nullptr) TOKREC_RETURN_IF_ERROR(check_csr(*item_features, num_items, "item"));
  if (user_features != nullptr) TOKREC_RETURN_IF_ERROR(check_csr(*user_features, train.size(), "user"));
  if (!o.item_identity && item_features == nullptr) return Status::invalid_argument("hybrid model without item identity needs item features");
  if (!o.user_identity && user_features == nullptr) return Status::invalid_argument("hybrid model without user identity needs user features");

  auto model = std::unique_ptr<HybridModel>(new HybridModel());
  model->options_ = o;
  const size_t n_users = train.size();

  // Warm items (with a training interaction) get identity columns; only they are negatives.
  std::vector<char> warm(num_items, 0);
  for (const auto& items : train)
    for (int32_t i : items) warm[static_cast<size_t>(i)] = 1;
  std::vector<int32_t> item_identity;
  if (o.item_identity) {
    item_identity.assign(num_items, -1);
    int32_t next = 0;
    for (size_t i = 0; i < num_items; ++i)
      if (warm[i]) item_identity[i] = next++;
    model->item_identity_columns_ = static_cast<size_t>(next);
  }
  model->side_item_columns_ = item_features != nullptr ? item_features->cols : 0;
  const Rows item_rows = build_rows(num_items, item_identity, o.identity_weight, item_features,
                                    model->item_identity_columns_, o.normalize);
  std::vector<int32_t> negatives;
  for (size_t i = 0; i < num_items; ++i)
    if (warm[i] || (o.negatives == "all" && item_rows.indptr[i + 1] > item_rows.indptr[i]))
      negatives.push_back(static_cast<int32_t>(i));
  std::vector<int32_t> user_identity;
  if (o.user_identity)
    for (size_t u = 0; u < n_users; ++u) user_identity.push_back(static_cast<int32_t>(u));
  const size_t user_id_cols = o.user_identity ? n_users : 0;
  const Rows user_rows = build_rows(n_users, user_identity, o.identity_weight, user_features, user_id_cols, o.normalize);

  std::mt19937_64 rng(o.seed);
  const bool adadelta = o.learning_schedule == "adadelta";
  const auto rho = static_cast<float>(o.rho), eps = static_cast<float>(o.epsilon);
  Params items, users;
  items.init(model->item_identity_columns_ + model->side_item_columns_, o.dim, rng, adadelta, rho, eps);
  users.init(user_id_cols + (user_features != nullptr ? user_features->cols : 0), o.dim, rng, adadelta, rho, eps);

  std::vector<std::pair<int32_t, int32_t>> pairs;
  for (size_t u = 0; u < n_users; ++u)
    if (train[u].size() < negatives.size())
      for (int32_t i : train[u]) pairs.emplace_back(static_cast<int32_t>(u), i);

  const size_t d = o.dim;
  const auto lr = static_cast<float>(o.learning_rate);
  const auto ia = static_cast<float>(o.item_alpha), ua = static_cast<float>(o.user_alpha);
  const Rate item_side{o.side_learning_rate > 0 ? static_cast<float>(o.side_learning_rate) : lr, ia};
  const Rate item_id{lr, o.identity_alpha >= 0 ? static_cast<float>(o.identity_alpha) : ia};
  const Rate user_rate{lr, ua};
  const size_t item_id_cols = model->item_identity_columns_;
  const size_t threads = std::max<size_t>(1, o.threads == 0 ? default_thread_count() : o.threads);
  const bool warp = o.loss != "bpr", kos = o.loss == "warp-kos";
  const auto n_neg = negatives.size();
  constexpr double kMaxLoss = 10.0;  // LightFM's MAX_LOSS: clips the WARP rank weight
  // The catalog's representations from the current tables (final model, or a
  // snapshot for the epoch callback).
  auto finish = [&](HybridModel& m) {
    std::vector<float> q(num_items * d), qb(num_items), pu(n_users * d), pb(n_users);
    std::vector<float> buf(d + 1);
    for (size_t i = 0; i < num_items; ++i) {
      items.repr(item_rows, i, buf.data());
      std::copy_n(buf.begin(), d, q.begin() + static_cast<std::ptrdiff_t>(i * d));
      qb[i] = buf[d];
    }
    for (size_t u = 0; u < n_users; ++u) {
      users.repr(user_rows, u, buf.data());
      std::copy_n(buf.begin(), d, pu.begin() + static_cast<std::ptrdiff_t>(u * d));
      pb[u] = buf[d];
    }
    m.factors_ = FactorModel(std::move(pu), std::move(q), d, std::move(pb), std::move(qb));
    m.item_emb_ = items.emb;
    m.item_bias_ = items.bias;
  };
  for (size_t epoch = 0; epoch < o.epochs; ++epoch) {
    for (size_t k = pairs.size(); k > 1; --k) std::swap(pairs[k - 1], pairs[rng() % k]);
    const uint64_t epoch_seed = rng();
    // Hogwild: each worker takes a contiguous share of the shuffled pairs and
    // updates the shared tables without locks (LightFM's prange does the same).
    parallel_for(threads, 0, threads, [&](size_t t) {
      std::mt19937_64 local(epoch_seed + 0x9E3779B97F4A7C15ULL * (t + 1));
      std::vector<float> p(d + 1), qi(d + 1), qj(d + 1), diff(d);
      std::vector<std::pair<float, int32_t>> drawn;  // warp-kos: (score, positive)
      const size_t lo = pairs.size() * t / threads, hi = pairs.size() * (t + 1) / threads;
      for (size_t e = lo; e < hi; ++e) {
        auto [u, i] = pairs[e];
        const auto su = static_cast<size_t>(u);
        const auto& pos = train[su];
        users.repr(user_rows, su, p.data());
        if (kos) {
          // k-OS: the pair stands for its user (heavy users keep their share
          // of steps); its positive is the k-th best of n drawn ones.
          drawn.clear();
          const size_t n = std::min(o.kos_n, pos.size());
          for (size_t t2 = 0; t2 < n; ++t2) {
            const int32_t cand = pos[local() % pos.size()];
            items.repr(item_rows, static_cast<size_t>(cand), qi.data());
            drawn.emplace_back(dot(p.data(), qi.data(), d) + qi[d], cand);
          }
          const size_t kth = std::min(o.kos_k, n) - 1;
          std::nth_element(drawn.begin(), drawn.begin() + static_cast<std::ptrdiff_t>(kth), drawn.end(),
                           [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
          i = drawn[kth].second;
        }
        items.repr(item_rows, static_cast<size_t>(i), qi.data());
        const float si = dot(p.data(), qi.data(), d) + qi[d];
        float weight = 0;  // d(loss)/d(s_j) = weight = −d(loss)/d(s_i)
        int32_t j = -1;
        if (warp) {
          // The hinge max(0, 1 − s_i + s_j) has gradient ±1; WARP scales it
          // by log(rank estimate) where rank ≈ floor((n − 1) / draws), as
          // lightfm's fit_warp does (the violation size does not enter).
          for (size_t sampled = 1; sampled <= o.max_sampled; ++sampled) {
            const int32_t cand = negatives[local() % n_neg];
            items.repr(item_rows, static_cast<size_t>(cand), qj.data());
            const float sj = dot(p.data(), qj.data(), d) + qj[d];
            if (sj > si - 1.0f) {
              if (std::binary_search(pos.begin(), pos.end(), cand)) continue;
              const double rank = std::floor(static_cast<double>(n_neg - 1) / static_cast<double>(sampled));
              weight = static_cast<float>(std::min(kMaxLoss, std::log(std::max(1.0, rank))));
              j = cand;
              break;
            }
          }
        } else {
          do j = negatives[local() % n_neg];
          while (std::binary_search(pos.begin(), pos.end(), j));
          items.repr(item_rows, static_cast<size_t>(j), qj.data());
          const float sj = dot(p.data(), qj.data(), d) + qj[d];
          weight = static_cast<float>(1.0 / (1.0 + std::exp(static_cast<double>(si - sj))));  // 1 − σ(s_i − s_j)
        }
        if (j < 0 || weight <= 0) continue;
        for (size_t c = 0; c < d; ++c) diff[c] = qj[c] - qi[c];
        // loss gradient: ∂/∂q_i = −w·p, ∂/∂q_j = +w·p, ∂/∂p = w·(q_j − q_i); biases likewise.
        items.update(item_rows, static_cast<size_t>(i), -weight, p.data(), true, item_id, item_side, item_id_cols);
        items.update(item_rows, static_cast<size_t>(j), weight, p.data(), true, item_id, item_side, item_id_cols);
        users.update(user_rows, su, weight, diff.data(), false, user_rate, user_rate, 0);
      }
    });
    if (on_epoch) {
      HybridModel snapshot;
      snapshot.options_ = o;
      snapshot.side_item_columns_ = model->side_item_columns_;
      snapshot.item_identity_columns_ = model->item_identity_columns_;
      finish(snapshot);
      if (!on_epoch(epoch + 1, snapshot)) break;
    }
  }
  finish(*model);
  return model;
}

Status HybridModel::embed_items(const CsrView& features, std::vector<float>& embeddings, std::vector<float>& biases) const {
  if (features.cols != side_item_columns_)
    return Status::invalid_argument("new item features have " + std::to_string(features.cols) + " columns, the model was fitted with " +
                                    std::to_string(side_item_columns_));
  TOKREC_RETURN_IF_ERROR(check_csr(features, features.rows, "new item"));
  const Rows rows = build_rows(features.rows, {}, 0.0, &features, item_identity_columns_, options_.normalize);
  const size_t d = options_.dim;
  Params p;
  // A read-only view over the trained tables (the accumulators are not needed).
  p.d = d;
  p.emb = item_emb_;
  p.bias = item_bias_;
  embeddings.assign(features.rows * d, 0.0f);
  biases.assign(features.rows, 0.0f);
  std::vector<float> buf(d + 1);
  for (size_t r = 0; r < features.rows; ++r) {
    p.repr(rows, r, buf.data());
    std::copy_n(buf.begin(), d, embeddings.begin() + static_cast<std::ptrdiff_t>(r * d));
    biases[r] = buf[d];
  }
  return Status::ok();
}

Status HybridModel::score_new_items(std::span<const int32_t> users, const CsrView& features, std::span<float> out) const {
  if (out.size() < users.size() * features.rows) return Status::invalid_argument("score_new_items: output block is too small");
  std::vector<float> emb, bias;
  TOKREC_RETURN_IF_ERROR(embed_items(features, emb, bias));
  FactorModel fresh(std::vector<float>(factors_.user_factors().begin(), factors_.user_factors().end()), std::move(emb), options_.dim,
                    std::vector<float>(factors_.user_bias().begin(), factors_.user_bias().end()), std::move(bias));
  fresh.score(users, out);
  return Status::ok();
}

}  // namespace tokrec::rec
