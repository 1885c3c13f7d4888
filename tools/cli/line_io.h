// One output line per input line: the I/O loop shared by the line-oriented
// subcommands (segment, keywords).
#pragma once

#include <functional>
#include <string>

#include "tokrec/core/status.h"

namespace tokrec::cli {

// Reads `input` ("-" = stdin) line by line, lets `fn` fill the output line
// (without its '\n') and writes it to `output` ("-" = stdout). The first error
// (a line's, with "line N" as context, or an I/O error) is reported as
// `tokrec <command>: error: ...` and gives exit code 1; otherwise 0.
int map_lines(const std::string& command, const std::string& input, const std::string& output,
              const std::function<Status(const std::string& line, std::string& out_line)>& fn);

}  // namespace tokrec::cli
