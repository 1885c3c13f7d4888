// HF UnicodeScripts pre-tokenizer: cut wherever the Unicode script changes.
//
// HF's rules (tokenizers/src/pre_tokenizers/unicode_scripts), restated:
// - the script of a char comes from a Unicode 9 table; chars it does not
//   list (unassigned then, or of a later script) are "Any";
// - ' ' (U+0020 only) is "Any"; Hiragana, Katakana and U+30FC are Han;
// - a cut is made before a non-Any char whose script differs from the last
//   non-Any script seen; Any chars never cut and stay with what precedes;
// - the first cut is at the first non-Any char, so leading ' ' (Any) chars
//   are dropped, and a piece made only of Any chars yields nothing.
//
// tokrec takes each char's Script property from PCRE2 (\p{sc:Name}, its own
// Unicode tables, 15.0 in PCRE2 10.42) limited to the scripts Unicode 9 knew;
// chars added to an old script after Unicode 9 therefore get that script
// here but "Any" in HF (documented difference, rare in practice).
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <array>
#include <mutex>
#include <string>
#include <vector>

#include "tokenize/pre_tokenizer.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

// The scripts of Unicode 9, as HF names them (PCRE2 matches names loosely:
// case, '_' and '-' are ignored). Index + 1 is the script id; 0 is "Any".
constexpr std::array<const char*, 137> kScripts = {
    "Adlam", "Ahom", "AnatolianHieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese", "Bamum",
    "BassaVah", "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille", "Buginese", "Buhid",
    "CanadianAboriginal", "Carian", "CaucasianAlbanian", "Chakma", "Cham", "Cherokee", "Common",
    "Coptic", "Cuneiform", "Cypriot", "Cyrillic", "Deseret", "Devanagari", "Duployan",
    "EgyptianHieroglyphs", "Elbasan", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha",
    "Greek", "Gujarati", "Gurmukhi", "Han", "Hangul", "Hanunoo", "Hatran", "Hebrew", "Hiragana",
    "ImperialAramaic", "Inherited", "InscriptionalPahlavi", "InscriptionalParthian", "Javanese",
    "Kaithi", "Kannada", "Katakana", "KayahLi", "Kharoshthi", "Khmer", "Khojki", "Khudawadi", "Lao",
    "Latin", "Lepcha", "Limbu", "LinearA", "LinearB", "Lisu", "Lycian", "Lydian", "Mahajani",
    "Malayalam", "Mandaic", "Manichaean", "Marchen", "MeeteiMayek", "MendeKikakui",
    "MeroiticCursive", "MeroiticHieroglyphs", "Miao", "Modi", "Mongolian", "Mro", "Multani",
    "Myanmar", "Nabataean", "NewTaiLue", "Newa", "Nko", "Ogham", "OlChiki", "OldHungarian",
    "OldItalic", "OldNorthArabian", "OldPermic", "OldPersian", "OldSouthArabian", "OldTurkic",
    "Oriya", "Osage", "Osmanya", "PahawhHmong", "Palmyrene", "PauCinHau", "PhagsPa", "Phoenician",
    "PsalterPahlavi", "Rejang", "Runic", "Samaritan", "Saurashtra", "Sharada", "Shavian", "Siddham",
    "SignWriting", "Sinhala", "SoraSompeng", "Sundanese", "SylotiNagri", "Syriac", "Tagalog",
    "Tagbanwa", "TaiLe", "TaiTham", "TaiViet", "Takri", "Tamil", "Tangut", "Telugu", "Thaana", "Thai",
    "Tibetan", "Tifinagh", "Tirhuta", "Ugaritic", "Vai", "WarangCiti", "Yi"};

// Unicode 9 assigned nothing above plane 2 (plane 3 came with 13.0).
constexpr char32_t kTableEnd = 0x30000;

// One byte per code point below kTableEnd, built once from PCRE2 by matching
// a text of every code point against (\p{sc:A}+)|(\p{sc:B}+)|...
class ScriptTable {
 public:
  static const ScriptTable& get() {
    static const ScriptTable table;
    return table;
  }
  unsigned char script(char32_t c) const { return c < kTableEnd ? ids_[c] : 0; }

 private:
  ScriptTable() : ids_(kTableEnd, 0) {
    std::string pattern;
    for (size_t i = 0; i < kScripts.size(); ++i) {
      if (i) pattern += '|';
      pattern += std::string("(\\p{sc:") + kScripts[i] + "}+)";
    }
    int error = 0;
    PCRE2_SIZE error_offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                     PCRE2_UTF, &error, &error_offset, nullptr);
    if (!code) return;  // unreachable with PCRE2 >= 10.40; every char is then "Any"
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    std::string text;
    text.reserve(4 * kTableEnd);
    std::vector<char32_t> at;  // code point starting at each byte
    at.reserve(4 * kTableEnd);
    for (char32_t c = 0; c < kTableEnd; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      utf8::append(text, c);
      at.resize(text.size(), c);
    }
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(code, nullptr);
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t pos = 0;
    const size_t han = index_of("Han"), hira = index_of("Hiragana"), kata = index_of("Katakana");
    while (pos < text.size()) {
      const int rc = pcre2_match(code, subject, text.size(), pos, PCRE2_NO_UTF_CHECK, md, nullptr);
      if (rc <= 0) break;
      const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
      const size_t group = static_cast<size_t>(rc) - 1;  // the only set group is the last one
      size_t id = group;                                  // 1-based script id
      if (id == hira || id == kata) id = han;
      for (size_t b = ov[0]; b < ov[1]; ++b) ids_[at[b]] = static_cast<unsigned char>(id);
      pos = ov[1];
    }
    pcre2_match_data_free(md);
    pcre2_code_free(code);
    ids_[0x30FC] = static_cast<unsigned char>(han);
    ids_[' '] = 0;
  }
  static size_t index_of(const char* name) {
    for (size_t i = 0; i < kScripts.size(); ++i)
      if (std::string(kScripts[i]) == name) return i + 1;
    return 0;
  }
  std::vector<unsigned char> ids_;
};

class UnicodeScriptsPreTokenizer final : public PreTokenizer {
 public:
  UnicodeScriptsPreTokenizer() : table_(ScriptTable::get()) {}
  void split(std::vector<std::string_view>& pieces) const override {
    std::vector<std::string_view> out;
    out.reserve(pieces.size());
    for (std::string_view s : pieces) {
      unsigned char last = 0;  // 0: no non-Any script seen yet
      size_t start = std::string_view::npos;
      size_t i = 0;
      while (i < s.size()) {
        const size_t at = i;
        const char32_t c = utf8::decode(s, i);
        const unsigned char script = table_.script(c);
        if (script == 0) continue;
        if (script != last) {
          if (start != std::string_view::npos) out.push_back(s.substr(start, at - start));
          start = at;
          last = script;
        }
      }
      if (start != std::string_view::npos) out.push_back(s.substr(start));
    }
    pieces = std::move(out);
  }
  std::string describe() const override { return "UnicodeScripts"; }

 private:
  const ScriptTable& table_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_unicode_scripts_pre_tokenizer() {
  return std::make_unique<UnicodeScriptsPreTokenizer>();
}

}  // namespace tokrec::tokenize
