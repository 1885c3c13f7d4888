// Cleaning and stop words for Chinese and English text, as pipeline stages
// around the jieba segmenter:
//
//   raw text -> TextCleaner (full-width -> half-width folding, URL and emoji
//   handling) -> Segmenter (jieba words) -> StopWords filter -> words
//
// Each stage is usable alone; SegmentPipeline chains them. All stages are
// immutable and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/segment/segmenter.h"

namespace tokrec::segment {

enum class SpanAction { kKeep, kRemove, kReplace };

struct CleanOptions {
  // U+FF01..U+FF5E -> U+0021..U+007E and U+3000 -> ' ' (NFKC's width folding
  // for the ASCII block only; other full-width forms are left alone).
  bool fold_fullwidth = true;
  // http(s)://... and www.... runs (up to whitespace or a non-ASCII character).
  SpanAction urls = SpanAction::kKeep;
  std::string url_replacement = " ";
  // Emoji: Extended_Pictographic code points, regional indicators, with their
  // modifiers (skin tones, VS16, ZWJ sequences) taken along.
  SpanAction emoji = SpanAction::kKeep;
  std::string emoji_replacement = " ";
};

// Input must be valid UTF-8 (invalid input is an error).
Result<std::string> clean_text(std::string_view text, const CleanOptions& options);

// The single steps.
std::string fold_fullwidth(std::string_view utf8);
bool is_emoji(char32_t c);

class StopWords {
 public:
  StopWords() = default;
  explicit StopWords(std::unordered_set<std::string> words) : words_(std::move(words)) {}
  // One word per line (UTF-8, surrounding whitespace trimmed, blank lines
  // skipped), e.g. data/cache/zh/cppjieba/stop_words.utf8.
  static Result<StopWords> load(const std::string& path);
  // A built-in English list (function words; written for tokrec).
  static StopWords english();
  // jieba.analyse's English list (KeywordExtractor.STOP_WORDS).
  static StopWords jieba_analyse();

  StopWords merged(const StopWords& other) const;
  // Matching is exact; with lowercase=true the word is lowercased first.
  bool contains(std::string_view word, bool lowercase = true) const;
  std::vector<std::string> filter(std::vector<std::string> words, bool lowercase = true) const;
  size_t size() const { return words_.size(); }

 private:
  std::unordered_set<std::string> words_;
};

struct PipelineOptions {
  CleanOptions clean;
  bool clean_enabled = true;
  Mode mode = Mode::kAccurate;
  bool hmm = true;
  bool drop_blank = true;  // drop empty / whitespace-only words
  std::shared_ptr<const StopWords> stop_words;  // null = none
};

// clean -> segment -> stop words: the "jieba" analyzer of word-level
// vectorizers, or a pre-tokenization step before an LLM tokenizer.
class SegmentPipeline {
 public:
  SegmentPipeline(std::shared_ptr<const Segmenter> segmenter, PipelineOptions options)
      : segmenter_(std::move(segmenter)), options_(std::move(options)) {}
  Result<std::vector<std::string>> words(std::string_view text) const;

 private:
  std::shared_ptr<const Segmenter> segmenter_;
  PipelineOptions options_;
};

}  // namespace tokrec::segment
