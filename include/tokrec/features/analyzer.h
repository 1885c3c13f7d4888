// Analyzers: text -> the terms a vectorizer counts.
//
// scikit-learn's analyzers, with its exact semantics (sklearn 1.2,
// sklearn/feature_extraction/text.py):
//   kWord    preprocess (lowercase: Python str.lower, full case mapping incl.
//            "İ" -> "i̇" and final sigma) -> tokens = token_pattern
//            (?u)\b\w\w+\b, i.e. maximal runs of >= 2 Python-\w code points
//            (\w = str.isalnum() or "_": categories L* and N*; marks are NOT
//            \w, as in Python) -> drop stop words -> word n-grams joined by " ".
//   kChar    preprocess -> runs of >= 2 Python-whitespace code points become
//            one " " (a single tab stays a tab) -> code-point n-grams over the
//            whole text, spaces included, no padding.
//   kCharWb  preprocess -> str.split() words -> each word padded " w " ->
//            code-point n-grams inside it; a padded word shorter than or as
//            long as n is counted once and ends the n loop (sklearn's quirk).
// tokrec's own (lowercase applies when asked; n-grams join with " "):
//   kWhitespace  str.split() words.
//   kTokenizer   the tokens (pieces, or ids as decimal strings) of a tokrec
//                tokenizer, no special tokens. With a segmenter set, the
//                text is segmented first (e.g. jieba words) and each word is
//                tokenized on its own (pre-segmentation).
//   kSegmenter   words of a caller-given segmenter (the hook for jieba: the
//                CLI plugs the segment module in here), whitespace-only words
//                dropped.
//
// An Analyzer is immutable and thread-safe. Input must be valid UTF-8.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::tokenize {
class Tokenizer;
}

namespace tokrec::features {

enum class AnalyzerKind { kWord, kChar, kCharWb, kWhitespace, kTokenizer, kSegmenter };

// "word", "char", "char_wb", "whitespace", "tokenizer", "jieba" (= kSegmenter).
Result<AnalyzerKind> parse_analyzer_kind(std::string_view name);
std::string_view analyzer_kind_name(AnalyzerKind kind);

// Terms of one document, stored back to back in one buffer (no allocation per
// term once warmed up). Term i is blob[ends[i-1] .. ends[i]).
struct Terms {
  std::string blob;
  std::vector<uint32_t> ends;

  size_t size() const { return ends.size(); }
  bool empty() const { return ends.empty(); }
  std::string_view operator[](size_t i) const {
    size_t b = i == 0 ? 0 : ends[i - 1];
    return std::string_view(blob).substr(b, ends[i] - b);
  }
  void clear() {
    blob.clear();
    ends.clear();
  }
  void push(std::string_view t) {
    blob.append(t);
    ends.push_back(static_cast<uint32_t>(blob.size()));
  }
  std::vector<std::string> to_vector() const;
};

// Splits a text into words (the jieba hook). Appends to `out`.
using Segmenter = std::function<Status(std::string_view text, std::vector<std::string>& out)>;

struct AnalyzerOptions {
  AnalyzerKind kind = AnalyzerKind::kWord;
  bool lowercase = true;  // sklearn's default; applied before tokenizing
  size_t ngram_min = 1, ngram_max = 1;
  // Terms dropped before n-grams (kWord, kWhitespace, kTokenizer, kSegmenter;
  // sklearn applies stop words to the word analyzer only).
  std::vector<std::string> stop_words;
  // kTokenizer: the tokenizer, and whether terms are ids (decimal) or pieces.
  std::shared_ptr<const tokenize::Tokenizer> tokenizer;
  bool token_ids = false;
  // kSegmenter: the word segmenter (required). kTokenizer: optional
  // pre-segmentation. A segmenter may also return POS tags instead of words
  // (the CLI's "pos" analyzer: a bag of POS tags as features).
  Segmenter segmenter;
};

// scikit-learn's ENGLISH_STOP_WORDS (318 words), for stop_words="english".
const std::vector<std::string>& english_stop_words();

class Analyzer {
 public:
  // Errors: ngram_min < 1 or > ngram_max; kTokenizer without a tokenizer;
  // kSegmenter without a segmenter.
  static Result<Analyzer> create(AnalyzerOptions options);

  // Replaces `out` with the terms of `text`. Invalid UTF-8 -> InvalidArgument.
  Status analyze(std::string_view text, Terms& out) const;
  Result<std::vector<std::string>> analyze(std::string_view text) const;

  const AnalyzerOptions& options() const { return *options_; }

 private:
  struct State;
  explicit Analyzer(std::shared_ptr<const State> state, std::shared_ptr<const AnalyzerOptions> options)
      : state_(std::move(state)), options_(std::move(options)) {}
  std::shared_ptr<const State> state_;
  std::shared_ptr<const AnalyzerOptions> options_;
};

// Python's str.lower() (full case mapping, final sigma) of valid UTF-8.
void python_lower(std::string_view text, std::string& out);
// Python's re \w (Unicode) and str.isspace() for one code point.
bool python_is_word(char32_t c);
bool python_is_space(char32_t c);

}  // namespace tokrec::features
