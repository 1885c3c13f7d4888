// Unigram language-model tokenization (HF tokenizers models/unigram and
// sentencepiece's unigram_model.cc, optimized encoder): the segmentation of
// a word into vocabulary pieces with the highest total log-probability,
// found by Viterbi over the lattice of every piece that matches at every
// char boundary. A char no piece starts with gets an unk node scored
// min_score - 10. On equal totals the earlier-starting, then shorter, piece
// wins (strict '>' while pieces are visited by increasing length).
//
// After Viterbi, runs of unk nodes are fused into one token (HF fuse_unk;
// sentencepiece merges them the same way) and, with byte_fallback, an
// unknown run becomes one <0xXX> token per UTF-8 byte.
//
// Two flavours differ in details that change ids:
//  * HF (tokenizer.json): every vocabulary entry is in the lattice, scores
//    are f64, min_score is over all entries, a fused unk run is looked up
//    as a token first.
//  * sentencepiece (.model): only NORMAL, USER_DEFINED and UNUSED pieces
//    are in the lattice (UNUSED never chosen), scores are the proto's f32,
//    path totals are stored as f32 but each candidate is summed and compared
//    in f64 (as sentencepiece's code does; near-ties depend on it), min/max
//    score come from NORMAL pieces, and a USER_DEFINED piece of n bytes
//    scores n * max_score - 0.1 so that it always wins.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tokenize/model.h"
#include "tokrec/core/status.h"

namespace tokrec::tokenize {

// sentencepiece ModelProto.SentencePiece.Type (same numbers).
enum class PieceType : uint8_t {
  kNormal = 1,
  kUnknown = 2,
  kControl = 3,
  kUserDefined = 4,
  kUnused = 5,
  kByte = 6,
};

struct ScoredPiece {
  std::string piece;
  double score = 0;
  PieceType type = PieceType::kNormal;
};

struct UnigramConfig {
  std::optional<int32_t> unk_id;
  bool byte_fallback = false;
  bool sentencepiece = false;  // the .model flavour (see above)
};

// Fails when unk_id is outside the vocabulary, when the vocabulary is empty,
// or (sentencepiece flavour) when a piece is empty or repeated.
Result<std::unique_ptr<Model>> make_unigram(std::vector<ScoredPiece> pieces, const UnigramConfig& config);

}  // namespace tokrec::tokenize
