// Fuzz target: the recommender file loaders (rec::load_interactions,
// rec::load_item_text, rec::load_recbole_atomic) and the CSV parser under
// them. The input is the file; its size picks the format (size % 4: CSV,
// TSV, JSON Lines, RecBole .inter/.item).
#include "fuzz_common.h"
#include "tokrec/io/csv.h"
#include "tokrec/rec/loaders.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  const std::string_view text = fuzz::as_text(data, size);
  auto check = [](const Status& s) {
    if (!s.is_ok()) fuzz::check_error(s);
  };
  static const char* const kNames[] = {"ratings.csv", "ratings.tsv", "ratings.jsonl", "data.inter"};
  const std::string name = kNames[size % 4];
  const std::string path = fuzz::write_temp(name, text);
  if (size % 4 == 3) {
    const std::string items = fuzz::write_temp("data.item", text);
    auto d = rec::load_recbole_atomic(path, items);
    check(d.status());
    fuzz::remove_temp("data.item");
  } else {
    auto d = rec::load_interactions(path);
    check(d.status());
    rec::Dataset data_set;
    if (d.is_ok()) data_set = std::move(d).value();
    rec::ItemFileOptions o;
    o.item_column = "item";
    check(rec::load_item_text(path, data_set, o));
    TOKREC_FUZZ_CHECK(data_set.item_titles.size() == data_set.items.size());
  }
  io::CsvOptions csv;
  csv.delimiter = size % 2 ? '\t' : ',';
  csv.has_header = size % 3 != 0;
  auto table = io::parse_csv(text, csv);
  check(table.status());
  fuzz::remove_temp(name);
  return 0;
}
