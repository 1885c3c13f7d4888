// A compiled Unicode regex (PCRE2 with UTF + UCP + JIT) for the patterns that
// Hugging Face tokenizers (Oniguruma) and OpenAI tiktoken (fancy-regex) use to
// pre-tokenize: \p{L}, \p{N}, (?i:'s|...), \s+(?!\S) and friends.
//
// `\s` / `\S` are rewritten to the Unicode White_Space set before compiling:
// PCRE2's \s also matches U+180E, which neither Oniguruma nor Rust's regex
// crate count as space. The compiled pattern is immutable; matching uses
// per-thread scratch, so one Regex may be shared by any number of threads.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenize/fast_split.h"
#include "tokrec/core/status.h"

namespace tokrec::tokenize {

class Regex {
 public:
  // The GPT-2, cl100k_base, Qwen and o200k_base patterns run on a
  // hand-written matcher (fast_split.h) unless `hand_written` is false.
  static Result<std::shared_ptr<const Regex>> compile(std::string_view pattern,
                                                      bool hand_written = true);
  // A pattern that matches `literal` exactly (HF's Split with a String pattern).
  static Result<std::shared_ptr<const Regex>> literal(std::string_view literal);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Successive non-overlapping matches over valid UTF-8 `text` as (begin, end)
  // byte offsets, empty matches included (the search then resumes one
  // character later), as Oniguruma's and Rust's find_iter do.
  void find_all(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const;

  const std::string& pattern() const { return pattern_; }
  // The hand-written matcher in use, or kNone (PCRE2).
  FastPattern fast() const { return fast_; }

 private:
  Regex() = default;
  void* code_ = nullptr;  // pcre2_code_8*
  bool jit_ = false;
  FastPattern fast_ = FastPattern::kNone;
  std::string pattern_;
};

// The pattern with \s and \S replaced by explicit White_Space classes.
std::string translate_pattern(std::string_view pattern);

}  // namespace tokrec::tokenize
