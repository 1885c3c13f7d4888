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
  fitted_ = false;
  vocabulary_.clear();
  idf_.clear();
  df_.clear();
  columns_.clear();
  TOKREC_RETURN_IF_ERROR(validate_bound("min_df", options_.min_df));
  TOKREC_RETURN_IF_ERROR(validate_bound("max_df", options_.max_df));

  // Document frequency per distinct term; last_doc avoids counting a term
  // twice in one document without a per-document set.
  std::unordered_map<std::string_view, size_t> ids;
  std::vector<std::string_view> terms;
  std::vector<int64_t> dfs;
  std::vector<size_t> last_doc;
  for (size_t d = 0; d < docs.size(); ++d) {
    for (const std::string& tok : docs[d]) {
      auto [it, inserted] = ids.try_emplace(tok, terms.size());
      if (inserted) {
        terms.push_back(tok);
        dfs.push_back(0);
        last_doc.push_back(static_cast<size_t>(-1));
      }
      size_t id = it->second;
      if (last_doc[id] != d) {
        last_doc[id] = d;
        ++dfs[id];
      }
    }
  }
  if (terms.empty())
    return Status::invalid_argument("empty vocabulary: the documents contain no tokens");

  double max_count = doc_count(options_.max_df, docs.size());
  double min_count = doc_count(options_.min_df, docs.size());
  if (max_count < min_count)
    return Status::invalid_argument("max_df corresponds to < documents than min_df (max_df=" +
                                    describe(options_.max_df) + ", min_df=" + describe(options_.min_df) +
                                    ", " + std::to_string(docs.size()) + " documents)");

  std::vector<size_t> kept;
  for (size_t id = 0; id < terms.size(); ++id) {
    auto df = static_cast<double>(dfs[id]);
    if (df <= max_count && df >= min_count) kept.push_back(id);
  }
  if (kept.empty())
    return Status::invalid_argument("after pruning, no terms remain; try a lower min_df or a higher max_df");
  // std::string_view compares like memcmp: UTF-8 byte order = code point order.
  std::sort(kept.begin(), kept.end(), [&](size_t a, size_t b) { return terms[a] < terms[b]; });

  vocabulary_.reserve(kept.size());
  df_.reserve(kept.size());
  columns_.reserve(kept.size());
  for (size_t id : kept) {
    columns_.emplace(std::string(terms[id]), static_cast<int32_t>(vocabulary_.size()));
    vocabulary_.emplace_back(terms[id]);
    df_.push_back(dfs[id]);
  }
  if (options_.use_idf) {
    // sklearn: df += smooth; n += smooth; idf = log(n / df) + 1
    double smooth = options_.smooth_idf ? 1.0 : 0.0;
    double n = static_cast<double>(docs.size()) + smooth;
    idf_.reserve(df_.size());
    for (int64_t df : df_) idf_.push_back(std::log(n / (static_cast<double>(df) + smooth)) + 1.0);
  }
  fitted_ = true;
  return Status::ok();
}

SparseMatrix TfidfVectorizer::count(const std::vector<std::vector<std::string>>& docs) const {
  SparseMatrix m;
  m.rows = docs.size();
  m.cols = vocabulary_.size();
  m.indptr.reserve(docs.size() + 1);
  m.indptr.push_back(0);
  std::vector<int32_t> cols;
  for (const auto& doc : docs) {
    cols.clear();
    for (const std::string& tok : doc) {
      auto it = columns_.find(std::string_view(tok));
      if (it != columns_.end()) cols.push_back(it->second);
    }
    std::sort(cols.begin(), cols.end());
    for (size_t i = 0; i < cols.size();) {
      size_t j = i;
      while (j < cols.size() && cols[j] == cols[i]) ++j;
      m.indices.push_back(cols[i]);
      m.data.push_back(options_.binary ? 1.0 : static_cast<double>(j - i));
      i = j;
    }
    m.indptr.push_back(static_cast<int64_t>(m.indices.size()));
  }
  return m;
}

void TfidfVectorizer::weight(SparseMatrix& m) const {
  if (options_.sublinear_tf)
    for (double& v : m.data) v = std::log(v) + 1.0;
  if (options_.use_idf)
    for (size_t k = 0; k < m.data.size(); ++k) m.data[k] *= idf_[static_cast<size_t>(m.indices[k])];
  if (options_.norm == Norm::kNone) return;
  for (size_t r = 0; r < m.rows; ++r) {
    auto begin = static_cast<size_t>(m.indptr[r]), end = static_cast<size_t>(m.indptr[r + 1]);
    double sum = 0.0;  // sequential, as sklearn's inplace_csr_row_normalize_l1/l2
    for (size_t k = begin; k < end; ++k)
      sum += options_.norm == Norm::kL2 ? m.data[k] * m.data[k] : std::fabs(m.data[k]);
    if (sum == 0.0) continue;
    if (options_.norm == Norm::kL2) sum = std::sqrt(sum);
    for (size_t k = begin; k < end; ++k) m.data[k] /= sum;
  }
}

Result<SparseMatrix> TfidfVectorizer::transform(const std::vector<std::vector<std::string>>& docs) const {
  if (!fitted_) return Status::invalid_argument("TfidfVectorizer.transform: not fitted (call fit first)");
  SparseMatrix m = count(docs);
  weight(m);
  return m;
}

Result<SparseMatrix> TfidfVectorizer::fit_transform(const std::vector<std::vector<std::string>>& docs) {
  TOKREC_RETURN_IF_ERROR(fit(docs));
  return transform(docs);
}

}  // namespace tokrec::features
