#include "tokrec/eval/scorer_eval.h"

#include <algorithm>
#include <random>
#include <unordered_map>
#include <unordered_set>

#include "tokrec/core/thread_pool.h"
#include "tokrec/eval/metrics.h"

namespace tokrec::eval {

double user_auc(std::span<const float> scores, std::span<const int32_t> test, std::span<const int32_t> exclude,
                std::span<const int32_t> candidates) {
  // Collect (score, is_positive) over candidates minus excluded items.
  std::vector<std::pair<float, bool>> v;
  size_t ex = 0, te = 0;
  auto visit = [&](int32_t j) {
    while (ex < exclude.size() && exclude[ex] < j) ++ex;
    if (ex < exclude.size() && exclude[ex] == j) return;
    while (te < test.size() && test[te] < j) ++te;
    bool pos = te < test.size() && test[te] == j;
    v.emplace_back(scores[static_cast<size_t>(j)], pos);
  };
  if (candidates.empty())
    for (int32_t j = 0; j < static_cast<int32_t>(scores.size()); ++j) visit(j);
  else
    for (int32_t j : candidates) visit(j);
  size_t n_pos = 0;
  for (const auto& p : v) n_pos += p.second;
  const size_t n_neg = v.size() - n_pos;
  if (n_pos == 0 || n_neg == 0) return -1.0;
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  // Sum of the (1-based, tie-averaged) ranks of the positives.
  double rank_sum = 0;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    size_t pos_in_tie = 0;
    while (j < v.size() && v[j].first == v[i].first) pos_in_tie += v[j++].second;
    double avg_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    rank_sum += avg_rank * static_cast<double>(pos_in_tie);
    i = j;
  }
  const double p = static_cast<double>(n_pos), n = static_cast<double>(n_neg);
  return (rank_sum - p * (p + 1) / 2) / (p * n);
}

std::string sampled_key(const std::string& metric_key, size_t negatives) {
  return metric_key + " (sampled " + std::to_string(negatives) + ")";
}

namespace {

// User u's sampled candidates (ascending): its test items plus n negatives
// drawn uniformly without replacement from `pool` (or 0..n_items-1 when pool
// is empty) minus the excluded and test items.
void sample_candidates(size_t n, uint64_t seed, int32_t u, size_t n_items, std::span<const int32_t> pool,
                       std::span<const int32_t> exclude, std::span<const int32_t> test, std::vector<int32_t>& out) {
  auto allowed = [&](int32_t j) {
    return !std::binary_search(exclude.begin(), exclude.end(), j) && !std::binary_search(test.begin(), test.end(), j);
  };
  const size_t pool_size = pool.empty() ? n_items : pool.size();
  auto at = [&](size_t k) { return pool.empty() ? static_cast<int32_t>(k) : pool[k]; };
  out.assign(test.begin(), test.end());
  std::mt19937_64 rng(seed ^ (0x9E3779B97F4A7C15ULL * (static_cast<uint64_t>(u) + 1)));
  // Rejection sampling while negatives are plentiful; otherwise enumerate the
  // allowed items and shuffle (exact, and bounded in time either way).
  const size_t blocked = exclude.size() + test.size();
  if (pool_size > 2 * (n + blocked)) {
    std::unordered_set<int32_t> chosen;
    while (chosen.size() < n) {
      const int32_t j = at(static_cast<size_t>(rng() % pool_size));
      if (allowed(j)) chosen.insert(j);
    }
    out.insert(out.end(), chosen.begin(), chosen.end());
  } else {
    std::vector<int32_t> all;
    for (size_t k = 0; k < pool_size; ++k)
      if (allowed(at(k))) all.push_back(at(k));
    const size_t take = std::min(n, all.size());
    for (size_t k = 0; k < take; ++k) std::swap(all[k], all[k + static_cast<size_t>(rng() % (all.size() - k))]);
    out.insert(out.end(), all.begin(), all.begin() + static_cast<std::ptrdiff_t>(take));
  }
  std::sort(out.begin(), out.end());
}

}  // namespace

Result<ScorerEvalResult> evaluate_scorer(const rec::Scorer& scorer, std::span<const int32_t> users,
                                         const std::vector<std::vector<int32_t>>& exclude,
                                         const std::vector<std::vector<int32_t>>& test,
                                         const ScorerEvalOptions& options) {
  MetricOptions mopt;
  mopt.ks = options.ks;
  TOKREC_RETURN_IF_ERROR(validate(mopt));
  const size_t n_items = scorer.num_items();
  mopt.catalog_size = options.catalog_size
                          ? options.catalog_size
                          : (options.candidates.empty() ? n_items : options.candidates.size());
  const auto k_max = static_cast<size_t>(*std::max_element(options.ks.begin(), options.ks.end()));
  static const std::vector<int32_t> kNone;
  auto list_of = [&](const std::vector<std::vector<int32_t>>& lists, int32_t u) -> const std::vector<int32_t>& {
    return static_cast<size_t>(u) < lists.size() ? lists[static_cast<size_t>(u)] : kNone;
  };
  for (int32_t u : users)
    for (int32_t i : list_of(test, u))
      if (i < 0 || static_cast<size_t>(i) >= n_items) return Status::out_of_range("test item index out of range");

  const size_t block = std::max<size_t>(1, options.block_users);
  const size_t n_blocks = (users.size() + block - 1) / block;
  std::vector<MetricAccumulator> accumulators(n_blocks, MetricAccumulator(mopt));
  const size_t n_sampled = options.sampled_negatives;
  std::vector<MetricAccumulator> sampled_acc(n_sampled ? n_blocks : 0, MetricAccumulator(mopt));
  std::vector<double> auc_sum(n_blocks, 0), gauc_sum(n_blocks, 0), gauc_weight(n_blocks, 0);
  std::vector<size_t> auc_users(n_blocks, 0);
  ScorerEvalResult result;
  result.lists.resize(users.size());

  parallel_for(std::max<size_t>(1, options.threads), 0, n_blocks, [&](size_t b) {
    const size_t begin = b * block, end = std::min(users.size(), begin + block);
    std::vector<float> scores((end - begin) * n_items);
    scorer.score(users.subspan(begin, end - begin), scores);
    std::vector<int32_t> top, sampled, sampled_top;
    std::unordered_map<int64_t, double> truth;
    for (size_t i = begin; i < end; ++i) {
      const int32_t u = users[i];
      const auto& t = list_of(test, u);
      const auto& ex = list_of(exclude, u);
      auto row = std::span<const float>(scores).subspan((i - begin) * n_items, n_items);
      if (options.candidates.empty())
        rec::top_k_row(row, k_max, ex, top);
      else
        rec::top_k_row(row, k_max, ex, options.candidates, top);
      if (!t.empty()) {
        truth.clear();
        for (int32_t item : t) truth[item] = 1.0;
        std::vector<int64_t> ranked(top.begin(), top.end());
        accumulators[b].add("", ranked, truth);
        if (n_sampled) {
          sample_candidates(n_sampled, options.sample_seed, u, n_items, options.candidates, ex, t, sampled);
          rec::top_k_row(row, k_max, {}, sampled, sampled_top);
          ranked.assign(sampled_top.begin(), sampled_top.end());
          sampled_acc[b].add("", ranked, truth);
        }
        if (options.auc) {
          double a = user_auc(row, t, ex, options.candidates);
          if (a >= 0) {
            auc_sum[b] += a;
            gauc_sum[b] += a * static_cast<double>(t.size());
            gauc_weight[b] += static_cast<double>(t.size());
            ++auc_users[b];
          }
        }
      }
      if (options.keep_lists) result.lists[i] = top;
    }
  });

  MetricAccumulator total(mopt), sampled_total(mopt);
  double a = 0, g = 0, gw = 0;
  size_t au = 0;
  for (size_t b = 0; b < n_blocks; ++b) {  // fixed order: results do not depend on threads
    total.merge(accumulators[b]);
    if (n_sampled) sampled_total.merge(sampled_acc[b]);
    a += auc_sum[b];
    g += gauc_sum[b];
    gw += gauc_weight[b];
    au += auc_users[b];
  }
  if (total.users() == 0) return Status::invalid_argument("no evaluated user has a test item");
  result.metrics = total.result();
  if (n_sampled)
    for (const auto& [key, value] : sampled_total.result())
      if (key != "users" && key.rfind("coverage@", 0) != 0) result.metrics[sampled_key(key, n_sampled)] = value;
  if (options.auc) {
    result.metrics["auc"] = au ? a / static_cast<double>(au) : 0.0;
    result.metrics["gauc"] = gw > 0 ? g / gw : 0.0;
  }
  if (!options.keep_lists) result.lists.clear();
  return result;
}

}  // namespace tokrec::eval
