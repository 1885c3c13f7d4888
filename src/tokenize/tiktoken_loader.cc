// tiktoken rank files ("<base64 token> <rank>" per line; Llama 3's
// tokenizer.model has the same format) with the named encodings of
// docs/conventions.md, which supply the split pattern and special tokens.
// Special tokens in the text are matched (allowed_special="all"); no BOS/EOS
// is added.
#include <filesystem>

#include "tokenize/base64.h"
#include "tokenize/bpe.h"
#include "tokenize/regex.h"
#include "tokenize/tokenizer_impl.h"

namespace tokrec::tokenize {
namespace {

constexpr const char* kCl100kPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kO200kPattern =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr const char* kQwenPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

struct NamedEncoding {
  const char* pattern;
  std::vector<std::pair<std::string, int32_t>> specials;
  bool nfc = false;
};

Result<NamedEncoding> named_encoding(const std::string& name) {
  NamedEncoding e;
  if (name == "cl100k_base") {
    e.pattern = kCl100kPattern;
    e.specials = {{"<|endoftext|>", 100257}, {"<|fim_prefix|>", 100258}, {"<|fim_middle|>", 100259},
                  {"<|fim_suffix|>", 100260}, {"<|endofprompt|>", 100276}};
  } else if (name == "o200k_base") {
    e.pattern = kO200kPattern;
    e.specials = {{"<|endoftext|>", 199999}, {"<|endofprompt|>", 200018}};
  } else if (name == "llama3") {
    // Meta's llama/tokenizer.py: 256 special tokens after the 128,000 ranks.
    e.pattern = kCl100kPattern;
    const char* named[] = {"<|begin_of_text|>", "<|end_of_text|>",
                           "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
                           "<|reserved_special_token_2|>", "<|reserved_special_token_3|>",
                           "<|start_header_id|>", "<|end_header_id|>",
                           "<|reserved_special_token_4|>", "<|eot_id|>"};
    int32_t id = 128000;
    for (const char* s : named) e.specials.emplace_back(s, id++);
    for (int i = 5; i < 251; ++i)
      e.specials.emplace_back("<|reserved_special_token_" + std::to_string(i) + "|>", id++);
  } else if (name == "qwen") {
    // Qwen's tokenization_qwen.py: NFC first; specials from 151643.
    e.pattern = kQwenPattern;
    e.nfc = true;
    int32_t id = 151643;
    for (const char* s : {"<|endoftext|>", "<|im_start|>", "<|im_end|>"}) e.specials.emplace_back(s, id++);
    for (int i = 0; i < 205; ++i) e.specials.emplace_back("<|extra_" + std::to_string(i) + "|>", id++);
  } else {
    return Status::invalid_argument("unknown encoding '" + name +
                                    "' (known: cl100k_base, o200k_base, llama3, qwen)");
  }
  return e;
}

std::string infer_encoding(const std::string& source, size_t ranks) {
  const std::string name = std::filesystem::path(source).filename().string();
  for (const char* known : {"cl100k_base", "o200k_base", "qwen", "llama3"})
    if (name.find(known) != std::string::npos) return known;
  if (ranks == 128000) return "llama3";
  if (ranks == 151643) return "qwen";
  return {};
}

}  // namespace

bool looks_like_tiktoken(std::string_view content) {
  const size_t eol = std::min(content.find('\n'), content.size());
  const std::string_view line = content.substr(0, eol);
  const size_t space = line.find(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 >= line.size()) return false;
  for (size_t i = 0; i < space; ++i)
    if (!is_base64_digit(line[i]) && line[i] != '=') return false;
  for (size_t i = space + 1; i < line.size(); ++i)
    if ((line[i] < '0' || line[i] > '9') && !(line[i] == '\r' && i + 1 == line.size())) return false;
  return true;
}

Result<std::unique_ptr<Tokenizer::Impl>> load_tiktoken(std::string_view content,
                                                       const std::string& source,
                                                       const std::string& encoding) {
  auto err = [&](size_t line, const std::string& what) {
    return Status::parse_error(source + " line " + std::to_string(line) + ": " + what);
  };
  // Every token's bytes back to back, (end, rank) per token.
  std::string bytes;
  std::vector<std::pair<size_t, int32_t>> ends;
  size_t pos = 0, line_no = 0;
  while (pos < content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == std::string_view::npos) eol = content.size();
    std::string_view line = content.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    const size_t space = line.find(' ');
    if (space == std::string_view::npos) return err(line_no, "expected '<base64> <rank>'");
    std::optional<std::string> decoded = decode_base64(line.substr(0, space));
    if (!decoded || decoded->empty()) return err(line_no, "bad base64 token");
    const std::string_view num = line.substr(space + 1);
    if (num.empty() || num.size() > 9) return err(line_no, "bad rank");
    int32_t rank = 0;
    for (char c : num) {
      if (c < '0' || c > '9') return err(line_no, "bad rank '" + std::string(num) + "'");
      rank = rank * 10 + (c - '0');
    }
    bytes += *decoded;
    ends.emplace_back(bytes.size(), rank);
  }
  if (ends.empty()) return Status::parse_error(source + ": no ranks");
  std::vector<TokenId> ranks(ends.size());
  for (size_t i = 0, start = 0; i < ends.size(); start = ends[i++].first)
    ranks[i] = {std::string_view(bytes).substr(start, ends[i].first - start), ends[i].second};
  ends = {};
  const std::string name = encoding.empty() ? infer_encoding(source, ranks.size()) : encoding;
  if (name.empty())
    return Status::invalid_argument(source + ": cannot tell which encoding this rank file is; "
                                    "name it (--encoding cl100k_base|o200k_base|llama3|qwen)");
  auto enc = named_encoding(name);
  if (!enc.is_ok()) return enc.status().with_context(source);

  auto impl = std::make_unique<Tokenizer::Impl>();
  auto model = make_tiktoken_bpe(ranks);
  if (!model.is_ok()) return model.status().with_context(source);
  impl->model = std::move(model).value();
  auto re = Regex::compile(enc->pattern);
  if (!re.is_ok()) return re.status();
  impl->pre_tokenizer = make_split_pre_tokenizer(std::move(re).value(), SplitBehavior::kIsolated,
                                                 false, "tiktoken " + name + " pattern");
  if (enc->nfc) {
    impl->normalizer = make_unicode_form_normalizer("NFC");
    impl->normalizer_desc = "NFC";
  }
  impl->decoder = make_byte_level_decoder();
  impl->format = "tiktoken (" + name + ")";
  std::vector<AddedToken> added;
  for (const auto& [content_str, id] : enc->specials) {
    if (impl->model->id_to_token(id).size() > 0)
      return Status::parse_error(source + ": special token " + content_str + " id " +
                                 std::to_string(id) + " collides with a rank");
    AddedToken t;
    t.content = content_str;
    t.id = id;
    t.normalized = false;
    t.special = true;
    added.push_back(std::move(t));
  }
  install_added_tokens(*impl, std::move(added));
  return impl;
}

}  // namespace tokrec::tokenize
