// Stage A cleaning. Works on bytes: every pattern it looks for is ASCII or a
// fixed UTF-8 byte sequence, so invalid input bytes pass through untouched.
#include "tokrec/text/clean.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "tokrec/core/utf8.h"

namespace tokrec::text {
namespace {

struct Entity {
  std::string_view name;
  char32_t cp;
};

// The 252 HTML 4 named entities (the ones seen in real scraped text) plus &apos;.
// Sorted once on first use for binary search.
const std::vector<Entity>& entity_table() {
  static const std::vector<Entity> table = [] {
    std::vector<Entity> t = {
    {"apos", 0x27},
    {"AElig", 0xC6}, {"Aacute", 0xC1}, {"Acirc", 0xC2}, {"Agrave", 0xC0}, {"Alpha", 0x391},
    {"Aring", 0xC5}, {"Atilde", 0xC3}, {"Auml", 0xC4}, {"Beta", 0x392}, {"Ccedil", 0xC7},
    {"Chi", 0x3A7}, {"Dagger", 0x2021}, {"Delta", 0x394}, {"ETH", 0xD0}, {"Eacute", 0xC9},
    {"Ecirc", 0xCA}, {"Egrave", 0xC8}, {"Epsilon", 0x395}, {"Eta", 0x397}, {"Euml", 0xCB},
    {"Gamma", 0x393}, {"Iacute", 0xCD}, {"Icirc", 0xCE}, {"Igrave", 0xCC}, {"Iota", 0x399},
    {"Iuml", 0xCF}, {"Kappa", 0x39A}, {"Lambda", 0x39B}, {"Mu", 0x39C}, {"Ntilde", 0xD1},
    {"Nu", 0x39D}, {"OElig", 0x152}, {"Oacute", 0xD3}, {"Ocirc", 0xD4}, {"Ograve", 0xD2},
    {"Omega", 0x3A9}, {"Omicron", 0x39F}, {"Oslash", 0xD8}, {"Otilde", 0xD5}, {"Ouml", 0xD6},
    {"Phi", 0x3A6}, {"Pi", 0x3A0}, {"Prime", 0x2033}, {"Psi", 0x3A8}, {"Rho", 0x3A1},
    {"Scaron", 0x160}, {"Sigma", 0x3A3}, {"THORN", 0xDE}, {"Tau", 0x3A4}, {"Theta", 0x398},
    {"Uacute", 0xDA}, {"Ucirc", 0xDB}, {"Ugrave", 0xD9}, {"Upsilon", 0x3A5}, {"Uuml", 0xDC},
    {"Xi", 0x39E}, {"Yacute", 0xDD}, {"Yuml", 0x178}, {"Zeta", 0x396}, {"aacute", 0xE1},
    {"acirc", 0xE2}, {"acute", 0xB4}, {"aelig", 0xE6}, {"agrave", 0xE0}, {"alefsym", 0x2135},
    {"alpha", 0x3B1}, {"amp", 0x26}, {"and", 0x2227}, {"ang", 0x2220}, {"aring", 0xE5},
    {"asymp", 0x2248}, {"atilde", 0xE3}, {"auml", 0xE4}, {"bdquo", 0x201E}, {"beta", 0x3B2},
    {"brvbar", 0xA6}, {"bull", 0x2022}, {"cap", 0x2229}, {"ccedil", 0xE7}, {"cedil", 0xB8},
    {"cent", 0xA2}, {"chi", 0x3C7}, {"circ", 0x2C6}, {"clubs", 0x2663}, {"cong", 0x2245},
    {"copy", 0xA9}, {"crarr", 0x21B5}, {"cup", 0x222A}, {"curren", 0xA4}, {"dArr", 0x21D3},
    {"dagger", 0x2020}, {"darr", 0x2193}, {"deg", 0xB0}, {"delta", 0x3B4}, {"diams", 0x2666},
    {"divide", 0xF7}, {"eacute", 0xE9}, {"ecirc", 0xEA}, {"egrave", 0xE8}, {"empty", 0x2205},
    {"emsp", 0x2003}, {"ensp", 0x2002}, {"epsilon", 0x3B5}, {"equiv", 0x2261}, {"eta", 0x3B7},
    {"eth", 0xF0}, {"euml", 0xEB}, {"euro", 0x20AC}, {"exist", 0x2203}, {"fnof", 0x192},
    {"forall", 0x2200}, {"frac12", 0xBD}, {"frac14", 0xBC}, {"frac34", 0xBE}, {"frasl", 0x2044},
    {"gamma", 0x3B3}, {"ge", 0x2265}, {"gt", 0x3E}, {"hArr", 0x21D4}, {"harr", 0x2194},
    {"hearts", 0x2665}, {"hellip", 0x2026}, {"iacute", 0xED}, {"icirc", 0xEE}, {"iexcl", 0xA1},
    {"igrave", 0xEC}, {"image", 0x2111}, {"infin", 0x221E}, {"int", 0x222B}, {"iota", 0x3B9},
    {"iquest", 0xBF}, {"isin", 0x2208}, {"iuml", 0xEF}, {"kappa", 0x3BA}, {"lArr", 0x21D0},
    {"lambda", 0x3BB}, {"lang", 0x2329}, {"laquo", 0xAB}, {"larr", 0x2190}, {"lceil", 0x2308},
    {"ldquo", 0x201C}, {"le", 0x2264}, {"lfloor", 0x230A}, {"lowast", 0x2217}, {"loz", 0x25CA},
    {"lrm", 0x200E}, {"lsaquo", 0x2039}, {"lsquo", 0x2018}, {"lt", 0x3C}, {"macr", 0xAF},
    {"mdash", 0x2014}, {"micro", 0xB5}, {"middot", 0xB7}, {"minus", 0x2212}, {"mu", 0x3BC},
    {"nabla", 0x2207}, {"nbsp", 0xA0}, {"ndash", 0x2013}, {"ne", 0x2260}, {"ni", 0x220B},
    {"not", 0xAC}, {"notin", 0x2209}, {"nsub", 0x2284}, {"ntilde", 0xF1}, {"nu", 0x3BD},
    {"oacute", 0xF3}, {"ocirc", 0xF4}, {"oelig", 0x153}, {"ograve", 0xF2}, {"oline", 0x203E},
    {"omega", 0x3C9}, {"omicron", 0x3BF}, {"oplus", 0x2295}, {"or", 0x2228}, {"ordf", 0xAA},
    {"ordm", 0xBA}, {"oslash", 0xF8}, {"otilde", 0xF5}, {"otimes", 0x2297}, {"ouml", 0xF6},
    {"para", 0xB6}, {"part", 0x2202}, {"permil", 0x2030}, {"perp", 0x22A5}, {"phi", 0x3C6},
    {"pi", 0x3C0}, {"piv", 0x3D6}, {"plusmn", 0xB1}, {"pound", 0xA3}, {"prime", 0x2032},
    {"prod", 0x220F}, {"prop", 0x221D}, {"psi", 0x3C8}, {"quot", 0x22}, {"rArr", 0x21D2},
    {"radic", 0x221A}, {"rang", 0x232A}, {"raquo", 0xBB}, {"rarr", 0x2192}, {"rceil", 0x2309},
    {"rdquo", 0x201D}, {"real", 0x211C}, {"reg", 0xAE}, {"rfloor", 0x230B}, {"rho", 0x3C1},
    {"rlm", 0x200F}, {"rsaquo", 0x203A}, {"rsquo", 0x2019}, {"sbquo", 0x201A}, {"scaron", 0x161},
    {"sdot", 0x22C5}, {"sect", 0xA7}, {"shy", 0xAD}, {"sigma", 0x3C3}, {"sigmaf", 0x3C2},
    {"sim", 0x223C}, {"spades", 0x2660}, {"sub", 0x2282}, {"sube", 0x2286}, {"sum", 0x2211},
    {"sup", 0x2283}, {"sup1", 0xB9}, {"sup2", 0xB2}, {"sup3", 0xB3}, {"supe", 0x2287},
    {"szlig", 0xDF}, {"tau", 0x3C4}, {"there4", 0x2234}, {"theta", 0x3B8}, {"thetasym", 0x3D1},
    {"thinsp", 0x2009}, {"thorn", 0xFE}, {"tilde", 0x2DC}, {"times", 0xD7}, {"trade", 0x2122},
    {"uArr", 0x21D1}, {"uacute", 0xFA}, {"uarr", 0x2191}, {"ucirc", 0xFB}, {"ugrave", 0xF9},
    {"uml", 0xA8}, {"upsih", 0x3D2}, {"upsilon", 0x3C5}, {"uuml", 0xFC}, {"weierp", 0x2118},
    {"xi", 0x3BE}, {"yacute", 0xFD}, {"yen", 0xA5}, {"yuml", 0xFF}, {"zeta", 0x3B6},
    {"zwj", 0x200D}, {"zwnj", 0x200C},
    };
    std::sort(t.begin(), t.end(), [](const Entity& a, const Entity& b) { return a.name < b.name; });
    return t;
  }();
  return table;
}

// Numeric references to U+0080-009F mean Windows-1252 characters in real pages;
// HTML5 (and Python's html.unescape) decode them so. 0 = keep the C1 code point.
constexpr std::array<char32_t, 32> kWindows1252 = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool starts_with_nocase(std::string_view s, size_t pos, std::string_view prefix) {
  if (s.size() - pos < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k)
    if (ascii_lower(s[pos + k]) != prefix[k]) return false;
  return true;
}

// Case-insensitive search for an ASCII lowercase needle.
size_t find_nocase(std::string_view s, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= s.size(); ++i)
    if (starts_with_nocase(s, i, needle)) return i;
  return std::string_view::npos;
}

// End of a tag that starts at s[pos] == '<': index of its '>', skipping '>' inside
// quoted attribute values. npos when there is none. A stray quote that never
// closes falls back to the first '>' (browsers would swallow the rest of the page).
size_t find_tag_end(std::string_view s, size_t pos) {
  char quote = 0;
  for (size_t i = pos + 1; i < s.size(); ++i) {
    char c = s[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '>') {
      return i;
    }
  }
  return s.find('>', pos + 1);
}

void add_separator(std::string& out) {
  if (!out.empty() && out.back() != ' ') out.push_back(' ');
}

// Length of the Unicode White_Space character at s[i], 0 if none.
size_t whitespace_length(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
  size_t left = s.size() - i;
  unsigned char c = b(0);
  if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return 1;
  if (c == 0xC2 && left >= 2 && (b(1) == 0x85 || b(1) == 0xA0)) return 2;  // NEL, NBSP
  if (left < 3) return 0;
  if (c == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;  // U+1680
  if (c == 0xE2 && b(1) == 0x80 && ((b(2) >= 0x80 && b(2) <= 0x8A) || b(2) == 0xA8 || b(2) == 0xA9 || b(2) == 0xAF))
    return 3;  // U+2000-200A, U+2028, U+2029, U+202F
  if (c == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;  // U+205F
  if (c == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;  // U+3000
  return 0;
}

// Try to decode the entity starting at s[pos] == '&'. On success appends the
// character and returns the number of bytes consumed; 0 when it is not one.
size_t decode_entity_at(std::string_view s, size_t pos, std::string& out) {
  size_t i = pos + 1;
  if (i < s.size() && s[i] == '#') {
    ++i;
    bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
    if (hex) ++i;
    size_t start = i;
    uint32_t value = 0;
    bool overflow = false;
    for (; i < s.size(); ++i) {
      char c = s[i];
      int digit;
      if (is_ascii_digit(c)) digit = c - '0';
      else if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      else if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      else break;
      value = value * (hex ? 16u : 10u) + static_cast<uint32_t>(digit);
      if (value > 0x10FFFF) {  // keep scanning the digits, but stay bounded
        overflow = true;
        value = 0x110000;
      }
    }
    if (i == start || overflow || value == 0 || (value >= 0xD800 && value <= 0xDFFF)) return 0;
    if (i < s.size() && s[i] == ';') ++i;  // like HTML5, the ';' is optional for numbers
    char32_t cp = value;
    if (cp >= 0x80 && cp <= 0x9F && kWindows1252[cp - 0x80] != 0) cp = kWindows1252[cp - 0x80];
    utf8::append(out, cp);
    return i - pos;
  }
  size_t start = i;
  while (i < s.size() && (is_ascii_alpha(s[i]) || is_ascii_digit(s[i])) && i - start < 32) ++i;
  if (i == start || i >= s.size() || s[i] != ';') return 0;  // named ones need the ';'
  std::string_view name = s.substr(start, i - start);
  const auto& table = entity_table();
  auto it = std::lower_bound(table.begin(), table.end(), name,
                             [](const Entity& e, std::string_view n) { return e.name < n; });
  if (it == table.end() || it->name != name) return 0;
  utf8::append(out, it->cp);
  return i + 1 - pos;
}

}  // namespace

std::string strip_html(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '<' || i + 1 >= s.size()) {
      out.push_back(s[i++]);
      continue;
    }
    char next = s[i + 1];
    if (s.compare(i, 4, "<!--") == 0) {
      size_t end = s.find("-->", i + 4);
      i = (end == std::string_view::npos) ? s.size() : end + 3;  // unclosed comment: rest dropped
      add_separator(out);
      continue;
    }
    bool opening = is_ascii_alpha(next);
    bool closing = next == '/' && i + 2 < s.size() && is_ascii_alpha(s[i + 2]);
    bool declaration = next == '!' || next == '?';
    if (!opening && !closing && !declaration) {  // "a < b" is text
      out.push_back(s[i++]);
      continue;
    }
    size_t end = find_tag_end(s, i);
    if (end == std::string_view::npos) {  // never closed: not a tag
      out.push_back(s[i++]);
      continue;
    }
    size_t after = end + 1;
    if (opening) {
      // Raw-text elements: their content is code, not words.
      for (std::string_view name : {std::string_view("script"), std::string_view("style")}) {
        size_t name_end = i + 1 + name.size();
        if (starts_with_nocase(s, i + 1, name) &&
            (name_end >= s.size() || !(is_ascii_alpha(s[name_end]) || is_ascii_digit(s[name_end]))) &&
            s[end - 1] != '/') {
          std::string closer = "</" + std::string(name);
          size_t close = find_nocase(s, closer, after);
          if (close == std::string_view::npos) {
            after = s.size();
          } else {
            size_t close_end = s.find('>', close);
            after = (close_end == std::string_view::npos) ? s.size() : close_end + 1;
          }
          break;
        }
      }
    }
    i = after;
    add_separator(out);
  }
  return out;
}

std::string decode_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      size_t used = decode_entity_at(s, i, out);
      if (used > 0) {
        i += used;
        continue;
      }
    }
    out.push_back(s[i++]);
  }
  return out;
}

std::string remove_control(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) {
      if (c >= 0x09 && c <= 0x0D) out.push_back(' ');
      continue;
    }
    if (c == 0xC2 && i + 1 < s.size()) {
      auto c2 = static_cast<unsigned char>(s[i + 1]);
      if (c2 >= 0x80 && c2 <= 0x9F) {  // C1 controls U+0080-009F
        if (c2 == 0x85) out.push_back(' ');
        ++i;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (size_t i = 0; i < s.size();) {
    size_t ws = whitespace_length(s, i);
    if (ws > 0) {
      pending_space = !out.empty();  // leading whitespace is dropped
      i += ws;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(s[i++]);
  }
  return out;  // trailing whitespace never emitted
}

std::string clean_text(std::string_view utf8, const CleanOptions& options) {
  std::string text(utf8);
  if (options.strip_html) text = strip_html(text);
  if (options.decode_entities) text = decode_entities(text);
  if (options.remove_control) text = remove_control(text);
  if (options.collapse_whitespace) text = collapse_whitespace(text);
  return text;
}

}  // namespace tokrec::text
