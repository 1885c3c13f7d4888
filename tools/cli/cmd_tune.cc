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
#include "tokrec/eval/tune.h"
#include "tokrec/io/file.h"

namespace tokrec::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

using TuneSpec = eval::TuneSpec;

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
      eval::TuneDimension d{std::string(k.str()), {}};
      for (const auto& e : *arr) d.values.push_back(toml_literal(e));
      spec.space.push_back(std::move(d));
    }
  }
  return spec;
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

    // The loop itself lives in the library (eval/tune.h); this command
    // supplies the TOML-driven trial runner and writes the files.
    auto runner = [&](const std::vector<std::string>& overrides, const std::string& stage, eval::ExperimentConfig* used) {
      return run_with(*spec, overrides, stage, threads, used);
    };
    auto tuned = eval::run_tuning(*spec, runner, flags->out + "/trials.jsonl", say);
    if (!tuned.is_ok()) return report_error("tune", tuned.status());
    const auto& best = tuned->board.front();
    const auto& overrides = tuned->best_overrides;
    const eval::ExperimentConfig& used = tuned->final_config;
    Status st = eval::write_experiment(tuned->final_run, config_json(used, spec->base), used.ks, flags->out + "/final");
    if (!st.is_ok()) return report_error("tune", st);
    const double test = tuned->best_test;
    const std::string tsv = eval::leaderboard_tsv(*spec, *tuned);

    // best.toml: the base job with the winning settings applied.
    auto base = parse_config_file(spec->base);
    if (!base.is_ok()) return report_error("tune", base.status());
    for (const auto& o : overrides)
      if (Status s = apply_override(*base, o); !s.is_ok()) return report_error("tune", s);
    std::ostringstream best_toml;
    best_toml << "# Written by `tokrec tune --config " << flags->config << "`: " << spec->base
              << " with the best settings on " << spec->protocol << " / valid (" << spec->metric << " = " << best.valid
              << ").\n# Relative paths in it refer to the folder of " << spec->base << ".\n"
              << toml::toml_formatter(*base) << "\n";
    for (auto [path, content] : std::vector<std::pair<std::string, std::string>>{
             {flags->out + "/leaderboard.tsv", tsv},
             {flags->out + "/leaderboard.json", eval::leaderboard_json(*spec, *tuned)},
             {flags->out + "/best.toml", best_toml.str()}})
      if (Status s = io::write_file(path, content); !s.is_ok()) return report_error("tune", s);
    std::cout << tsv.substr(0, std::min<size_t>(tsv.size(), 4000));
    std::cout << "best: " << best.model << " (" << spec->metric << " valid " << best.valid << ", test " << test
              << " after refit on train+valid)\n";
    say("wrote " + flags->out + "/leaderboard.tsv, leaderboard.json, best.toml, final/");
    return 0;
  };
}

}  // namespace tokrec::cli
