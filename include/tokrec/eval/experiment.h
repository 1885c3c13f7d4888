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
#include "tokrec/rec/bpr.h"
#include "tokrec/rec/ease.h"
#include "tokrec/rec/hybrid.h"
#include "tokrec/rec/item_knn.h"
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
  // The "content-encoder" model's item rows: each item's cleaned text embedded
  // by a transformer encoder loaded from a Hugging Face model folder (it uses
  // the folder's own tokenizer, not tokenizer_path).
  struct EncoderFeatures {
    std::string model;              // model folder; required by content-encoder
    std::string pooling = "mean";   // "cls", "mean", "max" or "pooler"
    bool normalize = true;          // L2-normalize each item row
    size_t max_length = 128;        // truncation, special tokens included; 0 = the model's limit
    size_t batch_size = 32;         // sequences per forward pass
    std::string dtype = "fp32";     // "fp32", "bf16" or "int8"
  } encoder;
  // See known_models(): popularity, itemknn, ease, bpr, hybrid, content-tfidf,
  // content-glove-mean, content-glove-tfidf, content-encoder, popularity-similar,
  // random, blend.
  std::vector<std::string> models{"popularity", "content-tfidf", "content-glove-mean", "content-glove-tfidf"};
  // Protocols, each evaluated separately: "random" (per-user ratio split),
  // "temporal" (per-user, by time), "leave-one-out", "time-cut" (global),
  // "cold-items" (held-out items ranked from their text only), "cold-users"
  // (a share of users keep only a few training positives).
  std::vector<std::string> protocols{"random"};
  double cold_item_share = 0.2;
  double cold_user_share = 0.2;
  size_t cold_user_keep = 3;
  // "test": fit on train, evaluate on test. "valid": fit on train, evaluate on
  // valid (what tuning ranks trials by). "refit": fit on train + valid,
  // evaluate on test (the tuned model's final figure).
  std::string stage = "test";
  std::vector<int> ks{5, 10, 20};
  // Sampled ranking as an extra, labelled figure (0 = off): each test user's
  // positives are also ranked against this many sampled negatives and the
  // metrics are reported as "ndcg@10 (sampled 100)" next to the full-ranking
  // ones, which stay the primary figures (docs/metrics.md).
  size_t sampled_negatives = 0;
  size_t threads = 0;  // 0 = all cores
  // Model hyperparameters.
  rec::ItemKnnOptions itemknn;
  rec::EaseOptions ease;
  rec::BprOptions bpr;
  rec::HybridOptions hybrid;  // hybrid.threads > 1 = Hogwild (not reproducible run to run)
  // The hybrid's side features. Items: "binary" (1 per distinct WordPiece
  // token; better than "tfidf" on the ml-latest-small validation split),
  // "tfidf" (the TF-IDF token rows) or "none" (identity only = MF with
  // biases). Users: "none" (identity only) or "items" (the mean of the
  // item feature rows of the user's training items; docs/models.md).
  std::string hybrid_item_features = "binary";
  std::string hybrid_user_features = "none";
  size_t hybrid_user_feature_limit = 32;  // "items": keep a user's largest entries only (0 = all)
  // Hybrid training schedule. With hybrid_patience > 0 and a validation split
  // that has items, each fit trains up to hybrid_max_epochs, measures NDCG@10
  // on the valid split after every epoch (full ranking, train excluded) and
  // keeps the best epoch's model, stopping after `patience` epochs without
  // improvement; hybrid.epochs is then unused. Under stage "refit" the epoch
  // count is chosen that way on train -> valid, then the model is refitted on
  // train + valid for that many epochs. Without a validation split (or with
  // patience 0) the fit runs hybrid.epochs epochs.
  size_t hybrid_patience = 0;
  size_t hybrid_max_epochs = 100;
  // Seeds averaged: members use hybrid.seed, hybrid.seed + 1, ...; the model
  // scores the mean of their scores (rec::average_factor_models). Members
  // train in parallel, one thread each (deterministic whatever run.threads).
  size_t hybrid_ensemble = 1;
  size_t similar_items = 20;  // neighbours used by popularity-similar
  // The "blend" model: a weighted sum of its members' per-user normalized
  // scores (rec/blend.h). Members are other model names (not "blend");
  // weights pair with them (empty = all 1).
  struct Blend {
    std::vector<std::string> members{"ease", "hybrid"};
    std::vector<double> weights;
    std::string normalization = "minmax";  // "minmax", "zscore" or "none"
  } blend;
};

// Every model name run_experiment accepts, and those that can rank items that
// have no training interaction (the only ones run under "cold-items"; a blend
// does when all its members do).
const std::vector<std::string>& known_models();
bool model_handles_cold_items(const std::string& name);
bool model_handles_cold_items(const std::string& name, const ExperimentConfig& config);
const std::vector<std::string>& known_protocols();

// One recommended list per evaluated user, as string ids, best first.
struct ModelOutput {
  std::string name;
  std::vector<std::pair<std::string, std::vector<std::string>>> lists;  // (user, items)
  std::map<std::string, double> metrics;                                 // "<metric>@<K>"
  double seconds = 0;
};

// One protocol's split, truth and model outputs.
struct ProtocolResult {
  std::string name;
  std::vector<ModelOutput> models;
  std::vector<std::pair<std::string, std::string>> train, valid, truth;  // (user, item) rows
  size_t evaluated_users = 0;
  size_t catalog_size = 0;  // candidates ranked (all items, or the cold items)
};

struct ExperimentResult {
  std::vector<ProtocolResult> protocols;  // in config order; the first is the primary one
  size_t num_users = 0, num_items = 0, num_interactions = 0;
  size_t vocabulary_size = 0;        // TF-IDF columns
  double vector_coverage = 0;        // share of items with at least one token found in the vectors
  size_t encoder_dim = 0;            // width of the encoder item rows (0 = not computed)
  std::map<std::string, double> timings;  // step -> seconds
};

using ProgressFn = std::function<void(const std::string& message)>;

Status validate(const ExperimentConfig& config);

Result<ExperimentResult> run_experiment(const ExperimentConfig& config, const ProgressFn& progress = {});

// Write, for the primary (first) protocol, DIR/report.json ({"config":
// <config_json>, "models": {...}, "protocols": {...}, ...}), DIR/report.md,
// DIR/report.html, DIR/recommendations/<model>.tsv (user, item, rank),
// DIR/truth.tsv, DIR/train.tsv, DIR/valid.tsv; with several protocols, the
// same set for each in DIR/<protocol>/, indexed by DIR/report.json.
Status write_experiment(const ExperimentResult& result, const std::string& config_json, const std::vector<int>& ks,
                        const std::string& out_dir);

// The metrics table of one protocol (also the body of report.md).
std::string format_table(const ProtocolResult& result, const std::vector<int>& ks);
// A compact comparison across protocols: one row per model, NDCG@K and
// Recall@K per protocol (K = the middle cut-off).
std::string format_comparison(const ExperimentResult& result, const std::vector<int>& ks);

}  // namespace tokrec::eval
