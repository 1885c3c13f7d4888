// The main job, end to end: item text -> clean -> WordPiece tokens -> TF-IDF
// and TF-IDF-weighted word vectors -> recommenders -> full-ranking metrics.
//
// Protocol (docs/run.md has the details): positives are ratings >=
// split.positive_threshold; users with fewer than split.min_positives are
// dropped; each user's positives are split at random 80/10/10 into train,
// valid and test; models are fitted on train and rank every catalog item not
// in the user's train list; metrics are computed on test.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/features/tfidf.h"
#include "tokrec/rec/split.h"
#include "tokrec/text/clean.h"

namespace tokrec::eval {

struct ExperimentConfig {
  // MovieLens "latest" files (ratings.csv, movies.csv, tags.csv; tags optional).
  std::string ratings_path, movies_path, tags_path;
  rec::SplitOptions split;
  // Item text fields, in order: "title", "genres", "tags".
  std::vector<std::string> text_fields{"title", "genres", "tags"};
  bool clean = true;
  text::CleanOptions clean_options;
  // tokenizer.json, vocab.txt or a folder holding one.
  std::string tokenizer_path;
  std::optional<bool> lowercase;  // vocab.txt only
  // GloVe / word2vec text vectors (gzip allowed).
  std::string vectors_path;
  size_t max_vectors = 0;  // 0 = all
  // WordPiece continuation pieces ("##ing") are not words: "skip" leaves them
  // out of word-vector pooling, "strip" looks up the piece without "##".
  std::string subword = "skip";
  // Subtract the catalog's mean pooled vector from every item before cosine.
  bool center_vectors = true;
  features::TfidfOptions tfidf;
  // Any of "popularity", "content-tfidf", "content-glove-tfidf", "content-glove-mean".
  std::vector<std::string> models{"popularity", "content-tfidf", "content-glove-mean", "content-glove-tfidf"};
  std::vector<int> ks{5, 10, 20};
  size_t threads = 0;  // 0 = all cores
};

// One recommended list per evaluated user, as string ids, best first.
struct ModelOutput {
  std::string name;
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;  // (user, items)
  std::map<std::string, double> metrics;                                 // "<metric>@<K>"
  double seconds = 0;
};

struct ExperimentResult {
  std::vector<ModelOutput> models;
  std::vector<std::pair<std::string, std::string>> train, valid, truth;  // (user, item) rows
  size_t num_users = 0, num_items = 0, num_interactions = 0, evaluated_users = 0;
  size_t vocabulary_size = 0;        // TF-IDF columns
  double vector_coverage = 0;        // share of items with at least one token found in the vectors
  std::map<std::string, double> timings;  // step -> seconds
};

using ProgressFn = std::function<void(const std::string& message)>;

Status validate(const ExperimentConfig& config);

Result<ExperimentResult> run_experiment(const ExperimentConfig& config, const ProgressFn& progress = {});

// Write DIR/report.json ({"config": <config_json>, "models": {...}, ...}),
// DIR/report.md, DIR/recommendations/<model>.tsv (user, item, rank),
// DIR/truth.tsv, DIR/train.tsv, DIR/valid.tsv.
Status write_experiment(const ExperimentResult& result, const std::string& config_json, const std::vector<int>& ks,
                        const std::string& out_dir);

// The metrics table printed by `tokrec run` (also the body of report.md).
std::string format_table(const ExperimentResult& result, const std::vector<int>& ks);

}  // namespace tokrec::eval
