// Pooling word vectors into one vector per text:
//   X = Σ wᵢ·f(tᵢ) / Σ wᵢ   over the tokens tᵢ found in the table
// (mean pooling: all wᵢ = 1). Tokens not found are skipped; the return value
// is the number found. When none is found, or Σ wᵢ == 0, out is all zeros.
// `out` must hold exactly the vectors' dimension (a mismatch is a bug and
// aborts). Sums are accumulated in double.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tokrec/core/status.h"

#include "tokrec/features/analyzer.h"
#include "tokrec/features/similarity.h"
#include "tokrec/features/word_vectors.h"

namespace tokrec::features {

// Maps a token to its vector (out.size() floats) or nullptr, e.g. to strip a
// WordPiece "##" prefix before looking the token up.
using VectorLookup = std::function<const float*(std::string_view)>;

size_t pool_mean(const WordVectors& vectors, const std::vector<std::string>& tokens, std::span<float> out);
size_t pool_weighted(const WordVectors& vectors, const std::vector<std::string>& tokens,
                     std::span<const double> weights, std::span<float> out);

size_t pool_mean(const std::vector<std::string>& tokens, const VectorLookup& lookup, std::span<float> out);
// weights.size() must equal tokens.size().
size_t pool_weighted(const std::vector<std::string>& tokens, std::span<const double> weights,
                     const VectorLookup& lookup, std::span<float> out);

// The same over an analyzer's Terms (no std::string per token: the fast path
// for pooling whole catalogs). Named apart so that `{}` stays unambiguous.
size_t pool_mean_terms(const WordVectors& vectors, const Terms& terms, std::span<float> out);
size_t pool_weighted_terms(const WordVectors& vectors, const Terms& terms, std::span<const double> weights,
                     std::span<float> out);
size_t pool_mean_terms(const Terms& terms, const VectorLookup& lookup, std::span<float> out);
size_t pool_weighted_terms(const Terms& terms, std::span<const double> weights, const VectorLookup& lookup,
                     std::span<float> out);

// Max pooling: component-wise maximum over the tokens found (zeros when none).
size_t pool_max(const WordVectors& vectors, const std::vector<std::string>& tokens, std::span<float> out);
size_t pool_max_terms(const Terms& terms, const VectorLookup& lookup, std::span<float> out);

// ---------------------------------------------------------------------------
// SIF pooling (Arora, Liang & Ma 2017, "A simple but tough-to-beat baseline
// for sentence embeddings"), as their reference code SIF_embedding.py does it:
//   w(t) = a / (a + p(t))          p(t) from a counts source; 0 when unknown
//   e_i  = Σ w(t)·v(t) / n_i        n_i = tokens of text i found in the table
//   u    = first right singular vector of E (uncentered, like TruncatedSVD)
//   E   -= E·u·uᵀ                   (when remove_first_component)
// Texts with no token found give a zero row (it stays zero).

// Word probabilities p(w) = count(w) / Σ counts.
class WordProbabilities {
 public:
  WordProbabilities() = default;
  // Counts must be >= 0; a word listed twice has its counts added.
  static WordProbabilities from_counts(const std::vector<std::pair<std::string, double>>& counts);
  // Token frequencies of a corpus.
  static WordProbabilities from_documents(const std::vector<std::vector<std::string>>& docs);
  // "word count" per line, whitespace separated (.gz ok; the format of the
  // SIF paper's enwiki_vocab_min200.txt); blank lines skipped. Bad lines are
  // parse errors naming file and line.
  static Result<WordProbabilities> load(const std::string& path);

  double probability(std::string_view word) const;  // 0 for an unknown word
  size_t size() const { return counts_.size(); }

 private:
  std::unordered_map<std::string, double> counts_;
  double total_ = 0.0;
};

struct SifOptions {
  double a = 1e-3;
  bool remove_first_component = true;
};

// out: docs.size() × dim row-major (out.size() must equal docs.size() * dim;
// a mismatch is a bug and aborts). Returns the number of tokens found per text.
std::vector<size_t> pool_sif(const std::vector<std::vector<std::string>>& docs, const VectorLookup& lookup,
                             size_t dim, const WordProbabilities& probabilities, std::span<float> out,
                             const SifOptions& options = {});
std::vector<size_t> pool_sif(const WordVectors& vectors, const std::vector<std::vector<std::string>>& docs,
                             const WordProbabilities& probabilities, std::span<float> out,
                             const SifOptions& options = {});

}  // namespace tokrec::features
