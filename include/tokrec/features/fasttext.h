// fastText .bin models (Facebook's fastText 0.9 format, read with Debian's
// libfasttext): word vectors for any word, in the vocabulary or not.
//
// vector(word) equals fastText's getWordVector(word):
//   in the vocabulary:  mean of the word's own row and its character n-gram rows
//   unknown word:       mean of its character n-gram rows (minn..maxn of "<word>",
//                       hashed into the model's buckets)
//   no n-gram at all:   zeros (an unknown word when the model has maxn = 0),
//                       and vector() returns false.
// .vec files (word2vec text with a "count dim" header, as fastText's
// saveVectors writes them) are plain WordVectors::load files; they only hold
// the vocabulary's vectors, so unknown words are absent there.
//
// A loaded model is immutable and thread-safe; copies share the model.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "tokrec/core/status.h"
#include "tokrec/features/pooling.h"
#include "tokrec/features/word_vectors.h"

namespace tokrec::features {

class FastTextVectors {
 public:
  // Errors: missing file, not a fastText model, a truncated or corrupt file.
  static Result<FastTextVectors> load(const std::string& path);

  size_t dim() const;
  size_t size() const;  // words in the model's vocabulary (labels excluded)
  std::string_view word(size_t i) const;
  bool contains(std::string_view word) const;

  // out.size() must equal dim() (a mismatch is a bug and aborts). Returns
  // false when the word has no vocabulary entry and no n-gram (out = zeros).
  bool vector(std::string_view word, std::span<float> out) const;

  // The vocabulary's vectors as a WordVectors table (row i = word(i)), e.g.
  // to save a binary cache; unknown words are then absent.
  WordVectors vocabulary_vectors() const;

  // A pooling lookup that never misses a word with n-grams: the pointer it
  // returns is a per-thread buffer, valid until the next call on that thread.
  VectorLookup lookup() const;

 private:
  struct Model;
  explicit FastTextVectors(std::shared_ptr<const Model> model) : model_(std::move(model)) {}
  std::shared_ptr<const Model> model_;
};

}  // namespace tokrec::features
