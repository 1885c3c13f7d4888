// The word analyzer's ASCII fast path (16 bytes per step, bitmap of \w
// bytes) against a plain reading of sklearn's (?u)\b\w\w+\b + lower() on
// random ASCII lines of every length around the 16- and 64-byte steps, with
// tokens at the very end of the line, stop words and lowercase off.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tokrec/features/analyzer.h"

namespace tokrec::features {
namespace {

bool is_word(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// Runs of \w of length >= 2, lowercased when asked, minus stop words.
std::vector<std::string> reference(const std::string& text, bool lower, const std::vector<std::string>& stop) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    if (!is_word(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && is_word(text[j])) ++j;
    std::string w = text.substr(i, j - i);
    if (lower)
      for (char& c : w)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    bool stopped = false;
    for (const auto& s : stop) stopped = stopped || s == w;
    if (w.size() >= 2 && !stopped) out.push_back(w);
    i = j;
  }
  return out;
}

std::string random_line(uint64_t& state, size_t len) {
  static const std::string alphabet = "aAbBzZqQ09_5 .,-|\t!Mm";
  std::string s;
  for (size_t i = 0; i < len; ++i) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    // Long runs now and then, so that tokens cross 16- and 64-byte steps.
    const size_t pick = (state >> 33) % (alphabet.size() + 6);
    s.push_back(pick < alphabet.size() ? alphabet[pick] : 'x');
  }
  return s;
}

void check(bool lower, const std::vector<std::string>& stop) {
  AnalyzerOptions o;
  o.kind = AnalyzerKind::kWord;
  o.lowercase = lower;
  o.stop_words = stop;
  auto analyzer = Analyzer::create(o);
  ASSERT_TRUE(analyzer.is_ok());
  uint64_t state = 42;
  for (size_t len = 0; len <= 200; ++len) {
    for (int rep = 0; rep < 8; ++rep) {
      // A heap copy of exactly len bytes: reading past the end would show under ASan.
      const std::string line = random_line(state, len);
      auto got = analyzer->analyze(std::string_view(line));
      ASSERT_TRUE(got.is_ok());
      ASSERT_EQ(*got, reference(line, lower, stop)) << "line '" << line << "'";
    }
  }
}

TEST(WordAnalyzer, AsciiFastPathMatchesReference) { check(true, {}); }
TEST(WordAnalyzer, AsciiFastPathKeepsCaseWhenAsked) { check(false, {}); }
TEST(WordAnalyzer, AsciiFastPathDropsStopWords) { check(true, {"xx", "ab", "xxx"}); }

TEST(WordAnalyzer, NonAsciiLineTakesTheUnicodePath) {
  auto analyzer = Analyzer::create({});
  ASSERT_TRUE(analyzer.is_ok());
  // Past the first 16 bytes, so the SIMD step meets it; é is \w for Python.
  auto got = analyzer->analyze("The Quick brown fox jumps, CAFÉ au lait x1");
  ASSERT_TRUE(got.is_ok());
  EXPECT_EQ(*got, (std::vector<std::string>{"the", "quick", "brown", "fox", "jumps", "café", "au", "lait", "x1"}));
}

}  // namespace
}  // namespace tokrec::features
