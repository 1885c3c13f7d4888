// Character classes used by the BERT pipeline, as Hugging Face's Rust core
// defines them, answered from utf8proc's Unicode 15 tables with ASCII fast
// paths. (HF ships older tables; see docs in tests/golden/data/wordpiece/README.md.)
#pragma once

#include <cstdint>
#include <string>

namespace tokrec::tokenize::unicode {

// Rust char::is_whitespace: the Unicode White_Space property.
bool is_white_space(char32_t c);

// What HF's BertNormalizer clean_text treats as "other": general category
// Cc, Cf, Cs or Co. Unassigned code points (Cn) are NOT included: measured
// against the tokenizers Rust core (0.22), which keeps every Cn code point
// (e.g. U+0378) and maps it to [UNK], unlike Python BERT's _is_control.
bool is_other(char32_t c);

// HF BertPreTokenizer's is_bert_punc: ASCII punctuation (including the ASCII
// symbols $+<=>^`|~) or general category P*.
bool is_bert_punct(char32_t c);

// General category Mn (dropped by StripAccents).
bool is_mark_nonspacing(char32_t c);

// The CJK ideograph blocks BertNormalizer pads with spaces.
inline bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

// Canonical combining class (0 for starters).
int combining_class(char32_t c);

// Append Rust's char::to_lowercase(c) (UTF-32): the simple mapping, except
// U+0130 which lowercases to "i\u0307". No final-sigma context, as HF does it
// char by char.
void append_lowercase(std::u32string& out, char32_t c);

// Append the canonical (NFD) decomposition of c without reordering; returns
// false when c has none (then nothing is appended).
bool append_canonical_decomposition(std::u32string& out, char32_t c);

// Append the compatibility (NFKD) decomposition of c without reordering;
// false when none.
bool append_compat_decomposition(std::u32string& out, char32_t c);

// Stable-sort runs of non-starters by combining class (canonical ordering).
void canonical_order(std::u32string& s);

// NFC / NFKC / NFD / NFKD of valid UTF-8 via utf8proc.
std::string normalize_form(const std::string& s, int form);  // 0=NFD 1=NFC 2=NFKD 3=NFKC

}  // namespace tokrec::tokenize::unicode

namespace tokrec::tokenize::unicode {
// Rust regex \w (Unicode): letters, marks, Nd, Nl, Pc, ZWNJ/ZWJ. Used by the
// single_word option of added tokens.
bool is_word_char(char32_t c);
}  // namespace tokrec::tokenize::unicode
