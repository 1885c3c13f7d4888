// Normalizers: the first stage of the pipeline (HF tokenizers' `normalizer`),
// applied to each piece of text between added tokens. Each one maps valid
// UTF-8 to valid UTF-8; offsets are not tracked because no tokrec caller needs
// them yet (HF's NormalizedString alignments would be the model to follow).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::tokenize {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  // `in` is valid UTF-8; `out` is overwritten. Thread-safe.
  virtual void normalize(std::string_view in, std::string& out) const = 0;
};

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
