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
#include <vector>

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

}  // namespace tokrec::features
