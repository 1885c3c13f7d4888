// Top-K metrics, one pass over each user's list. Each user is reduced to a
// vector of "first-hit gains" by position plus its ideal gains; the metrics at
// every K are then prefix sums of that vector, so several Ks cost one pass.
#include "tokrec/eval/metrics.h"

#include "tokrec/core/thread_pool.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <unordered_set>
#include <utility>

namespace tokrec::eval {

namespace {

// Hits are found by looking the item up in the user's truth; the address of
// the truth entry identifies the item, so a repeated recommendation is spotted
// by comparing addresses. Users rarely have many hits, so a vector beats a set
// until it grows.
class HitSet {
 public:
  void clear() {
    seen_.clear();
    big_.clear();
  }
  // True when `key` was not seen before (and records it).
  bool insert(const void* key) {
    if (big_.empty() && seen_.size() < 64) {
      if (std::find(seen_.begin(), seen_.end(), key) != seen_.end()) return false;
      seen_.push_back(key);
      return true;
    }
    if (big_.empty()) big_.insert(seen_.begin(), seen_.end());
    return big_.insert(key).second;
  }

 private:
  std::vector<const void*> seen_;
  std::unordered_set<const void*> big_;
};

// Reduce one user's list to first-hit gains (positions 1..min(len, max_k))
// and its sorted ideal gains. Shared by the string and int-id paths.
template <typename Item, typename TruthMap, typename OnItem>
void judge(const Item* ranked, size_t len, int max_k, const TruthMap& truth,
           std::vector<double>& gains, std::vector<double>& ideal, OnItem&& on_item) {
  gains.clear();
  ideal.clear();
  for (const auto& [item, rel] : truth)
    if (rel > 0) ideal.push_back(rel);  // NaN fails `> 0` too
  std::sort(ideal.begin(), ideal.end(), std::greater<>());
  thread_local HitSet hits;
  hits.clear();
  size_t n = std::min(len, static_cast<size_t>(max_k));
  gains.resize(n, 0.0);
  for (size_t p = 0; p < n; ++p) {
    on_item(ranked[p], static_cast<int>(p) + 1);
    auto it = truth.find(ranked[p]);
    if (it == truth.end() || !(it->second > 0)) continue;
    if (hits.insert(&it->second)) gains[p] = it->second;
  }
}

template <typename Map, typename Key>
void note_position(Map& best, const Key& item, int position) {
  auto [it, inserted] = best.try_emplace(item, position);
  if (!inserted && position < it->second) it->second = position;
}

}  // namespace

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> names{"precision", "recall", "f1",       "ndcg",
                                              "map",       "mrr",    "hit_rate", "coverage"};
  return names;
}

Status validate(const MetricOptions& options) {
  if (options.ks.empty()) return Status::invalid_argument("no cut-off K given");
  for (int k : options.ks)
    if (k < 1) return Status::invalid_argument("cut-off K must be >= 1, got " + std::to_string(k));
  return Status::ok();
}

MetricAccumulator::MetricAccumulator(MetricOptions options)
    : catalog_size_(options.catalog_size) {
  for (int k : options.ks)
    if (k >= 1) ks_.push_back(k);
  std::sort(ks_.begin(), ks_.end());
  ks_.erase(std::unique(ks_.begin(), ks_.end()), ks_.end());
  max_k_ = ks_.empty() ? 0 : ks_.back();
  sums_.resize(ks_.size());
}

template <typename Map, typename Item, typename TruthMap>
void MetricAccumulator::add_items(Map& best, const Item* ranked, size_t len, const TruthMap& truth) {
  const bool track_catalog = catalog_size_ == 0;
  if (track_catalog) {
    for (const auto& [item, rel] : truth)
      if (rel > 0) best.try_emplace(item, kNotInTop);
  }
  bool evaluated = std::any_of(truth.begin(), truth.end(), [](const auto& kv) { return kv.second > 0; });
  if (evaluated) {
    judge(ranked, len, max_k_, truth, gains_, ideal_,
          [&](const Item& item, int position) { note_position(best, item, position); });
    add_judged(gains_, ideal_);
  }
  if (track_catalog) {
    // Every position, not just the top K: the catalog is what the files know.
    size_t from = evaluated ? std::min(len, static_cast<size_t>(max_k_)) : 0;
    for (size_t p = from; p < len; ++p) best.try_emplace(ranked[p], kNotInTop);
  }
}

void MetricAccumulator::add(std::string_view /*user*/, const std::vector<std::string>& ranked_items,
                            const std::unordered_map<std::string, double>& truth_items) {
  add_items(best_position_, ranked_items.data(), ranked_items.size(), truth_items);
}

void MetricAccumulator::add(std::string_view /*user*/, std::span<const int64_t> ranked_items,
                            const std::unordered_map<int64_t, double>& truth_items) {
  add_items(best_position_id_, ranked_items.data(), ranked_items.size(), truth_items);
}

void MetricAccumulator::add_missing_user() { ++users_; }

void MetricAccumulator::add_catalog_items(const std::vector<std::string>& items) {
  if (catalog_size_ != 0) return;
  for (const auto& item : items) best_position_.try_emplace(item, kNotInTop);
}

void MetricAccumulator::add_catalog_items(std::span<const int64_t> items) {
  if (catalog_size_ != 0) return;
  for (int64_t item : items) best_position_id_.try_emplace(item, kNotInTop);
}

void MetricAccumulator::add_judged(const std::vector<double>& gains, std::vector<double>& ideal) {
  ++users_;
  const double n_truth = static_cast<double>(ideal.size());
  size_t next_k = 0;
  size_t hits = 0;
  double dcg = 0, idcg = 0, precision_sum = 0;
  int first_hit = 0;
  for (int p = 1; p <= max_k_ && next_k < ks_.size(); ++p) {
    const double discount = std::log2(static_cast<double>(p) + 1.0);
    const size_t i = static_cast<size_t>(p) - 1;
    if (i < ideal.size()) idcg += ideal[i] / discount;
    const double gain = i < gains.size() ? gains[i] : 0.0;
    if (gain > 0) {
      ++hits;
      dcg += gain / discount;
      precision_sum += static_cast<double>(hits) / p;
      if (first_hit == 0) first_hit = p;
    }
    if (p != ks_[next_k]) continue;
    // Close the books for K = p.
    Sums& s = sums_[next_k++];
    const double k = p;
    const double h = static_cast<double>(hits);
    const double precision = h / k;
    const double recall = h / n_truth;
    s.precision += precision;
    s.recall += recall;
    if (hits > 0) s.f1 += 2 * precision * recall / (precision + recall);
    if (idcg > 0) s.ndcg += dcg / idcg;
    s.map += precision_sum / std::min(k, n_truth);
    if (first_hit > 0) s.mrr += 1.0 / first_hit;
    if (hits > 0) s.hit_rate += 1;
  }
}

void MetricAccumulator::merge(const MetricAccumulator& other) {
  users_ += other.users_;
  for (size_t i = 0; i < sums_.size() && i < other.sums_.size(); ++i) {
    Sums& a = sums_[i];
    const Sums& b = other.sums_[i];
    a.precision += b.precision;
    a.recall += b.recall;
    a.f1 += b.f1;
    a.ndcg += b.ndcg;
    a.map += b.map;
    a.mrr += b.mrr;
    a.hit_rate += b.hit_rate;
  }
  for (const auto& [item, pos] : other.best_position_) note_position(best_position_, item, pos);
  for (const auto& [item, pos] : other.best_position_id_) note_position(best_position_id_, item, pos);
}

std::map<std::string, double> MetricAccumulator::result() const {
  std::map<std::string, double> out;
  const double users = static_cast<double>(users_);
  out["users"] = users;
  size_t catalog = catalog_size_ != 0 ? catalog_size_ : best_position_.size() + best_position_id_.size();
  for (size_t j = 0; j < ks_.size(); ++j) {
    // Built in two steps: `"@" + std::to_string(k)` trips a GCC 12 -Wrestrict false positive.
    std::string at = std::to_string(ks_[j]);
    at.insert(at.begin(), '@');
    const Sums& s = sums_[j];
    auto mean = [&](double sum) { return users_ > 0 ? sum / users : 0.0; };
    out["precision" + at] = mean(s.precision);
    out["recall" + at] = mean(s.recall);
    out["f1" + at] = mean(s.f1);
    out["ndcg" + at] = mean(s.ndcg);
    out["map" + at] = mean(s.map);
    out["mrr" + at] = mean(s.mrr);
    out["hit_rate" + at] = mean(s.hit_rate);
    size_t covered = 0;
    for (const auto& [item, pos] : best_position_) covered += pos <= ks_[j];
    for (const auto& [item, pos] : best_position_id_) covered += pos <= ks_[j];
    out["coverage" + at] = catalog > 0 ? static_cast<double>(covered) / static_cast<double>(catalog) : 0.0;
  }
  return out;
}

Result<std::map<std::string, double>> evaluate(const Recommendations& recs, const Truth& truth,
                                               const MetricOptions& options) {
  TOKREC_RETURN_IF_ERROR(validate(options));
  static const std::vector<std::string> kNoItems;
  std::vector<const Truth::value_type*> users;
  users.reserve(truth.size());
  for (const auto& entry : truth) users.push_back(&entry);

  // Contiguous user ranges, one accumulator each, merged in range order.
  size_t threads = options.threads == 0 ? default_thread_count() : options.threads;
  size_t parts = std::max<size_t>(1, std::min(threads, users.size() / 1024));
  std::vector<MetricAccumulator> accs(parts, MetricAccumulator(options));
  parallel_for(parts, 0, parts, [&](size_t part) {
    size_t begin = users.size() * part / parts, end = users.size() * (part + 1) / parts;
    for (size_t i = begin; i < end; ++i) {
      const auto& [user, items] = *users[i];
      auto it = recs.find(user);
      // A user without recommendations is scored on an empty list: 0 everywhere.
      accs[part].add(user, it == recs.end() ? kNoItems : it->second, items);
    }
  });
  MetricAccumulator& acc = accs.front();
  for (size_t part = 1; part < parts; ++part) acc.merge(accs[part]);
  if (options.catalog_size == 0) {
    for (const auto& [user, items] : recs)
      if (!truth.contains(user)) acc.add_catalog_items(items);
  }
  if (acc.users() == 0)
    return Status::invalid_argument("no user has a test item with relevance > 0");
  return acc.result();
}

}  // namespace tokrec::eval
