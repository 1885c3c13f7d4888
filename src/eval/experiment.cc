#include "tokrec/eval/experiment.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <set>
#include <sstream>

#include "tokrec/core/thread_pool.h"
#include "tokrec/core/utf8.h"
#include "tokrec/eval/metrics.h"
#include "tokrec/features/pooling.h"
#include "tokrec/features/word_vectors.h"
#include "tokrec/rec/dataset.h"
#include "tokrec/rec/recommender.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::eval {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

const std::vector<std::string>& known_models() {
  static const std::vector<std::string> models{"popularity", "content-tfidf", "content-glove-mean",
                                               "content-glove-tfidf"};
  return models;
}

bool needs_vectors(const std::vector<std::string>& models) {
  return std::any_of(models.begin(), models.end(), [](const std::string& m) { return m.rfind("content-glove", 0) == 0; });
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
  size_t nonzero = 0;
  auto is_zero = [&](size_t r) {
    for (size_t j = 0; j < dim; ++j)
      if (m[r * dim + j] != 0.0f) return false;
    return true;
  };
  std::vector<bool> zero(rows);
  for (size_t r = 0; r < rows; ++r) {
    zero[r] = is_zero(r);
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

}  // namespace

Status validate(const ExperimentConfig& c) {
  if (c.ratings_path.empty() || c.movies_path.empty())
    return Status::invalid_argument("data.ratings and data.movies must be set");
  if (c.tokenizer_path.empty()) return Status::invalid_argument("tokenizer.path must be set");
  if (c.models.empty()) return Status::invalid_argument("models.list is empty");
  for (const auto& m : c.models)
    if (std::find(known_models().begin(), known_models().end(), m) == known_models().end())
      return Status::invalid_argument("unknown model '" + m +
                                      "' (known: popularity, content-tfidf, content-glove-mean, content-glove-tfidf)");
  if (needs_vectors(c.models) && c.vectors_path.empty())
    return Status::invalid_argument("features.vectors must be set for the content-glove models");
  if (c.subword != "skip" && c.subword != "strip")
    return Status::invalid_argument("features.subword must be \"skip\" or \"strip\", not \"" + c.subword + "\"");
  for (const auto& f : c.text_fields)
    if (f != "title" && f != "genres" && f != "tags")
      return Status::invalid_argument("unknown text field '" + f + "' (known: title, genres, tags)");
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

  // 1. Data and split.
  progress("loading MovieLens from " + config.ratings_path);
  TOKREC_ASSIGN_OR_RETURN(rec::Dataset data,
                          rec::load_movielens_latest(config.ratings_path, config.movies_path, config.tags_path));
  TOKREC_ASSIGN_OR_RETURN(rec::Split split, rec::split_by_ratio(data, config.split));
  const size_t n_items = data.items.size();
  result.num_users = data.users.size();
  result.num_items = n_items;
  result.num_interactions = data.interactions.size();
  result.evaluated_users = split.users.size();
  result.timings["load+split"] = seconds_since(t0);
  progress("loaded " + std::to_string(data.interactions.size()) + " ratings, " + std::to_string(data.users.size()) +
           " users, " + std::to_string(n_items) + " items; " + std::to_string(split.users.size()) +
           " users kept with >= " + std::to_string(config.split.min_positives) + " positives");

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

  // 3. Stage B: TF-IDF over the token streams.
  t0 = Clock::now();
  features::TfidfVectorizer tfidf(config.tfidf);
  TOKREC_ASSIGN_OR_RETURN(features::SparseMatrix item_tfidf, tfidf.fit_transform(tokens));
  result.vocabulary_size = item_tfidf.cols;
  result.timings["tfidf"] = seconds_since(t0);
  progress("TF-IDF: " + std::to_string(item_tfidf.cols) + " token columns, " + std::to_string(item_tfidf.data.size()) +
           " non-zeros");

  // Word vectors pooled per item: mean, and TF-IDF-weighted X = sum w_i f(t_i) / sum w_i.
  std::vector<float> glove_mean, glove_tfidf;
  size_t dim = 0;
  if (needs_vectors(config.models)) {
    t0 = Clock::now();
    progress("loading word vectors from " + config.vectors_path);
    features::WordVectorLoadOptions vopt;
    vopt.max_words = config.max_vectors;
    TOKREC_ASSIGN_OR_RETURN(features::WordVectors vectors, features::WordVectors::load(config.vectors_path, vopt));
    dim = vectors.dim();
    const bool strip = config.subword == "strip";
    auto find = [&](std::string_view t) { return lookup(vectors, t, strip); };
    glove_mean.assign(n_items * dim, 0.0f);
    glove_tfidf.assign(n_items * dim, 0.0f);
    size_t covered = 0;
    const auto& vocab = tfidf.vocabulary();
    for (size_t i = 0; i < n_items; ++i) {
      std::span<float> mean_row(glove_mean.data() + i * dim, dim);
      std::span<float> tfidf_row(glove_tfidf.data() + i * dim, dim);
      size_t found = features::pool_mean(tokens[i], find, mean_row);
      covered += found > 0;
      // The weight of a term is its TF-IDF value in the item's row.
      std::vector<std::string> terms;
      std::vector<double> weights;
      for (auto k = item_tfidf.indptr[i]; k < item_tfidf.indptr[i + 1]; ++k) {
        terms.push_back(vocab[static_cast<size_t>(item_tfidf.indices[static_cast<size_t>(k)])]);
        weights.push_back(item_tfidf.data[static_cast<size_t>(k)]);
      }
      features::pool_weighted(terms, weights, find, tfidf_row);
    }
    if (config.center_vectors) {
      center_rows(glove_mean, n_items, dim);
      center_rows(glove_tfidf, n_items, dim);
    }
    result.vector_coverage = n_items ? static_cast<double>(covered) / static_cast<double>(n_items) : 0.0;
    result.timings["word vectors"] = seconds_since(t0);
    progress("pooled " + std::to_string(dim) + "-d word vectors; " + std::to_string(covered) + " of " +
             std::to_string(n_items) + " items have at least one token in the table");
  }

  // 4. Stage C and D: fit each model, rank all non-training items, evaluate on test.
  for (int32_t u : split.users) {
    auto su = static_cast<size_t>(u);
    for (int32_t i : split.train[su]) result.train.emplace_back(data.users.id(u), data.items.id(i));
    for (int32_t i : split.valid[su]) result.valid.emplace_back(data.users.id(u), data.items.id(i));
    for (int32_t i : split.test[su]) result.truth.emplace_back(data.users.id(u), data.items.id(i));
  }
  Truth truth;
  for (const auto& [u, i] : result.truth) truth[u][i] = 1.0;
  const auto k_max = static_cast<size_t>(*std::max_element(config.ks.begin(), config.ks.end()));

  rec::CsrView tfidf_view{item_tfidf.rows, item_tfidf.cols, item_tfidf.indptr, item_tfidf.indices, item_tfidf.data};
  for (const auto& name : config.models) {
    t0 = Clock::now();
    progress("model " + name + ": fitting and ranking " + std::to_string(n_items) + " items for " +
             std::to_string(split.users.size()) + " users");
    std::unique_ptr<rec::Scorer> scorer;
    if (name == "popularity") {
      scorer = rec::make_popularity(split.train, n_items);
    } else if (name == "content-tfidf") {
      TOKREC_ASSIGN_OR_RETURN(scorer, rec::make_content_sparse(split.train, tfidf_view));
    } else if (name == "content-glove-mean") {
      TOKREC_ASSIGN_OR_RETURN(scorer, rec::make_content_dense(split.train, glove_mean, n_items, dim));
    } else {
      TOKREC_ASSIGN_OR_RETURN(scorer, rec::make_content_dense(split.train, glove_tfidf, n_items, dim));
    }
    rec::TopKOptions topk;
    topk.k = k_max;
    topk.threads = threads;
    auto lists = rec::recommend_top_k(*scorer, split.users, split.train, topk);

    ModelOutput out;
    out.name = name;
    Recommendations recs;
    for (size_t j = 0; j < split.users.size(); ++j) {
      const std::string& user = data.users.id(split.users[j]);
      std::vector<std::string> items;
      items.reserve(lists[j].size());
      for (int32_t i : lists[j]) items.push_back(data.items.id(i));
      recs[user] = items;
      out.lists.emplace_back(user, std::move(items));
    }
    MetricOptions mopt;
    mopt.ks = config.ks;
    mopt.catalog_size = n_items;
    TOKREC_ASSIGN_OR_RETURN(out.metrics, evaluate(recs, truth, mopt));
    out.seconds = seconds_since(t0);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4f", out.metrics["ndcg@" + std::to_string(config.ks.back())]);
    progress("model " + name + ": ndcg@" + std::to_string(config.ks.back()) + " = " + buf);
    result.timings["model " + name] = out.seconds;
    result.models.push_back(std::move(out));
  }
  return result;
}

}  // namespace tokrec::eval
