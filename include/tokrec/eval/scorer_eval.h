// Full-ranking evaluation of a rec::Scorer, streamed block by block of users:
// memory is bounded by block_users x num_items scores per thread, never a
// users x items matrix. Computes the top-K metrics of metrics.h and AUC.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/rec/recommender.h"

namespace tokrec::eval {

struct ScorerEvalOptions {
  std::vector<int> ks{10};
  size_t threads = 1;
  size_t block_users = 256;
  // Rank only these items (ascending); empty = all items.
  std::vector<int32_t> candidates;
  // Denominator of coverage@K; 0 = the number of candidates (or all items).
  size_t catalog_size = 0;
  bool auc = true;
  bool keep_lists = true;  // return each user's top max(K) list
  // Sampled ranking, an explicit option next to full ranking (never instead
  // of it): when > 0, each user's test items are also ranked against this
  // many negatives drawn uniformly without replacement from the candidates
  // that are neither excluded nor test items (all of them when fewer remain),
  // and the top-K metrics of that ranking are added under the labelled keys
  // sampled_key("ndcg@10", N) = "ndcg@10 (sampled N)". Coverage is not
  // computed for it. The draw depends only on (sample_seed, user).
  size_t sampled_negatives = 0;
  uint64_t sample_seed = 2024;
};

// "<metric>@K (sampled N)": the label of a sampled-ranking metric.
std::string sampled_key(const std::string& metric_key, size_t negatives);

struct ScorerEvalResult {
  // "<metric>@K" as evaluate() names them, "users", and with auc: "auc" (mean
  // of per-user AUC over users with at least one positive and one negative
  // candidate) and "gauc" (the same weighted by the user's test positives, as
  // RecBole's GAUC). With sampled_negatives, also the sampled_key() entries.
  std::map<std::string, double> metrics;
  std::vector<std::vector<int32_t>> lists;  // lists[i] belongs to users[i]
};

// Per-user AUC from one score row: positives = `test`, negatives = every
// other candidate not in `exclude`; ties count 1/2 (Mann-Whitney). Returns
// -1 when there is no positive or no negative.
double user_auc(std::span<const float> scores, std::span<const int32_t> test, std::span<const int32_t> exclude,
                std::span<const int32_t> candidates);

// users: whom to evaluate; exclude[u], test[u]: ascending item lists indexed
// by user (train items are excluded from ranking; test items are the truth
// with relevance 1). Users with no test item are skipped.
Result<ScorerEvalResult> evaluate_scorer(const rec::Scorer& scorer, std::span<const int32_t> users,
                                         const std::vector<std::vector<int32_t>>& exclude,
                                         const std::vector<std::vector<int32_t>>& test,
                                         const ScorerEvalOptions& options = {});

}  // namespace tokrec::eval
