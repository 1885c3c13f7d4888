// tokrec tokenize: one output line per input line, ids / tokens / jsonl.
// Lines are read in chunks and encoded with Tokenizer::encode_batch on
// --threads threads; output order is input order.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "tokrec/core/utf8.h"
#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::cli {
namespace {

struct TokenizeArgs {
  std::string tokenizer;
  bool no_special_tokens = false;
  size_t max_length = 0;  // 0 = not given
  std::string padding;    // "" = not given
  bool truncation = false;
  bool no_lowercase = false;
  std::string encoding;   // tiktoken rank files: named encoding
  std::string format = "ids";
  size_t threads = 0;
  size_t batch_size = 0;  // 0 = default (see --batch-size)
  std::string input = "-";
  std::string output = "-";
  bool stats = false;
};

// Output sink: stdout or a file, checked for write errors at the end.
class Sink {
 public:
  static Result<std::unique_ptr<Sink>> open(const std::string& path) {
    if (path == "-") return std::make_unique<Sink>(stdout, false, "stdout");
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) return Status::io_error("cannot open output file " + path);
    return std::make_unique<Sink>(f, true, path);
  }
  Sink(FILE* f, bool owned, std::string name) : f_(f), owned_(owned), name_(std::move(name)) {}
  ~Sink() {
    if (owned_) std::fclose(f_);
  }
  Status write(const std::string& data) {
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f_) != data.size())
      return Status::io_error("write failed on " + name_);
    return Status::ok();
  }
  Status close() {
    if (std::fflush(f_) != 0) return Status::io_error("write failed on " + name_);
    if (owned_) {
      owned_ = false;
      if (std::fclose(f_) != 0) return Status::io_error("write failed on " + name_);
    }
    return Status::ok();
  }

 private:
  FILE* f_;
  bool owned_;
  std::string name_;
};

void append_int_list(std::string& out, const std::vector<int32_t>& v, char sep) {
  char buf[16];
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(sep);
    const auto r = std::to_chars(buf, buf + sizeof buf, v[i]);
    out.append(buf, static_cast<size_t>(r.ptr - buf));
  }
}

void format_encoding(const tokenize::Encoding& e, const std::string& format, std::string& out) {
  if (format == "ids") {
    append_int_list(out, e.ids, ' ');
  } else if (format == "tokens") {
    for (size_t i = 0; i < e.tokens.size(); ++i) {
      if (i) out.push_back(' ');
      out += e.tokens[i];
    }
  } else {
    out += "{\"ids\":[";
    append_int_list(out, e.ids, ',');
    out += "],\"tokens\":[";
    for (size_t i = 0; i < e.tokens.size(); ++i) {
      if (i) out.push_back(',');
      out += nlohmann::json(e.tokens[i]).dump();
    }
    out += "],\"attention_mask\":[";
    append_int_list(out, e.attention_mask, ',');
    out += "],\"type_ids\":[";
    append_int_list(out, e.type_ids, ',');
    out += "]}";
  }
  out.push_back('\n');
}

int run_tokenize(const TokenizeArgs& a) {
  const std::string cmd = "tokenize";
  tokenize::LoadOptions load;
  if (a.no_lowercase) load.lowercase = false;
  load.encoding = a.encoding;
  auto tok = tokenize::Tokenizer::load(a.tokenizer, load);
  if (!tok.is_ok()) return report_error(cmd, tok.status());

  tokenize::EncodeOptions opts;
  opts.add_special_tokens = !a.no_special_tokens;
  if (a.max_length > 0) opts.max_length = a.max_length;
  if (a.truncation) opts.truncation = true;
  if (a.padding == "none") opts.padding = tokenize::Padding::kNone;
  if (a.padding == "longest") opts.padding = tokenize::Padding::kLongest;
  if (a.padding == "max_length") opts.padding = tokenize::Padding::kMaxLength;
  // --format ids prints ids only: skip building the token strings.
  opts.with_tokens = a.format != "ids";
  // Check the options once before reading any input.
  if (auto probe = (*tok)->encode("", opts); !probe.is_ok()) return report_error(cmd, probe.status());

  auto reader = io::LineReader::open(a.input);
  if (!reader.is_ok()) return report_error(cmd, reader.status());
  auto sink = Sink::open(a.output);
  if (!sink.is_ok()) return report_error(cmd, sink.status());

  // --padding longest pads over the whole input unless --batch-size says otherwise.
  size_t chunk = a.batch_size;
  if (chunk == 0) chunk = a.padding == "longest" ? SIZE_MAX : 4096;

  std::vector<std::string> lines;
  std::string line, out;
  size_t first_line = 1;  // 1-based number of lines[0]
  size_t total_lines = 0, total_tokens = 0;
  double encode_seconds = 0;
  bool eof = false;
  while (!eof) {
    lines.clear();
    while (lines.size() < chunk) {
      if (!(*reader)->next(line)) {
        eof = true;
        break;
      }
      const size_t bad = utf8::first_invalid_offset(line);
      if (bad != line.size())
        return report_error(cmd, Status::invalid_argument(
                                     "invalid UTF-8 on line " + std::to_string((*reader)->line_number()) +
                                     " (byte " + std::to_string(bad) + ")"));
      lines.push_back(std::move(line));
      line = std::string();
    }
    if (!(*reader)->status().is_ok()) return report_error(cmd, (*reader)->status());
    if (lines.empty()) break;
    const auto t0 = std::chrono::steady_clock::now();
    auto encoded = (*tok)->encode_batch(lines, opts, a.threads);
    encode_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!encoded.is_ok())
      return report_error(cmd, encoded.status().with_context("lines from " + std::to_string(first_line)));
    out.clear();
    for (const auto& e : *encoded) {
      format_encoding(e, a.format, out);
      total_tokens += e.ids.size();
    }
    if (auto st = (*sink)->write(out); !st.is_ok()) return report_error(cmd, st);
    first_line += lines.size();
    total_lines += lines.size();
  }
  if (auto st = (*sink)->close(); !st.is_ok()) return report_error(cmd, st);
  if (a.stats) {
    std::fprintf(stderr, "tokrec tokenize: %zu lines, %zu tokens, encode %.3f s\n", total_lines,
                 total_tokens, encode_seconds);
  }
  return 0;
}

}  // namespace

Action add_tokenize(CLI::App& root) {
  auto args = std::make_shared<TokenizeArgs>();
  auto* cmd = root.add_subcommand(
      "tokenize",
      "Tokenize text into token ids, one output line per input line (Hugging Face-exact "
      "WordPiece and BPE, tiktoken-exact rank files). Reads stdin and writes stdout unless --input/--output are given.");
  cmd->add_option("--tokenizer", args->tokenizer,
                  "tokenizer.json, vocab.txt, vocab.json (+ merges.txt beside it), a tiktoken rank "
                  "file (.tiktoken, Llama 3 tokenizer.model), or a folder holding one")
      ->required();
  cmd->add_flag("--no-special-tokens", args->no_special_tokens,
                "Do not add [CLS]/[SEP] (HF add_special_tokens=False); also ignores the "
                "tokenizer.json truncation/padding blocks unless flags ask for them");
  cmd->add_option("--max-length", args->max_length,
                  "Maximum length including special tokens; implies --truncation and replaces "
                  "the length of the file's truncation and fixed padding")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--padding", args->padding,
                  "none | longest (pad to the longest line of the whole input, or of each "
                  "--batch-size chunk when given) | max_length (pad to --max-length or the file's "
                  "length). Default: the tokenizer.json padding block")
      ->check(CLI::IsMember({"none", "longest", "max_length"}));
  cmd->add_flag("--truncation", args->truncation,
                "Truncate to --max-length (or the file's max_length)");
  cmd->add_flag("--no-lowercase", args->no_lowercase,
                "For a bare vocab.txt of a cased model: no lowercasing, no accent stripping "
                "(a tokenizer.json's own normalizer settings are used as written)");
  cmd->add_option("--encoding", args->encoding,
                  "Named encoding of a bare tiktoken rank file: cl100k_base | o200k_base | llama3 | "
                  "qwen (default: from the file name; 128,000 ranks = llama3)")
      ->check(CLI::IsMember({"cl100k_base", "o200k_base", "llama3", "qwen"}));
  cmd->add_option("--format", args->format,
                  "ids (space-separated ids) | tokens (space-separated token strings) | jsonl "
                  "({\"ids\",\"tokens\",\"attention_mask\",\"type_ids\"} per line)")
      ->check(CLI::IsMember({"ids", "tokens", "jsonl"}));
  cmd->add_option("--threads", args->threads, "Encoding threads (0 = all cores)");
  cmd->add_option("--batch-size", args->batch_size,
                  "Lines encoded per batch (default 4096; whole input with --padding longest)");
  cmd->add_option("--input", args->input, "Input text file, one text per line (default stdin; .gz ok)");
  cmd->add_option("--output", args->output, "Output file (default stdout)");
  cmd->add_flag("--stats", args->stats, "Print line/token counts and encode time to stderr");
  return [args] { return run_tokenize(*args); };
}

}  // namespace tokrec::cli
