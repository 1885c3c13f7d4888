// TF-IDF with scikit-learn's arithmetic, step for step (see tfidf.h). The
// order of floating-point operations follows sklearn's so results agree to
// the last few ulps, not just approximately.
#include "tokrec/features/tfidf.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

namespace tokrec::features {
namespace {

std::string describe(const DfBound& b) {
  if (b.is_count) return std::to_string(static_cast<long long>(b.value));
  std::string s = std::to_string(b.value);
  return s;
}

Status validate_bound(const char* name, const DfBound& b) {
  if (std::isnan(b.value)) return Status::invalid_argument(std::string(name) + " is NaN");
  if (b.is_count) {
    // sklearn: Interval(Integral, 1, None)
    if (b.value < 1 || b.value != std::floor(b.value) || b.value > 9.0e18)
      return Status::invalid_argument(std::string(name) + " as a document count must be an integer >= 1, got " +
                                      std::to_string(b.value));
  } else if (b.value < 0.0 || b.value > 1.0) {
    // sklearn: Interval(Real, 0, 1, closed="both")
    return Status::invalid_argument(std::string(name) + " as a proportion must be in [0, 1], got " +
                                    std::to_string(b.value));
  }
  return Status::ok();
}

// sklearn: `max_df if isinstance(max_df, Integral) else max_df * n_doc`.
double doc_count(const DfBound& b, size_t n_docs) {
  return b.is_count ? b.value : b.value * static_cast<double>(n_docs);
}

}  // namespace

TfidfVectorizer::TfidfVectorizer(TfidfOptions options) : options_(options) {}

const std::vector<std::string>& TfidfVectorizer::vocabulary() const { return vocabulary_; }
const std::vector<double>& TfidfVectorizer::idf() const { return idf_; }

std::optional<int32_t> TfidfVectorizer::column(std::string_view term) const {
  auto it = columns_.find(term);
  if (it == columns_.end()) return std::nullopt;
  return it->second;
}

Status TfidfVectorizer::fit(const std::vector<std::vector<std::string>>& docs) {
  // Document frequency per distinct term; last_doc avoids counting a term
  // twice in one document without a per-document set.
  std::unordered_map<std::string_view, size_t> ids;
  TermStatistics stats;
  std::vector<size_t> last_doc;
  stats.n_docs = docs.size();
  for (size_t d = 0; d < docs.size(); ++d) {
    stats.n_terms += static_cast<double>(docs[d].size());
    for (const std::string& tok : docs[d]) {
      auto [it, inserted] = ids.try_emplace(tok, stats.terms.size());
      if (inserted) {
        stats.terms.push_back(tok);
        stats.df.push_back(0);
        stats.total.push_back(0);
        last_doc.push_back(static_cast<size_t>(-1));
      }
      size_t id = it->second;
      if (last_doc[id] != d) {
        last_doc[id] = d;
        ++stats.df[id];
        if (options_.binary) stats.total[id] += 1;
      }
      if (!options_.binary) stats.total[id] += 1;
    }
  }
  return fit_statistics(stats);
}

Status TfidfVectorizer::fit_statistics(const TermStatistics& stats, std::vector<int32_t>* columns) {
  fitted_ = false;
  vocabulary_.clear();
  idf_.clear();
  df_.clear();
  columns_.clear();
  TOKREC_RETURN_IF_ERROR(validate_bound("min_df", options_.min_df));
  TOKREC_RETURN_IF_ERROR(validate_bound("max_df", options_.max_df));
  if (options_.weighting == Weighting::kBm25 && (!(options_.k1 >= 0) || !(options_.b >= 0 && options_.b <= 1)))
    return Status::invalid_argument("BM25 needs k1 >= 0 and 0 <= b <= 1");
  const auto& terms = stats.terms;
  if (stats.df.size() != terms.size() || stats.total.size() != terms.size())
    return Status::invalid_argument("TermStatistics: terms, df and total differ in length");
  if (terms.empty())
    return Status::invalid_argument("empty vocabulary: the documents contain no tokens");

  double max_count = doc_count(options_.max_df, stats.n_docs);
  double min_count = doc_count(options_.min_df, stats.n_docs);
  if (max_count < min_count)
    return Status::invalid_argument("max_df corresponds to < documents than min_df (max_df=" +
                                    describe(options_.max_df) + ", min_df=" + describe(options_.min_df) +
                                    ", " + std::to_string(stats.n_docs) + " documents)");

  // sklearn sorts the vocabulary before limiting when max_features is set,
  // so argsort ties are resolved over alphabetical order: sort first.
  std::vector<size_t> order(terms.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // std::string compares like memcmp: UTF-8 byte order = code point order.
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return terms[a] < terms[b]; });
  std::vector<size_t> kept;
  for (size_t id : order) {
    auto df = static_cast<double>(stats.df[id]);
    if (df <= max_count && df >= min_count) kept.push_back(id);
  }
  if (options_.max_features > 0 && kept.size() > options_.max_features) {
    // sklearn: mask_inds = (-tfs[mask]).argsort()[:limit]; the mask keeps
    // the survivors in vocabulary order.
    std::vector<double> neg(kept.size());
    for (size_t i = 0; i < kept.size(); ++i) neg[i] = -stats.total[kept[i]];
    std::vector<size_t> idx = numpy_argsort(neg);
    idx.resize(options_.max_features);
    std::sort(idx.begin(), idx.end());
    std::vector<size_t> limited;
    limited.reserve(idx.size());
    for (size_t i : idx) limited.push_back(kept[i]);
    kept = std::move(limited);
  }
  if (kept.empty())
    return Status::invalid_argument("after pruning, no terms remain; try a lower min_df or a higher max_df");

  if (columns) {
    columns->assign(terms.size(), -1);
    for (size_t c = 0; c < kept.size(); ++c) (*columns)[kept[c]] = static_cast<int32_t>(c);
  }
  vocabulary_.reserve(kept.size());
  df_.reserve(kept.size());
  columns_.reserve(kept.size());
  for (size_t id : kept) {
    columns_.emplace(terms[id], static_cast<int32_t>(vocabulary_.size()));
    vocabulary_.push_back(terms[id]);
    df_.push_back(stats.df[id]);
  }
  n_docs_ = stats.n_docs;
  avgdl_ = stats.n_docs ? stats.n_terms / static_cast<double>(stats.n_docs) : 0.0;
  const double n_docs = static_cast<double>(stats.n_docs);
  if (options_.weighting == Weighting::kBm25) {
    idf_.reserve(df_.size());
    for (int64_t df : df_) {
      auto d = static_cast<double>(df);
      idf_.push_back(std::log(1.0 + (n_docs - d + 0.5) / (d + 0.5)));
    }
  } else if (options_.use_idf) {
    // sklearn: df += smooth; n += smooth; idf = log(n / df) + 1
    double smooth = options_.smooth_idf ? 1.0 : 0.0;
    double n = n_docs + smooth;
    idf_.reserve(df_.size());
    for (int64_t df : df_) idf_.push_back(std::log(n / (static_cast<double>(df) + smooth)) + 1.0);
  }
  fitted_ = true;
  return Status::ok();
}

SparseMatrix TfidfVectorizer::count(const std::vector<std::vector<std::string>>& docs,
                                    std::vector<double>& lengths) const {
  SparseMatrix m;
  m.rows = docs.size();
  m.cols = vocabulary_.size();
  m.indptr.reserve(docs.size() + 1);
  m.indptr.push_back(0);
  lengths.clear();
  std::vector<int32_t> cols;
  for (const auto& doc : docs) {
    cols.clear();
    lengths.push_back(static_cast<double>(doc.size()));
    for (const std::string& tok : doc) {
      auto it = columns_.find(std::string_view(tok));
      if (it != columns_.end()) cols.push_back(it->second);
    }
    std::sort(cols.begin(), cols.end());
    for (size_t i = 0; i < cols.size();) {
      size_t j = i;
      while (j < cols.size() && cols[j] == cols[i]) ++j;
      m.indices.push_back(cols[i]);
      m.data.push_back(static_cast<double>(j - i));
      i = j;
    }
    m.indptr.push_back(static_cast<int64_t>(m.indices.size()));
  }
  return m;
}

void TfidfVectorizer::weight_rows(SparseMatrix& m, const std::vector<double>& doc_lengths) const {
  weight_row_range(m, doc_lengths, 0, m.rows);
}

void TfidfVectorizer::weight_row_range(SparseMatrix& m, const std::vector<double>& doc_lengths, size_t row_begin,
                                       size_t row_end) const {
  if (row_begin >= row_end || m.indptr.size() < row_end + 1) return;
  const auto first = static_cast<size_t>(m.indptr[row_begin]), last = static_cast<size_t>(m.indptr[row_end]);
  double* data = m.data.data();
  const int32_t* indices = m.indices.data();
  if (options_.binary)
    for (size_t k = first; k < last; ++k) data[k] = 1.0;
  if (options_.weighting == Weighting::kBm25) {
    const double k1 = options_.k1, b = options_.b;
    for (size_t r = row_begin; r < row_end; ++r) {
      auto begin = static_cast<size_t>(m.indptr[r]), end = static_cast<size_t>(m.indptr[r + 1]);
      double dl = 0;
      if (r < doc_lengths.size()) dl = doc_lengths[r];
      else
        for (size_t k = begin; k < end; ++k) dl += data[k];
      double denom_k = k1 * (1.0 - b + (avgdl_ > 0 ? b * dl / avgdl_ : 0.0));
      for (size_t k = begin; k < end; ++k) {
        double tf = data[k];
        data[k] = idf_[static_cast<size_t>(indices[k])] * tf * (k1 + 1.0) / (tf + denom_k);
      }
    }
  } else {
    if (options_.sublinear_tf)
      for (size_t k = first; k < last; ++k) data[k] = std::log(data[k]) + 1.0;
    if (options_.use_idf)
      for (size_t k = first; k < last; ++k) data[k] *= idf_[static_cast<size_t>(indices[k])];
  }
  if (options_.norm == Norm::kNone) return;
  for (size_t r = row_begin; r < row_end; ++r) {
    auto begin = static_cast<size_t>(m.indptr[r]), end = static_cast<size_t>(m.indptr[r + 1]);
    double sum = 0.0;  // sequential, as sklearn's inplace_csr_row_normalize_l1/l2
    if (options_.norm == Norm::kL2)
      for (size_t k = begin; k < end; ++k) sum += data[k] * data[k];
    else
      for (size_t k = begin; k < end; ++k) sum += std::fabs(data[k]);
    if (sum == 0.0) continue;
    if (options_.norm == Norm::kL2) sum = std::sqrt(sum);
    for (size_t k = begin; k < end; ++k) data[k] /= sum;
  }
}

Result<SparseMatrix> TfidfVectorizer::transform(const std::vector<std::vector<std::string>>& docs) const {
  if (!fitted_) return Status::invalid_argument("TfidfVectorizer.transform: not fitted (call fit first)");
  std::vector<double> lengths;
  SparseMatrix m = count(docs, lengths);
  weight_rows(m, lengths);
  return m;
}

Result<SparseMatrix> TfidfVectorizer::fit_transform(const std::vector<std::vector<std::string>>& docs) {
  TOKREC_RETURN_IF_ERROR(fit(docs));
  return transform(docs);
}

}  // namespace tokrec::features
