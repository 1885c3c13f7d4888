// Models: turn one pre-tokenized word into token ids (HF tokenizers'
// `model`). WordPiece today; BPE and Unigram plug in behind the same
// interface.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::tokenize {

// Largest token id a model accepts. Ids index arrays, so a corrupt id of two
// billion would otherwise allocate gigabytes; real vocabularies stay far below.
constexpr int32_t kMaxTokenId = (1 << 24) - 1;

class Model {
 public:
  virtual ~Model() = default;
  // Append the ids of `word` (non-empty, valid UTF-8). Thread-safe.
  virtual void tokenize(std::string_view word, std::vector<int32_t>& ids) const = 0;
  // A model that can fail on some words (HF Unigram without unk_id on an
  // unknown char) says so here; the tokenizer then calls tokenize_checked,
  // which fails where HF does. Others never pay for the check.
  bool may_fail() const { return may_fail_; }
  virtual Status tokenize_checked(std::string_view word, std::vector<int32_t>& ids) const {
    tokenize(word, ids);
    return Status::ok();
  }
  virtual std::optional<int32_t> token_to_id(std::string_view token) const = 0;
  // Empty for an id the model does not know.
  virtual std::string_view id_to_token(int32_t id) const = 0;
  // Number of entries (HF Model::get_vocab_size).
  virtual size_t vocab_size() const = 0;
  // One past the largest id.
  virtual size_t id_bound() const = 0;
  virtual std::string_view type() const = 0;

  // --- Offsets (EncodeOptions::with_offsets; never called otherwise) ---
  // How a token's vocabulary string relates to the text it covers.
  struct Surface {
    std::string continuing_prefix;   // on pieces after a word's first ("##")
    std::string end_of_word_suffix;  // on a word's last piece ("</w>")
    bool byte_level = false;         // strings in GPT-2's byte alphabet, word = raw bytes
    int32_t unk_id = -1;             // covers what the tokens around it leave
    // Unknown chars are dropped, not made unk (HF BPE without unk_token),
    // and HF's offsets are running sums of the kept tokens' lengths: the
    // tokens after a dropped char shift left by its length.
    bool drops_unknown = false;
  };
  virtual Surface surface() const { return {}; }
  // Byte length in `word` of each token tokenize(word) produced (`ids`,
  // `n` of them), appended to `lengths`; they sum to word.size(). The
  // default (token_spans.cc) needs no help from the model: each token's
  // string, stripped of the prefix/suffix of surface() and mapped from the
  // byte alphabet, is matched against the word where the previous token
  // ended; "<0xHH>" byte-fallback tokens cover one byte; a token that does
  // not match (unk) covers the chars up to where the next token matches
  // (one char when the next one does not match either; the rest of the word
  // when it is the last). So a model whose tokens are pieces of the word
  // (WordPiece, BPE, Unigram, BytePiece) needs nothing more than surface();
  // one whose tokens are not (e.g. normalized pieces) overrides this. With
  // surface().drops_unknown the lengths are the kept tokens' own (they may
  // sum to less than word.size()). A unk followed by the word's last token
  // covers all up to where that token ends the word (HF's fused unk run).
  virtual void token_lengths(std::string_view word, const int32_t* ids, size_t n,
                             std::vector<uint32_t>& lengths) const;
  // HF Unigram's byte fallback gives each "<0xHH>" token of an unknown piece
  // the whole piece's offsets (they overlap); lengths cannot say it, so the
  // tokenizer widens every run of one-byte byte tokens to the run's span.
  bool byte_runs_share_span() const { return byte_runs_share_span_; }

 protected:
  bool byte_runs_share_span_ = false;
  bool may_fail_ = false;
};

}  // namespace tokrec::tokenize
