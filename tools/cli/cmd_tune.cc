// tokrec tune: stage D -> stage B. Searches a declared space of job settings
// (tokenizer, text fields, weighting, pooling, vectors, model
// hyperparameters) on the validation split, ranks the trials by one metric,
// refits the best on train + valid and reports test. Resumes after an
// interruption from OUT/trials.jsonl. File layout: docs/tune.md.
#include <toml++/toml.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "commands.h"
#include "run_config.h"
#include "tokrec/eval/experiment.h"
#include "tokrec/io/file.h"

namespace tokrec::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct Dimension {
  std::string key;                  // "features.min_df"
  std::vector<std::string> values;  // TOML literals
};

struct TuneSpec {
  std::string base;  // resolved path of the job config
  std::string metric = "ndcg@10";
  std::string protocol = "random";
  size_t max_trials = 20;
  double max_seconds = 3600;
  uint64_t seed = 7;
  std::vector<Dimension> space;
};

// A TOML value printed back as TOML (for --set style overrides and best.toml).
std::string toml_literal(const toml::node& n) {
  std::ostringstream o;
  if (n.is_table()) return "";
  toml::table t;
  t.insert("v", n);
  o << toml::toml_formatter(t);
  std::string s = o.str();
  auto eq = s.find("= ");
  return eq == std::string::npos ? s : s.substr(eq + 2, s.find_last_not_of("\n") - eq - 1);
}

Result<TuneSpec> load_spec(const std::string& path) {
  TOKREC_ASSIGN_OR_RETURN(toml::table root, parse_config_file(path));
  TuneSpec spec;
  for (const auto& [k, v] : root)
    if (k.str() != "tune" && k.str() != "space")
      return Status::invalid_argument(path + ": unknown section [" + std::string(k.str()) + "] (expected [tune] and [space])");
  const auto* tune = root["tune"].as_table();
  if (!tune) return Status::invalid_argument(path + ": missing [tune] section");
  static const std::set<std::string> known{"base", "metric", "protocol", "max_trials", "max_seconds", "seed"};
  for (const auto& [k, v] : *tune)
    if (!known.count(std::string(k.str()))) return Status::invalid_argument(path + ": unknown key tune." + std::string(k.str()));
  auto base = (*tune)["base"].value<std::string>();
  if (!base) return Status::invalid_argument(path + ": tune.base (the job config to tune) is required");
  spec.base = (fs::path(*base).is_absolute() ? fs::path(*base) : fs::absolute(path).parent_path() / *base)
                  .lexically_normal()
                  .string();
  if (auto m = (*tune)["metric"].value<std::string>()) spec.metric = *m;
  if (auto p = (*tune)["protocol"].value<std::string>()) spec.protocol = *p;
  if (auto n = (*tune)["max_trials"].value<int64_t>()) {
    if (*n < 1) return Status::invalid_argument(path + ": tune.max_trials must be >= 1");
    spec.max_trials = static_cast<size_t>(*n);
  }
  if (auto s = (*tune)["max_seconds"].value<double>()) spec.max_seconds = *s;
  if (auto s = (*tune)["seed"].value<int64_t>()) spec.seed = static_cast<uint64_t>(*s);
  const auto* space = root["space"].as_table();
  if (space) {
    for (const auto& [k, v] : *space) {
      const auto* arr = v.as_array();
      if (!arr || arr->empty())
        return Status::invalid_argument(path + ": space.\"" + std::string(k.str()) + "\" must be a non-empty array of choices");
      Dimension d{std::string(k.str()), {}};
      for (const auto& e : *arr) d.values.push_back(toml_literal(e));
      spec.space.push_back(std::move(d));
    }
  }
  return spec;
}

// Every combination of the space, in a seeded random order.
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

std::vector<std::string> overrides_of(const TuneSpec& spec, const std::vector<size_t>& choice) {
  std::vector<std::string> out;
  for (size_t d = 0; d < spec.space.size(); ++d) out.push_back(spec.space[d].key + "=" + spec.space[d].values[choice[d]]);
  return out;
}

std::string trial_key(const std::vector<std::string>& overrides) {
  std::string k;
  for (const auto& o : overrides) k += o + ";";
  return k;
}

Result<eval::ExperimentResult> run_with(const TuneSpec& spec, const std::vector<std::string>& overrides,
                                        const std::string& stage, size_t threads, eval::ExperimentConfig* used) {
  TOKREC_ASSIGN_OR_RETURN(toml::table root, parse_config_file(spec.base));
  for (const auto& o : overrides) TOKREC_RETURN_IF_ERROR(apply_override(root, o));
  TOKREC_RETURN_IF_ERROR(apply_override(root, "eval.stage=\"" + stage + "\""));
  TOKREC_RETURN_IF_ERROR(apply_override(root, "eval.protocols=[\"" + spec.protocol + "\"]"));
  TOKREC_ASSIGN_OR_RETURN(eval::ExperimentConfig config, config_from_table(root, spec.base));
  if (threads) config.threads = threads;
  if (used) *used = config;
  return eval::run_experiment(config, {});
}

}  // namespace

Action add_tune(CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "tune",
      "Search a space of job settings on the validation split, rank trials by a metric, refit the best on "
      "train+valid and report test. Resumes from OUT/trials.jsonl. See docs/tune.md.");
  struct Flags {
    std::string config, out = "out/tune";
    int threads = -1;
    bool quiet = false;
  };
  auto flags = std::make_shared<Flags>();
  cmd->add_option("--config", flags->config, "tuning file with [tune] (base job config, metric, budget) and [space]")
      ->required();
  cmd->add_option("--out", flags->out,
                  "output folder: trials.jsonl, leaderboard.tsv, leaderboard.json, best.toml, final/ (the refit run)")
      ->capture_default_str();
  cmd->add_option("--threads", flags->threads, "compute threads (0 = all cores)")->check(CLI::NonNegativeNumber);
  cmd->add_flag("--quiet", flags->quiet, "no progress on stderr");
  return [flags] {
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    auto say = [&](const std::string& m) {
      if (!flags->quiet) std::fprintf(stderr, "[tokrec tune %6.1fs] %s\n", elapsed(), m.c_str());
    };
    auto spec = load_spec(flags->config);
    if (!spec.is_ok()) return report_error("tune", spec.status());
    const size_t threads = flags->threads < 0 ? 0 : static_cast<size_t>(flags->threads);
    if (Status st = io::make_dirs(flags->out); !st.is_ok()) return report_error("tune", st);

    // Resume: trials already in trials.jsonl are not run again.
    const std::string trials_path = flags->out + "/trials.jsonl";
    std::map<std::string, Json> done;
    if (io::file_exists(trials_path)) {
      auto lines = io::read_lines(trials_path);
      if (!lines.is_ok()) return report_error("tune", lines.status());
      for (const auto& l : *lines) {
        try {
          auto j = Json::parse(l);
          done[j.at("key").get<std::string>()] = j;
        } catch (const std::exception&) {
          // A line cut short by an interruption: that trial runs again.
        }
      }
      if (!done.empty()) say("resuming: " + std::to_string(done.size()) + " trials already in " + trials_path);
    }
    auto order = trial_order(*spec);
    const size_t n_trials = std::min(order.size(), spec->max_trials);
    say(std::to_string(order.size()) + " combinations in the space; budget " + std::to_string(n_trials) + " trials, " +
        std::to_string(static_cast<long>(spec->max_seconds)) + " s; ranking by " + spec->metric + " on " +
        spec->protocol + " / valid");
    std::ofstream trials(trials_path, std::ios::app);
    for (size_t t = 0; t < n_trials; ++t) {
      auto overrides = overrides_of(*spec, order[t]);
      std::string key = trial_key(overrides);
      if (done.count(key)) continue;
      if (elapsed() > spec->max_seconds) {
        say("time budget reached after " + std::to_string(t) + " trials");
        break;
      }
      say("trial " + std::to_string(t + 1) + "/" + std::to_string(n_trials) + ": " + key);
      auto t0 = std::chrono::steady_clock::now();
      auto result = run_with(*spec, overrides, "valid", threads, nullptr);
      if (!result.is_ok()) return report_error("tune", result.status().with_context("trial " + key));
      Json row;
      row["key"] = key;
      row["overrides"] = overrides;
      row["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      Json models = Json::object();
      for (const auto& m : result->protocols[0].models) {
        auto it = m.metrics.find(spec->metric);
        if (it == m.metrics.end())
          return report_error("tune", Status::invalid_argument("metric '" + spec->metric + "' is not computed (eval.k?)"));
        models[m.name] = it->second;
      }
      row["valid"] = models;
      trials << row.dump() << "\n" << std::flush;
      done[key] = row;
    }

    // Leaderboard: one row per (trial, model), best first.
    struct Entry {
      double value;
      std::string model;
      std::vector<std::string> overrides;
    };
    std::vector<Entry> board;
    for (const auto& [key, row] : done)
      for (auto it = row["valid"].begin(); it != row["valid"].end(); ++it)
        board.push_back({it.value().get<double>(), it.key(), row["overrides"].get<std::vector<std::string>>()});
    if (board.empty()) return report_error("tune", Status::invalid_argument("no trial was run"));
    std::stable_sort(board.begin(), board.end(), [](const Entry& a, const Entry& b) { return a.value > b.value; });
    std::string tsv = "rank\tmodel\t" + spec->metric + "_valid\tsettings\n";
    Json lb = Json::array();
    for (size_t i = 0; i < board.size(); ++i) {
      std::string settings;
      for (const auto& o : board[i].overrides) settings += (settings.empty() ? "" : " ") + o;
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.6f", board[i].value);
      tsv += std::to_string(i + 1) + "\t" + board[i].model + "\t" + buf + "\t" + settings + "\n";
      lb.push_back({{"rank", i + 1}, {"model", board[i].model}, {"valid", board[i].value}, {"settings", board[i].overrides}});
    }

    // Refit the best on train + valid; report test.
    const Entry& best = board.front();
    say("best on valid: " + best.model + " " + spec->metric + " = " + std::to_string(best.value) + "; refitting on train+valid");
    auto overrides = best.overrides;
    overrides.push_back("models.list=[\"" + best.model + "\"]");
    eval::ExperimentConfig used;
    auto final_run = run_with(*spec, overrides, "refit", threads, &used);
    if (!final_run.is_ok()) return report_error("tune", final_run.status().with_context("refit"));
    Status st = eval::write_experiment(*final_run, config_json(used, spec->base), used.ks, flags->out + "/final");
    if (!st.is_ok()) return report_error("tune", st);
    double test = final_run->protocols[0].models[0].metrics.at(spec->metric);

    // best.toml: the base job with the winning settings applied.
    auto base = parse_config_file(spec->base);
    if (!base.is_ok()) return report_error("tune", base.status());
    for (const auto& o : overrides)
      if (Status s = apply_override(*base, o); !s.is_ok()) return report_error("tune", s);
    std::ostringstream best_toml;
    best_toml << "# Written by `tokrec tune --config " << flags->config << "`: " << spec->base
              << " with the best settings on " << spec->protocol << " / valid (" << spec->metric << " = " << best.value
              << ").\n# Relative paths in it refer to the folder of " << spec->base << ".\n"
              << toml::toml_formatter(*base) << "\n";
    Json summary{{"metric", spec->metric}, {"protocol", spec->protocol}, {"trials", done.size()},
                 {"best", {{"model", best.model}, {"settings", best.overrides}, {"valid", best.value}, {"test", test}}},
                 {"leaderboard", lb}};
    for (auto [path, content] : std::vector<std::pair<std::string, std::string>>{
             {flags->out + "/leaderboard.tsv", tsv},
             {flags->out + "/leaderboard.json", summary.dump(2) + "\n"},
             {flags->out + "/best.toml", best_toml.str()}})
      if (Status s = io::write_file(path, content); !s.is_ok()) return report_error("tune", s);
    std::cout << tsv.substr(0, std::min<size_t>(tsv.size(), 4000));
    std::cout << "best: " << best.model << " (" << spec->metric << " valid " << best.value << ", test " << test
              << " after refit on train+valid)\n";
    say("wrote " + flags->out + "/leaderboard.tsv, leaderboard.json, best.toml, final/");
    return 0;
  };
}

}  // namespace tokrec::cli
