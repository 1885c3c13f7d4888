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
//
// Binary cache (docs/features.md, "Word-vector binary cache"): save_binary()
// writes the table in tokrec's own format (magic "TOKRECWV"); load() detects
// that magic and memory-maps the file read-only instead of parsing text, so a
// 100k x 100 table loads in milliseconds. WordVectorLoadOptions::cache_path
// makes load() of a text file read/write such a cache automatically.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::features {

// kAuto: binary cache when the file starts with the cache magic, else
// word2vec when line 1 is "count dim", else GloVe.
enum class VectorFormat { kAuto, kGlove, kWord2Vec, kBinary };

struct WordVectorLoadOptions {
  size_t max_words = 0;  // keep the first N words of the file; 0 = all
  VectorFormat format = VectorFormat::kAuto;
  // When non-empty and the loaded file is text: if cache_path holds a valid
  // binary cache made from the same source (same size, mtime, max_words), map
  // it; otherwise parse the text and write the cache there (atomically, via a
  // temporary file + rename). A failure to write the cache is an error. Point
  // it at a writable place of your own (e.g. "<copy>.tokrec-cache" in a build
  // or cache folder) -- never next to read-only shared data.
  std::string cache_path;
};

class WordVectors {
 public:
  static Result<WordVectors> load(const std::string& path, const WordVectorLoadOptions& options = {});

  // A table from rows in memory: data holds words.size() * dim floats, row i
  // for words[i]. Errors: dim == 0 or a size mismatch.
  static Result<WordVectors> from_rows(const std::vector<std::string>& words, std::vector<float> data, size_t dim);

  // Writes the table in the binary cache format (atomically: temporary file
  // in the same folder, then rename). Loading it gives back the same words,
  // rows and lookups bit for bit.
  Status save_binary(const std::string& path) const;

  size_t dim() const;
  size_t size() const;  // number of words
  // The word's vector (dim() floats), or nullptr when the word is absent.
  const float* find(std::string_view word) const;
  std::string_view word(size_t i) const;
  const float* row(size_t i) const;

  struct Table;  // storage, defined in src/features/word_vectors_table.h; shared by copies

 private:
  static Result<WordVectors> load_text(const std::string& path, const WordVectorLoadOptions& options);
  static Result<WordVectors> load_cached(const std::string& path, const WordVectorLoadOptions& options);
  static Result<bool> is_binary_cache(const std::string& path);
  static Result<WordVectors> load_binary_table(const std::string& path, size_t max_words);

  explicit WordVectors(std::shared_ptr<const Table> table) : table_(std::move(table)) {}
  std::shared_ptr<const Table> table_;
};

}  // namespace tokrec::features
