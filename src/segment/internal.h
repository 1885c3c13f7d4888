// Private pieces of the jieba segmenter shared by segmenter.cc, pos_tagger.cc
// and keywords.cc: character classes, the prefix dictionary, the finalseg HMM.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::segment::detail {

// jieba's MIN_FLOAT: the log-probability of an unseen emission/transition.
inline constexpr double kMinFloat = -3.14e100;

// Python's str.isspace() (= re's \s on str patterns).
inline bool is_py_space(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  return c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 ||
         c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}
inline bool is_han(char32_t c) { return c >= 0x4E00 && c <= 0x9FD5; }
inline bool is_ascii_alnum(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
inline bool is_ascii_digit(char32_t c) { return c >= '0' && c <= '9'; }
// re_han_default: [\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]
inline bool is_block_char(char32_t c) {
  return is_han(c) || is_ascii_alnum(c) || c == '+' || c == '#' || c == '&' || c == '.' ||
         c == '_' || c == '%' || c == '-';
}
// posseg's re_han_internal: [\u4E00-\u9FD5a-zA-Z0-9+#&\._] (no % and -).
inline bool is_pos_block_char(char32_t c) {
  return is_han(c) || is_ascii_alnum(c) || c == '+' || c == '#' || c == '&' || c == '.' ||
         c == '_';
}

// jieba's FREQ as a trie: a node exists exactly when FREQ has the key (every
// prefix of every word), with that key's frequency (0 for prefixes and
// deleted words). Children live in one open-addressing table keyed by
// (node, code point), so copying a dictionary for an edit is two vector copies.
class Trie {
 public:
  static constexpr uint32_t kNone = 0xFFFFFFFFu;
  static constexpr uint32_t kRoot = 0;

  Trie();
  uint32_t child(uint32_t node, char32_t c) const {
    if (node == kRoot && c < kRootDirect) return root_[c];
    uint64_t key = make_key(node, c);
    size_t mask = slots_.size() - 1;
    for (size_t i = hash(key) & mask;; i = (i + 1) & mask) {
      const Slot& sl = slots_[i];
      if (sl.key == key) return sl.val;
      if (sl.key == 0) return kNone;
    }
  }
  // Node for s, or kNone.
  uint32_t find(const char32_t* s, size_t n) const {
    uint32_t node = kRoot;
    for (size_t i = 0; i < n && node != kNone; ++i) node = child(node, s[i]);
    return node;
  }
  // Node for s, creating missing prefixes with frequency 0.
  uint32_t insert(const char32_t* s, size_t n);

  int64_t freq(uint32_t node) const { return freq_[node]; }
  // log(freq or 1): the word score of jieba's calc().
  double log_freq(uint32_t node) const { return log_freq_[node]; }
  void set_freq(uint32_t node, int64_t f) {
    freq_[node] = f;
    log_freq_[node] = std::log(static_cast<double>(f != 0 ? f : 1));
  }
  uint16_t tag(uint32_t node) const { return tag_[node]; }
  void set_tag(uint32_t node, uint16_t t) { tag_[node] = t; }
  size_t size() const { return freq_.size(); }

 private:
  static uint64_t make_key(uint32_t node, char32_t c) {
    return ((static_cast<uint64_t>(node) + 1) << 21) | static_cast<uint64_t>(c);
  }
  static size_t hash(uint64_t k) { return static_cast<size_t>((k * 0x9E3779B97F4A7C15ull) >> 20); }
  void grow();

  // Children of the root below U+10000 (all of the BMP Han) are looked up
  // directly: the first step of every DAG walk.
  static constexpr char32_t kRootDirect = 0x10000;
  struct Slot {
    uint64_t key;  // 0 = empty
    uint32_t val;
  };
  std::vector<uint32_t> root_;
  std::vector<Slot> slots_;  // key and value side by side: one cache line per probe
  size_t used_ = 0;
  std::vector<int64_t> freq_;
  std::vector<double> log_freq_;
  std::vector<uint16_t> tag_;  // index into Dictionary::tag_names, 0 = none
};

struct Dictionary {
  Trie trie;
  int64_t total = 0;
  double log_total = 0;                   // log(total), jieba's logtotal
  std::vector<std::string> tag_names{""};  // POS tags of words (posseg word_tag_tab)
  std::unordered_set<std::u32string> force_split;  // finalseg.Force_Split_Words

  uint16_t tag_id(const std::string& tag);
  // FREQ.get(word) truthiness: a word with a nonzero frequency.
  bool is_word(const char32_t* s, size_t n) const {
    uint32_t node = trie.find(s, n);
    return node != Trie::kNone && trie.freq(node) != 0;
  }
  // jieba add_word without the suggest_freq default.
  void add_word(const std::u32string& word, int64_t freq, const std::string& tag);
};

// finalseg tables. States in index order B, E, M, S (= Python's string order,
// which decides ties in max()).
struct HmmModel {
  std::array<double, 4> start{};
  std::array<std::array<double, 4>, 4> trans{};  // kMinFloat where jieba has no entry
  std::unordered_map<char32_t, std::array<double, 4>> emit;
};

Result<HmmModel> load_hmm(const std::string& dir);

// Python literal values as found in jieba's table modules (P = {...}).
struct PyValue {
  enum class Kind { kStr, kNum, kTuple, kDict } kind = Kind::kNum;
  std::u32string str;
  double num = 0;
  std::vector<PyValue> items;  // tuple items; dict keys and values alternating
};
// Parse the file's `P=` value. Errors name the file and byte offset.
Result<PyValue> load_py_table(const std::string& path);

// jieba's calc(): route[i] = best (score, end) from position i of s[0..n).
struct RouteStep {
  double score;
  uint32_t end;  // inclusive index of the word's last character
};
void calc_route(const Dictionary& d, const char32_t* s, size_t n, std::vector<RouteStep>& route);

// The finalseg Viterbi over a Han run: state index per character.
void hmm_viterbi(const HmmModel& m, const char32_t* s, size_t n, std::vector<uint8_t>& states);

}  // namespace tokrec::segment::detail
