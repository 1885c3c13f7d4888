// SentencePiece's precompiled normalization rules (`precompiled_charsmap`,
// the NormalizerSpec field of a .model and HF's "Precompiled" normalizer).
//
// Blob layout (little endian): uint32 trie_size | trie_size bytes of a
// darts-clone double-array trie (uint32 units) | the replacement strings,
// each ending with '\0'. A trie key is a UTF-8 input sequence; its value is
// the byte offset of its replacement in the string block.
//
// Two callers read the same rules differently:
//  * sentencepiece's Normalizer::NormalizePrefix takes the LONGEST rule that
//    is a prefix of the remaining input (longest_prefix);
//  * HF's Precompiled normalizer (spm_precompiled 0.1.4) cuts the text into
//    extended grapheme clusters and replaces a whole cluster shorter than 6
//    bytes by the FIRST (shortest) rule that is a prefix of it, else each
//    char by its first rule (shortest_prefix). The HF comment calls this
//    weird but it is what its ids follow, so tokrec does the same.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::tokenize {

class Normalizer;

class PrecompiledCharsmap {
 public:
  // Copies `blob`. Fails on a blob too short for its declared trie.
  static Result<std::shared_ptr<const PrecompiledCharsmap>> parse(std::string_view blob);

  // Replacement of the shortest rule that prefixes `chunk` (search stops at
  // a NUL byte, as both references do); nullopt when none.
  std::optional<std::string_view> shortest_prefix(std::string_view chunk) const;
  // Length of the longest rule that prefixes `input` (0 = none) and its
  // replacement.
  size_t longest_prefix(std::string_view input, std::string_view* replacement) const;

  size_t num_units() const { return units_.size(); }

 private:
  // Walks the trie along `key`; calls on_match(length, value) at each rule.
  template <typename F>
  void walk(std::string_view key, F&& on_match) const;
  std::string_view replacement_at(uint32_t offset) const;

  std::vector<uint32_t> units_;
  std::string strings_;
};

// HF "Precompiled" normalizer (grapheme semantics above).
std::unique_ptr<Normalizer> make_precompiled_normalizer(
    std::shared_ptr<const PrecompiledCharsmap> charsmap);


}  // namespace tokrec::tokenize
