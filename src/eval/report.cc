// Files written by the main job; layouts are in docs/run.md and conventions.md.
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tokrec/eval/experiment.h"
#include "tokrec/eval/metrics.h"
#include "tokrec/io/file.h"

namespace tokrec::eval {
namespace {

std::string pairs_tsv(const std::vector<std::pair<std::string, std::string>>& rows) {
  std::string out;
  for (const auto& [u, i] : rows) {
    out += u;
    out += '\t';
    out += i;
    out += '\n';
  }
  return out;
}

// Model names become file names: keep them to a safe alphabet.
bool safe_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return name[0] != '.';
}

}  // namespace

std::string format_table(const ExperimentResult& result, const std::vector<int>& ks) {
  std::vector<std::string> columns;
  for (int k : ks)
    for (const auto& m : metric_names()) columns.push_back(m + "@" + std::to_string(k));
  std::ostringstream out;
  out << "| model |";
  for (const auto& c : columns) out << ' ' << c << " |";
  out << "\n|---|";
  for (size_t i = 0; i < columns.size(); ++i) out << "---:|";
  out << '\n';
  for (const auto& m : result.models) {
    out << "| " << m.name << " |";
    for (const auto& c : columns) {
      auto it = m.metrics.find(c);
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.4f", it == m.metrics.end() ? 0.0 : it->second);
      out << ' ' << buf << " |";
    }
    out << '\n';
  }
  return out.str();
}

Status write_experiment(const ExperimentResult& result, const std::string& config_json, const std::vector<int>& ks,
                        const std::string& out_dir) {
  TOKREC_RETURN_IF_ERROR(io::make_dirs(out_dir + "/recommendations"));
  nlohmann::ordered_json report;
  try {
    report["config"] = nlohmann::ordered_json::parse(config_json);
  } catch (const std::exception& e) {
    return Status::internal(std::string("config is not JSON: ") + e.what());
  }
  auto& models = report["models"];
  models = nlohmann::ordered_json::object();
  for (const auto& m : result.models) {
    if (!safe_name(m.name)) return Status::invalid_argument("model name '" + m.name + "' cannot be a file name");
    auto& entry = models[m.name];
    entry = nlohmann::ordered_json::object();
    for (int k : ks)
      for (const auto& name : metric_names()) {
        std::string key = name + "@" + std::to_string(k);
        auto it = m.metrics.find(key);
        if (it != m.metrics.end()) entry[key] = it->second;
      }
    std::string tsv;
    for (const auto& [user, items] : m.lists)
      for (size_t r = 0; r < items.size(); ++r) tsv += user + '\t' + items[r] + '\t' + std::to_string(r + 1) + '\n';
    TOKREC_RETURN_IF_ERROR(io::write_file(out_dir + "/recommendations/" + m.name + ".tsv", tsv));
  }
  report["dataset"] = {{"users", result.num_users},
                       {"items", result.num_items},
                       {"interactions", result.num_interactions},
                       {"evaluated_users", result.evaluated_users},
                       {"train_rows", result.train.size()},
                       {"valid_rows", result.valid.size()},
                       {"test_rows", result.truth.size()},
                       {"catalog_size", result.num_items},
                       {"tfidf_vocabulary", result.vocabulary_size},
                       {"items_with_vectors", result.vector_coverage}};
  auto& timings = report["seconds"];
  timings = nlohmann::ordered_json::object();
  for (const auto& [step, s] : result.timings) timings[step] = s;

  TOKREC_RETURN_IF_ERROR(io::write_file(out_dir + "/report.json", report.dump(2) + "\n"));
  TOKREC_RETURN_IF_ERROR(io::write_file(out_dir + "/truth.tsv", pairs_tsv(result.truth)));
  TOKREC_RETURN_IF_ERROR(io::write_file(out_dir + "/train.tsv", pairs_tsv(result.train)));
  TOKREC_RETURN_IF_ERROR(io::write_file(out_dir + "/valid.tsv", pairs_tsv(result.valid)));

  std::ostringstream md;
  md << "# tokrec run report\n\n"
     << "Users evaluated: " << result.evaluated_users << " of " << result.num_users << "; catalog: " << result.num_items
     << " items; ratings: " << result.num_interactions << ".\n"
     << "Full ranking of every item not in the user's train split; test split as truth; values averaged over "
        "evaluated users (definitions: docs/metrics.md).\n\n"
     << format_table(result, ks) << "\n"
     << "Recompute any row with\n\n"
     << "    tokrec evaluate --recommendations recommendations/<model>.tsv --truth truth.tsv --k K --catalog-size "
     << result.num_items << " --json\n";
  return io::write_file(out_dir + "/report.md", md.str());
}

}  // namespace tokrec::eval
