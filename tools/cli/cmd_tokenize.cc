// tokrec tokenize: one output line per input line, ids / tokens / jsonl.
// Lines are read in chunks and encoded with Tokenizer::encode_batch_flat
// (`--format ids` without offsets), encode_batch (other formats) or
// encode_batch_pairs (--pair-input), then formatted. With more than one
// thread, each thread takes whole chunks and a writer thread writes them in
// input order (see run_tokenize); a chunk too large for that is encoded on
// all the threads at once. Output order is input order.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <span>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "line_io.h"
#include "ordered_pipeline.h"
#include "progress.h"
#include "tokrec/core/thread_pool.h"
#include "tokrec/core/utf8.h"
#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::cli {
namespace {

// Lines per chunk unless --batch-size says otherwise.
constexpr size_t kDefaultBatch = 4096;
// With more than one thread, chunks of up to this many lines go whole to one
// thread each; larger ones (few, each long to encode) are encoded on all the
// threads one at a time.
constexpr size_t kLargestChunkPerThread = 65536;

struct TokenizeArgs {
  std::string tokenizer;
  bool no_special_tokens = false;
  size_t max_length = 0;  // 0 = not given
  std::string padding;    // "" = not given
  bool truncation = false;
  bool no_lowercase = false;
  std::string encoding;   // tiktoken rank files: named encoding
  bool add_bos = false;   // bare SentencePiece / BytePiece: LoadOptions::add_bos
  bool add_eos = false;
  std::string format = "ids";
  size_t threads = 0;
  size_t batch_size = 0;  // 0 = default (see --batch-size)
  std::string input = "-";
  std::string output = "-";
  bool stats = false;
  bool progress = false;
  // Encoding API extras (docs/encoding.md).
  std::string pair_input;           // "" = single texts
  bool offsets = false;
  bool special_tokens_mask = false;  // jsonl field
  std::string truncation_strategy;  // "" = file / longest_first
  std::string truncation_side;      // "" = file / right
  size_t stride = 0;
  bool stride_given = false;
  size_t pad_to_multiple_of = 0;
  std::string padding_side;  // "" = file / right
  int64_t pad_id = -1;       // -1 = file / tokenizer default
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

void append_int_list(std::string& out, std::span<const int32_t> v, char sep) {
  // Written straight into the string (room for the longest int32 and its
  // separator each), then cut to what was written: one size check per list
  // instead of two appends per number.
  const size_t start = out.size();
  out.resize(start + v.size() * 12);
  char* p = out.data() + start;
  char* const end = out.data() + out.size();
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) *p++ = sep;
    p = std::to_chars(p, end, v[i]).ptr;
  }
  out.resize(static_cast<size_t>(p - out.data()));
}

// [[s,e],...] (jsonl) or "s:e s:e" (text formats).
void append_spans(std::string& out, const std::vector<tokenize::Span>& spans, bool json) {
  // Straight into the string, as append_int_list: room for two 20-digit
  // numbers and 4 punctuation bytes per span, cut to what was written.
  const size_t start = out.size();
  out.resize(start + 2 + spans.size() * 44);
  char* p = out.data() + start;
  char* const end = out.data() + out.size();
  if (json) *p++ = '[';
  for (size_t i = 0; i < spans.size(); ++i) {
    if (i) *p++ = json ? ',' : ' ';
    if (json) *p++ = '[';
    p = std::to_chars(p, end, spans[i].first).ptr;
    *p++ = json ? ',' : ':';
    p = std::to_chars(p, end, spans[i].second).ptr;
    if (json) *p++ = ']';
  }
  if (json) *p++ = ']';
  out.resize(static_cast<size_t>(p - out.data()));
}

// `s` as a JSON string, byte-identical to nlohmann::json(s).dump(): a token
// with nothing to escape (no '"', '\\' or control byte, valid UTF-8: nearly
// all of them) is copied between quotes; the rest go through nlohmann, which
// writes invalid UTF-8 (no model's token is) as U+FFFD instead of throwing.
void append_json_string(std::string& out, const std::string& s) {
  bool plain = true;
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '"' || c == '\\') {
      plain = false;
      break;
    }
  }
  if (plain && utf8::is_valid(s)) {
    out.push_back('"');
    out += s;
    out.push_back('"');
  } else {
    out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

struct OutputFields {
  std::string format;
  bool offsets = false;
  bool special_tokens_mask = false;
};

void format_json_object(const tokenize::Encoding& e, const OutputFields& f, std::string& out) {
  out += "{\"ids\":[";
  append_int_list(out, e.ids, ',');
  out += "],\"tokens\":[";
  for (size_t i = 0; i < e.tokens.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, e.tokens[i]);
  }
  out += "],\"attention_mask\":[";
  append_int_list(out, e.attention_mask, ',');
  out += "],\"type_ids\":[";
  append_int_list(out, e.type_ids, ',');
  out += "]";
  if (f.special_tokens_mask) {
    out += ",\"special_tokens_mask\":[";
    append_int_list(out, e.special_tokens_mask, ',');
    out += "]";
  }
  if (f.offsets) {
    out += ",\"offsets\":";
    append_spans(out, e.char_offsets, true);
    out += ",\"byte_offsets\":";
    append_spans(out, e.offsets, true);
  }
  if (!e.overflowing.empty()) {
    out += ",\"overflowing\":[";
    for (size_t i = 0; i < e.overflowing.size(); ++i) {
      if (i) out.push_back(',');
      format_json_object(e.overflowing[i], f, out);
    }
    out += "]";
  }
  out += "}";
}

void format_encoding(const tokenize::Encoding& e, const OutputFields& f, std::string& out) {
  if (f.format == "ids") {
    append_int_list(out, e.ids, ' ');
  } else if (f.format == "tokens") {
    for (size_t i = 0; i < e.tokens.size(); ++i) {
      if (i) out.push_back(' ');
      out += e.tokens[i];
    }
  } else {
    format_json_object(e, f, out);
  }
  if (f.offsets && f.format != "jsonl") {
    // Text formats: a tab, then start:end per token in code points.
    out.push_back('\t');
    append_spans(out, e.char_offsets, false);
  }
  out.push_back('\n');
}

// Reads the next line of --input (and of --pair-input); false at the end of
// --input. A pair file ending first or last is an error naming both counts.
Status next_line(io::LineReader& reader, io::LineReader* pairs, std::string& line,
                 std::string& pair_line, bool& got) {
  got = reader.next(line);
  if (!reader.status().is_ok()) return reader.status();
  if (pairs == nullptr) return Status::ok();
  const bool got_pair = pairs->next(pair_line);
  if (!pairs->status().is_ok()) return pairs->status();
  if (got && !got_pair)
    return Status::invalid_argument("--pair-input has fewer lines (" + std::to_string(pairs->line_number()) +
                                    ") than --input");
  if (!got && got_pair)
    return Status::invalid_argument("--pair-input has more lines than --input (" +
                                    std::to_string(reader.line_number()) + ")");
  return Status::ok();
}

// Up to `size` lines of input (pairs: both files) and what ended them.
struct Chunk {
  std::vector<std::string> lines;
  std::vector<std::pair<std::string, std::string>> pair_lines;
  size_t first_line = 1;  // 1-based number of the chunk's first line
  bool eof = false;
  Status status;  // a read error met after these lines
  size_t count() const { return lines.size() + pair_lines.size(); }
};

Chunk read_chunk(io::LineReader& reader, io::LineReader* pairs, size_t size, size_t first_line) {
  Chunk c;
  c.first_line = first_line;
  std::string line, pair_line;
  while (c.count() < size) {
    bool got = false;
    c.status = next_line(reader, pairs, line, pair_line, got);
    if (!c.status.is_ok()) break;
    if (!got) {
      c.eof = true;
      break;
    }
    if (pairs) {
      c.pair_lines.emplace_back(std::move(line), std::move(pair_line));
      pair_line = std::string();
    } else {
      c.lines.push_back(std::move(line));
    }
    line = std::string();
  }
  return c;
}

// Why a chunk failed to encode. Invalid UTF-8 is named by line number (and
// file) first, as the reader used to check it before encoding; any other
// error comes with its line number.
Status chunk_error(const Chunk& c, const Status& encode_error) {
  for (size_t i = 0; i < c.count(); ++i) {
    const std::string* texts[2] = {c.pair_lines.empty() ? &c.lines[i] : &c.pair_lines[i].first,
                                   c.pair_lines.empty() ? nullptr : &c.pair_lines[i].second};
    for (const std::string* l : texts) {
      if (l == nullptr) continue;
      const size_t bad = utf8::first_invalid_offset(*l);
      if (bad != l->size())
        return Status::invalid_argument("invalid UTF-8 on line " + std::to_string(c.first_line + i) +
                                        (l == texts[1] ? " of --pair-input" : "") + " (byte " +
                                        std::to_string(bad) + ")");
    }
  }
  return encode_error.with_context("lines from " + std::to_string(c.first_line));
}

// One chunk, encoded and formatted: the output text in pieces, in order.
struct Formatted {
  std::vector<std::string> parts;
  size_t lines = 0, tokens = 0;
  double encode_seconds = 0;
  Status status;  // the chunk's error, or the read error that ended it
  bool last = false;
};

// Encodes `c` on `threads` threads (Tokenizer::encode_batch), then formats
// the encodings on the same threads, each thread a contiguous block of lines
// into its own string and freeing those encodings as it goes: only the
// write that follows is serial.
Formatted encode_chunk(const tokenize::Tokenizer& tok, const tokenize::EncodeOptions& opts,
                       const OutputFields& fields, size_t threads, Chunk& c) {
  Formatted f;
  f.last = c.eof || !c.status.is_ok();
  // A read error fails the chunk before anything of it is written.
  if (!c.status.is_ok()) {
    f.status = c.status;
    return f;
  }
  const size_t count = c.count();
  const size_t n_threads = threads == 0 ? default_thread_count() : threads;
  const size_t blocks = std::min(count, n_threads == 1 ? size_t{1} : n_threads * 4);
  if (count > 0 && c.pair_lines.empty() && fields.format == "ids" && !fields.offsets) {
    // Ids only: the batch comes back as one flat array (four allocations
    // per chunk instead of one per line), which is what lets 2 threads
    // scale; each thread then formats a contiguous block of rows.
    const auto t0 = std::chrono::steady_clock::now();
    auto flat = tok.encode_batch_flat(c.lines, opts, threads);
    f.encode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!flat.is_ok()) {
      f.status = chunk_error(c, flat.status());
      f.last = true;
      return f;
    }
    const tokenize::EncodedBatch& batch = *flat;
    f.parts.resize(blocks);
    parallel_for_shared(n_threads, 0, blocks, [&](size_t b) {
      std::string& out = f.parts[b];
      for (size_t i = count * b / blocks; i < count * (b + 1) / blocks; ++i) {
        append_int_list(out, std::span<const int32_t>(batch.ids).subspan(
                                 batch.row_offsets[i], batch.row_offsets[i + 1] - batch.row_offsets[i]), ' ');
        out.push_back('\n');
      }
    });
    f.tokens = batch.ids.size();
    f.lines = count;
    return f;
  }
  if (count > 0) {
    const auto t0 = std::chrono::steady_clock::now();
    auto encoded = c.pair_lines.empty() ? tok.encode_batch(c.lines, opts, threads)
                                        : tok.encode_batch_pairs(c.pair_lines, opts, threads);
    f.encode_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!encoded.is_ok()) {
      f.status = chunk_error(c, encoded.status());
      f.last = true;
      return f;
    }
    std::vector<tokenize::Encoding>& encs = *encoded;
    f.parts.resize(blocks);
    std::vector<size_t> tokens(blocks, 0);
    parallel_for_shared(n_threads, 0, blocks, [&](size_t b) {
      const size_t begin = count * b / blocks, end = count * (b + 1) / blocks;
      std::string& out = f.parts[b];
      for (size_t i = begin; i < end; ++i) {
        format_encoding(encs[i], fields, out);
        tokens[b] += encs[i].ids.size();
        encs[i] = tokenize::Encoding();
      }
    });
    for (size_t t : tokens) f.tokens += t;
    f.lines = count;
  }
  return f;
}

int run_tokenize(const TokenizeArgs& a) {
  const std::string cmd = "tokenize";
  tokenize::LoadOptions load;
  if (a.no_lowercase) load.lowercase = false;
  load.encoding = a.encoding;
  load.add_bos = a.add_bos;
  load.add_eos = a.add_eos;
  auto tok = tokenize::Tokenizer::load(a.tokenizer, load);
  if (!tok.is_ok()) return report_error(cmd, tok.status());

  tokenize::EncodeOptions opts;
  // --add-bos/--add-eos ask for their tokens even with --no-special-tokens
  // (docs/conventions.md); the files they apply to add nothing else.
  opts.add_special_tokens = !a.no_special_tokens || a.add_bos || a.add_eos;
  if (a.max_length > 0) opts.max_length = a.max_length;
  if (a.truncation) opts.truncation = true;
  if (a.padding == "none") opts.padding = tokenize::Padding::kNone;
  if (a.padding == "longest") opts.padding = tokenize::Padding::kLongest;
  if (a.padding == "max_length") opts.padding = tokenize::Padding::kMaxLength;
  if (a.truncation_strategy == "longest_first") opts.truncation_strategy = tokenize::TruncationStrategy::kLongestFirst;
  if (a.truncation_strategy == "only_first") opts.truncation_strategy = tokenize::TruncationStrategy::kOnlyFirst;
  if (a.truncation_strategy == "only_second") opts.truncation_strategy = tokenize::TruncationStrategy::kOnlySecond;
  if (!a.truncation_side.empty())
    opts.truncation_side = a.truncation_side == "left" ? tokenize::Side::kLeft : tokenize::Side::kRight;
  if (a.stride_given) opts.stride = a.stride;
  if (a.pad_to_multiple_of > 0) opts.pad_to_multiple_of = a.pad_to_multiple_of;
  if (!a.padding_side.empty())
    opts.padding_side = a.padding_side == "left" ? tokenize::Side::kLeft : tokenize::Side::kRight;
  if (a.pad_id >= 0) opts.pad_id = static_cast<int32_t>(a.pad_id);
  // --format ids prints ids only: skip building the token strings and the
  // masks.
  opts.with_tokens = a.format != "ids";
  opts.with_masks = a.format != "ids";
  opts.with_offsets = a.offsets;
  const bool pairs = !a.pair_input.empty();
  // Check the options once before reading any input.
  if (auto probe = pairs ? (*tok)->encode_pair("", "", opts) : (*tok)->encode("", opts); !probe.is_ok())
    return report_error(cmd, probe.status());
  const OutputFields fields{a.format, a.offsets, a.special_tokens_mask};

  auto reader = io::LineReader::open(a.input);
  if (!reader.is_ok()) return report_error(cmd, reader.status());
  std::unique_ptr<io::LineReader> pair_reader;
  if (pairs) {
    auto r = io::LineReader::open(a.pair_input);
    if (!r.is_ok()) return report_error(cmd, r.status());
    pair_reader = std::move(r).value();
  }
  auto sink = Sink::open(a.output);
  if (!sink.is_ok()) return report_error(cmd, sink.status());

  // --padding longest pads over the whole input unless --batch-size says otherwise.
  size_t chunk = a.batch_size;
  if (chunk == 0) chunk = a.padding == "longest" ? SIZE_MAX : kDefaultBatch;
  const size_t n_threads = a.threads == 0 ? default_thread_count() : a.threads;

  size_t total_lines = 0, total_tokens = 0;
  double encode_seconds = 0;
  const auto started = std::chrono::steady_clock::now();
  ProgressLine progress("tokrec tokenize", a.progress);
  auto fail = [&](const Status& st) {
    progress.finish();
    return report_error(cmd, st);
  };
  // Writes one encoded chunk (in input order) and counts it; a failed chunk
  // writes nothing and ends the run.
  auto deliver = [&](const Formatted& f) -> Status {
    if (!f.status.is_ok()) return f.status;
    for (const std::string& part : f.parts) TOKREC_RETURN_IF_ERROR((*sink)->write(part));
    total_lines += f.lines;
    total_tokens += f.tokens;
    encode_seconds += f.encode_seconds;
    progress.update(false, "%zu lines, %zu tokens, %.0f lines/s", total_lines, total_tokens,
                    static_cast<double>(total_lines) / std::max(progress.elapsed(), 1e-9));
    return Status::ok();
  };
  if (n_threads == 1 || chunk > kLargestChunkPerThread) {
    // One chunk at a time on the calling thread, each encoded and formatted
    // on all the threads (a whole input padded to its longest line is one
    // chunk, and very large batches are few).
    size_t first_line = 1;
    for (bool last = false; !last;) {
      Chunk c = read_chunk(**reader, pair_reader.get(), chunk, first_line);
      Formatted f = encode_chunk(**tok, opts, fields, n_threads, c);
      if (auto st = deliver(f); !st.is_ok()) return fail(st);
      first_line += c.count();
      last = f.last;
    }
  } else {
    // Every thread reads, encodes and formats whole chunks on its own, and
    // a writer thread writes them in input order (ordered_pipeline.h): no
    // barrier per chunk, so the threads stay busy while the writer runs.
    // At most 2 chunks per thread are held at once.
    Status failure;
    size_t first_line = 1;
    run_ordered_pipeline<Chunk, Formatted>(
        n_threads, 2 * n_threads,
        [&](Chunk& c) {
          c = read_chunk(**reader, pair_reader.get(), chunk, first_line);
          first_line += c.count();
          return !(c.eof || !c.status.is_ok());
        },
        [&](Chunk& c) {
          Formatted f = encode_chunk(**tok, opts, fields, 1, c);
          c = Chunk();  // the lines are freed on the thread that read them
          return f;
        },
        [&](Formatted& f) {
          failure = deliver(f);
          f = Formatted();  // free the text on the writer thread
          return failure.is_ok();
        });
    if (!failure.is_ok()) return fail(failure);
  }
  if (auto st = (*sink)->close(); !st.is_ok()) return fail(st);
  progress.update(true, "%zu lines, %zu tokens, %.1f s", total_lines, total_tokens, progress.elapsed());
  progress.finish();
  // One output line per input line leaves no room for the windows --stride
  // makes; say so rather than drop them without a word.
  if (a.stride_given && a.format != "jsonl")
    std::fprintf(stderr,
                 "tokrec tokenize: note: --stride's overflowing windows are written only with "
                 "--format jsonl; --format %s keeps the first window of each line\n",
                 a.format.c_str());
  if (a.stats) {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "tokrec tokenize: %zu lines, %zu tokens, encode %.3f s, wall %.3f s\n", total_lines,
                 total_tokens, encode_seconds, wall);
  }
  return 0;
}

}  // namespace

Action add_tokenize(CLI::App& root) {
  auto args = std::make_shared<TokenizeArgs>();
  auto* cmd = root.add_subcommand(
      "tokenize",
      "Tokenize text into token ids, one output line per input line (Hugging Face-exact "
      "WordPiece, BPE, byte-level BPE, Unigram and WordLevel; sentencepiece-exact .model files; "
      "tiktoken-exact rank files; BytePiece). Reads stdin and writes stdout unless --input/--output are given.");
  cmd->add_option("--tokenizer", args->tokenizer,
                  "tokenizer.json, vocab.txt, vocab.json (+ merges.txt beside it), a SentencePiece "
                  ".model (Unigram or BPE), a tiktoken rank file (.tiktoken, Llama 3 tokenizer.model), "
                  "a BytePiece model (.zip or its .json), or a folder holding one (see docs/tokenizers.md)")
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
  cmd->add_flag("--add-bos", args->add_bos,
                "SentencePiece .model / BytePiece: put the model's BOS token first (<s> / <bos>, as "
                "sentencepiece's add_bos); an error for other formats");
  cmd->add_flag("--add-eos", args->add_eos,
                "SentencePiece .model / BytePiece: put the model's EOS token last (</s> / <eos>, as "
                "sentencepiece's add_eos); an error for other formats");
  cmd->add_option("--encoding", args->encoding,
                  "Named encoding of a bare tiktoken rank file: cl100k_base | o200k_base | llama3 | "
                  "qwen (default: from the file name; 128,000 ranks = llama3)")
      ->check(CLI::IsMember({"cl100k_base", "o200k_base", "llama3", "qwen"}));
  cmd->add_option("--format", args->format,
                  "ids (space-separated ids) | tokens (space-separated token strings) | jsonl "
                  "({\"ids\",\"tokens\",\"attention_mask\",\"type_ids\"} per line, plus "
                  "\"overflowing\": [{...}, ...] when truncation leaves windows over)")
      ->check(CLI::IsMember({"ids", "tokens", "jsonl"}));
  cmd->add_option("--pair-input", args->pair_input,
                  "Second texts: line i of this file is encoded with line i of --input as a pair "
                  "(HF encode(text, pair): [CLS] A [SEP] B [SEP], type ids 0 then 1); both files "
                  "must have the same number of lines (.gz ok)");
  cmd->add_flag("--offsets", args->offsets,
                "Add each token's offsets in the original text (code points, end exclusive; "
                "special tokens and padding 0:0; a pair's second text counts from its own start). "
                "ids/tokens: a tab then start:end per token; jsonl: \"offsets\": [[s,e],...] in "
                "code points and \"byte_offsets\": [[s,e],...] in bytes");
  cmd->add_flag("--special-tokens-mask", args->special_tokens_mask,
                "jsonl: add \"special_tokens_mask\" (1 for tokens the post-processor or padding "
                "added)");
  cmd->add_option("--truncation-strategy", args->truncation_strategy,
                  "longest_first (cut the longer of a pair first) | only_first | only_second "
                  "(default: the tokenizer.json's, else longest_first)")
      ->check(CLI::IsMember({"longest_first", "only_first", "only_second"}));
  cmd->add_option("--truncation-side", args->truncation_side,
                  "right (keep the first tokens) | left (keep the last) (default: the file's, else right)")
      ->check(CLI::IsMember({"left", "right"}));
  cmd->add_option("--stride", args->stride,
                  "With truncation: the cut-off tokens are returned as overflowing windows that "
                  "overlap by this many tokens (written by --format jsonl as \"overflowing\"; the "
                  "text formats keep the first window and say so on stderr); must be smaller than "
                  "max_length minus the special tokens")
      ->each([args](const std::string&) { args->stride_given = true; });
  cmd->add_option("--pad-to-multiple-of", args->pad_to_multiple_of,
                  "With padding: round the padded length up to a multiple of N")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--padding-side", args->padding_side,
                  "right | left: where padding goes (default: the file's, else right)")
      ->check(CLI::IsMember({"left", "right"}));
  cmd->add_option("--pad-id", args->pad_id,
                  "Id used for padding (its token string follows); default: the file's padding "
                  "block, else [PAD] / <pad>")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--threads", args->threads,
                  "Encoding threads (0 = all cores). Other than 1, each thread reads, encodes and "
                  "formats whole batches and one more thread writes them in input order");
  cmd->add_option("--batch-size", args->batch_size,
                  "Lines encoded per batch (default 4096; whole input with --padding longest). "
                  "With --threads N other than 1 up to 2N batches are held in memory at once; "
                  "batches over 65536 lines are encoded one at a time on all N threads");
  cmd->add_option("--input", args->input, "Input text file, one text per line (default stdin; .gz ok)");
  cmd->add_option("--output", args->output, "Output file (default stdout)");
  cmd->add_flag("--progress", args->progress,
                "Report lines and tokens done on stderr (default: when stderr is a terminal)");
  cmd->add_flag("--stats", args->stats, "Print to stderr the line and token counts, the time spent encoding (summed over "
                "the threads) and the wall time from the first read to the last write (loading "
                "the tokenizer excluded)");
  return [args] { return run_tokenize(*args); };
}

}  // namespace tokrec::cli
