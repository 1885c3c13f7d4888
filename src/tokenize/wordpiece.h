// WordPiece (HF tokenizers models/wordpiece): greedy longest-match-first
// from the left; pieces after the first carry the continuing-subword prefix.
// If any position finds no piece, or the word has more than
// max_input_chars_per_word chars, the whole word becomes the unk token.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tokenize/model.h"
#include "tokrec/core/status.h"

namespace tokrec::tokenize {

struct WordPieceConfig {
  std::string unk_token = "[UNK]";
  std::string continuing_subword_prefix = "##";
  size_t max_input_chars_per_word = 100;
  // tokenizer.json (as HF does): a unk token missing from the vocabulary is an
  // error only when encoding a word that needs it. vocab.txt files keep
  // refusing it on load (a vocab.txt without [UNK] is likely no BERT vocab).
  bool allow_missing_unk = false;
};

// `vocab`: (token, id) pairs with distinct tokens. Fails when the unk token is
// missing (unless allow_missing_unk), an id is negative, or a token repeats.
Result<std::unique_ptr<Model>> make_wordpiece(const std::vector<std::pair<std::string, int32_t>>& vocab,
                                              const WordPieceConfig& config);

}  // namespace tokrec::tokenize
