// TF-IDF over pre-tokenized documents with scikit-learn's TfidfVectorizer
// semantics (analyzer = a callable returning the tokens), value for value:
//
//   counts -> binary? (counts become 1) -> tf = count, or 1 + ln(count) when
//   sublinear_tf -> × idf, idf = ln((1+n)/(1+df)) + 1 (smooth_idf) or
//   ln(n/df) + 1 -> row norm l2 / l1 / none (all-zero rows stay zero).
//
// The vocabulary holds every term whose document frequency df satisfies
// min_df <= df <= max_df, sorted by term string in byte order (= code point
// order = Python's str order, which sklearn uses). A DfBound is either an
// absolute document count (sklearn int) or a proportion of the fitted
// documents in [0, 1] (sklearn float): {true, 1} means "at least 1
// document", {false, 1.0} means "at most 100% of documents".
// Tokens are taken as given (the empty string is a term too, as in sklearn).
//
// max_features (0 = no limit) keeps the max_features terms of highest total
// count over the fitted corpus (document frequency when binary), after the df
// bounds; ties are broken exactly as sklearn's _limit_features does, i.e. by
// numpy's default (introsort, not stable) argsort of -count over the terms in
// vocabulary order, reproduced in numpy_argsort() below.
//
// BM25 (weighting = kBm25; tokrec's definition, not sklearn's):
//   w(t, d) = idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b + b·|d|/avgdl))
//   idf(t)  = ln(1 + (n − df + 0.5) / (df + 0.5))       (Lucene's, never < 0)
// tf = the term's count in d (1 when binary), |d| = number of terms the
// analyzer produced for d (pruned terms included), avgdl = mean |d| over the
// fitted documents. use_idf/smooth_idf/sublinear_tf are ignored; norm applies
// afterwards (set Norm::kNone for plain BM25 scores).
//
// A fitted vectorizer is immutable; transform() may run from many threads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/features/sparse.h"

namespace tokrec::features {

enum class Norm { kL2, kL1, kNone };
enum class Weighting { kTfidf, kBm25 };

struct DfBound {
  bool is_count;  // true: integer document count (>= 1); false: proportion in [0, 1]
  double value;
};

struct TfidfOptions {
  bool use_idf = true;
  bool smooth_idf = true;
  bool sublinear_tf = false;
  bool binary = false;
  Norm norm = Norm::kL2;
  DfBound min_df{true, 1};
  DfBound max_df{false, 1.0};
  size_t max_features = 0;  // 0 = keep all
  Weighting weighting = Weighting::kTfidf;
  double k1 = 1.2, b = 0.75;  // BM25
};

// Corpus statistics a vectorizer is fitted from: distinct terms (any order),
// their document frequencies and total counts (counts as sklearn sums them:
// after binary, so = df when binary), the number of documents and of terms.
struct TermStatistics {
  std::vector<std::string> terms;
  std::vector<int64_t> df;
  std::vector<double> total;
  size_t n_docs = 0;
  double n_terms = 0;  // Σ|d|, for BM25's avgdl
};

// numpy's np.argsort(values) with the default kind (numpy 1.24 introsort:
// median-of-3 quicksort, insertion sort below 16 elements, heapsort past
// 2·log2(n) levels); NaN sorts last. Ties come out in numpy's order.
std::vector<size_t> numpy_argsort(const std::vector<double>& values);

class TfidfVectorizer {
 public:
  explicit TfidfVectorizer(TfidfOptions options = {});

  // Learn vocabulary and idf. Errors (sklearn's ValueErrors): bad df bounds,
  // no terms at all ("empty vocabulary"), max_df below min_df, and pruning
  // that leaves no terms. A failed fit leaves the vectorizer unfitted.
  Status fit(const std::vector<std::vector<std::string>>& docs);
  // One row per document, vocabulary().size() columns; unknown terms are
  // ignored. Error when not fitted.
  Result<SparseMatrix> transform(const std::vector<std::vector<std::string>>& docs) const;
  Result<SparseMatrix> fit_transform(const std::vector<std::vector<std::string>>& docs);

  // Fit from precomputed statistics (the streaming path, see corpus.h). When
  // `columns` is given it receives the column of each stats.terms entry
  // (-1 = pruned), so callers map their term ids without string lookups.
  Status fit_statistics(const TermStatistics& stats, std::vector<int32_t>* columns = nullptr);
  // Weights raw term counts already in vocabulary columns (sorted, distinct
  // per row) in place: binary, tf, idf or BM25, norm. doc_lengths (|d| per
  // row) is needed for BM25 only; empty = the row's count sum.
  void weight_rows(SparseMatrix& counts, const std::vector<double>& doc_lengths = {}) const;
  // The same for rows [begin, end) only (each row is independent, so ranges
  // may be weighted on different threads with identical results).
  void weight_row_range(SparseMatrix& counts, const std::vector<double>& doc_lengths, size_t begin,
                        size_t end) const;
  size_t n_docs() const { return n_docs_; }
  double avgdl() const { return avgdl_; }

  // Fitted state as JSON: {"format": "tokrec.tfidf", "version": 1, "options":
  // {...}, "n_docs", "avgdl", "vocabulary": [...], "df": [...], "idf": [...]}.
  // idf values round-trip exactly (printed with 17 significant digits).
  std::string to_json() const;
  static Result<TfidfVectorizer> from_json(std::string_view json);
  Status save(const std::string& path) const;
  static Result<TfidfVectorizer> load(const std::string& path);

  bool fitted() const { return fitted_; }
  const TfidfOptions& options() const { return options_; }
  const std::vector<std::string>& vocabulary() const;  // column i = term i
  const std::vector<double>& idf() const;             // empty when !use_idf (sklearn has no idf_)
  // Document frequency of each vocabulary term in the fitted documents.
  const std::vector<int64_t>& document_frequency() const { return df_; }
  std::optional<int32_t> column(std::string_view term) const;

 private:
  // Heterogeneous lookup: find by string_view without building a std::string.
  struct TermHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Raw (possibly binary) term counts of docs over the fitted vocabulary.
  SparseMatrix count(const std::vector<std::vector<std::string>>& docs, std::vector<double>& lengths) const;

  TfidfOptions options_;
  bool fitted_ = false;
  std::vector<std::string> vocabulary_;
  std::vector<double> idf_;
  std::vector<int64_t> df_;
  size_t n_docs_ = 0;
  double avgdl_ = 0;
  std::unordered_map<std::string, int32_t, TermHash, std::equal_to<>> columns_;
};

}  // namespace tokrec::features
