#include "tokrec/eval/tune.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <unistd.h>

#include "tokrec/io/file.h"

namespace tokrec::eval {
namespace {

TuneSpec small_spec() {
  TuneSpec s;
  s.metric = "ndcg@10";
  s.max_trials = 100;
  s.space = {{"models.ease.lambda", {"10.0", "100.0", "1000.0"}}, {"features.min_df", {"1", "2"}}};
  return s;
}

// A fake job: model "a" scores lambda / 1000 + min_df / 100, model "b" a
// constant; records every call.
struct FakeRunner {
  std::vector<std::pair<std::vector<std::string>, std::string>> calls;
  Result<ExperimentResult> operator()(const std::vector<std::string>& overrides, const std::string& stage,
                                      ExperimentConfig* used) {
    calls.emplace_back(overrides, stage);
    double lambda = 0, min_df = 0;
    for (const auto& o : overrides) {
      if (o.rfind("models.ease.lambda=", 0) == 0) lambda = std::stod(o.substr(19));
      if (o.rfind("features.min_df=", 0) == 0) min_df = std::stod(o.substr(16));
    }
    ExperimentResult r;
    ProtocolResult p;
    p.name = "random";
    ModelOutput a, b;
    a.name = "a";
    a.metrics["ndcg@10"] = lambda / 1000 + min_df / 100 + (stage == "refit" ? 0.5 : 0.0);
    b.name = "b";
    b.metrics["ndcg@10"] = 0.3;
    p.models = {a, b};
    r.protocols.push_back(p);
    if (used) used->stage = stage;
    return r;
  }
};

std::string temp_file(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("tokrec_tune_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::filesystem::remove(path);
  return path.string();
}

TEST(Tune, OrderCoversTheGridDeterministically) {
  auto spec = small_spec();
  auto order = trial_order(spec);
  ASSERT_EQ(order.size(), 6u);
  std::set<std::string> keys;
  for (const auto& c : order) keys.insert(trial_key(trial_overrides(spec, c)));
  EXPECT_EQ(keys.size(), 6u);
  EXPECT_EQ(order, trial_order(spec));
  spec.seed = 8;
  EXPECT_NE(order, trial_order(spec));  // another seed, another order
  EXPECT_EQ(trial_key({"a=1", "b=\"x\""}), "a=1;b=\"x\";");
  EXPECT_EQ(trial_order(TuneSpec{}).size(), 1u);  // no space: the base job alone
}

TEST(Tune, RanksOnValidRefitsTheBestAndResumes) {
  auto spec = small_spec();
  const std::string resume = temp_file("trials.jsonl");
  FakeRunner fake;
  auto runner = [&](const std::vector<std::string>& o, const std::string& stage, ExperimentConfig* used) {
    return fake(o, stage, used);
  };
  auto r = run_tuning(spec, runner, resume);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  ASSERT_EQ(fake.calls.size(), 7u);  // six trials on valid, one refit
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(fake.calls[i].second, "valid");
  EXPECT_EQ(fake.calls[6].second, "refit");
  EXPECT_EQ(r->final_config.stage, "refit");
  // The best: model a with lambda 1000 and min_df 2 (1.02), refitted alone.
  ASSERT_EQ(r->board.size(), 12u);
  EXPECT_EQ(r->board[0].model, "a");
  EXPECT_DOUBLE_EQ(r->board[0].valid, 1.02);
  EXPECT_EQ(r->best_overrides,
            (std::vector<std::string>{"models.ease.lambda=1000.0", "features.min_df=2", "models.list=[\"a\"]"}));
  EXPECT_DOUBLE_EQ(r->best_test, 1.52);
  for (size_t i = 1; i < r->board.size(); ++i) EXPECT_GE(r->board[i - 1].valid, r->board[i].valid);
  auto tsv = leaderboard_tsv(spec, *r);
  EXPECT_EQ(tsv.substr(0, tsv.find('\n')), "rank\tmodel\tndcg@10_valid\tsettings");
  EXPECT_NE(tsv.find("1\ta\t1.020000\tmodels.ease.lambda=1000.0 features.min_df=2\n"), std::string::npos);
  EXPECT_NE(leaderboard_json(spec, *r).find("\"test\": 1.52"), std::string::npos);

  // Resume: every trial is on record, so only the refit runs again; a line
  // cut short by an interruption is ignored.
  {
    std::ofstream out(resume, std::ios::app);
    out << "{\"key\": \"models.ease.lam";
  }
  FakeRunner again;
  auto runner2 = [&](const std::vector<std::string>& o, const std::string& stage, ExperimentConfig* used) {
    return again(o, stage, used);
  };
  auto r2 = run_tuning(spec, runner2, resume);
  ASSERT_TRUE(r2.is_ok()) << r2.status().to_string();
  EXPECT_EQ(r2->resumed, 6u);
  ASSERT_EQ(again.calls.size(), 1u);
  EXPECT_EQ(again.calls[0].second, "refit");
  EXPECT_EQ(r2->best_overrides, r->best_overrides);
}

TEST(Tune, BudgetAndErrors) {
  auto spec = small_spec();
  spec.max_trials = 2;
  FakeRunner fake;
  auto runner = [&](const std::vector<std::string>& o, const std::string& stage, ExperimentConfig* used) {
    return fake(o, stage, used);
  };
  auto r = run_tuning(spec, runner, "");
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->trials.size(), 2u);
  EXPECT_EQ(fake.calls.size(), 3u);

  spec.metric = "ndcg@50";  // not computed by the runs
  EXPECT_FALSE(run_tuning(spec, runner, "").is_ok());
  spec.metric = "ndcg@10";
  auto failing = [](const std::vector<std::string>&, const std::string&, ExperimentConfig*) -> Result<ExperimentResult> {
    return Status::invalid_argument("bad trial");
  };
  auto bad = run_tuning(spec, failing, "");
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().to_string().find("bad trial"), std::string::npos);
  spec.max_trials = 0;
  EXPECT_FALSE(run_tuning(spec, runner, "").is_ok());

  auto t = parse_trial(trial_json({"k;", {"x=1"}, 2.5, {{"m", 0.25}, {"a", 0.5}}}));
  ASSERT_TRUE(t.is_ok());
  EXPECT_EQ(t->key, "k;");
  EXPECT_EQ(t->valid, (std::vector<std::pair<std::string, double>>{{"m", 0.25}, {"a", 0.5}}));
  EXPECT_FALSE(parse_trial("{\"key\": ").is_ok());
}

}  // namespace
}  // namespace tokrec::eval
