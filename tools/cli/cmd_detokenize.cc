// tokrec detokenize: ids back to text (HF Tokenizer::decode through the
// tokenizer's decoder). One input line of space-separated ids per output
// line; a decoded newline is written as is.
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::cli {
namespace {

struct DetokenizeArgs {
  std::string tokenizer;
  std::string encoding;
  bool skip_special_tokens = false;
  std::string input = "-";
  std::string output = "-";
};

int run_detokenize(const DetokenizeArgs& a) {
  const std::string cmd = "detokenize";
  tokenize::LoadOptions load;
  load.encoding = a.encoding;
  auto tok = tokenize::Tokenizer::load(a.tokenizer, load);
  if (!tok.is_ok()) return report_error(cmd, tok.status());
  auto reader = io::LineReader::open(a.input);
  if (!reader.is_ok()) return report_error(cmd, reader.status());
  FILE* out = a.output == "-" ? stdout : std::fopen(a.output.c_str(), "wb");
  if (out == nullptr) return report_error(cmd, Status::io_error("cannot open output file " + a.output));
  std::string line, text;
  std::vector<int32_t> ids;
  int rc = 0;
  while ((*reader)->next(line)) {
    ids.clear();
    size_t pos = 0;
    while (pos < line.size()) {
      while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t' || line[pos] == ',')) ++pos;
      if (pos >= line.size()) break;
      size_t end = pos;
      long long v = 0;
      while (end < line.size() && line[end] >= '0' && line[end] <= '9' && v <= INT32_MAX) {
        v = v * 10 + (line[end] - '0');
        ++end;
      }
      if (end == pos || v > INT32_MAX || (end < line.size() && line[end] != ' ' && line[end] != '\t' &&
                                          line[end] != ',')) {
        rc = report_error(cmd, Status::invalid_argument(
                                   "line " + std::to_string((*reader)->line_number()) +
                                   ": expected non-negative integer ids, got '" + line.substr(pos, 20) + "'"));
        break;
      }
      ids.push_back(static_cast<int32_t>(v));
      pos = end;
    }
    if (rc != 0) break;
    text = (*tok)->decode(ids, a.skip_special_tokens);
    text.push_back('\n');
    if (std::fwrite(text.data(), 1, text.size(), out) != text.size()) {
      rc = report_error(cmd, Status::io_error("write failed on " + a.output));
      break;
    }
  }
  if (rc == 0 && !(*reader)->status().is_ok()) rc = report_error(cmd, (*reader)->status());
  if (std::fflush(out) != 0 && rc == 0) rc = report_error(cmd, Status::io_error("write failed on " + a.output));
  if (out != stdout) std::fclose(out);
  return rc;
}

}  // namespace

Action add_detokenize(CLI::App& root) {
  auto args = std::make_shared<DetokenizeArgs>();
  auto* cmd = root.add_subcommand(
      "detokenize",
      "Decode token ids back to text, one line of space-separated ids per output line "
      "(Hugging Face decode; reads stdin and writes stdout unless --input/--output are given)");
  cmd->add_option("--tokenizer", args->tokenizer, "Tokenizer file or folder (as for `tokenize`)")
      ->required();
  cmd->add_option("--encoding", args->encoding,
                  "Named encoding of a bare tiktoken rank file (cl100k_base, o200k_base, llama3, qwen)")
      ->check(CLI::IsMember({"cl100k_base", "o200k_base", "llama3", "qwen"}));
  cmd->add_flag("--skip-special-tokens", args->skip_special_tokens,
                "Leave special tokens ([CLS], <|endoftext|>, ...) out of the text");
  cmd->add_option("--input", args->input, "Input file of ids (default stdin; .gz ok)");
  cmd->add_option("--output", args->output, "Output file (default stdout)");
  return [args] { return run_detokenize(*args); };
}

}  // namespace tokrec::cli
