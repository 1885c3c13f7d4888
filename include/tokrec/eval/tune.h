// The tuning loop (stage D -> stage B), independent of how a trial is run:
// a declared search space of job settings, a budget in trials and seconds,
// trials ranked by one metric on the validation split, the best refitted on
// train + valid and reported on test, a leaderboard, and a resume file so an
// interrupted search picks up where it stopped. `tokrec tune` is a thin
// wrapper (it parses the TOML files and runs trials with run_experiment);
// the server and the Python module reuse the same loop. Layout: docs/tune.md.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/eval/experiment.h"

namespace tokrec::eval {

// One searched setting: a job config key ("features.min_df") and its choices,
// each a TOML literal ("1", "true", "\"strip\"", "[\"ease\"]").
struct TuneDimension {
  std::string key;
  std::vector<std::string> values;
};

struct TuneSpec {
  std::string base;                // the job config whose settings are searched (for the runner)
  std::string metric = "ndcg@10";  // trials are ranked by this key of the models' metrics
  std::string protocol = "random";
  size_t max_trials = 20;          // budget in trials ...
  double max_seconds = 3600;       // ... and in seconds (checked before each new trial)
  uint64_t seed = 7;               // order in which the grid is visited
  std::vector<TuneDimension> space;
};

// Every combination of the space (indices into each dimension's values), in
// a seeded random order. An empty space has one combination: the base job.
std::vector<std::vector<size_t>> trial_order(const TuneSpec& spec);
// "key=VALUE" assignments of one combination, in dimension order.
std::vector<std::string> trial_overrides(const TuneSpec& spec, const std::vector<size_t>& choice);
// The identity of a trial in the resume file: the assignments joined by ";".
std::string trial_key(const std::vector<std::string>& overrides);

// One finished trial: the metric of each model on the validation split.
struct TrialRecord {
  std::string key;
  std::vector<std::string> overrides;
  double seconds = 0;
  std::vector<std::pair<std::string, double>> valid;  // (model, metric value) in the run's model order
};
// One line of the resume file (JSON) and back. parse_trial fails on a line
// cut short by an interruption.
std::string trial_json(const TrialRecord& trial);
Result<TrialRecord> parse_trial(const std::string& line);

struct LeaderboardEntry {
  double valid = 0;
  std::string model;
  std::vector<std::string> overrides;
};
// One row per (trial, model), best first (ties keep the trials' key order).
std::vector<LeaderboardEntry> leaderboard(const std::map<std::string, TrialRecord>& trials);

// Runs the job with `overrides` applied to the base config, restricted to
// `protocol`, at `stage` ("valid": fit on train, evaluate valid; "refit": fit
// on train + valid, evaluate test). `used` receives the effective config.
using TrialRunner = std::function<Result<ExperimentResult>(const std::vector<std::string>& overrides,
                                                           const std::string& stage, ExperimentConfig* used)>;

struct TuneResult {
  std::map<std::string, TrialRecord> trials;  // every trial on record (resumed ones included), by key
  size_t resumed = 0;                         // of which read back from the resume file
  std::vector<LeaderboardEntry> board;
  // The refit of the winner: its settings plus models.list = [winner].
  std::vector<std::string> best_overrides;
  double best_test = 0;  // the metric on test after the refit
  ExperimentResult final_run;
  ExperimentConfig final_config;
};

// The whole loop. `resume_path` (e.g. OUT/trials.jsonl) is read first —
// trials found there are not run again — and every new trial is appended to
// it as soon as it finishes. Fails when a trial fails, when the metric is not
// among a model's metrics, or when no trial ran.
Result<TuneResult> run_tuning(const TuneSpec& spec, const TrialRunner& runner, const std::string& resume_path,
                              const ProgressFn& progress = {});

// leaderboard.tsv: rank, model, <metric>_valid, settings.
std::string leaderboard_tsv(const TuneSpec& spec, const TuneResult& result);
// leaderboard.json: metric, protocol, trial count, best (model, settings,
// valid, test) and the leaderboard.
std::string leaderboard_json(const TuneSpec& spec, const TuneResult& result);

}  // namespace tokrec::eval
