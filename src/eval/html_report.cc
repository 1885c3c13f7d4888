#include "tokrec/eval/html_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace tokrec::eval {
namespace {

// Okabe-Ito palette: distinguishable for colour-blind readers.
const char* kColors[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"};

std::string fmt(double v, int decimals = 4) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// A y-axis maximum a little above the data, on a round value.
double nice_max(double v) {
  if (!(v > 0)) return 1.0;
  double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * p >= v * 1.05) return m * p;
  return 10 * p;
}

struct Series {
  std::string name;
  std::vector<double> values;
};

// Line chart: x = categories (K values), one line per series.
std::string line_chart(const std::string& title, const std::vector<std::string>& xs, const std::vector<Series>& series) {
  const int w = 560, h = 300, left = 56, right = 150, top = 30, bottom = 40;
  const int pw = w - left - right, ph = h - top - bottom;
  double ymax = 0;
  for (const auto& s : series)
    for (double v : s.values) ymax = std::max(ymax, v);
  ymax = nice_max(ymax);
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h << "' role='img' aria-label='"
    << html_escape(title) << "'>";
  o << "<text x='" << left << "' y='18' class='t'>" << html_escape(title) << "</text>";
  for (int g = 0; g <= 4; ++g) {
    double y = top + ph - ph * g / 4.0;
    o << "<line x1='" << left << "' x2='" << left + pw << "' y1='" << y << "' y2='" << y << "' class='grid'/>";
    o << "<text x='" << left - 6 << "' y='" << y + 4 << "' class='ya'>" << fmt(ymax * g / 4.0, 3) << "</text>";
  }
  auto xpos = [&](size_t i) { return xs.size() <= 1 ? left + pw / 2.0 : left + pw * static_cast<double>(i) / static_cast<double>(xs.size() - 1); };
  for (size_t i = 0; i < xs.size(); ++i)
    o << "<text x='" << xpos(i) << "' y='" << top + ph + 18 << "' class='xa'>" << html_escape(xs[i]) << "</text>";
  for (size_t s = 0; s < series.size(); ++s) {
    const char* c = kColors[s % 8];
    std::ostringstream pts;
    for (size_t i = 0; i < series[s].values.size(); ++i)
      pts << xpos(i) << "," << top + ph - ph * series[s].values[i] / ymax << " ";
    // Past the 8 palette colours, a dash pattern keeps series apart.
    const char* dash = s >= 8 ? " stroke-dasharray='6 3'" : "";
    o << "<polyline fill='none' stroke='" << c << "' stroke-width='2'" << dash << " points='" << pts.str() << "'/>";
    for (size_t i = 0; i < series[s].values.size(); ++i)
      o << "<circle cx='" << xpos(i) << "' cy='" << top + ph - ph * series[s].values[i] / ymax << "' r='3' fill='" << c
        << "'><title>" << html_escape(series[s].name) << " " << html_escape(xs[i]) << ": " << fmt(series[s].values[i])
        << "</title></circle>";
    o << "<line x1='" << left + pw + 10 << "' x2='" << left + pw + 22 << "' y1='" << top + 16 * s + 5 << "' y2='"
      << top + 16 * s + 5 << "' stroke='" << c << "' stroke-width='3'" << dash << "/>";
    o << "<text x='" << left + pw + 26 << "' y='" << top + 16 * s + 9 << "' class='lg'>" << html_escape(series[s].name)
      << "</text>";
  }
  o << "</svg>";
  return o.str();
}

// Grouped horizontal bars: one group per category, one bar per series.
std::string bar_chart(const std::string& title, const std::vector<std::string>& groups, const std::vector<Series>& series) {
  const int bar = 14, gap = 10, left = 170, w = 560, right = 60, top = 30;
  const int pw = w - left - right;
  const int h = top + static_cast<int>(groups.size() * (series.size() * bar + gap)) + 20;
  double xmax = 0;
  for (const auto& s : series)
    for (double v : s.values) xmax = std::max(xmax, v);
  xmax = nice_max(xmax);
  std::ostringstream o;
  o << "<svg xmlns='http://www.w3.org/2000/svg' width='" << w << "' height='" << h << "' role='img' aria-label='"
    << html_escape(title) << "'>";
  o << "<text x='10' y='18' class='t'>" << html_escape(title) << "</text>";
  int y = top;
  for (size_t g = 0; g < groups.size(); ++g) {
    o << "<text x='" << left - 8 << "' y='" << y + static_cast<int>(series.size()) * bar / 2 + 4 << "' class='ya'>"
      << html_escape(groups[g]) << "</text>";
    for (size_t s = 0; s < series.size(); ++s) {
      double v = g < series[s].values.size() ? series[s].values[g] : -1.0;
      if (v < 0) {  // not run under this protocol
        o << "<text x='" << left + 4 << "' y='" << y + bar - 4 << "' class='lg'>not run</text>";
        y += bar;
        continue;
      }
      double bw = pw * v / xmax;
      o << "<rect x='" << left << "' y='" << y << "' width='" << bw << "' height='" << bar - 2 << "' fill='" << kColors[s % 8]
        << "'><title>" << html_escape(series[s].name) << " / " << html_escape(groups[g]) << ": " << fmt(v) << "</title></rect>";
      o << "<text x='" << left + bw + 4 << "' y='" << y + bar - 4 << "' class='lg'>" << fmt(v) << "</text>";
      y += bar;
    }
    y += gap;
  }
  o << "</svg>";
  if (series.size() > 1) {
    o << "<div class='legend'>";
    for (size_t s = 0; s < series.size(); ++s)
      o << "<span><i style='background:" << kColors[s % 8] << "'></i>" << html_escape(series[s].name) << "</span>";
    o << "</div>";
  }
  return o.str();
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string render_html_report(const ReportTable& table, const HtmlReportOptions& opt) {
  std::ostringstream o;
  o << "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>" << html_escape(opt.title) << "</title>"
    << "<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;max-width:1100px;color:#222}"
       "table{border-collapse:collapse;margin:8px 0 24px}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
       "th:first-child,td:first-child{text-align:left}th{background:#f3f3f3}.best{font-weight:bold}"
       "svg text{font:12px system-ui,sans-serif}.t{font-weight:bold}.ya{text-anchor:end}.xa{text-anchor:middle}"
       ".grid{stroke:#e5e5e5}.legend span{margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;"
       "margin-right:4px}</style></head><body>";
  o << "<h1>" << html_escape(opt.title) << "</h1>";
  if (!opt.notes.empty()) o << "<p>" << html_escape(opt.notes) << "</p>";

  std::vector<std::string> metric_order{"precision", "recall", "f1", "ndcg", "map", "mrr", "hit_rate", "coverage"};
  for (const auto& [protocol, models] : table) {
    o << "<h2>Protocol: " << html_escape(protocol) << "</h2>";
    // Table: one row per model, columns metric@K; best value per column in bold.
    std::vector<std::string> cols;
    for (int k : opt.ks)
      for (const auto& m : metric_order) cols.push_back(m + "@" + std::to_string(k));
    for (const char* extra : {"auc", "gauc"}) {
      bool any = false;
      for (const auto& [name, metrics] : models) any |= metrics.count(extra) > 0;
      if (any) cols.emplace_back(extra);
    }
    std::map<std::string, double> best;
    for (const auto& [name, metrics] : models)
      for (const auto& c : cols) {
        auto it = metrics.find(c);
        if (it != metrics.end()) best[c] = std::max(best.count(c) ? best[c] : -1e300, it->second);
      }
    o << "<div style='overflow-x:auto'><table><tr><th>model</th>";
    for (const auto& c : cols) o << "<th>" << html_escape(c) << "</th>";
    o << "</tr>";
    for (const auto& [name, metrics] : models) {
      o << "<tr><td>" << html_escape(name) << "</td>";
      for (const auto& c : cols) {
        auto it = metrics.find(c);
        if (it == metrics.end()) {
          o << "<td></td>";
          continue;
        }
        o << "<td" << (it->second == best[c] ? " class='best'" : "") << ">" << fmt(it->second) << "</td>";
      }
      o << "</tr>";
    }
    o << "</table></div>";
    // metric@K curves.
    std::vector<std::string> xs;
    for (int k : opt.ks) xs.push_back("K=" + std::to_string(k));
    std::vector<Series> curves;
    for (const auto& [name, metrics] : models) {
      Series s{name, {}};
      for (int k : opt.ks) {
        auto it = metrics.find(opt.curve_metric + "@" + std::to_string(k));
        s.values.push_back(it == metrics.end() ? 0.0 : it->second);
      }
      curves.push_back(std::move(s));
    }
    o << line_chart(opt.curve_metric + "@K, " + protocol, xs, curves);
    // Ablation: the content feature sets side by side.
    std::vector<std::string> groups;
    Series ab{opt.bar_metric, {}};
    for (const auto& [name, metrics] : models)
      if (name.rfind(opt.ablation_prefix, 0) == 0) {
        groups.push_back(name.substr(opt.ablation_prefix.size()));
        auto it = metrics.find(opt.bar_metric);
        ab.values.push_back(it == metrics.end() ? 0.0 : it->second);
      }
    if (groups.size() > 1)
      o << "<h3>Feature ablation</h3>" << bar_chart(opt.bar_metric + " by feature set, " + protocol, groups, {ab});
  }
  // One bar per model per protocol.
  std::vector<std::string> model_names;
  for (const auto& [protocol, models] : table)
    for (const auto& [name, metrics] : models)
      if (std::find(model_names.begin(), model_names.end(), name) == model_names.end()) model_names.push_back(name);
  std::vector<Series> per_protocol;
  for (const auto& [protocol, models] : table) {
    Series s{protocol, {}};
    for (const auto& name : model_names) {
      auto m = models.find(name);
      double v = -1.0;  // marks "not run" in the chart
      if (m != models.end()) {
        auto it = m->second.find(opt.bar_metric);
        if (it != m->second.end()) v = it->second;
      }
      s.values.push_back(v);
    }
    per_protocol.push_back(std::move(s));
  }
  o << "<h2>All protocols</h2>" << bar_chart(opt.bar_metric + " per model and protocol", model_names, per_protocol);
  o << "<p>Definitions of every metric: docs/metrics.md in the tokrec repository.</p></body></html>\n";
  return o.str();
}

}  // namespace tokrec::eval
