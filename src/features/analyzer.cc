// scikit-learn's analyzers re-implemented over UTF-8 (see analyzer.h). Python
// semantics come from CPython's unicodeobject.c / _sre: \w is
// Py_UNICODE_ISALNUM || '_', whitespace is Py_UNICODE_ISSPACE, lower() is the
// full lowercase mapping with the Final_Sigma rule. Character classes use
// utf8proc's tables (Unicode 15; CPython 3.11 ships 14: rare new code points
// may differ, see docs/conventions.md).
#include "tokrec/features/analyzer.h"

#include <utf8proc.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cstring>
#include <charconv>
#include <string>
#include <unordered_set>

#include "tokrec/core/utf8.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::features {
namespace {

const std::vector<std::string> kEnglishStopWords = {
#include "stop_words_english.inc"
};

utf8proc_category_t category(char32_t c) {
  return static_cast<utf8proc_category_t>(utf8proc_category(static_cast<utf8proc_int32_t>(c)));
}

// Python's _PyUnicode_IsCased: Lowercase or Uppercase or Lt. Other_Lowercase /
// Other_Uppercase code points without a case mapping are listed by range.
bool is_cased(char32_t c) {
  auto cat = category(c);
  if (cat == UTF8PROC_CATEGORY_LU || cat == UTF8PROC_CATEGORY_LL || cat == UTF8PROC_CATEGORY_LT) return true;
  auto cp = static_cast<utf8proc_int32_t>(c);
  if (utf8proc_tolower(cp) != cp || utf8proc_toupper(cp) != cp) return true;
  static constexpr char32_t kOther[][2] = {
      {0xAA, 0xAA},     {0xBA, 0xBA},     {0x2B0, 0x2B8},   {0x2C0, 0x2C1},   {0x2E0, 0x2E4},
      {0x345, 0x345},   {0x37A, 0x37A},   {0x1D2C, 0x1D6A}, {0x1D78, 0x1D78}, {0x1D9B, 0x1DBF},
      {0x2071, 0x2071}, {0x207F, 0x207F}, {0x2090, 0x209C}, {0x2170, 0x217F}, {0x24B6, 0x24E9},
      {0x2C7C, 0x2C7D}, {0xA69C, 0xA69D}, {0xA770, 0xA770}, {0xA7F8, 0xA7F9}, {0xAB5C, 0xAB5F}};
  for (const auto& r : kOther)
    if (c >= r[0] && c <= r[1]) return true;
  return false;
}

// Python's _PyUnicode_IsCaseIgnorable: Mn Me Cf Lm Sk, plus Word_Break
// MidLetter / MidNumLet / Single_Quote.
bool is_case_ignorable(char32_t c) {
  switch (category(c)) {
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_SK:
      return true;
    default:
      break;
  }
  switch (c) {
    case 0x27: case 0x2E: case 0x3A: case 0xB7: case 0x387: case 0x55F: case 0x5F4: case 0x2018:
    case 0x2019: case 0x2024: case 0x2027: case 0xFE13: case 0xFE52: case 0xFE55: case 0xFF07:
    case 0xFF0E: case 0xFF1A:
      return true;
    default:
      return false;
  }
}

// CPython's handle_capital_sigma: Σ lowers to ς when preceded by a cased
// letter and not followed by one (case-ignorables skipped both ways).
char32_t lower_sigma(const std::u32string& s, size_t i) {
  size_t j = i;
  char32_t c = 0;
  bool found = false;
  while (j > 0) {
    c = s[--j];
    if (!is_case_ignorable(c)) {
      found = true;
      break;
    }
  }
  bool final_sigma = found && is_cased(c);
  if (final_sigma && i + 1 < s.size()) {
    size_t k = i + 1;
    for (; k < s.size(); ++k) {
      c = s[k];
      if (!is_case_ignorable(c)) break;
    }
    final_sigma = k == s.size() || !is_cased(c);
  }
  return final_sigma ? 0x3C2 : 0x3C3;
}

bool ascii_only(std::string_view s) {
  for (char ch : s)
    if (static_cast<unsigned char>(ch) >= 0x80) return false;
  return true;
}

// Byte offsets of each code point start, plus s.size() at the end.
void code_point_offsets(std::string_view s, std::vector<uint32_t>& offs) {
  offs.clear();
  for (size_t i = 0; i < s.size(); ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) offs.push_back(static_cast<uint32_t>(i));
  offs.push_back(static_cast<uint32_t>(s.size()));
}

// Python str.split(): maximal runs of non-whitespace.
template <typename F>
void split_words(std::string_view s, F&& emit) {
  size_t pos = 0, start = 0;
  bool in_word = false;
  while (pos < s.size()) {
    size_t at = pos;
    char32_t c = static_cast<unsigned char>(s[pos]) < 0x80 ? static_cast<char32_t>(s[pos++]) : utf8::decode(s, pos);
    bool space = python_is_space(c);
    if (!space && !in_word) {
      in_word = true;
      start = at;
    } else if (space && in_word) {
      in_word = false;
      emit(s.substr(start, at - start));
    }
  }
  if (in_word) emit(s.substr(start));
}

}  // namespace

bool python_is_space(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000;
}

bool python_is_word(char32_t c) {
  if (c < 0x80) return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  switch (category(c)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return true;
    default:
      return false;
  }
}

namespace {

// str.lower() of one code point other than Σ (whose lower case depends on
// the letters around it).
void append_lower(std::string& out, char32_t c) {
  if (c == 0x130) {  // SpecialCasing: İ -> i + COMBINING DOT ABOVE
    out.push_back('i');
    utf8::append(out, 0x307);
  } else {
    utf8::append(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
  }
}

// With a capital sigma the whole text goes through code points, so that Σ
// sees its neighbours.
void python_lower_with_sigma(std::string_view text, std::string& out) {
  std::u32string s = utf8::to_u32(text);
  out.reserve(text.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == 0x3A3) utf8::append(out, lower_sigma(s, i));
    else append_lower(out, s[i]);
  }
}

}  // namespace

void python_lower(std::string_view text, std::string& out) {
  out.clear();
  if (ascii_only(text)) {
    out.resize(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
      char ch = text[i];
      out[i] = (ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch + 32) : ch;
    }
    return;
  }
  // Mostly ASCII in practice (accented names in English titles): ASCII bytes
  // are lowered in place, only the other code points are decoded.
  out.reserve(text.size() + 8);
  for (size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      out.push_back(static_cast<char>(static_cast<unsigned>(b - 'A') < 26u ? b + 32 : b));
      ++i;
      continue;
    }
    const char32_t c = utf8::decode(text, i);
    if (c == 0x3A3) {
      out.clear();
      python_lower_with_sigma(text, out);
      return;
    }
    append_lower(out, c);
  }
}

std::vector<std::string> Terms::to_vector() const {
  std::vector<std::string> v;
  v.reserve(size());
  for (size_t i = 0; i < size(); ++i) v.emplace_back((*this)[i]);
  return v;
}

Result<AnalyzerKind> parse_analyzer_kind(std::string_view name) {
  if (name == "word") return AnalyzerKind::kWord;
  if (name == "char") return AnalyzerKind::kChar;
  if (name == "char_wb") return AnalyzerKind::kCharWb;
  if (name == "whitespace") return AnalyzerKind::kWhitespace;
  if (name == "tokenizer") return AnalyzerKind::kTokenizer;
  if (name == "jieba" || name == "segmenter") return AnalyzerKind::kSegmenter;
  return Status::invalid_argument("unknown analyzer '" + std::string(name) +
                                  "' (expected word, char, char_wb, whitespace, tokenizer or jieba)");
}

std::string_view analyzer_kind_name(AnalyzerKind kind) {
  switch (kind) {
    case AnalyzerKind::kWord: return "word";
    case AnalyzerKind::kChar: return "char";
    case AnalyzerKind::kCharWb: return "char_wb";
    case AnalyzerKind::kWhitespace: return "whitespace";
    case AnalyzerKind::kTokenizer: return "tokenizer";
    case AnalyzerKind::kSegmenter: return "jieba";
  }
  return "word";
}

const std::vector<std::string>& english_stop_words() { return kEnglishStopWords; }

struct Analyzer::State {
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> stop;
};

Result<Analyzer> Analyzer::create(AnalyzerOptions options) {
  if (options.ngram_min < 1 || options.ngram_min > options.ngram_max)
    return Status::invalid_argument("ngram_range (" + std::to_string(options.ngram_min) + ", " +
                                    std::to_string(options.ngram_max) + ") is invalid: need 1 <= min <= max");
  if (options.kind == AnalyzerKind::kTokenizer && !options.tokenizer)
    return Status::invalid_argument("the tokenizer analyzer needs a tokenizer");
  if (options.kind == AnalyzerKind::kSegmenter && !options.segmenter)
    return Status::invalid_argument("the jieba analyzer needs a segmenter (the segment module)");
  auto state = std::make_shared<State>();
  for (const auto& w : options.stop_words) state->stop.insert(w);
  return Analyzer(std::move(state), std::make_shared<const AnalyzerOptions>(std::move(options)));
}

Result<std::vector<std::string>> Analyzer::analyze(std::string_view text) const {
  Terms t;
  TOKREC_RETURN_IF_ERROR(analyze(text, t));
  return t.to_vector();
}

namespace {

// Word n-grams of `words` (sklearn's _word_ngrams order: all unigrams, then
// bigrams, ...), appended to out.
void word_ngrams(const Terms& words, size_t min_n, size_t max_n, Terms& out) {
  if (min_n == 1 && max_n == 1) {
    out = words;
    return;
  }
  out.clear();
  size_t n_words = words.size();
  if (min_n == 1) {
    for (size_t i = 0; i < n_words; ++i) out.push(words[i]);
    min_n = 2;
  }
  std::string joined;
  for (size_t n = min_n; n <= std::min(max_n, n_words); ++n) {
    for (size_t i = 0; i + n <= n_words; ++i) {
      joined.clear();
      for (size_t k = 0; k < n; ++k) {
        if (k) joined.push_back(' ');
        joined.append(words[i + k]);
      }
      out.push(joined);
    }
  }
}

// sklearn's _white_spaces.sub(" ", doc): runs of >= 2 whitespace -> " ".
void squeeze_spaces(std::string_view s, std::string& out) {
  out.clear();
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    size_t at = pos;
    char32_t c = static_cast<unsigned char>(s[pos]) < 0x80 ? static_cast<char32_t>(s[pos++]) : utf8::decode(s, pos);
    if (!python_is_space(c)) {
      out.append(s.substr(at, pos - at));
      continue;
    }
    size_t run_end = pos, count = 1;
    while (run_end < s.size()) {
      size_t p = run_end;
      char32_t d = static_cast<unsigned char>(s[p]) < 0x80 ? static_cast<char32_t>(s[p++]) : utf8::decode(s, p);
      if (!python_is_space(d)) break;
      run_end = p;
      ++count;
    }
    if (count >= 2) out.push_back(' ');
    else out.append(s.substr(at, pos - at));
    pos = run_end;
  }
}

}  // namespace

namespace {

// Byte classes of the ASCII fast path of the word analyzer: 1 = Python \w
// ([0-9A-Za-z_]), 2 = a non-ASCII byte (the line takes the general path),
// 0 = anything else.
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    bool word = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    t[static_cast<size_t>(c)] = c >= 0x80 ? 2 : word ? 1 : 0;
  }
  return t;
}();

// The word analyzer's tokens of an all-ASCII text, lowercased on the fly
// straight into `words` (no lowered copy of the line, no string per token).
// Returns false as soon as a non-ASCII byte shows up: Python's lower() and
// Unicode \w then need the general path (e.g. "İ" lowers to "i" + U+0307,
// which is not \w and so splits the token).
#if defined(__SSE2__)
// SSE2 (part of x86-64 itself, so no run-time dispatch): 16 bytes are
// classified per step into a bitmap of \w bytes, tokens are the runs of ones
// (bit scans), and each token is lowercased and copied 16 bytes at a time.
inline __m128i in_range(__m128i v, char lo, char hi) {
  return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                       _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
}

// [0-9A-Za-z_] bytes of v (ASCII only: bytes >= 0x80 compare negative).
inline uint32_t word_bits(__m128i v) {
  const __m128i digit = in_range(v, '0', '9');
  const __m128i alpha = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z');  // | 0x20 folds A-Z only onto a-z
  const __m128i under = _mm_cmpeq_epi8(v, _mm_set1_epi8('_'));
  return static_cast<uint32_t>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(digit, alpha), under)));
}

inline __m128i to_lower(__m128i v) {
  return _mm_add_epi8(v, _mm_and_si128(in_range(v, 'A', 'Z'), _mm_set1_epi8(0x20)));
}

// First position >= pos whose bit is `one` (n when none).
inline size_t next_bit(const std::vector<uint64_t>& mask, size_t pos, size_t n, bool one) {
  size_t w = pos / 64;
  uint64_t bits = (one ? mask[w] : ~mask[w]) & (~uint64_t{0} << (pos % 64));
  while (bits == 0) {
    if (++w >= mask.size()) return n;
    bits = one ? mask[w] : ~mask[w];
  }
  return std::min(n, w * 64 + static_cast<size_t>(__builtin_ctzll(bits)));
}

template <typename Keep>
bool ascii_word_tokens(std::string_view text, bool lower, Terms& words, Keep&& keep) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  thread_local std::vector<uint64_t> mask;
  mask.assign(n / 64 + 1, 0);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    if (_mm_movemask_epi8(v) != 0) return false;
    mask[i / 64] |= static_cast<uint64_t>(word_bits(v)) << (i % 64);
  }
  for (; i < n; ++i) {
    const uint8_t cls = kByteClass[p[i]];
    if (cls == 2) return false;
    mask[i / 64] |= static_cast<uint64_t>(cls) << (i % 64);
  }
  // Tokens never outgrow the text; 16 bytes of slack take the last store.
  const size_t base = words.blob.size();
  words.blob.resize(base + n + 16);
  char* const out = words.blob.data() + base;
  char* dst = out;
  for (size_t pos = 0;;) {
    const size_t start = next_bit(mask, pos, n, true);
    if (start >= n) break;
    const size_t end = next_bit(mask, start, n, false);
    pos = end;
    const size_t len = end - start;
    if (len < 2) continue;
    size_t k = 0;
    for (; k < len && start + k + 16 <= n; k += 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + start + k));
      if (lower) v = to_lower(v);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + k), v);
    }
    for (; k < len; ++k) {  // the line's last 16 bytes: no load past its end
      const unsigned c = p[start + k];
      dst[k] = static_cast<char>(lower && c - 'A' < 26u ? c + 32 : c);
    }
    if (!keep(std::string_view(dst, len))) continue;
    dst += len;
    words.ends.push_back(static_cast<uint32_t>(base + static_cast<size_t>(dst - out)));
  }
  words.blob.resize(base + static_cast<size_t>(dst - out));
  return true;
}
#else
template <typename Keep>
bool ascii_word_tokens(std::string_view text, bool lower, Terms& words, Keep&& keep) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* end = p + text.size();
  // Tokens are substrings of the text and ASCII lowercasing keeps lengths,
  // so the blob never outgrows the text: size it once, write through a pointer.
  const size_t base = words.blob.size();
  words.blob.resize(base + text.size());
  char* out = words.blob.data() + base;
  char* dst = out;
  while (p < end) {
    uint8_t cls = 0;
    while (p < end && (cls = kByteClass[*p]) == 0) ++p;
    if (p == end) break;
    if (cls == 2) break;
    const unsigned char* start = p;
    char* w = dst;
    if (lower) {
      while (p < end && (cls = kByteClass[*p]) == 1) {
        unsigned c = *p++;
        *w++ = static_cast<char>(c - 'A' < 26u ? c + 32 : c);
      }
    } else {
      while (p < end && (cls = kByteClass[*p]) == 1) *w++ = static_cast<char>(*p++);
    }
    if (p < end && cls == 2) break;
    if (p - start < 2) continue;
    if (!keep(std::string_view(dst, static_cast<size_t>(w - dst)))) continue;
    dst = w;
    words.ends.push_back(static_cast<uint32_t>(base + static_cast<size_t>(dst - out)));
  }
  words.blob.resize(base + static_cast<size_t>(dst - out));
  return p == end;
}

#endif

}  // namespace

Status Analyzer::analyze(std::string_view text, Terms& out) const {
  out.clear();
  if (options_->kind == AnalyzerKind::kWord) {
    const AnalyzerOptions& o = *options_;
    const auto& stop = state_->stop;
    auto keep = [&](std::string_view w) { return stop.empty() || stop.find(w) == stop.end(); };
    if (o.ngram_min == 1 && o.ngram_max == 1) {
      if (ascii_word_tokens(text, o.lowercase, out, keep)) return Status::ok();
      out.clear();
    } else {
      thread_local Terms ascii_words;
      ascii_words.clear();
      if (ascii_word_tokens(text, o.lowercase, ascii_words, keep)) {
        word_ngrams(ascii_words, o.ngram_min, o.ngram_max, out);
        return Status::ok();
      }
    }
  }
  size_t bad = utf8::first_invalid_offset(text);
  if (bad != text.size()) return Status::invalid_argument("invalid UTF-8 at byte " + std::to_string(bad));
  const AnalyzerOptions& o = *options_;
  // Per-thread scratch: analyze() is const and called from many threads.
  thread_local std::string lowered, squeezed;
  thread_local Terms words;
  thread_local std::vector<uint32_t> offs;
  thread_local std::vector<std::string> pieces;
  std::string_view doc = text;
  if (o.lowercase && o.kind != AnalyzerKind::kTokenizer) {
    python_lower(text, lowered);
    doc = lowered;
  }
  words.clear();
  auto keep_word = [&](std::string_view w) {
    if (!state_->stop.empty() && state_->stop.find(w) != state_->stop.end()) return;
    words.push(w);
  };
  switch (o.kind) {
    case AnalyzerKind::kWord: {
      size_t pos = 0, start = 0, run = 0;
      while (pos < doc.size()) {
        size_t at = pos;
        char32_t c = static_cast<unsigned char>(doc[pos]) < 0x80 ? static_cast<char32_t>(doc[pos++]) : utf8::decode(doc, pos);
        if (python_is_word(c)) {
          if (run++ == 0) start = at;
        } else {
          if (run >= 2) keep_word(doc.substr(start, at - start));
          run = 0;
        }
      }
      if (run >= 2) keep_word(doc.substr(start));
      word_ngrams(words, o.ngram_min, o.ngram_max, out);
      return Status::ok();
    }
    case AnalyzerKind::kChar: {
      squeeze_spaces(doc, squeezed);
      code_point_offsets(squeezed, offs);
      size_t len = offs.size() - 1;
      std::string_view s = squeezed;
      for (size_t n = o.ngram_min; n <= std::min(o.ngram_max, len); ++n)
        for (size_t i = 0; i + n <= len; ++i) out.push(s.substr(offs[i], offs[i + n] - offs[i]));
      return Status::ok();
    }
    case AnalyzerKind::kCharWb: {
      std::string padded;
      split_words(doc, [&](std::string_view w) {
        padded.assign(" ");
        padded.append(w);
        padded.push_back(' ');
        code_point_offsets(padded, offs);
        size_t w_len = offs.size() - 1;
        std::string_view p = padded;
        auto gram = [&](size_t off, size_t n) {  // Python slicing clamps at the end
          size_t e = std::min(off + n, w_len);
          out.push(p.substr(offs[off], offs[e] - offs[off]));
        };
        for (size_t n = o.ngram_min; n <= o.ngram_max; ++n) {
          size_t offset = 0;
          gram(offset, n);
          while (offset + n < w_len) {
            ++offset;
            gram(offset, n);
          }
          if (offset == 0) break;
        }
      });
      return Status::ok();
    }
    case AnalyzerKind::kWhitespace:
      split_words(doc, keep_word);
      word_ngrams(words, o.ngram_min, o.ngram_max, out);
      return Status::ok();
    case AnalyzerKind::kTokenizer: {
      tokenize::EncodeOptions enc;
      enc.add_special_tokens = false;
      // Ids only: no token strings are built.
      enc.with_tokens = !o.token_ids;
      auto add_tokens = [&](std::string_view part) -> Status {
        auto e = o.tokenizer->encode(part, enc);
        if (!e.is_ok()) return e.status();
        if (o.token_ids) {
          char buf[16];
          for (int32_t id : e->ids) {
            const auto r = std::to_chars(buf, buf + sizeof buf, id);
            keep_word(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
          }
        } else {
          for (const auto& t : e->tokens) keep_word(t);
        }
        return Status::ok();
      };
      if (o.segmenter) {
        // Pre-segmentation: the LLM tokenizer sees one word at a time, so no
        // token crosses a word boundary of the segmenter (e.g. jieba words).
        pieces.clear();
        TOKREC_RETURN_IF_ERROR(o.segmenter(text, pieces));
        for (const auto& w : pieces) {
          bool blank = true;
          split_words(w, [&](std::string_view) { blank = false; });
          if (!blank) TOKREC_RETURN_IF_ERROR(add_tokens(w));
        }
      } else {
        TOKREC_RETURN_IF_ERROR(add_tokens(text));
      }
      word_ngrams(words, o.ngram_min, o.ngram_max, out);
      return Status::ok();
    }
    case AnalyzerKind::kSegmenter: {
      pieces.clear();
      TOKREC_RETURN_IF_ERROR(o.segmenter(doc, pieces));
      for (const auto& w : pieces) {
        bool blank = true;
        split_words(w, [&](std::string_view) { blank = false; });
        if (!blank) keep_word(w);
      }
      word_ngrams(words, o.ngram_min, o.ngram_max, out);
      return Status::ok();
    }
  }
  return Status::ok();
}

}  // namespace tokrec::features
