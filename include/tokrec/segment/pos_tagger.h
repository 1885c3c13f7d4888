// Part-of-speech tagging with jieba.posseg 0.42.1 semantics:
//   - blocks are runs of [\u4E00-\u9FD5a-zA-Z0-9+#&._] (posseg's own class:
//     unlike jieba.cut, '%' and '-' are not block characters);
//   - dictionary words take their dict.txt tag (user-dictionary tags win),
//     other words 'x';
//   - with HMM, runs of single characters that are no dictionary word go
//     through posseg's joint (BMES x tag) Viterbi for Han text (its
//     char_state_tab/prob_start/prob_trans/prob_emit tables), digits and
//     dots are 'm', ASCII words 'eng'; without HMM consecutive single ASCII
//     letters/digits are glued and tagged 'eng';
//   - characters between blocks (punctuation, whitespace) are 'x'.
// A PosTagger is immutable and thread-safe; it shares its Segmenter's
// dictionary (so user-dictionary edits are made on the Segmenter first).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/segment/segmenter.h"

namespace tokrec::segment {

namespace detail {
struct PosModel;
}

struct TaggedWord {
  std::string word;
  std::string tag;
};

class PosTagger {
 public:
  // pos_dir holds posseg/{char_state_tab,prob_start,prob_trans,prob_emit}.py
  // as jieba ships them.
  static Result<std::shared_ptr<const PosTagger>> load(std::shared_ptr<const Segmenter> segmenter,
                                                       const std::string& pos_dir);
  // The same tables, another segmenter (e.g. after add_word).
  std::shared_ptr<const PosTagger> with_segmenter(std::shared_ptr<const Segmenter> segmenter) const;

  // jieba.posseg.lcut(text, HMM=hmm). Invalid UTF-8 is an error.
  Result<std::vector<TaggedWord>> cut(std::string_view text, bool hmm = true) const;

  const Segmenter& segmenter() const { return *segmenter_; }

  PosTagger(std::shared_ptr<const Segmenter> segmenter, std::shared_ptr<const detail::PosModel> model);

 private:
  std::shared_ptr<const Segmenter> segmenter_;
  std::shared_ptr<const detail::PosModel> model_;
};

}  // namespace tokrec::segment
