// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines.
// MovieLens titles such as "American President, The (1995)" need this.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::io {

struct CsvOptions {
  char delimiter = ',';
  bool has_header = true;  // the first record is skipped (and returned in header)
};

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// Parse the whole text. Errors (unterminated quote, ragged rows) name the record number.
Result<CsvTable> parse_csv(std::string_view text, const CsvOptions& options = {});

// Read and parse a file (gzip-aware); errors carry the path.
Result<CsvTable> read_csv(const std::string& path, const CsvOptions& options = {});

}  // namespace tokrec::io
