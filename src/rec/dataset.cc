#include "tokrec/rec/dataset.h"

#include <charconv>
#include <cstdlib>

#include "tokrec/core/utf8.h"
#include "tokrec/io/csv.h"

namespace tokrec::rec {

int32_t IdMap::add(std::string_view id) {
  auto it = index_.find(std::string(id));
  if (it != index_.end()) return it->second;
  auto index = static_cast<int32_t>(ids_.size());
  ids_.emplace_back(id);
  index_.emplace(ids_.back(), index);
  return index;
}

int32_t IdMap::find(std::string_view id) const {
  auto it = index_.find(std::string(id));
  return it == index_.end() ? -1 : it->second;
}

namespace {

Status check_header(const io::CsvTable& table, const std::vector<std::string>& expected, const std::string& path) {
  if (table.header.size() < expected.size())
    return Status::parse_error(path + ": expected columns " + std::to_string(expected.size()) + " (" + expected[0] +
                               ", ...), found " + std::to_string(table.header.size()));
  for (size_t i = 0; i < expected.size(); ++i)
    if (table.header[i] != expected[i])
      return Status::parse_error(path + ": column " + std::to_string(i + 1) + " should be '" + expected[i] +
                                 "', found '" + table.header[i] + "'");
  return Status::ok();
}

bool parse_double(const std::string& s, double& out) {
  char* end = nullptr;
  out = std::strtod(s.c_str(), &end);
  return !s.empty() && end == s.c_str() + s.size();
}

bool parse_int64(const std::string& s, int64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

Result<Dataset> load_movielens_latest(const std::string& ratings_path, const std::string& movies_path,
                                      const std::string& tags_path) {
  Dataset data;
  TOKREC_ASSIGN_OR_RETURN(auto movies, io::read_csv(movies_path));
  TOKREC_RETURN_IF_ERROR(check_header(movies, {"movieId", "title", "genres"}, movies_path));
  for (size_t r = 0; r < movies.rows.size(); ++r) {
    const auto& row = movies.rows[r];
    if (!utf8::is_valid(row[1]))
      return Status::parse_error(movies_path + ": record " + std::to_string(r + 2) + ": title is not valid UTF-8");
    int32_t item = data.items.add(row[0]);
    if (static_cast<size_t>(item) < data.item_titles.size())
      return Status::parse_error(movies_path + ": record " + std::to_string(r + 2) + ": duplicate movieId " + row[0]);
    std::string genres;
    if (row[2] != "(no genres listed)") {
      genres = row[2];
      for (char& c : genres)
        if (c == '|') c = ' ';
    }
    data.item_titles.push_back(row[1]);
    data.item_genres.push_back(genres);
    data.item_tags.emplace_back();
  }

  TOKREC_ASSIGN_OR_RETURN(auto ratings, io::read_csv(ratings_path));
  TOKREC_RETURN_IF_ERROR(check_header(ratings, {"userId", "movieId", "rating", "timestamp"}, ratings_path));
  data.interactions.reserve(ratings.rows.size());
  for (size_t r = 0; r < ratings.rows.size(); ++r) {
    const auto& row = ratings.rows[r];
    Interaction x;
    if (!parse_double(row[2], x.rating) || !parse_int64(row[3], x.timestamp))
      return Status::parse_error(ratings_path + ": record " + std::to_string(r + 2) + ": bad rating or timestamp");
    x.user = data.users.add(row[0]);
    x.item = data.items.add(row[1]);
    if (static_cast<size_t>(x.item) >= data.item_titles.size()) {  // rated but not in movies.csv: no text
      data.item_titles.emplace_back();
      data.item_genres.emplace_back();
      data.item_tags.emplace_back();
    }
    data.interactions.push_back(x);
  }

  if (!tags_path.empty()) {
    TOKREC_ASSIGN_OR_RETURN(auto tags, io::read_csv(tags_path));
    TOKREC_RETURN_IF_ERROR(check_header(tags, {"userId", "movieId", "tag", "timestamp"}, tags_path));
    for (size_t r = 0; r < tags.rows.size(); ++r) {
      const auto& row = tags.rows[r];
      int32_t item = data.items.find(row[1]);
      if (item < 0 || !utf8::is_valid(row[2])) continue;  // a tag on an unknown movie adds nothing
      auto& t = data.item_tags[static_cast<size_t>(item)];
      if (!t.empty()) t += ' ';
      t += row[2];
    }
  }
  return data;
}

std::string item_text(const Dataset& data, int32_t item, const std::vector<std::string>& fields) {
  std::string out;
  auto i = static_cast<size_t>(item);
  for (const auto& f : fields) {
    const std::string* value = nullptr;
    if (f == "title") value = &data.item_titles[i];
    else if (f == "genres") value = &data.item_genres[i];
    else if (f == "tags") value = &data.item_tags[i];
    if (value == nullptr || value->empty()) continue;
    if (!out.empty()) out += ". ";
    out += *value;
  }
  return out;
}

}  // namespace tokrec::rec
