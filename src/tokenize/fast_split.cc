#include "tokenize/fast_split.h"

#include <utf8proc.h>

#include <array>
#include <cstdint>
#include <memory>

namespace tokrec::tokenize {
namespace {

// The GPT-2 pattern as HF's ByteLevel pre-tokenizer has it, and tiktoken's.
constexpr std::string_view kGpt2 =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
constexpr std::string_view kCl100k =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kQwen =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kO200k =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// Class bits of one code point.
enum : uint8_t {
  kWs = 1,      // \s as translated by regex.cc: White_Space (\t-\r, U+85, \p{Z})
  kL = 2,       // \p{L}
  kN = 4,       // \p{N}
  kUp = 8,      // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]   (o200k)
  kLow = 16,    // [\p{Ll}\p{Lm}\p{Lo}\p{M}]         (o200k)
  kCrLf = 32,   // \r or \n
};

uint8_t compute_class(char32_t c) {
  if ((c >= 9 && c <= 13) || c == 0x85) return static_cast<uint8_t>(kWs | ((c == '\r' || c == '\n') ? kCrLf : 0));
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: return kWs;
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT: return kL | kUp;
    case UTF8PROC_CATEGORY_LL: return kL | kLow;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: return kL | kUp | kLow;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return kUp | kLow;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return kN;
    default: return 0;
  }
}

// Classes of the Basic Multilingual Plane, computed once (64 KiB); the
// rarer supplementary planes ask utf8proc each time.
const uint8_t* bmp_classes() {
  static const std::unique_ptr<uint8_t[]> table = [] {
    auto t = std::make_unique<uint8_t[]>(0x10000);
    for (char32_t c = 0; c < 0x10000; ++c) t[c] = compute_class(c);
    return t;
  }();
  return table.get();
}

// Scans UTF-8: class and length of the character at a position. Callers pass
// valid UTF-8; a sequence cut short by the end of the text is read as one
// "other" character rather than past the end.
class Scanner {
 public:
  explicit Scanner(std::string_view text)
      : s_(reinterpret_cast<const unsigned char*>(text.data())), n_(text.size()), bmp_(bmp_classes()) {}

  size_t size() const { return n_; }
  unsigned char byte(size_t i) const { return s_[i]; }

  // Class of the character at i (0 at the end) and its length in `len`.
  uint8_t cls(size_t i, size_t& len) const {
    if (i >= n_) {
      len = 0;
      return 0;
    }
    const unsigned char b = s_[i];
    if (b < 0x80) {
      len = 1;
      return bmp_[b];
    }
    len = b < 0xE0 ? 2 : (b < 0xF0 ? 3 : 4);
    if (i + len > n_) {  // cut short (invalid UTF-8): never read past the end
      len = n_ - i;
      return 0;
    }
    if (b < 0xE0) {
      return bmp_[((b & 0x1Fu) << 6) | (s_[i + 1] & 0x3Fu)];
    }
    if (b < 0xF0) {
      return bmp_[((b & 0x0Fu) << 12) | ((s_[i + 1] & 0x3Fu) << 6) | (s_[i + 2] & 0x3Fu)];
    }
    const char32_t c = ((b & 0x07u) << 18) | ((s_[i + 1] & 0x3Fu) << 12) | ((s_[i + 2] & 0x3Fu) << 6) |
                       (s_[i + 3] & 0x3Fu);
    return compute_class(c);
  }
  uint8_t cls(size_t i) const {
    size_t len;
    return cls(i, len);
  }

  // End of the run of characters from i whose class has any bit of `mask`.
  size_t run_any(size_t i, uint8_t mask) const {
    size_t len;
    while (i < n_ && (cls(i, len) & mask)) i += len;
    return i;
  }
  // End of the run of characters from i whose class has none of `mask`
  // (and are not the end).
  size_t run_none(size_t i, uint8_t mask) const {
    size_t len;
    while (i < n_ && !(cls(i, len) & mask)) i += len;
    return i;
  }

  // Case-sensitive 's|'t|'re|'ve|'m|'ll|'d at i: its length or 0.
  size_t contraction(size_t i) const {
    if (i + 1 >= n_ || s_[i] != '\'') return 0;
    const unsigned char a = s_[i + 1];
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    if (i + 2 < n_) {
      const unsigned char b = s_[i + 2];
      if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    }
    return 0;
  }
  // (?i:'s|'t|'re|'ve|'m|'ll|'d) at i: its length or 0. Under Unicode case
  // folding 's' also matches U+017F LONG S; the other letters fold only to
  // their ASCII pair.
  size_t contraction_ci(size_t i) const {
    if (i + 1 >= n_ || s_[i] != '\'') return 0;
    const unsigned char a = lower(s_[i + 1]);
    if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
    if (s_[i + 1] == 0xC5 && i + 2 < n_ && s_[i + 2] == 0xBF) return 3;  // U+017F
    if (i + 2 < n_) {
      const unsigned char b = lower(s_[i + 2]);
      if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
    }
    return 0;
  }

  // \s+(?!\S)|\s+ at i (a White_Space character): the whole run at the end
  // of the text, else the run less its last character, else one character.
  size_t trailing_space(size_t i) const {
    size_t len, last = i, j = i;
    while (j < n_ && (cls(j, len) & kWs)) {
      last = j;
      j += len;
    }
    if (j == n_ || last == i) return j;
    return last;
  }
  // \s*[\r\n]+ at i, falling back to \s+(?!\S)|\s+: up to and including the
  // run's last \r or \n when it has one.
  size_t newline_space(size_t i) const {
    size_t len, j = i, after_newline = 0;
    while (j < n_ && (cls(j, len) & kWs)) {
      j += len;
      if (s_[j - 1] == '\r' || s_[j - 1] == '\n') after_newline = j;
    }
    if (after_newline != 0) return after_newline;
    return trailing_space(i);
  }

 private:
  static unsigned char lower(unsigned char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + 32) : c;
  }
  const unsigned char* s_;
  size_t n_;
  const uint8_t* bmp_;
};

constexpr uint8_t kLN = kL | kN;
constexpr uint8_t kWsLN = kWs | kL | kN;

// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
size_t gpt2_end(const Scanner& sc, size_t i) {
  if (const size_t k = sc.contraction(i)) return i + k;
  size_t len;
  uint8_t c = sc.cls(i, len);
  size_t j = i;
  if (sc.byte(i) == ' ') {
    size_t len2;
    const uint8_t next = sc.cls(i + 1, len2);
    if (len2 != 0 && !(next & kWs)) {  // L, N or "other" after the optional space
      j = i + 1;
      c = next;
    }
  }
  if (c & kL) return sc.run_any(j, kL);
  if (c & kN) return sc.run_any(j, kN);
  if (!(c & kWs)) return sc.run_none(j, kWsLN);
  return sc.trailing_space(i);
}

// \p{N}{1,max_digits} starting with the digit of `len` bytes at i.
size_t digits_end(const Scanner& sc, size_t i, size_t len, int max_digits) {
  size_t j = i + len;
  for (int d = 1; d < max_digits && j < sc.size(); ++d) {
    size_t l2;
    if (!(sc.cls(j, l2) & kN)) break;
    j += l2;
  }
  return j;
}

// The tail shared by cl100k and o200k, for a character of class `c` at i:
//  ?[^\s\p{L}\p{N}]+[\r\n]*  (o200k: [\r\n/]*)  |\s*[\r\n]+|\s+(?!\S)|\s+
size_t other_or_space_end(const Scanner& sc, size_t i, uint8_t c, bool slash_trails) {
  size_t j = i;
  if (sc.byte(i) == ' ') {
    size_t len2;
    const uint8_t next = sc.cls(i + 1, len2);
    if (len2 != 0 && !(next & kWsLN)) j = i + 1;
  }
  if (j != i || !(c & kWs)) {
    size_t e = sc.run_none(j, kWsLN);
    while (e < sc.size() &&
           (sc.byte(e) == '\r' || sc.byte(e) == '\n' || (slash_trails && sc.byte(e) == '/')))
      ++e;
    return e;
  }
  return sc.newline_space(i);
}

// cl100k (max_digits 3) and Qwen (max_digits 1):
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//  ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
size_t cl100k_end(const Scanner& sc, size_t i, int max_digits) {
  if (const size_t k = sc.contraction_ci(i)) return i + k;
  size_t len;
  const uint8_t c = sc.cls(i, len);
  if (c & kL) return sc.run_any(i + len, kL);
  if (!(c & (kCrLf | kN))) {  // c may prefix a letter run
    size_t len2;
    if (sc.cls(i + len, len2) & kL) return sc.run_any(i + len + len2, kL);
  }
  if (c & kN) return digits_end(sc, i, len, max_digits);
  return other_or_space_end(sc, i, c, false);
}

// o200k: [U]*[W]+ with the maximal U run, backing off to its last W
// character when no W follows. 0 = no match.
size_t o200k_upper_lower(const Scanner& sc, size_t s) {
  size_t len, j = s, last_low_end = 0;
  uint8_t c;
  while ((c = sc.cls(j, len)) & kUp) {
    j += len;
    if (c & kLow) last_low_end = j;
  }
  if (c & kLow) return sc.run_any(j, kLow);  // an Ll right after the U run
  return last_low_end;
}
// o200k: [U]+[W]*. 0 = no match.
size_t o200k_upper_then_lower(const Scanner& sc, size_t s) {
  const size_t j = sc.run_any(s, kUp);
  if (j == s) return 0;
  return sc.run_any(j, kLow);
}

// [^\r\n\p{L}\p{N}]?[U]*[W]+C?|[^\r\n\p{L}\p{N}]?[U]+[W]*C?|\p{N}{1,3}|
//  ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
// with U = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], W = [\p{Ll}\p{Lm}\p{Lo}\p{M}],
// C = (?i:'s|'t|'re|'ve|'m|'ll|'d).
size_t o200k_end(const Scanner& sc, size_t i) {
  size_t len;
  const uint8_t c = sc.cls(i, len);
  const bool prefix = !(c & (kCrLf | kL | kN)) && i + len < sc.size();
  auto with_contraction = [&](size_t e) { return e + sc.contraction_ci(e); };
  // Alternative 1, with then without the optional prefix character.
  if (prefix)
    if (const size_t e = o200k_upper_lower(sc, i + len)) return with_contraction(e);
  if (c & (kUp | kLow))
    if (const size_t e = o200k_upper_lower(sc, i)) return with_contraction(e);
  // Alternative 2.
  if (prefix)
    if (const size_t e = o200k_upper_then_lower(sc, i + len)) return with_contraction(e);
  if (c & kUp)
    if (const size_t e = o200k_upper_then_lower(sc, i)) return with_contraction(e);
  if (c & kN) return digits_end(sc, i, len, 3);
  return other_or_space_end(sc, i, c, true);
}

}  // namespace

FastPattern fast_pattern_for(std::string_view pattern) {
  if (pattern == kGpt2) return FastPattern::kGpt2;
  if (pattern == kCl100k) return FastPattern::kCl100k;
  if (pattern == kQwen) return FastPattern::kQwen;
  if (pattern == kO200k) return FastPattern::kO200k;
  return FastPattern::kNone;
}

size_t fast_match_at(FastPattern kind, std::string_view text, size_t pos) {
  const Scanner sc(text);
  size_t end = pos + 1;
  switch (kind) {
    case FastPattern::kGpt2: end = gpt2_end(sc, pos); break;
    case FastPattern::kCl100k: end = cl100k_end(sc, pos, 3); break;
    case FastPattern::kQwen: end = cl100k_end(sc, pos, 1); break;
    case FastPattern::kO200k: end = o200k_end(sc, pos); break;
    case FastPattern::kNone: break;
  }
  return end - pos;
}

void fast_find_all(FastPattern kind, std::string_view text,
                   std::vector<std::pair<size_t, size_t>>& out) {
  fast_for_each_match(kind, text, [&](size_t b, size_t e) { out.emplace_back(b, e); });
}

}  // namespace tokrec::tokenize
