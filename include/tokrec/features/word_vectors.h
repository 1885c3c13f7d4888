// Pre-trained word vectors (GloVe, word2vec text format), read once and then
// shared read-only.
//
// Formats (detected from the first line unless forced):
//   GloVe:    "word v1 ... vd" on every line, no header; d = fields - 1 of line 1.
//   word2vec: header "count dim", then "word v1 ... vd" lines (count of them).
// Files ending in .gz are decompressed on the fly. Fields are separated by
// spaces or tabs; blank lines are skipped. A line with the wrong number of
// values or a value that is not a number is a parse error naming file and line.
// A word seen twice: find() returns its first vector; both rows stay, in file order.
//
// Layout: row i is the `dim()` floats at row(i); rows are contiguous
// (component j of vector i is data[i * dim + j]).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "tokrec/core/status.h"

namespace tokrec::features {

enum class VectorFormat { kAuto, kGlove, kWord2Vec };

struct WordVectorLoadOptions {
  size_t max_words = 0;  // keep the first N words of the file; 0 = all
  VectorFormat format = VectorFormat::kAuto;
};

class WordVectors {
 public:
  static Result<WordVectors> load(const std::string& path, const WordVectorLoadOptions& options = {});

  size_t dim() const;
  size_t size() const;  // number of words
  // The word's vector (dim() floats), or nullptr when the word is absent.
  const float* find(std::string_view word) const;
  std::string_view word(size_t i) const;
  const float* row(size_t i) const;

  struct Table;  // storage, defined in the .cc; shared by copies

 private:
  explicit WordVectors(std::shared_ptr<const Table> table) : table_(std::move(table)) {}
  std::shared_ptr<const Table> table_;
};

}  // namespace tokrec::features
