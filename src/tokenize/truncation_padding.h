// Truncation and padding parameters as HF tokenizers' tokenizer.json states
// them ("truncation" / "padding" blocks), and their application with HF's
// semantics (utils/truncation.rs truncate_encodings, Encoding::truncate with
// stride windows, Encoding::pad).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tokenize/post_processor.h"
#include "tokrec/core/status.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {

struct TruncationParams {
  size_t max_length = 512;
  TruncationStrategy strategy = TruncationStrategy::kLongestFirst;
  bool left = false;  // direction Left keeps the last tokens
  size_t stride = 0;  // overlap of the overflowing windows
};

struct PaddingParams {
  bool fixed = false;       // Fixed(n) vs BatchLongest
  size_t fixed_length = 0;
  bool left = false;
  size_t pad_to_multiple_of = 0;  // 0 = none
  int32_t pad_id = 0;
  int32_t pad_type_id = 0;
  std::string pad_token = "[PAD]";
};

// Cuts one sequence (no overflowing yet) to `max_length` tokens; the rest
// goes to enc.overflowing in windows of max_length tokens that overlap the
// previous one by `stride` (HF Encoding::truncate). Errors when stride >=
// max_length (HF panics there).
Status truncate_one(WorkEncoding& enc, size_t max_length, size_t stride, bool left);

// HF truncate_encodings: `max_length` is the budget for the model tokens of
// `a` and `b` (null for a single text) together.
Status truncate(WorkEncoding& a, WorkEncoding* b, const TruncationParams& params,
                size_t max_length);

// Target length for a batch whose longest member has `longest` tokens.
size_t padding_target(const PaddingParams& params, size_t longest);

// Pad (never truncate) to `target`, overflowing windows too.
void pad(WorkEncoding& enc, const PaddingParams& params, size_t target);

}  // namespace tokrec::tokenize
