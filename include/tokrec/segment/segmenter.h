// Chinese word segmentation with jieba 0.42.1 semantics, word for word.
//
// What jieba does, and so what this does:
//   1. The text is split into blocks of [\u4E00-\u9FD5a-zA-Z0-9+#&._%-] and
//      the runs between them. Between-runs are cut at whitespace (\r\n is one
//      piece; "whitespace" is Python's str.isspace set, U+3000 included).
//      Accurate and search modes yield every other character of a between-run
//      on its own; full mode yields the non-whitespace pieces whole, and also
//      the empty pieces Python's re.split leaves around whitespace ("" words:
//      kept here so that lists match jieba's exactly; the CLI drops them).
//   2. Inside a block: the DAG of dictionary words (every prefix of a
//      dictionary word is known; words of frequency 0 are not words), the
//      maximum-probability route with score log(freq) - log(total) (ties go to
//      the longer word, as Python's max over (score, end) tuples does).
//   3. Accurate + HMM: runs of single characters on the route that do not
//      form a dictionary word go through the finalseg BMES Viterbi (Han runs)
//      and jieba's [a-zA-Z0-9]+(\.\d+)?%? split (the rest). Without HMM,
//      consecutive single ASCII letters/digits are glued together.
//   4. Full mode: every dictionary word of the DAG; search mode: accurate
//      words preceded by their dictionary 2-grams and 3-grams.
//
// A Segmenter is immutable and thread-safe. jieba mutates its dictionary
// (add_word, del_word, load_userdict, suggest_freq(tune=True)); here each of
// those returns a NEW Segmenter and leaves the old one untouched, so a loaded
// segmenter can be shared by threads without locks. Edits apply in order with
// jieba's exact arithmetic (the total frequency grows by every added freq,
// deleted words are force-split in HMM output, ...).
//
// Offsets in Token are code-point offsets (what jieba.tokenize reports) plus
// byte offsets into the UTF-8 input.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::segment {

namespace detail {
struct Dictionary;
struct HmmModel;
}  // namespace detail

enum class Mode { kAccurate, kFull, kSearch };

// Parse "accurate" / "full" / "search".
Result<Mode> parse_mode(std::string_view name);

struct SegmenterOptions {
  // jieba's dict.txt format: "word freq [tag]" per line (space separated).
  std::string dict_path;
  // Folder holding jieba's finalseg/prob_start.py, prob_trans.py, prob_emit.py
  // (read as the Python literals jieba ships; see docs/segment.md).
  // Empty: no HMM; cutting with hmm=true is then an error.
  std::string hmm_dir;
  // User dictionaries loaded in order (jieba.load_userdict format:
  // "word [freq] [tag]", freq defaults to suggest_freq(word)).
  std::vector<std::string> user_dict_paths;

  // dict_path = DIR/dict.txt, hmm_dir = DIR/finalseg: the layout of jieba's
  // package folder and of data/cache/zh/jieba.
  static SegmenterOptions from_dir(const std::string& dir);
};

struct Token {
  std::string word;
  size_t start = 0;  // code points, as jieba.tokenize
  size_t end = 0;
  size_t byte_start = 0;  // bytes into the UTF-8 input
  size_t byte_end = 0;
};

// One jieba.add_word call: freq unset = suggest_freq(word); tag "" = none.
struct WordEdit {
  std::string word;
  std::optional<int64_t> freq;
  std::string tag;
};

class Segmenter {
 public:
  static Result<std::shared_ptr<const Segmenter>> load(const SegmenterOptions& options);

  // jieba.lcut(text, cut_all=(mode==kFull), HMM=hmm) or lcut_for_search.
  // Invalid UTF-8 is an error. hmm=true needs the HMM tables (full mode
  // ignores hmm, as jieba does).
  Result<std::vector<std::string>> cut(std::string_view text, Mode mode = Mode::kAccurate,
                                       bool hmm = true) const;
  // jieba.tokenize(text, mode="default"|"search", HMM=hmm). kFull is an error
  // (jieba has no full-mode tokenize).
  Result<std::vector<Token>> tokenize(std::string_view text, Mode mode = Mode::kAccurate,
                                      bool hmm = true) const;

  // Dictionary edits: each returns a new segmenter (see top comment).
  Result<std::shared_ptr<const Segmenter>> add_words(const std::vector<WordEdit>& edits) const;
  Result<std::shared_ptr<const Segmenter>> add_word(std::string_view word,
                                                    std::optional<int64_t> freq = std::nullopt,
                                                    std::string_view tag = {}) const;
  // jieba.del_word = add_word(word, 0).
  Result<std::shared_ptr<const Segmenter>> del_word(std::string_view word) const;
  Result<std::shared_ptr<const Segmenter>> load_user_dict(const std::string& path) const;
  // jieba.suggest_freq(word) (keep the word whole) and
  // suggest_freq(tuple(segments)) (cut it into these pieces), tune=False.
  // Pair with add_word(word, freq) for tune=True.
  Result<int64_t> suggest_freq(std::string_view word) const;
  Result<int64_t> suggest_freq(const std::vector<std::string>& segments) const;

  // Dictionary frequency of a word (0 for prefixes and deleted words),
  // nullopt when jieba's FREQ has no entry.
  std::optional<int64_t> frequency(std::string_view word) const;
  int64_t total() const;
  bool has_hmm() const { return hmm_ != nullptr; }

  // Internals shared with PosTagger and KeywordExtractor.
  const detail::Dictionary& dictionary() const { return *dict_; }
  const detail::HmmModel* hmm_model() const { return hmm_.get(); }

  Segmenter(std::shared_ptr<const detail::Dictionary> dict,
            std::shared_ptr<const detail::HmmModel> hmm);

 private:
  std::shared_ptr<const detail::Dictionary> dict_;
  std::shared_ptr<const detail::HmmModel> hmm_;
};

// Where jieba's files are looked for when no path is given: $TOKREC_JIEBA_DIR,
// $TOKREC_CACHE_DATA/zh/jieba, data/cache/zh/jieba (relative to the working
// folder), then Debian's python3-jieba package folder. "" when none has a
// dict.txt.
std::string default_jieba_dir();

// Analyzer hook for word-level vectorizers (features::TfidfVectorizer takes
// pre-tokenized documents): the words of `text`, accurate mode, with
// empty/whitespace-only words removed. Invalid UTF-8 yields no words.
std::vector<std::string> jieba_words(const Segmenter& segmenter, std::string_view text,
                                     bool hmm = true);

// True for "" and strings made only of Python-isspace characters.
bool is_blank(std::string_view word);

}  // namespace tokrec::segment
