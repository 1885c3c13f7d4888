// Post-processors (HF tokenizers' `post_processor`): wrap the model's ids in
// the special tokens of a template, e.g. BERT's "[CLS] $A [SEP]" and
// "[CLS] $A [SEP] $B:1 [SEP]:1" for pairs, assign type ids and the special
// tokens mask, and (ByteLevel / RobertaProcessing trim_offsets) trim the
// offsets of tokens that start or end with spaces. TemplateProcessing,
// BertProcessing, RobertaProcessing, ByteLevel and Sequence all become one
// PostProcessor: a single and a pair template plus two behaviour flags.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {

// Leading and trailing space chars of a token string as HF ByteLevel's
// process_offsets counts them ('Ġ' or any White_Space char).
struct EdgeSpaces {
  uint32_t leading = 0;
  uint32_t trailing = 0;
  bool set = false;  // in WorkEncoding::matched_spaces: false = count the token string
};
EdgeSpaces edge_spaces(std::string_view token);

// One encoding in progress. Token strings are views into storage owned by
// the loaded tokenizer; with with_tokens false they are never collected
// (tokens stays empty) and every stage leaves them alone; likewise offsets
// and char_offsets with with_offsets false.
struct WorkEncoding {
  bool with_tokens = true;
  bool with_offsets = false;
  std::vector<int32_t> ids;
  std::vector<int32_t> type_ids;
  std::vector<std::string_view> tokens;
  std::vector<int32_t> attention_mask;
  std::vector<int32_t> special_tokens_mask;
  std::vector<Span> offsets;       // bytes
  std::vector<Span> char_offsets;  // code points
  // Per token, or empty when no token needs it: the spaces of the text an
  // added token matched (HF's token string: the whitespace lstrip/rstrip
  // took, the normalized form), which trim_offsets counts instead of the
  // vocabulary string's. Filled only with tokens and offsets both collected.
  std::vector<EdgeSpaces> matched_spaces;
  std::vector<WorkEncoding> overflowing;

  // Tokens [begin, end) as a new encoding (no overflowing).
  WorkEncoding slice(size_t begin, size_t end) const;
  // Appends every per-token vector of `other` (not its overflowing).
  void append(const WorkEncoding& other);
  // Empties every vector, keeping its capacity (scratch reuse: no
  // allocation per text once warm).
  void clear();
};

class PostProcessor {
 public:
  struct Piece {
    bool is_sequence = false;          // $A or $B
    int sequence = 0;                  // 0 = $A, 1 = $B (is_sequence only)
    std::vector<int32_t> ids;          // special token ids (may be several)
    std::vector<std::string> tokens;   // their strings
    int32_t type_id = 0;
  };

  // `single` only: the pair template is derived as HF BertProcessing would
  // build it (single, then $B:1 and the special tokens after $A with type 1).
  explicit PostProcessor(std::vector<Piece> single);
  PostProcessor(std::vector<Piece> single, std::vector<Piece> pair);

  // Template [CLS] $A [SEP] / [CLS] $A [SEP] $B:1 [SEP]:1.
  static PostProcessor bert(int32_t cls_id, std::string cls, int32_t sep_id, std::string sep);
  // RobertaProcessing: <s> $A </s> / <s> $A </s> </s> $B </s>, every type id 0.
  static PostProcessor roberta(int32_t cls_id, std::string cls, int32_t sep_id, std::string sep,
                               bool trim_offsets, bool add_prefix_space);
  // No special tokens: ByteLevel's post-processor, or none at all.
  static PostProcessor identity(bool trim_offsets = false, bool add_prefix_space = false);

  // HF TemplateProcessing sets its type ids even without special tokens;
  // BertProcessing and ByteLevel leave the sequence index (0, 1).
  void set_template_type_ids_without_specials(bool v) { template_types_plain_ = v; }
  // ByteLevel / Roberta trim_offsets (applied to each sequence before the
  // special tokens are added; later calls keep trimming on).
  void set_trim_offsets(bool trim, bool add_prefix_space);
  bool trims_offsets() const { return trim_offsets_; }

  // Special tokens added to one sequence or a pair (HF added_tokens(is_pair)).
  size_t added_tokens(bool pair = false) const;
  // Joins `a` (and `b` when not null), the model outputs after truncation
  // (overflowing windows included, no type ids yet), into `a` per the
  // template. Overflowing windows come out in HF's order (Encoding::merge):
  // for each window of A, with B then with each window of B; then A with
  // each window of B.
  void process(WorkEncoding& a, WorkEncoding* b, bool add_special_tokens) const;

 private:
  void build(const WorkEncoding& a, const WorkEncoding* b, bool add_special_tokens,
             WorkEncoding& out) const;

  std::vector<Piece> single_;
  std::vector<Piece> pair_;
  bool template_types_plain_ = true;
  bool trim_offsets_ = false;
  bool trim_add_prefix_space_ = false;
};

// HF ByteLevel process_offsets on one sequence (needs tokens).
void trim_offsets(WorkEncoding& enc, bool add_prefix_space);

}  // namespace tokrec::tokenize
