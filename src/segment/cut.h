// The jieba cutting algorithms over decoded text (code points), shared by
// Segmenter (cut, tokenize, suggest_freq) while a dictionary is being edited.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "segment/internal.h"
#include "tokrec/segment/segmenter.h"

namespace tokrec::segment::detail {

// Text decoded once: code points and the byte offset of each (plus the end).
struct Decoded {
  std::u32string cps;
  std::vector<uint32_t> off;
};
// Input must be valid UTF-8.
void decode(std::string_view text, Decoded& d);

// A word: code-point span [a, b) of the decoded text, or (full mode only,
// where jieba glues non-adjacent ASCII pieces) an owned string when a == b
// and `owned` >= 0 indexes CutOutput::owned.
struct Span {
  uint32_t a, b;
  int32_t owned = -1;
};
struct CutOutput {
  std::vector<Span> spans;
  std::vector<std::string> owned;
};

// jieba Tokenizer.cut / cut_for_search. hmm needs `hmm_model` non-null.
void cut_decoded(const Dictionary& dict, const HmmModel* hmm_model, const Decoded& d, Mode mode,
                 bool hmm, CutOutput& out);

// Split [0, n) of `cps` into runs of `in_block` characters and the runs in
// between; calls block(a, b) and gap(a, b) in order.
template <typename InBlock, typename Block, typename Gap>
void split_blocks(const char32_t* cps, size_t n, InBlock in_block, Block block, Gap gap) {
  size_t i = 0;
  while (i < n) {
    bool inside = in_block(cps[i]);
    size_t j = i + 1;
    while (j < n && in_block(cps[j]) == inside) ++j;
    if (inside) {
      block(i, j);
    } else {
      gap(i, j);
    }
    i = j;
  }
}

}  // namespace tokrec::segment::detail
