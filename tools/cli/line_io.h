// One output line per input line: the I/O loop shared by the line-oriented
// subcommands (segment, keywords).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::cli {

// Reads `input` ("-" = stdin) line by line, lets `fn` fill the output line
// (without its '\n') and writes it to `output` ("-" = stdout). The first error
// (a line's, with "line N" as context, or an I/O error) is reported as
// `tokrec <command>: error: ...` and gives exit code 1; otherwise 0.
int map_lines(const std::string& command, const std::string& input, const std::string& output,
              const std::function<Status(const std::string& line, std::string& out_line)>& fn);

// Each entry followed by '\n': the text of a one-term-per-line file
// (vocabularies, item ids).
std::string lines_text(const std::vector<std::string>& lines);

}  // namespace tokrec::cli
