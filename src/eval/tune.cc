#include "tokrec/eval/tune.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "tokrec/io/file.h"

namespace tokrec::eval {
namespace {

using Json = nlohmann::ordered_json;

}  // namespace

std::vector<std::vector<size_t>> trial_order(const TuneSpec& spec) {
  std::vector<std::vector<size_t>> all{{}};
  for (const auto& d : spec.space) {
    std::vector<std::vector<size_t>> next;
    for (const auto& prefix : all)
      for (size_t i = 0; i < d.values.size(); ++i) {
        auto p = prefix;
        p.push_back(i);
        next.push_back(std::move(p));
      }
    all = std::move(next);
  }
  std::mt19937_64 rng(spec.seed);
  for (size_t i = all.size(); i > 1; --i) std::swap(all[i - 1], all[rng() % i]);
  return all;
}

std::vector<std::string> trial_overrides(const TuneSpec& spec, const std::vector<size_t>& choice) {
  std::vector<std::string> out;
  for (size_t d = 0; d < spec.space.size() && d < choice.size(); ++d)
    out.push_back(spec.space[d].key + "=" + spec.space[d].values[choice[d]]);
  return out;
}

std::string trial_key(const std::vector<std::string>& overrides) {
  std::string k;
  for (const auto& o : overrides) k += o + ";";
  return k;
}

std::string trial_json(const TrialRecord& t) {
  Json row;
  row["key"] = t.key;
  row["overrides"] = t.overrides;
  row["seconds"] = t.seconds;
  Json models = Json::object();
  for (const auto& [name, value] : t.valid) models[name] = value;
  row["valid"] = models;
  return row.dump();
}

Result<TrialRecord> parse_trial(const std::string& line) {
  try {
    auto j = Json::parse(line);
    TrialRecord t;
    t.key = j.at("key").get<std::string>();
    if (j.contains("overrides")) t.overrides = j.at("overrides").get<std::vector<std::string>>();
    if (j.contains("seconds")) t.seconds = j.at("seconds").get<double>();
    if (j.contains("valid"))
      for (auto it = j.at("valid").begin(); it != j.at("valid").end(); ++it) t.valid.emplace_back(it.key(), it.value().get<double>());
    return t;
  } catch (const std::exception& e) {
    return Status::parse_error(std::string("trial record: ") + e.what());
  }
}

std::vector<LeaderboardEntry> leaderboard(const std::map<std::string, TrialRecord>& trials) {
  std::vector<LeaderboardEntry> board;
  for (const auto& [key, t] : trials)
    for (const auto& [model, value] : t.valid) board.push_back({value, model, t.overrides});
  std::stable_sort(board.begin(), board.end(), [](const auto& a, const auto& b) { return a.valid > b.valid; });
  return board;
}

Result<TuneResult> run_tuning(const TuneSpec& spec, const TrialRunner& runner, const std::string& resume_path,
                              const ProgressFn& progress) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - start).count(); };
  auto say = [&](const std::string& m) {
    if (progress) progress(m);
  };
  if (!runner) return Status::invalid_argument("tune: no trial runner");
  if (spec.max_trials < 1) return Status::invalid_argument("tune.max_trials must be >= 1");
  for (const auto& d : spec.space)
    if (d.values.empty()) return Status::invalid_argument("space." + d.key + " has no choices");
  TuneResult result;

  // Resume: trials already on record are not run again; a line cut short by
  // an interruption is skipped (that trial runs again).
  if (!resume_path.empty() && io::file_exists(resume_path)) {
    TOKREC_ASSIGN_OR_RETURN(auto lines, io::read_lines(resume_path));
    for (const auto& l : lines) {
      auto t = parse_trial(l);
      if (t.is_ok()) result.trials[t->key] = std::move(*t);
    }
    result.resumed = result.trials.size();
    if (result.resumed) say("resuming: " + std::to_string(result.resumed) + " trials already in " + resume_path);
  }
  const auto order = trial_order(spec);
  const size_t n_trials = std::min(order.size(), spec.max_trials);
  say(std::to_string(order.size()) + " combinations in the space; budget " + std::to_string(n_trials) + " trials, " +
      std::to_string(static_cast<long>(spec.max_seconds)) + " s; ranking by " + spec.metric + " on " + spec.protocol +
      " / valid");
  std::ofstream resume;
  if (!resume_path.empty()) {
    resume.open(resume_path, std::ios::app);
    if (!resume) return Status::io_error(resume_path + ": cannot open for appending");
  }
  for (size_t t = 0; t < n_trials; ++t) {
    auto overrides = trial_overrides(spec, order[t]);
    const std::string key = trial_key(overrides);
    if (result.trials.count(key)) continue;
    if (elapsed() > spec.max_seconds) {
      say("time budget reached after " + std::to_string(t) + " trials");
      break;
    }
    say("trial " + std::to_string(t + 1) + "/" + std::to_string(n_trials) + ": " + key);
    const auto t0 = Clock::now();
    auto run = runner(overrides, "valid", nullptr);
    if (!run.is_ok()) return run.status().with_context("trial " + key);
    if (run->protocols.empty()) return Status::invalid_argument("trial " + key + ": the run evaluated no protocol");
    TrialRecord record;
    record.key = key;
    record.overrides = overrides;
    record.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    for (const auto& m : run->protocols[0].models) {
      auto it = m.metrics.find(spec.metric);
      if (it == m.metrics.end()) return Status::invalid_argument("metric '" + spec.metric + "' is not computed (eval.k?)");
      record.valid.emplace_back(m.name, it->second);
    }
    if (resume.is_open()) resume << trial_json(record) << "\n" << std::flush;
    result.trials[key] = std::move(record);
  }

  result.board = leaderboard(result.trials);
  if (result.board.empty()) return Status::invalid_argument("no trial was run");

  // Refit the best on train + valid; report test.
  const LeaderboardEntry& best = result.board.front();
  say("best on valid: " + best.model + " " + spec.metric + " = " + std::to_string(best.valid) +
      "; refitting on train+valid");
  result.best_overrides = best.overrides;
  result.best_overrides.push_back("models.list=[\"" + best.model + "\"]");
  auto final_run = runner(result.best_overrides, "refit", &result.final_config);
  if (!final_run.is_ok()) return final_run.status().with_context("refit");
  if (final_run->protocols.empty() || final_run->protocols[0].models.empty())
    return Status::invalid_argument("refit: the run evaluated no model");
  auto it = final_run->protocols[0].models[0].metrics.find(spec.metric);
  if (it == final_run->protocols[0].models[0].metrics.end())
    return Status::invalid_argument("refit: metric '" + spec.metric + "' is not computed");
  result.best_test = it->second;
  result.final_run = std::move(*final_run);
  return result;
}

std::string leaderboard_tsv(const TuneSpec& spec, const TuneResult& result) {
  std::string tsv = "rank\tmodel\t" + spec.metric + "_valid\tsettings\n";
  for (size_t i = 0; i < result.board.size(); ++i) {
    std::string settings;
    for (const auto& o : result.board[i].overrides) settings += (settings.empty() ? "" : " ") + o;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", result.board[i].valid);
    tsv += std::to_string(i + 1) + "\t" + result.board[i].model + "\t" + buf + "\t" + settings + "\n";
  }
  return tsv;
}

std::string leaderboard_json(const TuneSpec& spec, const TuneResult& result) {
  Json lb = Json::array();
  for (size_t i = 0; i < result.board.size(); ++i)
    lb.push_back({{"rank", i + 1},
                  {"model", result.board[i].model},
                  {"valid", result.board[i].valid},
                  {"settings", result.board[i].overrides}});
  Json best = Json::object();
  if (!result.board.empty())
    best = {{"model", result.board[0].model},
            {"settings", result.board[0].overrides},
            {"valid", result.board[0].valid},
            {"test", result.best_test}};
  Json summary{{"metric", spec.metric}, {"protocol", spec.protocol}, {"trials", result.trials.size()}, {"best", best},
               {"leaderboard", lb}};
  return summary.dump(2) + "\n";
}

}  // namespace tokrec::eval
