// Pre-tokenizers: split normalized text into words before the model sees
// them (HF tokenizers' `pre_tokenizer`). Pieces are views into the
// normalized string; empty pieces are never produced (HF drops them).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

namespace tokrec::tokenize {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replace every piece of `pieces` by its sub-pieces, in order. Thread-safe.
  virtual void split(std::vector<std::string_view>& pieces) const = 0;
};

// Split on White_Space (removed), then isolate every punctuation char
// (ASCII punctuation or Unicode P*).
std::unique_ptr<PreTokenizer> make_bert_pre_tokenizer();
// Split on White_Space only.
std::unique_ptr<PreTokenizer> make_whitespace_split_pre_tokenizer();
std::unique_ptr<PreTokenizer> make_sequence_pre_tokenizer(
    std::vector<std::unique_ptr<PreTokenizer>> parts);

}  // namespace tokrec::tokenize
