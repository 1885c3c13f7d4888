// Text -> token ids, following Hugging Face tokenizers exactly.
//
// A Tokenizer is loaded once (from a BERT `vocab.txt`, a `tokenizer.json`, a
// GPT-2/RoBERTa `vocab.json` + `merges.txt`, a tiktoken rank file, or a
// folder holding one of them) and is then immutable: any number of threads may call
// encode() on one shared instance without locks. The pipeline is HF's:
//   added tokens matched on the raw text -> normalizer -> pre-tokenizer -> model
//   (WordPiece or BPE) -> truncation -> post-processor ([CLS] ... [SEP]) -> padding.
//
// What decides the behaviour (see docs/conventions.md, "Which file decides"):
//  * tokenizer.json: everything it says, including its "truncation" and
//    "padding" blocks when special tokens are added.
//  * vocab.txt: Hugging Face BertTokenizerFast's defaults: lowercase + strip
//    accents (LoadOptions::lowercase = false for cased vocabularies), WordPiece
//    with [UNK], "##" and 100 chars per word, [CLS] $A [SEP], and the special
//    tokens [PAD] [UNK] [CLS] [SEP] [MASK] matched in the text. No truncation or
//    padding unless asked for.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::tokenize {

struct LoadOptions {
  // vocab.txt only (a tokenizer.json carries its own normalizer settings).
  // nullopt = BertTokenizerFast's default (true). false = cased vocabulary:
  // no lowercasing and, as BertNormalizer's strip_accents follows lowercase,
  // no accent stripping either.
  std::optional<bool> lowercase;
  // tiktoken rank files only: the named encoding that supplies the split
  // pattern and special tokens ("cl100k_base", "o200k_base", "llama3",
  // "qwen"). Empty = inferred from the file name (or 128,000 ranks = llama3).
  std::string encoding;
};

// What a loaded tokenizer is made of (tokrec tokenizer-info).
struct TokenizerInfo {
  std::string format;          // "tokenizer.json", "vocab.txt", "tiktoken (o200k_base)", ...
  std::string model;           // "WordPiece", "BPE"
  size_t vocab_size = 0;       // with added tokens
  std::vector<std::pair<std::string, int32_t>> special_tokens;
  std::string normalizer;      // e.g. "BertNormalizer", "Sequence[Prepend, Replace]", "none"
  std::string pre_tokenizer;   // e.g. "ByteLevel(add_prefix_space=false, use_regex=true)"
  std::string post_processor;  // e.g. "TemplateProcessing", "none"
  std::string decoder;         // e.g. "ByteLevel", "none"
};

enum class Padding {
  kNone,       // no padding
  kLongest,    // pad to the longest encoding of the batch (a single encode() is not padded)
  kMaxLength,  // pad to max_length (or the file's fixed length)
};

struct EncodeOptions {
  bool add_special_tokens = true;
  // Apply the tokenizer.json "truncation"/"padding" blocks. Only ever applied
  // together with special tokens: with add_special_tokens=false nothing is
  // truncated or padded unless the fields below ask for it.
  bool use_file_defaults = true;
  // nullopt = file default. A max_length given without `truncation` implies
  // truncation=true; it also replaces the length of a file's Fixed padding.
  std::optional<bool> truncation;
  std::optional<size_t> max_length;
  std::optional<Padding> padding;  // nullopt = file default
  // false = leave Encoding::tokens empty: callers that only need ids skip
  // building one std::string per token (the dominant cost of encode). Ids,
  // type ids and the attention mask are identical either way.
  bool with_tokens = true;
};

// All four vectors have the same length (tokens is empty when encoded with
// EncodeOptions::with_tokens = false); padding positions have
// attention_mask 0. tokens[i] is the vocabulary string of ids[i].
struct Encoding {
  std::vector<int32_t> ids;
  std::vector<std::string> tokens;
  std::vector<int32_t> type_ids;
  std::vector<int32_t> attention_mask;
};

class Tokenizer {
 public:
  // `path`: a vocab.txt, a tokenizer.json (told apart by a leading '{'), a
  // vocab.json (merges.txt beside it) or that merges.txt, a tiktoken rank file
  // (.tiktoken, Llama 3's tokenizer.model), or a folder (tokenizer.json, else
  // vocab.json + merges.txt, else vocab.txt, else one *.tiktoken /
  // tokenizer.model rank file). Unsupported
  // tokenizer.json components give an error naming the component.
  static Result<std::shared_ptr<const Tokenizer>> load(const std::string& path,
                                                       const LoadOptions& options = {});
  // Same, from the content of a tokenizer.json already in memory.
  static Result<std::shared_ptr<const Tokenizer>> from_json(std::string_view json);

  // Invalid UTF-8 -> InvalidArgument naming the byte offset.
  Result<Encoding> encode(std::string_view text, const EncodeOptions& options = {}) const;
  // Encodes on `threads` threads (0 = all cores), preserving order. With
  // padding = kLongest every encoding is padded to the longest of `texts`.
  // An invalid text fails the whole call; the message names its index.
  Result<std::vector<Encoding>> encode_batch(const std::vector<std::string>& texts,
                                             const EncodeOptions& options = {},
                                             size_t threads = 1) const;

  // Ids -> text through the tokenizer's decoder (HF Tokenizer::decode).
  // Unknown ids are skipped; special added tokens too when asked.
  std::string decode(const std::vector<int32_t>& ids, bool skip_special_tokens = false) const;

  TokenizerInfo info() const;

  // Model vocabulary plus added tokens that are not in it (HF's
  // get_vocab_size(with_added_tokens=true)).
  size_t vocab_size() const;
  std::optional<int32_t> token_to_id(std::string_view token) const;
  // Empty for an unknown id.
  std::string_view id_to_token(int32_t id) const;

  // Extras beyond the lead's contract.
  // Id used for padding (from the file's padding block, else "[PAD]"), if any.
  std::optional<int32_t> pad_token_id() const;
  // Number of special tokens the post-processor adds to one sequence (2 for BERT).
  size_t num_special_tokens() const;

  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  struct Impl;  // src/tokenize/tokenizer_impl.h

 private:
  explicit Tokenizer(std::unique_ptr<const Impl> impl);
  std::unique_ptr<const Impl> impl_;
};

}  // namespace tokrec::tokenize
