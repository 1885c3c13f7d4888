// Post-processors (HF tokenizers' `post_processor`): wrap the model's ids in
// the special tokens of a template, e.g. BERT's "[CLS] $A [SEP]", and assign
// type ids. TemplateProcessing and BertProcessing both become a Template.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::tokenize {

// Ids, type ids and token strings of one encoding in progress. Token strings
// are views into storage owned by the loaded tokenizer; with with_tokens
// false they are never collected (tokens stays empty) and every stage leaves
// them alone.
struct WorkEncoding {
  bool with_tokens = true;
  std::vector<int32_t> ids;
  std::vector<int32_t> type_ids;
  std::vector<std::string_view> tokens;
  std::vector<int32_t> attention_mask;
};

class PostProcessor {
 public:
  struct Piece {
    bool is_sequence = false;          // $A (single-sequence template)
    std::vector<int32_t> ids;          // special token ids (may be several)
    std::vector<std::string> tokens;   // their strings
    int32_t type_id = 0;
  };

  explicit PostProcessor(std::vector<Piece> single) : single_(std::move(single)) {}

  // Special tokens added to one sequence (HF added_tokens(is_pair=false)).
  size_t added_tokens() const;
  // Rewrite `enc` (the model's output, no type ids yet) per the template.
  // Without special tokens only the sequence's type id is applied, as HF does.
  void process(WorkEncoding& enc, bool add_special_tokens) const;

 private:
  // Templates with other than one $A: built into a fresh encoding.
  void process_general(WorkEncoding& enc) const;

  std::vector<Piece> single_;
};

}  // namespace tokrec::tokenize
