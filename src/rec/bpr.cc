#include "tokrec/rec/bpr.h"

#include <algorithm>
#include <cmath>
#include <random>

#include "rec/interactions.h"
#include "tokrec/core/thread_pool.h"

namespace tokrec::rec {
namespace {

// Dense Adam or SGD over one flat parameter table.
struct Table {
  std::vector<float> w, grad, m, v;
  void init(size_t rows, size_t dim, std::mt19937_64& rng) {
    std::normal_distribution<float> normal(0.0f, std::sqrt(2.0f / static_cast<float>(rows + dim)));
    w.resize(rows * dim);
    for (float& x : w) x = normal(rng);
    grad.assign(w.size(), 0.0f);
    m.assign(w.size(), 0.0f);
    v.assign(w.size(), 0.0f);
  }
};

}  // namespace

Result<std::unique_ptr<FactorModel>> fit_bpr(const std::vector<std::vector<int32_t>>& train, size_t num_items,
                                             const BprOptions& options, const BprEpochCallback& on_epoch) {
  TOKREC_RETURN_IF_ERROR(detail::check_train(train, num_items));
  if (options.dim == 0) return Status::invalid_argument("BPR dim must be >= 1");
  if (options.batch_size == 0) return Status::invalid_argument("BPR batch_size must be >= 1");
  if (!(options.learning_rate > 0) || !std::isfinite(options.learning_rate))
    return Status::invalid_argument("BPR learning_rate must be finite and > 0");
  if (!(options.reg >= 0) || !std::isfinite(options.reg)) return Status::invalid_argument("BPR reg must be finite and >= 0");
  const bool adam = options.optimizer == "adam";
  if (!adam && options.optimizer != "sgd")
    return Status::invalid_argument("BPR optimizer must be 'adam' or 'sgd', got '" + options.optimizer + "'");

  const size_t d = options.dim, n_users = train.size();
  std::mt19937_64 rng(options.seed);
  Table users, items;
  users.init(n_users, d, rng);
  items.init(num_items, d, rng);

  std::vector<std::pair<int32_t, int32_t>> pairs;
  for (size_t u = 0; u < n_users; ++u)
    if (train[u].size() < num_items)  // a user holding every item has no negative
      for (int32_t i : train[u]) pairs.emplace_back(static_cast<int32_t>(u), i);

  const size_t threads = options.threads == 0 ? default_thread_count() : options.threads;
  ThreadPool pool(threads);
  const float lr = static_cast<float>(options.learning_rate), reg = static_cast<float>(options.reg);
  const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
  double b1t = 1.0, b2t = 1.0;
  std::vector<float> diff(d);

  auto step = [&](Table& t) {
    const float bc1 = static_cast<float>(1.0 - b1t), bc2 = static_cast<float>(std::sqrt(1.0 - b2t));
    const size_t n = t.w.size(), chunk = 4096, chunks = (n + chunk - 1) / chunk;
    pool.parallel_for(0, chunks, [&](size_t c) {
      const size_t lo = c * chunk, hi = std::min(n, lo + chunk);
      float* w = t.w.data();
      float* g = t.grad.data();
      if (adam) {
        float* m = t.m.data();
        float* v = t.v.data();
        const float step_size = lr / bc1;
        for (size_t k = lo; k < hi; ++k) {
          m[k] = b1 * m[k] + (1 - b1) * g[k];
          v[k] = b2 * v[k] + (1 - b2) * g[k] * g[k];
          w[k] -= step_size * m[k] / (std::sqrt(v[k]) / bc2 + eps);
          g[k] = 0.0f;
        }
      } else {
        for (size_t k = lo; k < hi; ++k) {
          w[k] -= lr * g[k];
          g[k] = 0.0f;
        }
      }
    });
  };

  for (size_t epoch = 1; epoch <= options.epochs; ++epoch) {
    for (size_t k = pairs.size(); k > 1; --k) std::swap(pairs[k - 1], pairs[rng() % k]);
    double loss_sum = 0;
    size_t batches = 0;
    for (size_t begin = 0; begin < pairs.size(); begin += options.batch_size) {
      const size_t end = std::min(pairs.size(), begin + options.batch_size);
      const float inv_b = 1.0f / static_cast<float>(end - begin);
      double batch_loss = 0;
      for (size_t e = begin; e < end; ++e) {
        auto [u, i] = pairs[e];
        const auto& pos = train[static_cast<size_t>(u)];
        int32_t j;
        do j = static_cast<int32_t>(rng() % num_items);
        while (std::binary_search(pos.begin(), pos.end(), j));
        float* pu = users.w.data() + static_cast<size_t>(u) * d;
        float* qi = items.w.data() + static_cast<size_t>(i) * d;
        float* qj = items.w.data() + static_cast<size_t>(j) * d;
        float x = 0;
        for (size_t c = 0; c < d; ++c) x += pu[c] * (qi[c] - qj[c]);
        const double sig = 1.0 / (1.0 + std::exp(-static_cast<double>(x)));
        batch_loss += -std::log(1e-10 + sig);
        // d/dx of −log(γ + σ(x)) = −σ(x)(1 − σ(x)) / (γ + σ(x)), averaged over the batch.
        const auto coef = static_cast<float>(-sig * (1.0 - sig) / (1e-10 + sig)) * inv_b;
        float* gu = users.grad.data() + static_cast<size_t>(u) * d;
        float* gi = items.grad.data() + static_cast<size_t>(i) * d;
        float* gj = items.grad.data() + static_cast<size_t>(j) * d;
        for (size_t c = 0; c < d; ++c) diff[c] = qi[c] - qj[c];
        for (size_t c = 0; c < d; ++c) {
          gu[c] += coef * diff[c] + reg * inv_b * pu[c];
          gi[c] += coef * pu[c] + reg * inv_b * qi[c];
          gj[c] += -coef * pu[c] + reg * inv_b * qj[c];
        }
      }
      b1t *= b1;
      b2t *= b2;
      step(users);
      step(items);
      loss_sum += batch_loss * inv_b;
      ++batches;
    }
    if (on_epoch) {
      FactorModel current(users.w, items.w, d);
      if (!on_epoch(epoch, batches ? loss_sum / static_cast<double>(batches) : 0.0, current)) break;
    }
  }
  return std::make_unique<FactorModel>(std::move(users.w), std::move(items.w), d);
}

}  // namespace tokrec::rec
