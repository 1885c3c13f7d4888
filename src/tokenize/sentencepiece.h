// SentencePiece (.model) pipeline pieces, as sentencepiece's own
// SentencePieceProcessor runs them (spm_encode / spm_decode with default
// options): its Normalizer over the whole text, then the model (Unigram or
// BPE) over the whole normalized text; no pre-tokenizer, no BOS/EOS.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tokenize/decoder.h"
#include "tokenize/model.h"
#include "tokenize/normalizer.h"
#include "tokenize/precompiled.h"
#include "tokenize/unigram.h"
#include "tokrec/core/status.h"

namespace tokrec::tokenize {

// NormalizerSpec (+ TrainerSpec.treat_whitespace_as_suffix).
struct SentencePieceNormalizerSpec {
  std::shared_ptr<const PrecompiledCharsmap> charsmap;  // null: no rules
  bool add_dummy_prefix = true;
  bool remove_extra_whitespaces = true;
  bool escape_whitespaces = true;
  bool treat_whitespace_as_suffix = false;
  // USER_DEFINED pieces: matched first (longest) and never rewritten.
  std::vector<std::string> user_defined;
};

// sentencepiece Normalizer::Normalize: per position the user-defined
// symbol, else the longest charsmap rule, else the char itself; leading,
// trailing and repeated spaces dropped (remove_extra_whitespaces), a space
// prepended (add_dummy_prefix), ' ' -> U+2581 (escape_whitespaces).
std::unique_ptr<Normalizer> make_sentencepiece_normalizer(SentencePieceNormalizerSpec spec);

// sentencepiece bpe_model.cc: start from chars (user-defined pieces whole
// and frozen), repeatedly merge the adjacent pair whose concatenation is the
// highest-scoring piece (leftmost on ties), UNUSED results re-split into
// their halves; unknown symbols -> unk (runs fused) or <0xXX> bytes.
Result<std::unique_ptr<Model>> make_sentencepiece_bpe(std::vector<ScoredPiece> pieces, int32_t unk_id,
                                                      bool byte_fallback);

// spm_decode: pieces concatenated with U+2581 -> ' ', the leading space of
// the text dropped (add_dummy_prefix / remove_extra_whitespaces), <0xXX>
// runs -> bytes (invalid UTF-8 -> U+FFFD per bad byte), control pieces
// invisible, the unk piece -> `unk_surface` (" \u2047 ").
struct SentencePieceDecoderSpec {
  std::vector<ScoredPiece> pieces;  // id order, types used
  std::string unk_surface = " \xE2\x81\x87 ";
  bool add_dummy_prefix = true;
  bool remove_extra_whitespaces = true;
};
std::unique_ptr<Decoder> make_sentencepiece_decoder(SentencePieceDecoderSpec spec);


}  // namespace tokrec::tokenize
