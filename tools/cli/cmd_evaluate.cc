// tokrec evaluate: top-K metrics of a ranked-list TSV against a truth TSV.
// The definitions live in docs/metrics.md; the --help footer is a digest.
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "tokrec/eval/metrics.h"
#include "tokrec/eval/ranking_io.h"

namespace tokrec::cli {

namespace {

struct EvaluateArgs {
  std::string recommendations;
  std::string truth;
  std::vector<int> ks;
  size_t catalog_size = 0;
  bool json = false;
};

constexpr const char* kFooter = R"(Files (TSV, no header, ids are byte strings):
  RECS   user<TAB>item<TAB>rank         a user's list = its rows sorted by rank
                                        (1 = best; ties keep file order)
  TRUTH  user<TAB>item[<TAB>relevance]  relevance defaults to 1; rows <= 0 dropped;
                                        a repeated (user, item) keeps the largest
Metrics at K (averaged over users with >= 1 test item; such a user without
recommendations scores 0; users only in RECS are ignored; a repeated item
keeps its slot but is a hit once; T = the user's test items, p = position):
  precision  hits / K  (K even when fewer than K were recommended)
  recall     hits / |T|
  f1         per user 2PR/(P+R), 0 without hits, then averaged
  ndcg       sum rel/log2(p+1) over hits / same for the best min(K,|T|) rels
  map        sum of precision@p at each hit p / min(K, |T|)
  mrr        1 / p of the first hit (0 if none in the top K)
  hit_rate   1 if any hit in the top K
  coverage   distinct items in evaluated users' top K / catalog size
             (default catalog: distinct items in TRUTH and RECS)
Sources and where libraries differ: docs/metrics.md
)";

// Shortest text that reads back to the same double: 17 significant digits.
std::string number(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::vector<int> unique_sorted(std::vector<int> ks) {
  std::sort(ks.begin(), ks.end());
  ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  return ks;
}

void print_json(const std::map<std::string, double>& m, const std::vector<int>& ks) {
  std::string out = "{\"users\": " + std::to_string(static_cast<long long>(m.at("users")));
  for (const auto& name : eval::metric_names())
    for (int k : ks) {
      std::string key = name + "@" + std::to_string(k);
      out += ", \"" + key + "\": " + number(m.at(key));
    }
  out += "}\n";
  std::fputs(out.c_str(), stdout);
}

void print_table(const std::map<std::string, double>& m, const std::vector<int>& ks) {
  std::printf("users evaluated: %lld\n", static_cast<long long>(m.at("users")));
  std::printf("%-10s", "metric");
  for (int k : ks) std::printf(" %12s", ("@" + std::to_string(k)).c_str());
  std::printf("\n");
  for (const auto& name : eval::metric_names()) {
    std::printf("%-10s", name.c_str());
    for (int k : ks) std::printf(" %12.6f", m.at(name + "@" + std::to_string(k)));
    std::printf("\n");
  }
}

int run_evaluate(const EvaluateArgs& args) {
  eval::MetricOptions options;
  options.ks = args.ks.empty() ? std::vector<int>{10} : unique_sorted(args.ks);
  options.catalog_size = args.catalog_size;
  if (Status st = eval::validate(options); !st) return report_error("evaluate", st);

  auto truth = eval::read_truth(args.truth);
  if (!truth) return report_error("evaluate", truth.status());
  auto recs = eval::read_recommendations(args.recommendations);
  if (!recs) return report_error("evaluate", recs.status());

  auto metrics = eval::evaluate(*recs, *truth, options);
  if (!metrics) return report_error("evaluate", metrics.status().with_context(args.truth));
  if (args.json)
    print_json(*metrics, options.ks);
  else
    print_table(*metrics, options.ks);
  return std::fflush(stdout) == 0 ? 0 : report_error("evaluate", Status::io_error("cannot write output"));
}

}  // namespace

Action add_evaluate(CLI::App& root) {
  auto args = std::make_shared<EvaluateArgs>();
  auto* cmd = root.add_subcommand(
      "evaluate", "Top-K ranking metrics (precision, recall, F1, NDCG, MAP, MRR, hit rate, coverage)");
  cmd->add_option("--recommendations,-r", args->recommendations, "ranked lists: user<TAB>item<TAB>rank")
      ->required();
  cmd->add_option("--truth,-t", args->truth, "test items: user<TAB>item[<TAB>relevance]")->required();
  cmd->add_option("--k,-k", args->ks, "cut-off; repeat or comma-separate (--k 5,10); default 10")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
  cmd->add_option("--catalog-size", args->catalog_size,
                  "denominator of coverage (default: distinct items in truth and recommendations)");
  cmd->add_flag("--json", args->json, "print one JSON object, values unrounded (17 significant digits)");
  cmd->footer(kFooter);
  return [args] { return run_evaluate(*args); };
}

}  // namespace tokrec::cli
