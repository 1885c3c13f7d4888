#include "tokenize/added_vocabulary.h"

#include <algorithm>
#include <cstring>

#include "tokenize/normalizer.h"
#include "tokenize/unicode_props.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

// Last code point of valid UTF-8 `s` (non-empty).
char32_t last_char(std::string_view s) {
  size_t i = s.size() - 1;
  while (i > 0 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return utf8::decode(s, i);
}

}  // namespace

AddedVocabulary::AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer)
    : tokens_(std::move(tokens)) {
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const AddedToken& t = tokens_[i];
    if (t.content.empty()) continue;
    if (t.normalized && normalizer != nullptr) {
      std::string pattern;
      normalizer->normalize(t.content, pattern);
      if (!pattern.empty()) normalized_.add(pattern, static_cast<int32_t>(i));
    } else if (t.normalized) {
      normalized_.add(t.content, static_cast<int32_t>(i));
    } else {
      raw_.add(t.content, static_cast<int32_t>(i));
    }
  }
}

uint32_t AddedVocabulary::Matcher::child(uint32_t node, unsigned char b) const {
  for (const auto& [byte, next] : nodes_[node].children)
    if (byte == b) return next;
  return 0;  // the root is never a child, so 0 means "none"
}

void AddedVocabulary::Matcher::add(std::string_view pattern, int32_t token_index) {
  if (nodes_.empty()) nodes_.emplace_back();
  uint32_t node = 0;
  for (char ch : pattern) {
    const auto b = static_cast<unsigned char>(ch);
    uint32_t next = child(node, b);
    if (next == 0) {
      next = static_cast<uint32_t>(nodes_.size());
      nodes_.emplace_back();
      nodes_[node].children.emplace_back(b, next);
    }
    node = next;
  }
  // Two tokens with one pattern (possible after normalization): the first wins.
  if (nodes_[node].token < 0) nodes_[node].token = token_index;
  const auto first = static_cast<unsigned char>(pattern[0]);
  if (!has_any_) only_first_byte_ = first;
  else if (only_first_byte_ != first) only_first_byte_ = -1;
  first_byte_[first] = true;
  has_any_ = true;
}

void AddedVocabulary::Matcher::split(std::string_view text, const std::vector<AddedToken>& tokens,
                                     std::vector<TextSplit>& out) const {
  auto push_text = [&](size_t from, size_t to) {
    if (to > from) out.push_back({-1, text.substr(from, to - from)});
  };
  if (!has_any_) {
    push_text(0, text.size());
    return;
  }
  const size_t n = text.size();
  size_t emitted = 0;  // HF's start_offset: end of the last accepted match
  size_t pos = 0;
  while (pos < n) {
    if (only_first_byte_ >= 0) {
      const void* hit = std::memchr(text.data() + pos, only_first_byte_, n - pos);
      if (hit == nullptr) break;
      pos = static_cast<size_t>(static_cast<const char*>(hit) - text.data());
    } else if (!first_byte_[static_cast<unsigned char>(text[pos])]) {
      ++pos;
      continue;
    }
    // Longest pattern starting at pos.
    uint32_t node = 0;
    int32_t best = -1;
    size_t best_end = 0;
    for (size_t i = pos; i < n; ++i) {
      node = child(node, static_cast<unsigned char>(text[i]));
      if (node == 0) break;
      if (nodes_[node].token >= 0) {
        best = nodes_[node].token;
        best_end = i + 1;
      }
    }
    if (best < 0) {
      ++pos;
      continue;
    }
    size_t start = pos;
    size_t stop = best_end;
    pos = best_end;  // matches never overlap, even a rejected one (as aho-corasick's find_iter)
    const AddedToken& tok = tokens[static_cast<size_t>(best)];
    if (tok.single_word) {
      const bool start_ok = start == 0 || !unicode::is_word_char(last_char(text.substr(0, start)));
      size_t after = stop;
      const bool stop_ok = stop == n || !unicode::is_word_char(utf8::decode(text, after));
      if (!start_ok || !stop_ok) continue;
    }
    if (tok.lstrip) {
      size_t s = start;
      while (s > 0) {
        size_t k = s - 1;
        while (k > 0 && (static_cast<unsigned char>(text[k]) & 0xC0) == 0x80) --k;
        size_t tmp = k;
        if (!unicode::is_white_space(utf8::decode(text, tmp))) break;
        s = k;
      }
      start = std::max(s, emitted);
    }
    if (tok.rstrip) {
      while (stop < n) {
        size_t tmp = stop;
        if (!unicode::is_white_space(utf8::decode(text, tmp))) break;
        stop = tmp;
      }
      pos = stop;
    }
    push_text(emitted, start);
    out.push_back({tok.id, text.substr(start, stop - start)});
    emitted = stop;
  }
  push_text(emitted, n);
}

}  // namespace tokrec::tokenize
