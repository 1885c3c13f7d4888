#include "tokrec/rec/loaders.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "tokrec/core/utf8.h"
#include "tokrec/io/csv.h"
#include "tokrec/io/file.h"

namespace tokrec::rec {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

InteractionFormat detect(const std::string& path, InteractionFormat f) {
  if (f != InteractionFormat::kAuto) return f;
  std::string p = ends_with(path, ".gz") ? path.substr(0, path.size() - 3) : path;
  if (ends_with(p, ".jsonl") || ends_with(p, ".json") || ends_with(p, ".ndjson")) return InteractionFormat::kJsonl;
  if (ends_with(p, ".tsv") || ends_with(p, ".txt") || ends_with(p, ".inter") || ends_with(p, ".item"))
    return InteractionFormat::kTsv;
  return InteractionFormat::kCsv;
}

bool parse_double(std::string_view s, double& out) {
  std::string tmp(s);
  char* end = nullptr;
  out = std::strtod(tmp.c_str(), &end);
  return !tmp.empty() && end == tmp.c_str() + tmp.size();
}

bool parse_timestamp(std::string_view s, int64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec == std::errc() && ptr == s.data() + s.size()) return true;
  double d;  // RecBole stores timestamps as floats
  if (!parse_double(s, d)) return false;
  out = static_cast<int64_t>(d);
  return true;
}

// A table of string cells with a header, from CSV, TSV or JSONL.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int column(const std::string& name) const {
    for (size_t i = 0; i < header.size(); ++i)
      if (header[i] == name) return static_cast<int>(i);
    return -1;
  }
};

Result<Table> read_table(const std::string& path, InteractionFormat format) {
  Table t;
  format = detect(path, format);
  if (format == InteractionFormat::kJsonl) {
    TOKREC_ASSIGN_OR_RETURN(auto lines, io::read_lines(path));
    std::unordered_map<std::string, size_t> columns;
    std::vector<nlohmann::json> objects;
    for (size_t n = 0; n < lines.size(); ++n) {
      if (lines[n].find_first_not_of(" \t\r") == std::string::npos) continue;
      nlohmann::json j;
      try {
        j = nlohmann::json::parse(lines[n]);
      } catch (const std::exception& e) {
        return Status::parse_error(path + ": line " + std::to_string(n + 1) + ": not JSON");
      }
      if (!j.is_object()) return Status::parse_error(path + ": line " + std::to_string(n + 1) + ": not a JSON object");
      for (auto it = j.begin(); it != j.end(); ++it)
        if (columns.emplace(it.key(), t.header.size()).second) t.header.push_back(it.key());
      objects.push_back(std::move(j));
    }
    for (const auto& j : objects) {
      std::vector<std::string> row(t.header.size());
      for (auto it = j.begin(); it != j.end(); ++it) {
        auto& cell = row[columns[it.key()]];
        if (it->is_string()) cell = it->get<std::string>();
        else if (it->is_array()) {
          for (const auto& e : *it) {
            if (!cell.empty()) cell += '|';
            cell += e.is_string() ? e.get<std::string>() : e.dump();
          }
        } else if (!it->is_null()) cell = it->dump();
      }
      t.rows.push_back(std::move(row));
    }
    return t;
  }
  io::CsvOptions csv;
  csv.delimiter = format == InteractionFormat::kTsv ? '\t' : ',';
  TOKREC_ASSIGN_OR_RETURN(auto table, io::read_csv(path, csv));
  t.header = std::move(table.header);
  t.rows = std::move(table.rows);
  return t;
}

// RecBole headers are "name:type"; match on the name part.
void strip_types(std::vector<std::string>& header) {
  for (auto& h : header) {
    auto colon = h.find(':');
    if (colon != std::string::npos) h.resize(colon);
  }
}

Status fill_interactions(const Table& t, const std::string& path, const InteractionFileOptions& o, Dataset& data) {
  int cu = t.column(o.user_column), ci = t.column(o.item_column);
  int cr = t.column(o.rating_column), ct = t.column(o.timestamp_column);
  if (cu < 0 || ci < 0)
    return Status::parse_error(path + ": needs columns '" + o.user_column + "' and '" + o.item_column + "'");
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    auto where = [&] { return path + ": row " + std::to_string(r + 1) + ": "; };
    const std::string& user = row[static_cast<size_t>(cu)];
    const std::string& item = row[static_cast<size_t>(ci)];
    if (user.empty() || item.empty()) return Status::parse_error(where() + "empty user or item id");
    Interaction x;
    if (cr >= 0 && !row[static_cast<size_t>(cr)].empty() && !parse_double(row[static_cast<size_t>(cr)], x.rating))
      return Status::parse_error(where() + "rating '" + row[static_cast<size_t>(cr)] + "' is not a number");
    if (ct >= 0 && !row[static_cast<size_t>(ct)].empty() && !parse_timestamp(row[static_cast<size_t>(ct)], x.timestamp))
      return Status::parse_error(where() + "timestamp '" + row[static_cast<size_t>(ct)] + "' is not a number");
    x.user = data.users.add(user);
    x.item = data.items.add(item);
    data.interactions.push_back(x);
  }
  size_t n = data.items.size();
  data.item_titles.resize(n);
  data.item_genres.resize(n);
  data.item_tags.resize(n);
  return Status::ok();
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  for (unsigned char c : s) utf8::append(out, c);
  return out;
}

}  // namespace

Result<Dataset> load_interactions(const std::string& path, const InteractionFileOptions& options) {
  TOKREC_ASSIGN_OR_RETURN(Table t, read_table(path, options.format));
  Dataset data;
  TOKREC_RETURN_IF_ERROR(fill_interactions(t, path, options, data));
  if (data.interactions.empty()) return Status::invalid_argument(path + ": no interactions");
  return data;
}

Status load_item_text(const std::string& path, Dataset& data, const ItemFileOptions& o) {
  TOKREC_ASSIGN_OR_RETURN(Table t, read_table(path, o.format));
  strip_types(t.header);
  int ci = t.column(o.item_column);
  if (ci < 0) return Status::parse_error(path + ": needs an item column '" + o.item_column + "'");
  int ct = t.column(o.title_column), cg = t.column(o.genres_column), cx = t.column(o.tags_column);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    const auto& row = t.rows[r];
    auto item = static_cast<size_t>(data.items.add(row[static_cast<size_t>(ci)]));
    data.item_titles.resize(data.items.size());
    data.item_genres.resize(data.items.size());
    data.item_tags.resize(data.items.size());
    auto take = [&](int c, std::string& dst, bool pipes) {
      if (c < 0) return;
      std::string v = row[static_cast<size_t>(c)];
      if (!utf8::is_valid(v)) v = latin1_to_utf8(v);
      if (pipes)
        for (char& ch : v)
          if (ch == '|') ch = ' ';
      dst = v;
    };
    take(ct, data.item_titles[item], false);
    take(cg, data.item_genres[item], true);
    take(cx, data.item_tags[item], true);
  }
  return Status::ok();
}

Result<Dataset> load_movielens_100k(const std::string& dir) {
  Dataset data;
  // Genre names, in flag order.
  std::vector<std::string> genres;
  if (io::file_exists(dir + "/u.genre")) {
    TOKREC_ASSIGN_OR_RETURN(auto lines, io::read_lines(dir + "/u.genre"));
    for (const auto& l : lines) {
      auto f = io::split(l, '|');
      if (f.size() == 2 && !f[0].empty()) genres.emplace_back(f[0]);
    }
  }
  const std::string item_path = dir + "/u.item";
  if (io::file_exists(item_path)) {
    TOKREC_ASSIGN_OR_RETURN(auto lines, io::read_lines(item_path));
    for (size_t n = 0; n < lines.size(); ++n) {
      if (lines[n].empty()) continue;
      auto f = io::split(lines[n], '|');
      if (f.size() < 5) return Status::parse_error(item_path + ": line " + std::to_string(n + 1) + ": expected 24 fields");
      auto item = static_cast<size_t>(data.items.add(f[0]));
      data.item_titles.resize(data.items.size());
      data.item_genres.resize(data.items.size());
      data.item_tags.resize(data.items.size());
      data.item_titles[item] = latin1_to_utf8(f[1]);
      std::string g;
      for (size_t k = 5; k < f.size() && k - 5 < genres.size(); ++k)
        if (f[k] == "1" && genres[k - 5] != "unknown") {
          if (!g.empty()) g += ' ';
          g += genres[k - 5];
        }
      data.item_genres[item] = g;
    }
  }
  const std::string data_path = dir + "/u.data";
  TOKREC_ASSIGN_OR_RETURN(auto reader, io::LineReader::open(data_path));
  std::string line;
  while (reader->next(line)) {
    if (line.empty()) continue;
    auto f = io::split(line, '\t');
    auto where = [&] { return data_path + ": line " + std::to_string(reader->line_number()) + ": "; };
    if (f.size() != 4) return Status::parse_error(where() + "expected user, item, rating, timestamp");
    Interaction x;
    if (!parse_double(f[2], x.rating) || !parse_timestamp(f[3], x.timestamp))
      return Status::parse_error(where() + "bad rating or timestamp");
    x.user = data.users.add(f[0]);
    x.item = data.items.add(f[1]);
    data.interactions.push_back(x);
  }
  TOKREC_RETURN_IF_ERROR(reader->status());
  data.item_titles.resize(data.items.size());
  data.item_genres.resize(data.items.size());
  data.item_tags.resize(data.items.size());
  return data;
}

Result<Dataset> load_recbole_atomic(const std::string& inter_path, const std::string& item_path) {
  Dataset data;
  if (!item_path.empty()) {
    ItemFileOptions o;
    o.format = InteractionFormat::kTsv;
    o.item_column = "item_id";
    o.title_column = "movie_title";
    o.genres_column = "genre";
    o.tags_column = "tags";
    TOKREC_RETURN_IF_ERROR(load_item_text(item_path, data, o));
  }
  TOKREC_ASSIGN_OR_RETURN(Table t, read_table(inter_path, InteractionFormat::kTsv));
  strip_types(t.header);
  InteractionFileOptions o;
  o.user_column = "user_id";
  o.item_column = "item_id";
  TOKREC_RETURN_IF_ERROR(fill_interactions(t, inter_path, o, data));
  return data;
}

Dataset filter_k_core(const Dataset& data, size_t min_user, size_t min_item) {
  std::vector<bool> keep(data.interactions.size(), true);
  for (bool changed = true; changed;) {
    changed = false;
    std::vector<size_t> uc(data.users.size()), ic(data.items.size());
    for (size_t k = 0; k < keep.size(); ++k)
      if (keep[k]) {
        ++uc[static_cast<size_t>(data.interactions[k].user)];
        ++ic[static_cast<size_t>(data.interactions[k].item)];
      }
    for (size_t k = 0; k < keep.size(); ++k)
      if (keep[k] && (uc[static_cast<size_t>(data.interactions[k].user)] < min_user ||
                      ic[static_cast<size_t>(data.interactions[k].item)] < min_item)) {
        keep[k] = false;
        changed = true;
      }
  }
  Dataset out = data;
  out.interactions.clear();
  for (size_t k = 0; k < keep.size(); ++k)
    if (keep[k]) out.interactions.push_back(data.interactions[k]);
  return out;
}

}  // namespace tokrec::rec
