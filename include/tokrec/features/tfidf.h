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
};

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
  SparseMatrix count(const std::vector<std::vector<std::string>>& docs) const;
  void weight(SparseMatrix& m) const;

  TfidfOptions options_;
  bool fitted_ = false;
  std::vector<std::string> vocabulary_;
  std::vector<double> idf_;
  std::vector<int64_t> df_;
  std::unordered_map<std::string, int32_t, TermHash, std::equal_to<>> columns_;
};

}  // namespace tokrec::features
