// Whole-file and line-by-line reading, with transparent gzip for *.gz files,
// and atomic-enough writing. Errors name the path.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::io {

// Read a whole file (gunzipped when the name ends in .gz).
Result<std::string> read_file(const std::string& path);

// Write `data` to `path`, creating parent folders.
Status write_file(const std::string& path, std::string_view data);

// Create a folder and its parents; OK when it exists.
Status make_dirs(const std::string& path);

bool file_exists(const std::string& path);

// Reads lines from a file (gzip-aware) or from stdin when path is "-".
// Line terminators (\n, and a \r before it) are stripped.
class LineReader {
 public:
  static Result<std::unique_ptr<LineReader>> open(const std::string& path);
  virtual ~LineReader() = default;
  // False at end of input. Check status() afterwards for read errors.
  virtual bool next(std::string& line) = 0;
  virtual Status status() const = 0;
  // 1-based number of the line last returned, for error messages.
  size_t line_number() const { return line_number_; }

 protected:
  size_t line_number_ = 0;
};

// Read all lines of a file ("-" = stdin).
Result<std::vector<std::string>> read_lines(const std::string& path);

// Split on a single-character delimiter, keeping empty fields.
std::vector<std::string_view> split(std::string_view s, char delim);

}  // namespace tokrec::io
