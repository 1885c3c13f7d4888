// BPE (HF tokenizers models/bpe and OpenAI tiktoken): a word starts as one
// symbol per character (per byte for byte-level input); the adjacent pair of
// lowest rank is merged, leftmost first on ties, until no pair has a rank.
//
// Two sources of ranks share one merge loop:
//  * merges (tokenizer.json, merges.txt): rank = position in the merges
//    list, the pair (a, b) becomes the token a+b;
//  * tiktoken ranks: any two adjacent parts whose bytes concatenated are a
//    token may merge, rank = that token's id (tiktoken's byte_pair_merge).
//    At load every split of every token into two tokens is entered in the
//    same (id, id) -> (rank, id) table the merges use, so encoding never
//    hashes byte strings.
//
// Byte-level input: when the pre-tokenizer is ByteLevel (or the model comes
// from a tiktoken file) the model is handed RAW bytes and maps each byte to
// its GPT-2 alphabet token itself, so no byte-level string is ever built.
// Token strings (id_to_token) stay the vocabulary's byte-level text.
//
// Words of up to 48 symbols merge by a linear scan on the stack (tiktoken's
// algorithm, same result as the heap HF uses, which longer words keep).
// Results for short words are cached per thread (entries tagged with a model
// serial number); the model itself is immutable after loading and
// thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "tokenize/model.h"
#include "tokrec/core/status.h"

namespace tokrec::tokenize {

struct BpeConfig {
  std::optional<std::string> unk_token;
  std::string continuing_subword_prefix;
  std::string end_of_word_suffix;
  bool fuse_unk = false;
  bool byte_fallback = false;  // unknown chars -> <0xXX> tokens
  bool ignore_merges = false;  // a word that is a token is that token
  bool byte_level = false;     // input is raw bytes (see above)
};

using Vocab = std::vector<std::pair<std::string, int32_t>>;
using Merges = std::vector<std::pair<std::string, std::string>>;

// The same, as views into strings the caller keeps (the streamed
// tokenizer.json reader hands these over without a copy per token).
struct TokenId {
  std::string_view token;
  int32_t id = 0;
};
struct MergePair {
  std::string_view a, b;
};

// Fails (naming the merge's index) when a merge part or its result is not in
// the vocabulary, or when the vocabulary repeats a token. With two tokens on
// one id, id_to_token gives the later one.
Result<std::unique_ptr<Model>> make_bpe(std::span<const TokenId> vocab, std::span<const MergePair> merges,
                                        const BpeConfig& config);
Result<std::unique_ptr<Model>> make_bpe(const Vocab& vocab, const Merges& merges,
                                        const BpeConfig& config);

// A merges line "a b". With several spaces (tokens that contain a space, as
// in llama2's tokenizer.json) the first split whose halves are both in
// `known` wins (docs/conventions.md). nullopt when no split works.
std::optional<std::pair<std::string, std::string>> split_merge_line(
    std::string_view line, const std::unordered_set<std::string_view>& known);
// The same as two views into `line`; `known` is asked only when the line has
// more than one space.
template <typename Known>
std::optional<MergePair> split_merge_line_view(std::string_view line, const Known& known) {
  const size_t first = line.find(' ');
  if (first == std::string_view::npos) return std::nullopt;
  if (line.find(' ', first + 1) == std::string_view::npos)
    return MergePair{line.substr(0, first), line.substr(first + 1)};
  for (size_t k = first; k != std::string_view::npos; k = line.find(' ', k + 1)) {
    const std::string_view a = line.substr(0, k), b = line.substr(k + 1);
    if (known(a) && known(b)) return MergePair{a, b};
  }
  return std::nullopt;
}

// tiktoken rank file content: `ranks` maps raw token bytes to ranks (= ids).
// Tokens are exposed in the byte-level alphabet; byte_level and
// ignore_merges are on. Fails when a single byte has no rank.
Result<std::unique_ptr<Model>> make_tiktoken_bpe(std::span<const TokenId> ranks);

}  // namespace tokrec::tokenize
