// Text -> token ids, following Hugging Face tokenizers exactly.
//
// A Tokenizer is loaded once (from a BERT `vocab.txt`, a `tokenizer.json`, a
// GPT-2/RoBERTa `vocab.json` + `merges.txt`, a tiktoken rank file, or a
// folder holding one of them) and is then immutable: any number of threads may call
// encode() on one shared instance without locks. The pipeline is HF's:
//   added tokens matched on the raw text -> normalizer -> pre-tokenizer -> model
//   (WordPiece or BPE) -> truncation -> post-processor ([CLS] ... [SEP]) -> padding.
// Text pairs, truncation strategies with stride (overflowing windows),
// padding side / multiple, the special tokens mask and offsets into the
// original text (bytes and code points) follow HF too: see docs/encoding.md.
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
  // SentencePiece .model and BytePiece files only (they add nothing by
  // default, docs/conventions.md): put the model's BOS / EOS around each
  // sequence, as sentencepiece's encode(add_bos=True, add_eos=True) and
  // BytePiece's encode(add_bos, add_eos) do (SentencePiece: the trainer's
  // bos_piece / eos_piece, "<s>" / "</s>" by default; BytePiece: ids 1 / 2).
  // For pairs: BOS A EOS BOS B EOS. They are special tokens, added when
  // EncodeOptions::add_special_tokens is true. Loading fails when the file
  // has no such token or is of another format.
  bool add_bos = false;
  bool add_eos = false;
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

// HF TruncationStrategy: which sequence of a pair loses tokens. A single text
// is always cut itself (OnlySecond on a single text is an error, as in HF).
enum class TruncationStrategy {
  kLongestFirst,  // both halves down to max_length/2 (the longer one first)
  kOnlyFirst,
  kOnlySecond,
};

// Which end truncation cuts and padding fills (HF direction Left/Right).
enum class Side { kRight, kLeft };

// (start, end) of a token in the text it came from: bytes or code points,
// end exclusive. Special tokens and padding are (0, 0), as in HF.
using Span = std::pair<size_t, size_t>;

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
  // Truncation details; nullopt = the file's block, else HF's defaults
  // (longest_first, right, stride 0). stride > 0 fills Encoding::overflowing
  // with the cut-off tokens in windows overlapping by `stride` tokens; it
  // must be smaller than max_length minus the special tokens.
  std::optional<TruncationStrategy> truncation_strategy;
  std::optional<Side> truncation_side;
  std::optional<size_t> stride;
  // Padding details; nullopt = the file's block, else right side, no
  // multiple, the tokenizer's pad token and type id 0.
  std::optional<size_t> pad_to_multiple_of;  // 0 = none
  std::optional<Side> padding_side;
  std::optional<int32_t> pad_id;  // pad_token follows it when it is a known token
  std::optional<int32_t> pad_type_id;
  // false = leave Encoding::tokens empty: callers that only need ids skip
  // building one std::string per token (the dominant cost of encode). Ids,
  // type ids and the attention mask are identical either way.
  bool with_tokens = true;
  // false = leave Encoding::type_ids, attention_mask and special_tokens_mask
  // empty, for callers that only need ids (and tokens/offsets when asked):
  // one vector per text instead of four. In a large batch of short texts,
  // allocating those vectors (and the caller freeing them, on one thread)
  // is a large share of the time. Ids are identical either way.
  bool with_masks = true;
  // true = fill Encoding::offsets and Encoding::char_offsets. Off by default:
  // tracking alignments through the normalizer costs time, and nothing of
  // it runs when off.
  bool with_offsets = false;
};

// All per-token vectors have the same length (tokens is empty when encoded
// with with_tokens = false, offsets/char_offsets when with_offsets = false,
// type_ids/attention_mask/special_tokens_mask when with_masks = false);
// padding positions have attention_mask 0. tokens[i] is the vocabulary string
// of ids[i].
struct Encoding {
  std::vector<int32_t> ids;
  std::vector<std::string> tokens;
  std::vector<int32_t> type_ids;
  std::vector<int32_t> attention_mask;
  // 1 for tokens added by the post-processor ([CLS], [SEP], <s> ...) and for
  // padding; 0 for tokens of the text (special tokens written in the text
  // included, as HF does).
  std::vector<int32_t> special_tokens_mask;
  // Offsets into the ORIGINAL text of the token's sequence (the first text
  // or the pair text: HF does not shift the pair's offsets), in bytes and in
  // code points (Python tokenizers' offsets are the code-point ones).
  std::vector<Span> offsets;
  std::vector<Span> char_offsets;
  // With truncation: the windows that did not fit, each a full encoding
  // (special tokens and padding included), in HF's order.
  std::vector<Encoding> overflowing;
};

// A batch in flat arrays, the layout a model's input takes: row i's tokens
// are positions [row_offsets[i], row_offsets[i + 1]) of every array. With
// padding (to max_length or to the longest) all rows have the same length,
// so `ids` is a rows x length row-major matrix. Mask arrays are empty when
// encoded with with_masks = false. Four allocations for the whole batch
// instead of four per text: in large batches of short texts, allocating and
// freeing per-text vectors costs more than a third of the encoding time.
struct EncodedBatch {
  std::vector<int32_t> ids;
  std::vector<int32_t> type_ids;
  std::vector<int32_t> attention_mask;
  std::vector<int32_t> special_tokens_mask;
  std::vector<size_t> row_offsets;  // rows() + 1 entries, starting at 0

  size_t rows() const { return row_offsets.empty() ? 0 : row_offsets.size() - 1; }
  size_t row_length(size_t i) const { return row_offsets[i + 1] - row_offsets[i]; }
  // Row i's ids (pointer to row_length(i) values).
  const int32_t* row_ids(size_t i) const { return ids.data() + row_offsets[i]; }
};

class Tokenizer {
 public:
  // `path`: a vocab.txt, a tokenizer.json (told apart by a leading '{'), a
  // vocab.json (merges.txt beside it) or that merges.txt, a tiktoken rank file
  // (.tiktoken, Llama 3's tokenizer.model), or a folder (tokenizer.json, else
  // vocab.json + merges.txt, else vocab.txt, else one *.tiktoken /
  // tokenizer.model rank file). Unsupported
  // tokenizer.json components give an error naming the component.
  // A BytePiece model (.zip, or its JSON {base64: [id, piece, count]}; also
  // found in a folder) is told apart by content (docs/tokenizers.md).
  static Result<std::shared_ptr<const Tokenizer>> load(const std::string& path,
                                                       const LoadOptions& options = {});
  // Same, from the content of a tokenizer.json already in memory.
  static Result<std::shared_ptr<const Tokenizer>> from_json(std::string_view json);

  // Invalid UTF-8 -> InvalidArgument naming the byte offset.
  Result<Encoding> encode(std::string_view text, const EncodeOptions& options = {}) const;
  // A text pair (HF encode(text, pair)): both encoded, truncated together per
  // the truncation strategy, joined by the post-processor's pair template
  // (e.g. [CLS] A [SEP] B [SEP], type ids 0 then 1).
  Result<Encoding> encode_pair(std::string_view text, std::string_view pair,
                               const EncodeOptions& options = {}) const;
  // Encodes on `threads` threads (0 = all cores), preserving order. With
  // padding = kLongest every encoding is padded to the longest of `texts`.
  // An invalid text fails the whole call; the message names its index.
  Result<std::vector<Encoding>> encode_batch(const std::vector<std::string>& texts,
                                             const EncodeOptions& options = {},
                                             size_t threads = 1) const;
  // Pairs: pairs[i] = (text, second text); otherwise as encode_batch.
  Result<std::vector<Encoding>> encode_batch_pairs(
      const std::vector<std::pair<std::string, std::string>>& pairs,
      const EncodeOptions& options = {}, size_t threads = 1) const;
  // encode_batch into flat arrays (EncodedBatch): the same ids and masks,
  // row by row. Tokens, offsets and overflowing windows are not part of the
  // flat layout: with_tokens is ignored, with_offsets is an error, and
  // truncation keeps the first window only (HF's return_overflowing_tokens
  // = False); use encode_batch for those.
  Result<EncodedBatch> encode_batch_flat(const std::vector<std::string>& texts,
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
  // Number of special tokens the post-processor adds to one sequence (2 for
  // BERT), or to a pair (3 for BERT) when `pair`.
  size_t num_special_tokens(bool pair = false) const;

  ~Tokenizer();
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  struct Impl;  // src/tokenize/tokenizer_impl.h

 private:
  explicit Tokenizer(std::unique_ptr<const Impl> impl);
  std::unique_ptr<const Impl> impl_;
};

}  // namespace tokrec::tokenize
