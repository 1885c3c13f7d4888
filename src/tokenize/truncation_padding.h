// Truncation and padding parameters as HF tokenizers' tokenizer.json states
// them ("truncation" / "padding" blocks), and their application.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "tokenize/post_processor.h"
#include "tokrec/core/status.h"

namespace tokrec::tokenize {

enum class TruncationStrategy { kLongestFirst, kOnlyFirst, kOnlySecond };

struct TruncationParams {
  size_t max_length = 512;
  TruncationStrategy strategy = TruncationStrategy::kLongestFirst;
  bool left = false;  // direction Left keeps the last tokens
  size_t stride = 0;  // only shapes overflow pieces, which tokrec does not return
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

// Truncate one sequence's model output to `max_length` tokens.
Status truncate(WorkEncoding& enc, const TruncationParams& params, size_t max_length);

// Target length for a batch whose longest member has `longest` tokens.
size_t padding_target(const PaddingParams& params, size_t longest);

// Pad (never truncate) to `target`; also fills the attention mask.
void pad(WorkEncoding& enc, const PaddingParams& params, size_t target);

}  // namespace tokrec::tokenize
