// Added tokens (HF tokenizers' AddedVocabulary): strings such as [CLS] or
// [MASK] that are cut out of the text before the normalizer runs and become
// their own token, whatever add_special_tokens says. Matching is
// leftmost-longest and non-overlapping, as HF's aho-corasick does it; tokens
// marked `normalized` are matched afterwards, on the normalized pieces.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::tokenize {

class Normalizer;

struct AddedToken {
  std::string content;
  int32_t id = -1;
  bool single_word = false;
  bool lstrip = false;
  bool rstrip = false;
  bool normalized = false;
  bool special = true;
};

// A piece of text: a matched added token (id >= 0) or plain text (id == -1).
struct TextSplit {
  int32_t id;
  std::string_view text;
};

class AddedVocabulary {
 public:
  AddedVocabulary() = default;
  // `normalizer` (may be null) normalizes the patterns of `normalized` tokens.
  AddedVocabulary(std::vector<AddedToken> tokens, const Normalizer* normalizer);

  const std::vector<AddedToken>& tokens() const { return tokens_; }
  bool empty() const { return tokens_.empty(); }
  bool has_normalized() const { return normalized_.has_patterns(); }

  // Split `text` on the non-normalized tokens; appends to `out` (empty
  // pieces dropped).
  void split_raw(std::string_view text, std::vector<TextSplit>& out) const {
    raw_.split(text, tokens_, out);
  }
  // Split already-normalized text on the normalized tokens.
  void split_normalized(std::string_view text, std::vector<TextSplit>& out) const {
    normalized_.split(text, tokens_, out);
  }

 private:
  // A byte trie over the patterns, scanned from every position.
  class Matcher {
   public:
    void add(std::string_view pattern, int32_t token_index);
    bool has_patterns() const { return !nodes_.empty() && has_any_; }
    void split(std::string_view text, const std::vector<AddedToken>& tokens,
               std::vector<TextSplit>& out) const;

   private:
    struct Node {
      std::vector<std::pair<unsigned char, uint32_t>> children;
      int32_t token = -1;  // index into tokens_ of the pattern ending here
    };
    uint32_t child(uint32_t node, unsigned char b) const;
    std::vector<Node> nodes_;
    bool first_byte_[256] = {};
    // The one byte every pattern starts with ('[' for BERT's, '<' for most
    // others), or -1: then candidates are found with memchr.
    int only_first_byte_ = -1;
    bool has_any_ = false;
  };

  std::vector<AddedToken> tokens_;
  Matcher raw_;
  Matcher normalized_;
};

}  // namespace tokrec::tokenize
