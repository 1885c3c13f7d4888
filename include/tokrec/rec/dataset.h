// Interactions and item text for recommendation. Users and items are dense
// int32 indices into id tables; the original string ids are kept for output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::rec {

// A string id <-> dense index table.
class IdMap {
 public:
  int32_t add(std::string_view id);  // index of id, inserting when new
  int32_t find(std::string_view id) const;  // -1 when absent
  const std::string& id(int32_t index) const { return ids_[static_cast<size_t>(index)]; }
  size_t size() const { return ids_.size(); }

 private:
  std::vector<std::string> ids_;
  std::unordered_map<std::string, int32_t> index_;
};

struct Interaction {
  int32_t user = 0;
  int32_t item = 0;
  double rating = 1.0;
  int64_t timestamp = 0;
};

struct Dataset {
  IdMap users;
  IdMap items;
  std::vector<Interaction> interactions;
  // Per item, the text fields used for content features (same order as items).
  std::vector<std::string> item_titles;
  std::vector<std::string> item_genres;  // space separated
  std::vector<std::string> item_tags;    // user tags joined with spaces
};

// MovieLens "latest" layout: ratings.csv (userId,movieId,rating,timestamp),
// movies.csv (movieId,title,genres with '|'), tags.csv (userId,movieId,tag,timestamp).
// Every movie in movies.csv is in the catalog; tags_path may be empty.
Result<Dataset> load_movielens_latest(const std::string& ratings_path, const std::string& movies_path,
                                      const std::string& tags_path);

// Item text from the chosen fields ("title", "genres", "tags"), joined by ". ".
std::string item_text(const Dataset& data, int32_t item, const std::vector<std::string>& fields);

}  // namespace tokrec::rec
