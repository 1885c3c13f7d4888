#include "tokenize/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cstdio>

namespace tokrec::tokenize {
namespace {

// Unicode White_Space = \t-\r, U+0085 and general category Z.
constexpr std::string_view kSpaceItems = "\\t-\\r\\x{85}\\p{Z}";
// Oniguruma's Unicode \w (HF tokenizers' regex engine), as HF's Whitespace
// pre-tokenizer shows it: Alphabetic (letters, letter numbers such as
// U+216B, other-alphabetic symbols such as U+24B6) | Mark | Decimal_Number
// | Connector_Punctuation | the joiners U+200C/U+200D; not the other
// numbers (U+00B2, U+2460). PCRE2's \w with UCP (\p{L}, \p{N}, '_') would
// split "e\u0301" and "1\u20e3" and keep "x\u00b2" whole.
constexpr std::string_view kWordItems = "\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\x{200C}\\x{200D}";

pcre2_code* as_code(void* p) { return static_cast<pcre2_code*>(p); }

// One match-data block per thread, big enough for whole-match offsets (the
// patterns' groups are never read).
pcre2_match_data* thread_match_data() {
  struct Holder {
    pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
    ~Holder() { pcre2_match_data_free(data); }
  };
  thread_local Holder holder;
  return holder.data;
}

}  // namespace

std::string translate_pattern(std::string_view p) {
  std::string out;
  out.reserve(p.size() + 32);
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      const char n = p[i + 1];
      if (n == 's') {
        if (in_class) {
          out += kSpaceItems;
        } else {
          out += '[';
          out += kSpaceItems;
          out += ']';
        }
      } else if (n == 'S' && !in_class) {
        out += "[^";
        out += kSpaceItems;
        out += ']';
      } else if (n == 'w') {
        if (in_class) {
          out += kWordItems;
        } else {
          out += '[';
          out += kWordItems;
          out += ']';
        }
      } else if (n == 'W' && !in_class) {
        out += "[^";
        out += kWordItems;
        out += ']';
      } else {
        out += c;
        out += n;
      }
      ++i;
      continue;
    }
    if (c == '[' && !in_class) {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member.
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
      continue;
    }
    if (c == ']' && in_class) in_class = false;
    out += c;
  }
  return out;
}

Result<std::shared_ptr<const Regex>> Regex::compile(std::string_view pattern, bool hand_written) {
  const std::string translated = translate_pattern(pattern);
  int error = 0;
  PCRE2_SIZE error_offset = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()),
                                   translated.size(), PCRE2_UTF | PCRE2_UCP, &error,
                                   &error_offset, nullptr);
  if (code == nullptr) {
    PCRE2_UCHAR message[256];
    pcre2_get_error_message(error, message, sizeof(message));
    return Status::invalid_argument("bad regex '" + std::string(pattern) + "' at offset " +
                                    std::to_string(error_offset) + ": " +
                                    reinterpret_cast<const char*>(message));
  }
  // JIT when the platform has it; the interpreter otherwise.
  const bool jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  std::shared_ptr<Regex> re(new Regex());
  re->jit_ = jit;
  re->code_ = code;
  re->pattern_ = std::string(pattern);
  if (hand_written) re->fast_ = fast_pattern_for(pattern);
  return std::shared_ptr<const Regex>(std::move(re));
}

Result<std::shared_ptr<const Regex>> Regex::literal(std::string_view literal) {
  std::string quoted;
  for (char c : literal) {
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "\\x{%X}", b);
      quoted += buf;
    } else {
      quoted += c;
    }
  }
  auto re = compile(quoted, false);
  if (!re.is_ok()) return re.status();
  std::const_pointer_cast<Regex>(*re)->pattern_ = std::string(literal);
  return re;
}

Regex::~Regex() { pcre2_code_free(as_code(code_)); }

void Regex::find_all(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const {
  if (fast_ != FastPattern::kNone) {
    fast_find_all(fast_, text, out);
    return;
  }
  pcre2_match_data* md = thread_match_data();
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t pos = 0;
  while (pos <= text.size()) {
    // pcre2_jit_match skips the generic entry's checks (the text is valid UTF-8).
    const int rc = jit_ ? pcre2_jit_match(as_code(code_), subject, text.size(), pos, 0, md, nullptr)
                        : pcre2_match(as_code(code_), subject, text.size(), pos, PCRE2_NO_UTF_CHECK,
                                      md, nullptr);
    if (rc < 0) break;  // no match (or a resource error: stop splitting)
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    const size_t b = ov[0], e = ov[1];
    out.emplace_back(b, e);
    if (e > b) {
      pos = e;
    } else {
      if (e >= text.size()) break;
      pos = e + 1;
      while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
    }
  }
}

}  // namespace tokrec::tokenize
