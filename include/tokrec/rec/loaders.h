// Interaction and item files in the layouts recommender datasets ship in.
// Every loader returns a Dataset with users and items in order of first
// appearance (items of an item file first, in file order).
#pragma once

#include <string>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/rec/dataset.h"

namespace tokrec::rec {

enum class InteractionFormat { kAuto, kCsv, kTsv, kJsonl };

// Generic interaction files: CSV / TSV with a header row, or JSON Lines. Column
// (or key) names are configurable; rating and timestamp are optional (rating
// defaults to 1, timestamp to 0). kAuto picks by extension (.csv, .tsv/.txt, .jsonl/.json).
struct InteractionFileOptions {
  InteractionFormat format = InteractionFormat::kAuto;
  std::string user_column = "user";
  std::string item_column = "item";
  std::string rating_column = "rating";       // missing column = every rating 1
  std::string timestamp_column = "timestamp"; // missing column = every timestamp 0
};
Result<Dataset> load_interactions(const std::string& path, const InteractionFileOptions& options = {});

// Item text for a Dataset from a CSV/TSV/JSONL file with an id column and text
// columns: title -> item_titles, genres -> item_genres, tags -> item_tags
// ('|' in genres becomes a space). Unknown items are added to the catalog.
struct ItemFileOptions {
  InteractionFormat format = InteractionFormat::kAuto;
  std::string item_column = "item";
  std::string title_column = "title";
  std::string genres_column = "genres";
  std::string tags_column = "tags";
};
Status load_item_text(const std::string& path, Dataset& data, const ItemFileOptions& options = {});

// MovieLens 100k: DIR/u.data (user \t item \t rating \t timestamp) and
// DIR/u.item (pipe-separated, Latin-1: id|title|date|video date|url|19 genre
// flags; genre names from DIR/u.genre). Titles are converted to UTF-8.
Result<Dataset> load_movielens_100k(const std::string& dir);

// RecBole atomic files: a .inter file (TSV, header "user_id:token
// item_id:token rating:float timestamp:float") and an optional .item file
// (item_id:token plus text fields such as movie_title:token_seq,
// genre:token_seq; token_seq fields are space separated).
Result<Dataset> load_recbole_atomic(const std::string& inter_path, const std::string& item_path = "");

// Keep only interactions whose user has >= min_user and whose item has
// >= min_item interactions, repeated until stable (k-core). The catalog keeps
// every item (items left without interactions remain candidates).
Dataset filter_k_core(const Dataset& data, size_t min_user, size_t min_item);

}  // namespace tokrec::rec
