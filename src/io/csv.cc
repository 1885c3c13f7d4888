#include "tokrec/io/csv.h"

#include "tokrec/io/file.h"

namespace tokrec::io {

Result<CsvTable> parse_csv(std::string_view text, const CsvOptions& options) {
  CsvTable table;
  std::vector<std::string> record;
  std::string field;
  size_t record_number = 1;
  size_t i = 0;
  const size_t n = text.size();
  bool first = true;
  size_t width = 0;
  while (i < n) {
    record.clear();
    // Parse one record.
    for (;;) {
      field.clear();
      if (i < n && text[i] == '"') {
        ++i;
        for (;;) {
          if (i >= n) return Status::parse_error("record " + std::to_string(record_number) + ": unterminated quoted field");
          if (text[i] == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
            } else {
              ++i;
              break;
            }
          } else {
            field.push_back(text[i++]);
          }
        }
        if (i < n && text[i] != options.delimiter && text[i] != '\n' && text[i] != '\r')
          return Status::parse_error("record " + std::to_string(record_number) + ": text after a closing quote");
      } else {
        while (i < n && text[i] != options.delimiter && text[i] != '\n' && text[i] != '\r') field.push_back(text[i++]);
      }
      record.push_back(field);
      if (i < n && text[i] == options.delimiter) {
        ++i;
        continue;
      }
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      break;
    }
    if (record.size() == 1 && record[0].empty()) {  // blank line
      ++record_number;
      continue;
    }
    if (first) {
      width = record.size();
      first = false;
      if (options.has_header) {
        table.header = record;
        ++record_number;
        continue;
      }
    }
    if (record.size() != width)
      return Status::parse_error("record " + std::to_string(record_number) + ": expected " + std::to_string(width) +
                                 " fields, found " + std::to_string(record.size()));
    table.rows.push_back(record);
    ++record_number;
  }
  return table;
}

Result<CsvTable> read_csv(const std::string& path, const CsvOptions& options) {
  TOKREC_ASSIGN_OR_RETURN(std::string text, read_file(path));
  auto table = parse_csv(text, options);
  if (!table.is_ok()) return table.status().with_context(path);
  return table;
}

}  // namespace tokrec::io
