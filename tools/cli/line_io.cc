#include "line_io.h"

#include <cstdio>

#include "commands.h"
#include "tokrec/io/file.h"

namespace tokrec::cli {

int map_lines(const std::string& command, const std::string& input, const std::string& output,
              const std::function<Status(const std::string& line, std::string& out_line)>& fn) {
  auto reader = io::LineReader::open(input);
  if (!reader.is_ok()) return report_error(command, reader.status());
  FILE* out = output == "-" ? stdout : std::fopen(output.c_str(), "wb");
  if (out == nullptr) return report_error(command, Status::io_error("cannot open output file " + output));
  std::string line, buf;
  int rc = 0;
  while ((*reader)->next(line)) {
    buf.clear();
    Status st = fn(line, buf);
    if (!st.is_ok()) {
      rc = report_error(command, st.with_context("line " + std::to_string((*reader)->line_number())));
      break;
    }
    buf.push_back('\n');
    if (std::fwrite(buf.data(), 1, buf.size(), out) != buf.size()) {
      rc = report_error(command, Status::io_error("write failed on " + output));
      break;
    }
  }
  if (rc == 0 && !(*reader)->status().is_ok()) rc = report_error(command, (*reader)->status());
  if (std::fflush(out) != 0 && rc == 0) rc = report_error(command, Status::io_error("write failed on " + output));
  if (out != stdout && std::fclose(out) != 0 && rc == 0)
    rc = report_error(command, Status::io_error("write failed on " + output));
  return rc;
}

std::string lines_text(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l;
    out.push_back('\n');
  }
  return out;
}

}  // namespace tokrec::cli
