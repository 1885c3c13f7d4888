// The hand-written GPT-2 / cl100k / Qwen / o200k matchers (fast_split.h)
// against PCRE2 running the same patterns: every code point in contexts that
// exercise each alternative, random strings mixing all Unicode categories,
// and the committed BPE golden inputs. The only allowed difference: code
// points Unicode 15 assigned after PCRE2 10.42's Unicode 14 tables (PCRE2
// sees them as \p{Cn}, utf8proc as letters/digits/marks).
#include <gtest/gtest.h>
#include <utf8proc.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tokenize/fast_split.h"
#include "tokenize/regex.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

using Matches = std::vector<std::pair<size_t, size_t>>;

struct Case {
  const char* name;
  const char* pattern;
  FastPattern kind;
};

const Case kCases[] = {
    {"gpt2", R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)",
     FastPattern::kGpt2},
    {"cl100k",
     R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
     FastPattern::kCl100k},
    {"qwen",
     R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
     FastPattern::kQwen},
    {"o200k",
     R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
     FastPattern::kO200k},
};

struct Engines {
  std::shared_ptr<const Regex> pcre, fast;
};

Engines engines(const Case& c) {
  auto pcre = Regex::compile(c.pattern, false);
  auto fast = Regex::compile(c.pattern);
  EXPECT_TRUE(pcre.is_ok() && fast.is_ok());
  return {*pcre, *fast};
}

Matches run(const Regex& re, std::string_view text) {
  Matches m;
  re.find_all(text, m);
  return m;
}

// First differing match, for a readable failure.
std::string diff(std::string_view text, const Matches& a, const Matches& b) {
  size_t k = 0;
  while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
  auto show = [&](const Matches& m) {
    if (k >= m.size()) return std::string("<none>");
    const size_t from = m[k].first;
    return "[" + std::to_string(from) + "," + std::to_string(m[k].second) + ") '" +
           std::string(text.substr(from, m[k].second - from)) + "'";
  };
  const size_t at = k < a.size() ? a[k].first : (k < b.size() ? b[k].first : 0);
  const size_t from = at >= 12 ? at - 12 : 0;
  return "match " + std::to_string(k) + ": pcre " + show(a) + " vs fast " + show(b) + " near '" +
         std::string(text.substr(from, 40)) + "'";
}

// Code points PCRE2 10.42 (Unicode 14) leaves unassigned but utf8proc
// (Unicode 15) assigns: the documented difference, skipped below.
const std::vector<bool>& newer_than_pcre() {
  static const std::vector<bool> newer = [] {
    std::vector<bool> v(0x110000, false);
    auto cn = Regex::compile(R"(\p{Cn})", false);
    std::string all;
    std::vector<char32_t> at_byte;
    for (char32_t c = 0; c < 0x110000; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      const size_t before = all.size();
      utf8::append(all, c);
      at_byte.resize(all.size(), 0);
      at_byte[before] = c;
    }
    Matches m;
    (*cn)->find_all(all, m);
    for (const auto& [b, e] : m) {
      const char32_t c = at_byte[b];
      if (utf8proc_category(static_cast<utf8proc_int32_t>(c)) != UTF8PROC_CATEGORY_CN) v[c] = true;
    }
    return v;
  }();
  return newer;
}

TEST(FastSplit, RecognisesOnlyTheKnownPatterns) {
  for (const Case& c : kCases) EXPECT_EQ(fast_pattern_for(c.pattern), c.kind) << c.name;
  EXPECT_EQ(fast_pattern_for(R"(\p{L}+)"), FastPattern::kNone);
  // One character changed is another pattern.
  std::string almost = kCases[1].pattern;
  almost.back() = '*';
  EXPECT_EQ(fast_pattern_for(almost), FastPattern::kNone);
}

TEST(FastSplit, UnicodeDifferenceIsOnlyNewerCodePoints) {
  size_t n = 0;
  for (bool b : newer_than_pcre()) n += b;
  // Unicode 15.0 added 4,489 characters.
  EXPECT_GT(n, 0u);
  EXPECT_LE(n, 4489u);
}

TEST(FastSplit, EveryCodePointInContext) {
  // Each code point next to letters of each case, digits, spaces, newlines,
  // a contraction and itself, so that every class bit decides some match.
  const char* contexts[] = {"A", "a", "1", " ", "\n", "'s", "/", "\r\n", "'S"};
  const auto& newer = newer_than_pcre();
  for (const Case& cs : kCases) {
    const Engines e = engines(cs);
    std::string text;
    auto check = [&] {
      const Matches a = run(*e.pcre, text), b = run(*e.fast, text);
      ASSERT_EQ(a, b) << cs.name << " " << diff(text, a, b);
      text.clear();
    };
    for (char32_t c = 0; c < 0x110000; ++c) {
      if ((c >= 0xD800 && c <= 0xDFFF) || newer[c]) continue;
      // Planes 4-13 are unassigned: a sample of them is enough.
      if (c >= 0x40000 && c < 0xE0000 && c % 101 != 0) continue;
      for (const char* ctx : contexts) {
        utf8::append(text, c);
        text += ctx;
      }
      utf8::append(text, c);
      utf8::append(text, c);
      text += ' ';
      if (text.size() > (1u << 16)) check();
      if (HasFatalFailure()) return;
    }
    check();
  }
}

// Characters that steer the patterns, one or two of each category.
const char32_t kPool[] = {
    ' ', ' ', ' ', '\t', '\n', '\n', '\r', 0x0B, 0x0C, 0x85, 0xA0, 0x1680, 0x2000, 0x2028, 0x2029,
    0x202F, 0x3000, 0x180E, 0x200B, '\'', '\'', '\'', 's', 'S', 0x17F, 't', 'T', 'r', 'R', 'e',
    'E', 'v', 'V', 'm', 'M', 'l', 'L', 'd', 'D', 'k', 0x212A, 0x212B, 'a', 'Z', '/', '/', '!',
    '(', '-', '.', '0', '5', 0x663, 0x2163, 0xBD, 0xB2, 0xE9, 0xC9, 0x1C5, 0x2B0, 0x4E2D, 0x3042,
    0x5D0, 0x301, 0x903, 0x20DD, 0x1F600, 0x1F3FD, 0x200D, 0xFE0F, 0x378, 0xE000, 0x10FFFF,
    0x1D400, 0x10400, 0x10428, 0x20000, 0x1F1FA, '_', '$', 0xAD, 0xFEFF, 0x0,
};

TEST(FastSplit, RandomStrings) {
  std::mt19937 rng(12345);
  const auto& newer = newer_than_pcre();
  std::uniform_int_distribution<size_t> pick(0, std::size(kPool) - 1);
  std::uniform_int_distribution<uint32_t> any(0, 0x10FFFF);
  std::uniform_int_distribution<int> len(0, 24), coin(0, 3);
  for (const Case& cs : kCases) {
    const Engines e = engines(cs);
    for (int t = 0; t < 20000; ++t) {
      std::string text;
      const int n = len(rng);
      for (int k = 0; k < n; ++k) {
        char32_t c;
        if (coin(rng) == 0) {
          do c = any(rng);
          while ((c >= 0xD800 && c <= 0xDFFF) || newer[c]);
        } else {
          c = kPool[pick(rng)];
        }
        utf8::append(text, c);
      }
      const Matches a = run(*e.pcre, text), b = run(*e.fast, text);
      ASSERT_EQ(a, b) << cs.name << " " << diff(text, a, b);
    }
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(FastSplit, GoldenInputs) {
  const std::string dir = std::string(TOKREC_GOLDEN_DIR) + "/";
  std::vector<std::string> texts;
  const auto manifest = nlohmann::json::parse(read_file(dir + "bpe/manifest.json"));
  for (const auto& in : manifest.at("inputs")) {
    const std::string file = in.at("file").get<std::string>();
    const std::string content = read_file(dir + file);
    if (file.size() > 5 && file.compare(file.size() - 5, 5, ".json") == 0) {
      for (const auto& s : nlohmann::json::parse(content)) texts.push_back(s.get<std::string>());
    } else {
      texts.push_back(content);  // whole file: newlines inside the text too
    }
  }
  ASSERT_FALSE(texts.empty());
  for (const Case& cs : kCases) {
    const Engines e = engines(cs);
    for (const std::string& t : texts) {
      const Matches a = run(*e.pcre, t), b = run(*e.fast, t);
      ASSERT_EQ(a, b) << cs.name << " " << diff(t, a, b);
    }
  }
}

}  // namespace
}  // namespace tokrec::tokenize
