// Hand-written matchers for the pre-tokenizer regexes that nearly every
// byte-level BPE uses: GPT-2's, tiktoken's cl100k_base (also Llama 3's),
// Qwen's (cl100k with single digits) and o200k_base. Each one produces
// exactly the matches PCRE2 (leftmost-first backtracking, as Oniguruma and
// fancy-regex) finds for the pattern, without running a regex engine: every
// alternative is resolved by looking at the class of one or two characters
// and scanning runs.
//
// Character classes come from utf8proc (Unicode 15, docs/conventions.md).
// PCRE2 10.42 ships Unicode 14 tables, so the two differ only on code points
// that Unicode 14 leaves unassigned (tests/unit/tokenize/fast_split_test.cc
// checks every code point).
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace tokrec::tokenize {

enum class FastPattern { kNone, kGpt2, kCl100k, kQwen, kO200k };

// The hand-written matcher for `pattern` (compared as a string), or kNone.
FastPattern fast_pattern_for(std::string_view pattern);

// Appends the (begin, end) byte offsets of the successive matches of the
// pattern over valid UTF-8 `text`, as Regex::find_all does. kind != kNone.
void fast_find_all(FastPattern kind, std::string_view text,
                   std::vector<std::pair<size_t, size_t>>& out);

// Calls `emit(begin, end)` for every match (no vector); same matches as
// fast_find_all.
template <typename Emit>
void fast_for_each_match(FastPattern kind, std::string_view text, Emit emit);

// Length in bytes of the match starting at `pos` (< text.size()); the
// patterns always match at least one character at any position.
size_t fast_match_at(FastPattern kind, std::string_view text, size_t pos);

template <typename Emit>
void fast_for_each_match(FastPattern kind, std::string_view text, Emit emit) {
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = pos + fast_match_at(kind, text, pos);
    emit(pos, end);
    pos = end;
  }
}

}  // namespace tokrec::tokenize
