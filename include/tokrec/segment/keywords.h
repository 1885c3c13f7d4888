// Keyword extraction with jieba.analyse 0.42.1 semantics.
//
// TF-IDF (jieba.analyse.extract_tags): words of the accurate HMM cut (or of
// posseg when allow_pos is given, keeping words whose tag is listed); words
// shorter than 2 code points after strip() and stop words (compared
// lowercased) are dropped; weight = count * (idf / total count), idf from
// idf.txt and the median idf for unknown words. Sorted by weight, ties in
// first-occurrence order (Python's stable sort).
//
// TextRank (jieba.analyse.textrank): posseg words passing the tag filter
// (default ns, n, vn, v), length and stop-word checks; co-occurrence within
// a window of 5 words; undirected weighted graph ranked with damping 0.85 for
// 10 iterations over nodes in sorted order; weights scaled as jieba does
// (w - min/10) / (max - min/10). Ties in first-appearance order.
//
// Stop words: jieba.analyse's short English list unless a list is given.
// A KeywordExtractor is immutable and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/segment/pos_tagger.h"

namespace tokrec::segment {

struct Keyword {
  std::string word;
  double weight = 0;
};

class KeywordExtractor {
 public:
  // idf_path: jieba's analyse/idf.txt format ("word idf" per line).
  static Result<std::shared_ptr<const KeywordExtractor>> load(std::shared_ptr<const PosTagger> tagger,
                                                              const std::string& idf_path);
  // Same idf table, other stop words (replacing the current list).
  std::shared_ptr<const KeywordExtractor> with_stop_words(
      std::unordered_set<std::string> stop_words) const;

  // top_k 0 = all (jieba: a falsy topK). Invalid UTF-8 is an error.
  Result<std::vector<Keyword>> tfidf(std::string_view text, size_t top_k = 20,
                                     const std::vector<std::string>& allow_pos = {}) const;
  Result<std::vector<Keyword>> textrank(std::string_view text, size_t top_k = 20,
                                        const std::vector<std::string>& allow_pos = {
                                            "ns", "n", "vn", "v"}) const;

  double median_idf() const { return median_idf_; }
  // jieba.analyse's KeywordExtractor.STOP_WORDS.
  static const std::unordered_set<std::string>& jieba_stop_words();

  KeywordExtractor(std::shared_ptr<const PosTagger> tagger,
                   std::shared_ptr<const std::unordered_map<std::string, double>> idf,
                   double median_idf, std::unordered_set<std::string> stop_words);

 private:
  bool keep(std::string_view word) const;

  std::shared_ptr<const PosTagger> tagger_;
  std::shared_ptr<const std::unordered_map<std::string, double>> idf_;
  double median_idf_ = 0;
  std::unordered_set<std::string> stop_words_;
};

// Python's str.strip() (Unicode whitespace) and str.lower() (per code point;
// utf8proc's simple lowercase mapping).
std::string_view py_strip(std::string_view s);
std::string py_lower(std::string_view s);

}  // namespace tokrec::segment
