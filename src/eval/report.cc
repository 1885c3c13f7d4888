// Files written by the main job; layouts are in docs/run.md and conventions.md.
#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tokrec/eval/experiment.h"
#include "tokrec/eval/html_report.h"
#include "tokrec/eval/metrics.h"
#include "tokrec/io/file.h"

namespace tokrec::eval {
namespace {

using Json = nlohmann::ordered_json;

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

// Model and protocol names become file names: keep them to a safe alphabet.
bool safe_name(const std::string& name) {
  if (name.empty() || name[0] == '.') return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

std::string fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

Json model_metrics(const ModelOutput& m, const std::vector<int>& ks) {
  Json entry = Json::object();
  for (int k : ks)
    for (const auto& name : metric_names()) {
      std::string key = name + "@" + std::to_string(k);
      auto it = m.metrics.find(key);
      if (it != m.metrics.end()) entry[key] = it->second;
    }
  for (const char* extra : {"auc", "gauc"}) {
    auto it = m.metrics.find(extra);
    if (it != m.metrics.end()) entry[extra] = it->second;
  }
  // Sampled-ranking figures keep their label: "ndcg@10 (sampled 100)".
  for (const auto& [key, value] : m.metrics)
    if (key.find(" (sampled ") != std::string::npos) entry[key] = value;
  return entry;
}

// One protocol's file set in `dir`; returns its report.json object.
Result<Json> write_protocol(const ProtocolResult& p, const Json& config, const std::vector<int>& ks,
                            const ExperimentResult& all, const std::string& dir) {
  TOKREC_RETURN_IF_ERROR(io::make_dirs(dir + "/recommendations"));
  Json report;
  report["config"] = config;
  report["protocol"] = p.name;
  Json models = Json::object();
  for (const auto& m : p.models) {
    if (!safe_name(m.name)) return Status::invalid_argument("model name '" + m.name + "' cannot be a file name");
    models[m.name] = model_metrics(m, ks);
    std::string tsv;
    for (const auto& [user, items] : m.lists)
      for (size_t r = 0; r < items.size(); ++r) tsv += user + '\t' + items[r] + '\t' + std::to_string(r + 1) + '\n';
    TOKREC_RETURN_IF_ERROR(io::write_file(dir + "/recommendations/" + m.name + ".tsv", tsv));
  }
  report["models"] = models;
  report["dataset"] = {{"users", all.num_users},
                       {"items", all.num_items},
                       {"interactions", all.num_interactions},
                       {"evaluated_users", p.evaluated_users},
                       {"train_rows", p.train.size()},
                       {"valid_rows", p.valid.size()},
                       {"test_rows", p.truth.size()},
                       {"catalog_size", p.catalog_size},
                       {"tfidf_vocabulary", all.vocabulary_size},
                       {"items_with_vectors", all.vector_coverage}};
  TOKREC_RETURN_IF_ERROR(io::write_file(dir + "/truth.tsv", pairs_tsv(p.truth)));
  TOKREC_RETURN_IF_ERROR(io::write_file(dir + "/train.tsv", pairs_tsv(p.train)));
  TOKREC_RETURN_IF_ERROR(io::write_file(dir + "/valid.tsv", pairs_tsv(p.valid)));

  std::ostringstream md;
  md << "# tokrec run report: protocol " << p.name << "\n\n"
     << "Users evaluated: " << p.evaluated_users << " of " << all.num_users << "; candidates: " << p.catalog_size
     << " items; ratings: " << all.num_interactions << ".\n"
     << "Full ranking of every candidate not in the user's training items; values averaged over evaluated users "
        "(definitions: docs/metrics.md).\n\n"
     << format_table(p, ks) << "\n"
     << "Recompute any row with\n\n"
     << "    tokrec evaluate --recommendations recommendations/<model>.tsv --truth truth.tsv --k K --catalog-size "
     << p.catalog_size << " --json\n";
  TOKREC_RETURN_IF_ERROR(io::write_file(dir + "/report.md", md.str()));
  return report;
}

}  // namespace

namespace {

// The sampling label of the first "… (sampled N)" key, "" when none.
std::string sampled_suffix(const ProtocolResult& result) {
  for (const auto& m : result.models)
    for (const auto& [key, value] : m.metrics) {
      auto at = key.find(" (sampled ");
      if (at != std::string::npos) return key.substr(at);
    }
  return "";
}

}  // namespace

std::string format_table(const ProtocolResult& result, const std::vector<int>& ks) {
  std::vector<std::string> columns;
  for (int k : ks)
    for (const auto& m : metric_names()) columns.push_back(m + "@" + std::to_string(k));
  bool auc = !result.models.empty() && result.models[0].metrics.count("auc");
  if (auc) columns.emplace_back("auc");
  std::ostringstream out;
  auto table = [&](const std::vector<std::string>& cols) {
    out << "| model |";
    for (const auto& c : cols) out << ' ' << c << " |";
    out << "\n|---|";
    for (size_t i = 0; i < cols.size(); ++i) out << "---:|";
    out << '\n';
    for (const auto& m : result.models) {
      out << "| " << m.name << " |";
      for (const auto& c : cols) {
        auto it = m.metrics.find(c);
        out << ' ' << fixed(it == m.metrics.end() ? 0.0 : it->second) << " |";
      }
      out << '\n';
    }
  };
  table(columns);
  // Sampled ranking, when asked for, in its own labelled table below the
  // full-ranking one (its figures are not comparable with full ranking).
  if (const std::string suffix = sampled_suffix(result); !suffix.empty()) {
    std::vector<std::string> sampled;
    for (int k : ks)
      for (const char* m : {"recall", "ndcg", "mrr", "hit_rate"}) sampled.push_back(m + ("@" + std::to_string(k)) + suffix);
    out << "\nSampled ranking (test items against sampled negatives; not full ranking):\n\n";
    table(sampled);
  }
  return out.str();
}

std::string format_comparison(const ExperimentResult& result, const std::vector<int>& ks) {
  const int k = ks[ks.size() / 2];
  const std::string nd = "ndcg@" + std::to_string(k), rc = "recall@" + std::to_string(k);
  std::vector<std::string> models;
  for (const auto& p : result.protocols)
    for (const auto& m : p.models)
      if (std::find(models.begin(), models.end(), m.name) == models.end()) models.push_back(m.name);
  std::ostringstream out;
  out << "| model |";
  for (const auto& p : result.protocols) out << ' ' << p.name << ' ' << nd << " | " << p.name << ' ' << rc << " |";
  out << "\n|---|";
  for (size_t i = 0; i < result.protocols.size(); ++i) out << "---:|---:|";
  out << '\n';
  for (const auto& name : models) {
    out << "| " << name << " |";
    for (const auto& p : result.protocols) {
      auto it = std::find_if(p.models.begin(), p.models.end(), [&](const ModelOutput& m) { return m.name == name; });
      if (it == p.models.end()) {
        out << " - | - |";
        continue;
      }
      out << ' ' << fixed(it->metrics.count(nd) ? it->metrics.at(nd) : 0.0) << " | "
          << fixed(it->metrics.count(rc) ? it->metrics.at(rc) : 0.0) << " |";
    }
    out << '\n';
  }
  return out.str();
}

Status write_experiment(const ExperimentResult& result, const std::string& config_json, const std::vector<int>& ks,
                        const std::string& out_dir) {
  if (result.protocols.empty()) return Status::invalid_argument("nothing to write: no protocol was run");
  Json config;
  try {
    config = Json::parse(config_json);
  } catch (const std::exception& e) {
    return Status::internal(std::string("config is not JSON: ") + e.what());
  }
  TOKREC_RETURN_IF_ERROR(io::make_dirs(out_dir));
  // The primary protocol at the top level (the foundation layout) ...
  TOKREC_ASSIGN_OR_RETURN(Json report, write_protocol(result.protocols[0], config, ks, result, out_dir));
  // ... and every protocol in its own folder when there are several.
  Json index = Json::object();
  ReportTable table;
  for (const auto& p : result.protocols) {
    if (!safe_name(p.name)) return Status::invalid_argument("protocol name '" + p.name + "' cannot be a folder name");
    Json entry;
    if (result.protocols.size() > 1) {
      TOKREC_ASSIGN_OR_RETURN(Json sub, write_protocol(p, config, ks, result, out_dir + "/" + p.name));
      TOKREC_RETURN_IF_ERROR(io::write_file(out_dir + "/" + p.name + "/report.json", sub.dump(2) + "\n"));
      entry["dir"] = p.name;
      entry["models"] = sub["models"];
      entry["dataset"] = sub["dataset"];
    } else {
      entry["dir"] = ".";
      entry["models"] = report["models"];
      entry["dataset"] = report["dataset"];
    }
    index[p.name] = entry;
    for (const auto& m : p.models) table[p.name][m.name] = m.metrics;
  }
  report["protocols"] = index;
  Json timings = Json::object();
  for (const auto& [step, s] : result.timings) timings[step] = s;
  report["seconds"] = timings;
  TOKREC_RETURN_IF_ERROR(io::write_file(out_dir + "/report.json", report.dump(2) + "\n"));

  HtmlReportOptions ho;
  ho.title = "tokrec run report";
  ho.ks = ks;
  const int mid = ks[ks.size() / 2];
  ho.bar_metric = "ndcg@" + std::to_string(mid);
  ho.notes = "Users: " + std::to_string(result.num_users) + ", items: " + std::to_string(result.num_items) +
             ", ratings: " + std::to_string(result.num_interactions) + ". Protocols: " +
             std::to_string(result.protocols.size()) + ". Metrics are averaged over users with test items.";
  return io::write_file(out_dir + "/report.html", render_html_report(table, ho));
}

}  // namespace tokrec::eval
