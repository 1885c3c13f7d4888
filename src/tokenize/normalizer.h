// Normalizers: the first stage of the pipeline (HF tokenizers' `normalizer`),
// applied to each piece of text between added tokens. Each one maps valid
// UTF-8 to valid UTF-8. For offsets (EncodeOptions::with_offsets) a
// normalizer can also report where each output byte comes from, as HF's
// NormalizedString alignments do (see normalize_aligned).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tokrec::tokenize {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // `in` is valid UTF-8; `out` is overwritten. Thread-safe.
  virtual void normalize(std::string_view in, std::string& out) const = 0;

  // (start, end) byte range of one input char.
  struct Align {
    uint32_t start, end;
  };
  // normalize() plus, for every byte of `out`, the input char it comes from
  // (all bytes of one output char share it), with HF's conventions: a
  // replaced char keeps the alignment of the char it replaces, an inserted
  // char takes the alignment of the char before it (of the first char at
  // the start), a char made from several (composition) the first one's.
  // Only called when offsets are asked for. The default derives it without
  // help from the normalizer (normalizer_align.cc): identity when nothing
  // changed; else each char normalized alone when that reproduces the
  // output (exact for char-by-char normalizers: lowercase, strip accents,
  // NFD/NFKD, BertNormalizer); else runs starting at a starter char (NFC,
  // NFKC), where an output char equal to an unused input char of its run
  // takes it, another one the first unused char, and the rest the previous
  // output char's; else the differing middle aligned as one block.
  // Normalizers that insert or move text (Prepend, Replace, Strip,
  // Sequence) override it.
  virtual void normalize_aligned(std::string_view in, std::string& out,
                                 std::vector<Align>& align) const;
};

// HF NormalizedString::transform over `in` with (char, change) steps (the
// output is the steps' chars): a step with change <= 0 takes the next input
// char's alignment and skips -change more input chars; one with change > 0
// (inserted) takes the input char before the current position ((0, 0) at
// the start). Fills `align` for every output byte.
void apply_positional_changes(std::string_view in, const std::vector<std::pair<char32_t, int>>& steps,
                              std::vector<Normalizer::Align>& align);

// Identity alignment of `text` (each byte -> its char), appended.
void append_identity_alignment(std::string_view text, uint32_t base,
                               std::vector<Normalizer::Align>& align);

struct BertNormalizerConfig {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  std::optional<bool> strip_accents;  // nullopt: follow `lowercase`, as HF does
  bool lowercase = true;
};

std::unique_ptr<Normalizer> make_bert_normalizer(const BertNormalizerConfig& config);
std::unique_ptr<Normalizer> make_lowercase_normalizer();
std::unique_ptr<Normalizer> make_strip_accents_normalizer();
// form: "NFD", "NFC", "NFKD" or "NFKC"; nullptr for anything else.
std::unique_ptr<Normalizer> make_unicode_form_normalizer(std::string_view form);
std::unique_ptr<Normalizer> make_sequence_normalizer(std::vector<std::unique_ptr<Normalizer>> parts);

}  // namespace tokrec::tokenize

namespace tokrec::tokenize {
class Regex;
// HF Prepend: `prefix` before any non-empty text.
std::unique_ptr<Normalizer> make_prepend_normalizer(std::string prefix);
// HF Replace: every match of `pattern` (a regex or quoted literal) -> `content`.
std::unique_ptr<Normalizer> make_replace_normalizer(std::shared_ptr<const Regex> pattern,
                                                    std::string content);
// HF Strip: White_Space removed from the left and/or right.
std::unique_ptr<Normalizer> make_strip_normalizer(bool left, bool right);
}  // namespace tokrec::tokenize
