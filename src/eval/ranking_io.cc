// TSV readers/writers for ranked lists and truth. Files are read whole and
// split in memory: faster than line-by-line stdio on tens of millions of rows,
// and the maps have to hold everything anyway.
#include "tokrec/eval/ranking_io.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <iterator>
#include <utility>
#include <vector>

#include "tokrec/io/file.h"

namespace tokrec::eval {

namespace {

Result<std::string> slurp(const std::string& path) {
  if (path != "-") return io::read_file(path);
  std::string out((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  if (std::cin.bad()) return Status::io_error("<stdin>: read failed");
  return out;
}

// Calls fn(line, line_number) for each non-empty line; stops at the first error.
template <typename Fn>
Status for_each_line(std::string_view text, Fn&& fn) {
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    TOKREC_RETURN_IF_ERROR(fn(line, line_no));
  }
  return Status::ok();
}

// Splits on tabs into at most `max` fields; returns the real count (may exceed max).
size_t split_tabs(std::string_view line, std::string_view* fields, size_t max) {
  size_t count = 0;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    std::string_view field = line.substr(start, tab == std::string_view::npos ? tab : tab - start);
    if (count < max) fields[count] = field;
    ++count;
    if (tab == std::string_view::npos) break;
    start = tab + 1;
  }
  return count;
}

std::string quote(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  out.append(s.substr(0, kMax));
  if (s.size() > kMax) out += "...";
  out += "'";
  return out;
}

Status row_error(const std::string& name, size_t line_no, const std::string& what) {
  return Status::parse_error(name + " line " + std::to_string(line_no) + ": " + what);
}

bool parse_int(std::string_view s, int64_t& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool parse_double(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string format_double(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

template <typename Map>
std::vector<const typename Map::value_type*> sorted_entries(const Map& m) {
  std::vector<const typename Map::value_type*> out;
  out.reserve(m.size());
  for (const auto& kv : m) out.push_back(&kv);
  std::sort(out.begin(), out.end(), [](auto* a, auto* b) { return a->first < b->first; });
  return out;
}

}  // namespace

Result<Recommendations> parse_recommendations(std::string_view text, const std::string& name) {
  struct Row {
    int64_t rank;
    std::string item;
  };
  std::unordered_map<std::string, std::vector<Row>> rows;
  Status st = for_each_line(text, [&](std::string_view line, size_t line_no) -> Status {
    std::string_view f[3];
    size_t n = split_tabs(line, f, 3);
    if (n != 3)
      return row_error(name, line_no,
                       "expected 3 tab-separated columns (user, item, rank), got " + std::to_string(n));
    if (f[0].empty()) return row_error(name, line_no, "empty user id");
    if (f[1].empty()) return row_error(name, line_no, "empty item id");
    int64_t rank = 0;
    if (!parse_int(f[2], rank)) return row_error(name, line_no, "rank " + quote(f[2]) + " is not an integer");
    // Heterogeneous lookup is not available for unordered_map<std::string> in
    // C++20 without a custom hash; the copy is per row, not per user.
    rows[std::string(f[0])].push_back({rank, std::string(f[1])});
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  Recommendations recs;
  recs.reserve(rows.size());
  for (auto& [user, list] : rows) {
    // Stable: equal ranks keep the order of the file.
    std::stable_sort(list.begin(), list.end(), [](const Row& a, const Row& b) { return a.rank < b.rank; });
    std::vector<std::string> items;
    items.reserve(list.size());
    for (auto& r : list) items.push_back(std::move(r.item));
    recs.emplace(user, std::move(items));
  }
  return recs;
}

Result<Truth> parse_truth(std::string_view text, const std::string& name) {
  Truth truth;
  Status st = for_each_line(text, [&](std::string_view line, size_t line_no) -> Status {
    std::string_view f[3];
    size_t n = split_tabs(line, f, 3);
    if (n != 2 && n != 3)
      return row_error(name, line_no,
                       "expected 2 or 3 tab-separated columns (user, item[, relevance]), got " +
                           std::to_string(n));
    if (f[0].empty()) return row_error(name, line_no, "empty user id");
    if (f[1].empty()) return row_error(name, line_no, "empty item id");
    double rel = 1.0;
    if (n == 3) {
      if (!parse_double(f[2], rel)) return row_error(name, line_no, "relevance " + quote(f[2]) + " is not a number");
      if (!std::isfinite(rel)) return row_error(name, line_no, "relevance " + quote(f[2]) + " is not finite");
    }
    if (rel <= 0) return Status::ok();  // not a test item
    auto& items = truth[std::string(f[0])];
    auto [it, inserted] = items.try_emplace(std::string(f[1]), rel);
    if (!inserted) it->second = std::max(it->second, rel);  // duplicates: the largest wins
    return Status::ok();
  });
  if (!st.is_ok()) return st;
  return truth;
}

Result<Recommendations> read_recommendations(const std::string& path) {
  TOKREC_ASSIGN_OR_RETURN(std::string text, slurp(path));
  return parse_recommendations(text, path == "-" ? "<stdin>" : path);
}

Result<Truth> read_truth(const std::string& path) {
  TOKREC_ASSIGN_OR_RETURN(std::string text, slurp(path));
  return parse_truth(text, path == "-" ? "<stdin>" : path);
}

std::string format_recommendations(const Recommendations& recs) {
  std::string out;
  for (const auto* kv : sorted_entries(recs)) {
    size_t rank = 0;
    for (const auto& item : kv->second) {
      out += kv->first;
      out += '\t';
      out += item;
      out += '\t';
      out += std::to_string(++rank);
      out += '\n';
    }
  }
  return out;
}

std::string format_truth(const Truth& truth, bool with_relevance) {
  std::string out;
  for (const auto* user : sorted_entries(truth)) {
    for (const auto* item : sorted_entries(user->second)) {
      out += user->first;
      out += '\t';
      out += item->first;
      if (with_relevance) {
        out += '\t';
        out += format_double(item->second);
      }
      out += '\n';
    }
  }
  return out;
}

Status write_recommendations(const std::string& path, const Recommendations& recs) {
  return io::write_file(path, format_recommendations(recs));
}

Status write_truth(const std::string& path, const Truth& truth, bool with_relevance) {
  return io::write_file(path, format_truth(truth, with_relevance));
}

}  // namespace tokrec::eval
