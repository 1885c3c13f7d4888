#include "tokrec/eval/experiment.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include <random>
#include <unordered_map>

#include "tokrec/core/thread_pool.h"
#include "tokrec/encoder/encoder.h"
#include "tokrec/eval/scorer_eval.h"
#include "tokrec/features/pooling.h"
#include "tokrec/features/word_vectors.h"
#include "tokrec/rec/blend.h"
#include "tokrec/rec/dataset.h"
#include "tokrec/rec/recommender.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::eval {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool needs_vectors(const std::vector<std::string>& models) {
  return std::any_of(models.begin(), models.end(), [](const std::string& m) { return m.rfind("content-glove", 0) == 0; });
}

// Whether a model that reads encoder rows runs, directly or as a blend member.
bool needs_encoder(const ExperimentConfig& c) {
  auto has = [](const std::vector<std::string>& v) {
    return std::find(v.begin(), v.end(), "content-encoder") != v.end();
  };
  if (has(c.models)) return true;
  return has(c.blend.members) && std::find(c.models.begin(), c.models.end(), "blend") != c.models.end();
}

// Each item text -> one pooled encoder row (docs/run.md, features.encoder).
Result<std::vector<float>> encode_items(const std::vector<std::string>& texts, const ExperimentConfig::EncoderFeatures& e,
                                        size_t threads, size_t& dim) {
  encoder::LoadOptions lo;
  TOKREC_ASSIGN_OR_RETURN(lo.dtype, encoder::parse_dtype(e.dtype));
  auto loaded = encoder::Encoder::load(e.model, lo);
  if (!loaded.is_ok()) return loaded.status().with_context("features.encoder.model");
  const auto& enc = *loaded;
  encoder::EmbedOptions eo;
  TOKREC_ASSIGN_OR_RETURN(eo.pooling, encoder::parse_pooling(e.pooling));
  eo.normalize = e.normalize;
  eo.max_length = e.max_length;
  eo.batch_size = e.batch_size;
  eo.threads = threads;
  TOKREC_ASSIGN_OR_RETURN(encoder::Matrix m, enc->embed(texts, eo));
  dim = m.cols;
  return std::move(m.data);
}

// Word-vector lookup for a WordPiece token under the configured subword policy.
const float* lookup(const features::WordVectors& vectors, std::string_view token, bool strip_subword) {
  if (token.size() > 2 && token.substr(0, 2) == "##") {
    if (!strip_subword) return nullptr;
    token.remove_prefix(2);
  }
  return vectors.find(token);
}

// Subtract the mean of the non-zero rows from each non-zero row. Pooled word
// vectors share a large common direction (frequent words, punctuation, years
// in titles) that makes every cosine high; removing it lets the differences
// between items decide the ranking (the idea behind SIF's common-component removal).
void center_rows(std::vector<float>& m, size_t rows, size_t dim) {
  std::vector<double> mean(dim, 0.0);
  std::vector<bool> zero(rows, true);
  size_t nonzero = 0;
  for (size_t r = 0; r < rows; ++r) {
    for (size_t j = 0; j < dim; ++j)
      if (m[r * dim + j] != 0.0f) zero[r] = false;
    if (zero[r]) continue;
    ++nonzero;
    for (size_t j = 0; j < dim; ++j) mean[j] += m[r * dim + j];
  }
  if (nonzero == 0) return;
  for (double& v : mean) v /= static_cast<double>(nonzero);
  for (size_t r = 0; r < rows; ++r)
    if (!zero[r])
      for (size_t j = 0; j < dim; ++j) m[r * dim + j] = static_cast<float>(m[r * dim + j] - mean[j]);
}

// Item features shared by every protocol: they come from item text only.
struct ItemFeatures {
  features::SparseMatrix tfidf;
  std::vector<float> glove_mean, glove_tfidf;
  size_t dim = 0;
  std::vector<float> encoder;  // [items, encoder_dim], from features.encoder
  size_t encoder_dim = 0;
  rec::CsrView tfidf_view() const { return {tfidf.rows, tfidf.cols, tfidf.indptr, tfidf.indices, tfidf.data}; }
};

// A deterministic pseudo-random score per (user, item): the chance baseline.
class RandomScorer final : public rec::Scorer {
 public:
  RandomScorer(size_t n, uint64_t seed) : n_(n), seed_(seed) {}
  size_t num_items() const override { return n_; }
  void score(std::span<const int32_t> users, std::span<float> out) const override {
    for (size_t b = 0; b < users.size(); ++b)
      for (size_t j = 0; j < n_; ++j) {
        uint64_t x = seed_ ^ (static_cast<uint64_t>(users[b]) * 0x9E3779B97F4A7C15ull) ^ (j * 0xC2B2AE3D27D4EB4Full);
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdull;
        x ^= x >> 33;
        out[b * n_ + j] = static_cast<float>(x >> 40) / static_cast<float>(1 << 24);
      }
  }

 private:
  size_t n_;
  uint64_t seed_;
};

// The same score vector for every user.
class FixedScores final : public rec::Scorer {
 public:
  explicit FixedScores(std::vector<float> s) : s_(std::move(s)) {}
  size_t num_items() const override { return s_.size(); }
  void score(std::span<const int32_t> users, std::span<float> out) const override {
    for (size_t b = 0; b < users.size(); ++b)
      std::copy(s_.begin(), s_.end(), out.begin() + static_cast<std::ptrdiff_t>(b * s_.size()));
  }

 private:
  std::vector<float> s_;
};

// Cold-start baseline: an item scores the mean training popularity of its
// `k` most similar items with training interactions (TF-IDF cosine); items
// with interactions score their own popularity. The same for every user.
std::unique_ptr<rec::Scorer> make_popularity_similar(const std::vector<std::vector<int32_t>>& train,
                                                     const ItemFeatures& f, size_t n_items, size_t k, size_t threads) {
  std::vector<float> pop(n_items, 0.0f);
  for (const auto& items : train)
    for (int32_t i : items) pop[static_cast<size_t>(i)] += 1.0f;
  // Cosine by sparse dot products through an inverted index of the warm items.
  const auto& m = f.tfidf;
  std::vector<double> norm(n_items, 0.0);
  for (size_t r = 0; r < n_items; ++r)
    for (auto p = m.indptr[r]; p < m.indptr[r + 1]; ++p) norm[r] += m.data[static_cast<size_t>(p)] * m.data[static_cast<size_t>(p)];
  for (double& v : norm) v = std::sqrt(v);
  std::vector<std::vector<std::pair<int32_t, double>>> postings(m.cols);
  for (size_t r = 0; r < n_items; ++r)
    if (pop[r] > 0 && norm[r] > 0)
      for (auto p = m.indptr[r]; p < m.indptr[r + 1]; ++p)
        postings[static_cast<size_t>(m.indices[static_cast<size_t>(p)])].emplace_back(
            static_cast<int32_t>(r), m.data[static_cast<size_t>(p)] / norm[r]);
  std::vector<float> scores(pop);
  parallel_for(std::max<size_t>(1, threads), 0, n_items, [&](size_t r) {
    if (pop[r] > 0 || norm[r] == 0) return;
    std::vector<std::pair<double, int32_t>> sims;
    std::unordered_map<int32_t, double> dots;
    for (auto p = m.indptr[r]; p < m.indptr[r + 1]; ++p) {
      double w = m.data[static_cast<size_t>(p)] / norm[r];
      for (auto [item, v] : postings[static_cast<size_t>(m.indices[static_cast<size_t>(p)])]) dots[item] += w * v;
    }
    for (auto [item, d] : dots) sims.emplace_back(d, item);
    size_t kk = std::min(k, sims.size());
    std::partial_sort(sims.begin(), sims.begin() + static_cast<std::ptrdiff_t>(kk), sims.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
    double sum = 0;
    for (size_t i = 0; i < kk; ++i) sum += pop[static_cast<size_t>(sims[i].second)];
    scores[r] = kk ? static_cast<float>(sum / static_cast<double>(kk)) : 0.0f;
  });
  return std::unique_ptr<rec::Scorer>(new FixedScores(std::move(scores)));
}

// An owned CSR matrix and its view.
struct Csr {
  std::vector<int64_t> indptr{0};
  std::vector<int32_t> indices;
  std::vector<double> data;
  size_t rows = 0, cols = 0;
  rec::CsrView view() const { return {rows, cols, indptr, indices, data}; }
};

// User text features from interactions: user u's row is the mean of the item
// feature rows of u's training items (the tokens of what they liked, each
// weighted by how often and how strongly it occurs there), cut to its
// `limit` largest entries (a heavy user touches thousands of tokens, and the
// hybrid's cost per update grows with the row length). Users without
// training items get an empty row.
Csr user_profiles(const std::vector<std::vector<int32_t>>& train, const rec::CsrView& items, size_t limit) {
  Csr out;
  out.rows = train.size();
  out.cols = items.cols;
  std::vector<double> acc(items.cols, 0.0);
  std::vector<char> seen(items.cols, 0);
  std::vector<int32_t> touched;
  for (const auto& list : train) {
    for (int32_t i : list)
      for (auto k = items.indptr[static_cast<size_t>(i)]; k < items.indptr[static_cast<size_t>(i) + 1]; ++k) {
        const auto col = items.indices[static_cast<size_t>(k)];
        if (!seen[static_cast<size_t>(col)]) {
          seen[static_cast<size_t>(col)] = 1;
          touched.push_back(col);
        }
        acc[static_cast<size_t>(col)] += items.data[static_cast<size_t>(k)];
      }
    std::vector<std::pair<double, int32_t>> row;
    for (int32_t col : touched) {
      const double v = acc[static_cast<size_t>(col)] / static_cast<double>(list.size());
      acc[static_cast<size_t>(col)] = 0.0;
      seen[static_cast<size_t>(col)] = 0;
      if (v > 0) row.emplace_back(v, col);
    }
    touched.clear();
    if (limit > 0 && row.size() > limit) {
      std::partial_sort(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(limit), row.end(),
                        [](const auto& a, const auto& b) { return a.first > b.first || (a.first == b.first && a.second < b.second); });
      row.resize(limit);
    }
    std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
    for (const auto& [v, col] : row) {
      out.indices.push_back(col);
      out.data.push_back(v);
    }
    out.indptr.push_back(static_cast<int64_t>(out.indices.size()));
  }
  return out;
}

using Lists = std::vector<std::vector<int32_t>>;

// User item-history features (FISM / SVD++ style, as LightFM users with
// item-indicator features): user u's row has a 1 in the column of each of
// u's training items, at most `limit` of them (a seeded random subset: the
// hybrid's cost per update grows with the row length; 0 = all). The columns
// are the catalog's items, with embeddings of their own.
Csr history_profiles(const Lists& train, size_t n_items, size_t limit, uint64_t seed) {
  Csr out;
  out.rows = train.size();
  out.cols = n_items;
  std::mt19937_64 rng(seed);
  for (const auto& list : train) {
    std::vector<int32_t> row(list);
    if (limit > 0 && row.size() > limit) {
      for (size_t k = 0; k < limit; ++k) std::swap(row[k], row[k + rng() % (row.size() - k)]);
      row.resize(limit);
      std::sort(row.begin(), row.end());
    }
    for (int32_t i : row) {
      out.indices.push_back(i);
      out.data.push_back(1.0);
    }
    out.indptr.push_back(static_cast<int64_t>(out.indices.size()));
  }
  return out;
}

// What a model is fitted on, and the split that early stopping may watch.
struct FitSplits {
  const Lists& fit_on;                 // the model's training lists
  const Lists* stop_train = nullptr;   // early stopping: fit on these ...
  const Lists* stop_valid = nullptr;   // ... and measure NDCG@10 on these
  bool refit = false;                  // then refit on fit_on for the chosen epochs
};

// The hybrid: item rows = identity + WordPiece tokens (binary or TF-IDF),
// optional user rows, trained per seed with optional early stopping
// (ExperimentConfig::hybrid_patience), members averaged.
Result<std::unique_ptr<rec::Scorer>> make_hybrid(const ExperimentConfig& c, const FitSplits& s, const ItemFeatures& f,
                                                 size_t n_items, size_t threads, const ProgressFn& progress) {
  std::vector<double> binary;
  rec::CsrView items_view = f.tfidf_view();
  if (c.hybrid_item_features == "binary") {
    binary.assign(f.tfidf.data.size(), 1.0);
    items_view.data = binary;
  }
  const rec::CsrView* item_features = c.hybrid_item_features == "none" ? nullptr : &items_view;
  // User rows depend on the lists the model trains on.
  const bool with_users = c.hybrid_user_features != "none";
  auto profiles = [&](const Lists& lists) {
    return c.hybrid_user_features == "history"
               ? history_profiles(lists, n_items, c.hybrid_user_feature_limit, c.hybrid.seed)
               : user_profiles(lists, items_view, c.hybrid_user_feature_limit);
  };
  Csr fit_users, stop_users_csr;
  if (with_users) fit_users = profiles(s.fit_on);
  std::vector<int32_t> stop_users;
  if (c.hybrid_patience > 0 && s.stop_train != nullptr && s.stop_valid != nullptr)
    for (size_t u = 0; u < s.stop_valid->size(); ++u)
      if (!(*s.stop_valid)[u].empty()) stop_users.push_back(static_cast<int32_t>(u));
  const bool early = !stop_users.empty();
  if (early && with_users) stop_users_csr = profiles(*s.stop_train);
  const rec::CsrView fit_user_view = fit_users.view(), stop_user_view = stop_users_csr.view();

  const size_t members = std::max<size_t>(1, c.hybrid_ensemble);
  std::vector<std::unique_ptr<rec::HybridModel>> fitted(members);
  std::vector<size_t> best_epoch(members, 0), last_epoch(members, 0);
  std::vector<double> best_ndcg(members, -1.0);
  std::vector<Status> errors(members, Status::ok());
  // One member: its own Hogwild threads as configured. Several: one thread
  // each, members side by side (deterministic).
  const size_t inner = members > 1 ? 1 : (c.hybrid.threads == 0 ? threads : c.hybrid.threads);
  parallel_for(members > 1 ? std::min(threads, members) : 1, 0, members, [&](size_t m) {
    auto o = c.hybrid;
    o.seed = c.hybrid.seed + m;
    o.threads = inner;
    if (!early) {
      auto r = rec::fit_hybrid(s.fit_on, n_items, item_features, with_users ? &fit_user_view : nullptr, o);
      if (!r.is_ok()) errors[m] = r.status();
      else fitted[m] = std::move(*r);
      return;
    }
    o.epochs = c.hybrid_max_epochs;
    std::unique_ptr<rec::HybridModel> best;
    size_t since = 0;
    auto on_epoch = [&](size_t epoch, const rec::HybridModel& current) {
      last_epoch[m] = epoch;
      ScorerEvalOptions eo;
      eo.ks = {10};
      eo.threads = inner;
      eo.auc = false;
      eo.keep_lists = false;
      auto ev = evaluate_scorer(current, stop_users, *s.stop_train, *s.stop_valid, eo);
      if (!ev.is_ok()) {
        errors[m] = ev.status();
        return false;
      }
      const double v = ev->metrics["ndcg@10"];
      if (v > best_ndcg[m]) {
        best_ndcg[m] = v;
        best_epoch[m] = epoch;
        since = 0;
        if (!s.refit) best = std::make_unique<rec::HybridModel>(current);
        return true;
      }
      return ++since < c.hybrid_patience;
    };
    auto r = rec::fit_hybrid(*s.stop_train, n_items, item_features, with_users ? &stop_user_view : nullptr, o, on_epoch);
    if (!r.is_ok()) errors[m] = r.status();
    if (!errors[m].is_ok()) return;
    if (!s.refit) {
      fitted[m] = best ? std::move(best) : std::move(*r);  // no best: every epoch scored NaN
      return;
    }
    o.epochs = std::max<size_t>(1, best_epoch[m]);
    auto refitted = rec::fit_hybrid(s.fit_on, n_items, item_features, with_users ? &fit_user_view : nullptr, o);
    if (!refitted.is_ok()) errors[m] = refitted.status();
    else fitted[m] = std::move(*refitted);
  });
  for (const Status& e : errors) TOKREC_RETURN_IF_ERROR(e);
  if (early && progress)
    for (size_t m = 0; m < members; ++m) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "hybrid seed %zu: best valid ndcg@10 %.4f at epoch %zu (stopped after %zu)%s",
                    static_cast<size_t>(c.hybrid.seed + m), best_ndcg[m], best_epoch[m], last_epoch[m],
                    s.refit ? ", refitted on train + valid" : "");
      progress(buf);
    }
  if (members == 1) return std::unique_ptr<rec::Scorer>(std::move(fitted[0]));
  std::vector<const rec::FactorModel*> parts;
  for (const auto& m : fitted) parts.push_back(&m->factors());
  TOKREC_ASSIGN_OR_RETURN(auto mean, rec::average_factor_models(parts));
  return std::unique_ptr<rec::Scorer>(new rec::FactorModel(std::move(mean)));
}

Result<std::unique_ptr<rec::Scorer>> make_model(const std::string& name, const ExperimentConfig& c, const FitSplits& s,
                                                const ItemFeatures& f, size_t n_items, size_t threads,
                                                const ProgressFn& progress) {
  const Lists& train = s.fit_on;
  if (name == "popularity") return rec::make_popularity(train, n_items);
  if (name == "random") return std::unique_ptr<rec::Scorer>(new RandomScorer(n_items, c.split.seed));
  if (name == "popularity-similar") return make_popularity_similar(train, f, n_items, c.similar_items, threads);
  if (name == "content-tfidf") return rec::make_content_sparse(train, f.tfidf_view());
  if (name == "content-glove-mean") return rec::make_content_dense(train, f.glove_mean, n_items, f.dim);
  if (name == "content-glove-tfidf") return rec::make_content_dense(train, f.glove_tfidf, n_items, f.dim);
  if (name == "content-encoder") return rec::make_content_dense(train, f.encoder, n_items, f.encoder_dim);
  if (name == "itemknn") {
    auto o = c.itemknn;
    o.threads = threads;
    TOKREC_ASSIGN_OR_RETURN(auto m, rec::fit_item_knn(train, n_items, o));
    return std::unique_ptr<rec::Scorer>(std::move(m));
  }
  if (name == "ease") {
    auto o = c.ease;
    o.threads = threads;
    TOKREC_ASSIGN_OR_RETURN(auto m, rec::fit_ease(train, n_items, o));
    return std::unique_ptr<rec::Scorer>(std::move(m));
  }
  if (name == "bpr") {
    auto o = c.bpr;
    o.threads = 1;  // deterministic: one SGD thread
    TOKREC_ASSIGN_OR_RETURN(auto m, rec::fit_bpr(train, n_items, o));
    return std::unique_ptr<rec::Scorer>(std::move(m));
  }
  if (name == "blend") {
    // Members are fitted on the same training lists and normalized per user
    // over the candidates (the user's training items left out).
    std::vector<rec::BlendComponent> parts;
    for (size_t m = 0; m < c.blend.members.size(); ++m) {
      TOKREC_ASSIGN_OR_RETURN(auto member, make_model(c.blend.members[m], c, s, f, n_items, threads, progress));
      parts.push_back({std::shared_ptr<const rec::Scorer>(std::move(member)),
                       c.blend.weights.empty() ? 1.0 : c.blend.weights[m]});
    }
    rec::BlendOptions bo;
    bo.normalization = c.blend.normalization;
    bo.exclude = train;
    return rec::make_blend(std::move(parts), std::move(bo));
  }
  if (name == "hybrid") return make_hybrid(c, s, f, n_items, threads, progress);
  return Status::invalid_argument("unknown model '" + name + "'");
}

Result<rec::Split> make_split(const std::string& protocol, const rec::Dataset& data, const ExperimentConfig& c,
                              std::vector<int32_t>& candidates) {
  candidates.clear();
  if (protocol == "random") return rec::split_by_ratio(data, c.split);
  if (protocol == "temporal") return rec::split_by_time_ratio(data, c.split);
  if (protocol == "leave-one-out") return rec::split_leave_one_out(data, c.split);
  if (protocol == "time-cut") return rec::split_global_time(data, c.split);
  if (protocol == "cold-items") {
    TOKREC_ASSIGN_OR_RETURN(auto cs, rec::split_cold_items(data, c.cold_item_share, c.split));
    candidates = std::move(cs.cold_items);
    return std::move(cs.split);
  }
  if (protocol == "cold-users") return rec::split_cold_users(data, c.cold_user_share, c.cold_user_keep, c.split);
  return Status::invalid_argument("unknown protocol '" + protocol + "'");
}

std::vector<int32_t> merged(const std::vector<int32_t>& a, const std::vector<int32_t>& b) {
  std::vector<int32_t> out;
  std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace

const std::vector<std::string>& known_models() {
  static const std::vector<std::string> models{"popularity",         "itemknn",          "ease",
                                               "bpr",                "hybrid",           "content-tfidf",
                                               "content-glove-mean", "content-glove-tfidf", "popularity-similar",
                                               "random",             "blend",            "content-encoder"};
  return models;
}

bool model_handles_cold_items(const std::string& name) {
  return name.rfind("content-", 0) == 0 || name == "hybrid" || name == "popularity-similar" || name == "random";
}

bool model_handles_cold_items(const std::string& name, const ExperimentConfig& config) {
  if (name != "blend") return model_handles_cold_items(name);
  return std::all_of(config.blend.members.begin(), config.blend.members.end(),
                     [](const std::string& m) { return model_handles_cold_items(m); });
}

const std::vector<std::string>& known_protocols() {
  static const std::vector<std::string> protocols{"random",     "temporal",   "leave-one-out",
                                                  "time-cut",   "cold-items", "cold-users"};
  return protocols;
}

Status validate(const ExperimentConfig& c) {
  if (c.ratings_path.empty() || c.movies_path.empty())
    return Status::invalid_argument("data.ratings and data.movies must be set");
  if (c.tokenizer_path.empty()) return Status::invalid_argument("tokenizer.path must be set");
  if (c.models.empty()) return Status::invalid_argument("models.list is empty");
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  for (const auto& m : c.models)
    if (std::find(known_models().begin(), known_models().end(), m) == known_models().end())
      return Status::invalid_argument("unknown model '" + m + "' (known: " + join(known_models()) + ")");
  if (std::find(c.models.begin(), c.models.end(), "blend") != c.models.end()) {
    if (c.blend.members.empty()) return Status::invalid_argument("models.blend.members is empty");
    for (const auto& m : c.blend.members)
      if (m == "blend" || std::find(known_models().begin(), known_models().end(), m) == known_models().end())
        return Status::invalid_argument("models.blend.members: '" + m + "' is not a model that can be blended");
    if (!c.blend.weights.empty() && c.blend.weights.size() != c.blend.members.size())
      return Status::invalid_argument("models.blend.weights must have one weight per member (" +
                                      std::to_string(c.blend.members.size()) + ")");
    for (double w : c.blend.weights)
      if (!std::isfinite(w)) return Status::invalid_argument("models.blend.weights must be finite numbers");
    if (c.blend.normalization != "minmax" && c.blend.normalization != "zscore" && c.blend.normalization != "none")
      return Status::invalid_argument("models.blend.normalization must be \"minmax\", \"zscore\" or \"none\"");
  }
  if (c.protocols.empty()) return Status::invalid_argument("eval.protocols is empty");
  for (const auto& p : c.protocols)
    if (std::find(known_protocols().begin(), known_protocols().end(), p) == known_protocols().end())
      return Status::invalid_argument("unknown protocol '" + p + "' (known: " + join(known_protocols()) + ")");
  if (c.stage != "test" && c.stage != "valid" && c.stage != "refit")
    return Status::invalid_argument("eval.stage must be \"test\", \"valid\" or \"refit\"");
  if (!(c.cold_item_share > 0 && c.cold_item_share < 1))
    return Status::invalid_argument("eval.cold_item_share must be in (0, 1)");
  if (!(c.cold_user_share > 0 && c.cold_user_share < 1))
    return Status::invalid_argument("eval.cold_user_share must be in (0, 1)");
  if (c.cold_user_keep < 1) return Status::invalid_argument("eval.cold_user_keep must be >= 1");
  if (needs_vectors(c.models) && c.vectors_path.empty())
    return Status::invalid_argument("features.vectors must be set for the content-glove models");
  if (needs_encoder(c)) {
    const auto& e = c.encoder;
    if (e.model.empty())
      return Status::invalid_argument("features.encoder.model must be set for the content-encoder model");
    std::error_code ec;
    if (!std::filesystem::is_directory(e.model, ec))
      return Status::not_found("features.encoder.model: model folder not found: " + e.model);
    if (e.pooling != "cls" && e.pooling != "mean" && e.pooling != "max" && e.pooling != "pooler")
      return Status::invalid_argument("features.encoder.pooling must be \"cls\", \"mean\", \"max\" or \"pooler\", not \"" +
                                      e.pooling + "\"");
    if (!encoder::parse_dtype(e.dtype).is_ok())
      return Status::invalid_argument("features.encoder.dtype must be \"fp32\", \"bf16\" or \"int8\", not \"" + e.dtype +
                                      "\"");
    if (e.batch_size < 1) return Status::invalid_argument("features.encoder.batch_size must be >= 1");
  }
  if (c.subword != "skip" && c.subword != "strip")
    return Status::invalid_argument("features.subword must be \"skip\" or \"strip\", not \"" + c.subword + "\"");
  for (const auto& f : c.text_fields)
    if (f != "title" && f != "genres" && f != "tags")
      return Status::invalid_argument("unknown text field '" + f + "' (known: title, genres, tags)");
  if (c.hybrid_item_features != "tfidf" && c.hybrid_item_features != "binary" && c.hybrid_item_features != "none")
    return Status::invalid_argument("models.hybrid.item_features must be \"tfidf\", \"binary\" or \"none\"");
  if (c.hybrid_user_features != "none" && c.hybrid_user_features != "items" && c.hybrid_user_features != "history")
    return Status::invalid_argument("models.hybrid.user_features must be \"none\", \"items\" or \"history\"");
  if (c.ks.empty()) return Status::invalid_argument("eval.k is empty");
  for (int k : c.ks)
    if (k < 1) return Status::invalid_argument("eval.k values must be >= 1");
  return Status::ok();
}

Result<ExperimentResult> run_experiment(const ExperimentConfig& config, const ProgressFn& progress_fn) {
  TOKREC_RETURN_IF_ERROR(validate(config));
  auto progress = [&](const std::string& m) {
    if (progress_fn) progress_fn(m);
  };
  const size_t threads = config.threads == 0 ? default_thread_count() : config.threads;
  ExperimentResult result;
  auto t0 = Clock::now();

  // 1. Data.
  progress("loading MovieLens from " + config.ratings_path);
  TOKREC_ASSIGN_OR_RETURN(rec::Dataset data,
                          rec::load_movielens_latest(config.ratings_path, config.movies_path, config.tags_path));
  const size_t n_items = data.items.size();
  result.num_users = data.users.size();
  result.num_items = n_items;
  result.num_interactions = data.interactions.size();
  result.timings["load"] = seconds_since(t0);
  progress("loaded " + std::to_string(data.interactions.size()) + " ratings, " + std::to_string(data.users.size()) +
           " users, " + std::to_string(n_items) + " items");

  // 2. Stage A: item text -> clean -> WordPiece tokens.
  t0 = Clock::now();
  tokenize::LoadOptions load_options;
  load_options.lowercase = config.lowercase;
  TOKREC_ASSIGN_OR_RETURN(auto tokenizer, tokenize::Tokenizer::load(config.tokenizer_path, load_options));
  std::vector<std::string> texts(n_items);
  for (size_t i = 0; i < n_items; ++i) {
    texts[i] = rec::item_text(data, static_cast<int32_t>(i), config.text_fields);
    if (config.clean) texts[i] = text::clean_text(texts[i], config.clean_options);
  }
  tokenize::EncodeOptions encode_options;
  encode_options.add_special_tokens = false;
  TOKREC_ASSIGN_OR_RETURN(auto encodings, tokenizer->encode_batch(texts, encode_options, threads));
  std::vector<std::vector<std::string>> tokens(n_items);
  size_t n_tokens = 0;
  for (size_t i = 0; i < n_items; ++i) {
    tokens[i] = std::move(encodings[i].tokens);
    n_tokens += tokens[i].size();
  }
  encodings.clear();
  result.timings["tokenize"] = seconds_since(t0);
  progress("tokenized " + std::to_string(n_items) + " item texts into " + std::to_string(n_tokens) + " WordPiece tokens");

  // 3. Stage B: TF-IDF over the token streams, pooled word vectors.
  t0 = Clock::now();
  ItemFeatures f;
  features::TfidfVectorizer tfidf(config.tfidf);
  TOKREC_ASSIGN_OR_RETURN(f.tfidf, tfidf.fit_transform(tokens));
  result.vocabulary_size = f.tfidf.cols;
  result.timings["tfidf"] = seconds_since(t0);
  progress("TF-IDF: " + std::to_string(f.tfidf.cols) + " token columns, " + std::to_string(f.tfidf.data.size()) +
           " non-zeros");
  if (needs_vectors(config.models)) {
    t0 = Clock::now();
    progress("loading word vectors from " + config.vectors_path);
    features::WordVectorLoadOptions vopt;
    vopt.max_words = config.max_vectors;
    TOKREC_ASSIGN_OR_RETURN(features::WordVectors vectors, features::WordVectors::load(config.vectors_path, vopt));
    f.dim = vectors.dim();
    const bool strip = config.subword == "strip";
    auto find = [&](std::string_view t) { return lookup(vectors, t, strip); };
    f.glove_mean.assign(n_items * f.dim, 0.0f);
    f.glove_tfidf.assign(n_items * f.dim, 0.0f);
    size_t covered = 0;
    const auto& vocab = tfidf.vocabulary();
    for (size_t i = 0; i < n_items; ++i) {
      std::span<float> mean_row(f.glove_mean.data() + i * f.dim, f.dim);
      std::span<float> tfidf_row(f.glove_tfidf.data() + i * f.dim, f.dim);
      covered += features::pool_mean(tokens[i], find, mean_row) > 0;
      // X = sum w_i f(t_i) / sum w_i over the item's distinct terms, w = the term's TF-IDF value.
      std::vector<std::string> terms;
      std::vector<double> weights;
      for (auto k = f.tfidf.indptr[i]; k < f.tfidf.indptr[i + 1]; ++k) {
        terms.push_back(vocab[static_cast<size_t>(f.tfidf.indices[static_cast<size_t>(k)])]);
        weights.push_back(f.tfidf.data[static_cast<size_t>(k)]);
      }
      features::pool_weighted(terms, weights, find, tfidf_row);
    }
    if (config.center_vectors) {
      center_rows(f.glove_mean, n_items, f.dim);
      center_rows(f.glove_tfidf, n_items, f.dim);
    }
    result.vector_coverage = n_items ? static_cast<double>(covered) / static_cast<double>(n_items) : 0.0;
    result.timings["word vectors"] = seconds_since(t0);
    progress("pooled " + std::to_string(f.dim) + "-d word vectors; " + std::to_string(covered) + " of " +
             std::to_string(n_items) + " items have at least one token in the table");
  }

  if (needs_encoder(config)) {
    t0 = Clock::now();
    progress("embedding " + std::to_string(n_items) + " item texts with the encoder in " + config.encoder.model);
    TOKREC_ASSIGN_OR_RETURN(f.encoder, encode_items(texts, config.encoder, threads, f.encoder_dim));
    result.encoder_dim = f.encoder_dim;
    result.timings["encoder"] = seconds_since(t0);
    progress("encoder: " + std::to_string(f.encoder_dim) + "-d item rows (" + config.encoder.pooling + " pooling)");
  }

  // 4. Stage C and D per protocol: split, fit each model, rank, evaluate.
  const auto k_max = static_cast<size_t>(*std::max_element(config.ks.begin(), config.ks.end()));
  for (const auto& protocol : config.protocols) {
    t0 = Clock::now();
    std::vector<int32_t> candidates;
    TOKREC_ASSIGN_OR_RETURN(rec::Split split, make_split(protocol, data, config, candidates));
    ProtocolResult pr;
    pr.name = protocol;
    // What the models see and what they are judged on, by stage.
    std::vector<std::vector<int32_t>> fit_on = split.train;
    const std::vector<std::vector<int32_t>>* truth = &split.test;
    if (config.stage == "valid") truth = &split.valid;
    if (config.stage == "refit")
      for (size_t u = 0; u < fit_on.size(); ++u) fit_on[u] = merged(split.train[u], split.valid[u]);
    // Items a user is never recommended: what the models trained on, and at
    // the test stage the valid items too (known positives, not candidates),
    // as RecBole's full-sort evaluation masks train and valid at test time.
    std::vector<std::vector<int32_t>> exclude = fit_on;
    if (config.stage == "test")
      for (size_t u = 0; u < exclude.size(); ++u) exclude[u] = merged(split.train[u], split.valid[u]);
    FitSplits fit{fit_on, &split.train, &split.valid, config.stage == "refit"};
    std::vector<int32_t> users;
    for (int32_t u : split.users)
      if (!(*truth)[static_cast<size_t>(u)].empty()) users.push_back(u);
    if (users.empty()) return Status::invalid_argument(protocol + ": no user has a " + config.stage + " item");
    for (int32_t u : users) {
      auto su = static_cast<size_t>(u);
      for (int32_t i : fit_on[su]) pr.train.emplace_back(data.users.id(u), data.items.id(i));
      if (config.stage != "refit")
        for (int32_t i : split.valid[su]) pr.valid.emplace_back(data.users.id(u), data.items.id(i));
      for (int32_t i : (*truth)[su]) pr.truth.emplace_back(data.users.id(u), data.items.id(i));
    }
    pr.evaluated_users = users.size();
    pr.catalog_size = candidates.empty() ? n_items : candidates.size();
    progress(protocol + ": " + std::to_string(users.size()) + " users evaluated on " + config.stage + ", " +
             std::to_string(pr.catalog_size) + " candidate items");

    for (const auto& name : config.models) {
      if (protocol == "cold-items" && !model_handles_cold_items(name, config)) continue;
      auto tm = Clock::now();
      progress(protocol + " / " + name + ": fitting");
      // Under cold-items the held-out items stand for items that arrive after
      // training: no model may train against them, so the hybrid draws its
      // negatives from the items with training interactions only.
      ExperimentConfig model_config = config;
      if (protocol == "cold-items") model_config.hybrid.negatives = "warm";
      TOKREC_ASSIGN_OR_RETURN(auto scorer, make_model(name, model_config, fit, f, n_items, threads, progress_fn));
      ScorerEvalOptions eo;
      eo.ks = config.ks;
      eo.threads = threads;
      eo.candidates = candidates;
      eo.catalog_size = pr.catalog_size;
      eo.sampled_negatives = config.sampled_negatives;
      eo.sample_seed = config.split.seed;
      TOKREC_ASSIGN_OR_RETURN(auto ev, evaluate_scorer(*scorer, users, exclude, *truth, eo));
      ModelOutput out;
      out.name = name;
      out.metrics = std::move(ev.metrics);
      for (size_t j = 0; j < users.size(); ++j) {
        std::vector<std::string> items;
        items.reserve(ev.lists[j].size());
        for (int32_t i : ev.lists[j]) items.push_back(data.items.id(i));
        out.lists.emplace_back(data.users.id(users[j]), std::move(items));
      }
      out.seconds = seconds_since(tm);
      char buf[96];
      const std::string key = "ndcg@" + std::to_string(k_max);
      std::snprintf(buf, sizeof buf, "%s = %.4f (%.1f s)", key.c_str(), out.metrics[key], out.seconds);
      progress(protocol + " / " + name + ": " + buf);
      result.timings[protocol + " / " + name] = out.seconds;
      pr.models.push_back(std::move(out));
    }
    result.timings[protocol] = seconds_since(t0);
    result.protocols.push_back(std::move(pr));
  }
  return result;
}

}  // namespace tokrec::eval
