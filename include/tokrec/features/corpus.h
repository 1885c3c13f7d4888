// Vectorizing a corpus of one document per line, streamed from a file in
// chunks and analyzed on a thread pool, with results identical to the
// single-threaded TfidfVectorizer / HashingVectorizer (row order = line order).
//
// Lines: split on '\n' (a '\r' before it is dropped); an empty line is a
// document without terms (an all-zero row); a missing final newline is fine.
// Gzip files (*.gz) are read transparently; "-" is stdin (single pass only:
// stdin cannot be read twice, so fit keeps the rows, see below).
//
// Memory: the input is never held whole, only one chunk at a time: plain files
// are memory-mapped and read in chunks of chunk_bytes (whole lines; each
// thread cuts its share into lines), gzip and stdin in chunks of 65,536 lines
// (or chunk_lines, which also makes plain files go line chunk by line chunk).
//  * keep_rows = true (default): one analysis pass; the term counts of every
//    document are kept (≈ 8 bytes per distinct term per document) and mapped
//    to the final columns once the vocabulary is known. Memory ≈ the output
//    matrix (12 bytes per stored value, sized before min_df/max_df/
//    max_features pruning: it is allocated while the vocabulary is fitted)
//    + the same again + the term table.
//  * keep_rows = false: two passes over the file (document frequencies, then
//    transform): memory ≈ term table + output matrix only.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/features/analyzer.h"
#include "tokrec/features/hashing.h"
#include "tokrec/features/sparse.h"
#include "tokrec/features/tfidf.h"

namespace tokrec::features {

struct CorpusOptions {
  size_t threads = 0;            // total compute threads; 0 = all cores
  size_t chunk_lines = 0;           // lines per step; 0 = by bytes for plain files, else 65,536
  size_t chunk_bytes = 64u << 20;   // bytes of a plain file per step (chunk_lines = 0; fit only)
  bool keep_rows = true;
  // Called after each chunk: stage ("fit", "transform", "hash") and lines done.
  std::function<void(const char* stage, size_t lines)> progress;
};

// Fits `vectorizer` on the lines of `path` and returns their weighted matrix.
// Errors name the file and the line (invalid UTF-8, tokenizer errors).
Result<SparseMatrix> fit_transform_file(const std::string& path, const Analyzer& analyzer,
                                        TfidfVectorizer& vectorizer, const CorpusOptions& options = {});
// Transforms the lines of `path` with an already fitted vectorizer.
Result<SparseMatrix> transform_file(const std::string& path, const Analyzer& analyzer,
                                    const TfidfVectorizer& vectorizer, const CorpusOptions& options = {});
Result<SparseMatrix> hash_file(const std::string& path, const Analyzer& analyzer,
                               const HashingVectorizer& vectorizer, const CorpusOptions& options = {});

// The same over texts in memory (one document per element).
Result<SparseMatrix> fit_transform_texts(const std::vector<std::string>& texts, const Analyzer& analyzer,
                                         TfidfVectorizer& vectorizer, const CorpusOptions& options = {});
Result<SparseMatrix> transform_texts(const std::vector<std::string>& texts, const Analyzer& analyzer,
                                     const TfidfVectorizer& vectorizer, const CorpusOptions& options = {});
Result<SparseMatrix> hash_texts(const std::vector<std::string>& texts, const Analyzer& analyzer,
                                const HashingVectorizer& vectorizer, const CorpusOptions& options = {});

}  // namespace tokrec::features
