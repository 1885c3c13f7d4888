// HashingVectorizer: sklearn's _hashing_fast.transform + FeatureHasher's
// sum_duplicates + HashingVectorizer's binary/normalize, in that order.
#include "tokrec/features/hashing.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <utility>

namespace tokrec::features {
namespace {

uint32_t rotl32(uint32_t x, int r) { return (x << r) | (x >> (32 - r)); }

void normalize_row(SparseMatrix& m, size_t begin, size_t end, Norm norm) {
  if (norm == Norm::kNone) return;
  double sum = 0.0;
  for (size_t k = begin; k < end; ++k) sum += norm == Norm::kL2 ? m.data[k] * m.data[k] : std::fabs(m.data[k]);
  if (sum == 0.0) return;
  if (norm == Norm::kL2) sum = std::sqrt(sum);
  for (size_t k = begin; k < end; ++k) m.data[k] /= sum;
}

}  // namespace

// MurmurHash3_x86_32 (Austin Appleby's public-domain algorithm), little-endian blocks.
int32_t murmurhash3_32(std::string_view key, uint32_t seed) {
  const auto* data = reinterpret_cast<const unsigned char*>(key.data());
  const size_t len = key.size();
  const size_t nblocks = len / 4;
  uint32_t h1 = seed;
  const uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  for (size_t i = 0; i < nblocks; ++i) {
    uint32_t k1 = static_cast<uint32_t>(data[4 * i]) | (static_cast<uint32_t>(data[4 * i + 1]) << 8) |
                  (static_cast<uint32_t>(data[4 * i + 2]) << 16) | (static_cast<uint32_t>(data[4 * i + 3]) << 24);
    k1 *= c1;
    k1 = rotl32(k1, 15);
    k1 *= c2;
    h1 ^= k1;
    h1 = rotl32(h1, 13);
    h1 = h1 * 5 + 0xe6546b64;
  }
  const unsigned char* tail = data + nblocks * 4;
  uint32_t k1 = 0;
  switch (len & 3) {
    case 3: k1 ^= static_cast<uint32_t>(tail[2]) << 16; [[fallthrough]];
    case 2: k1 ^= static_cast<uint32_t>(tail[1]) << 8; [[fallthrough]];
    case 1:
      k1 ^= tail[0];
      k1 *= c1;
      k1 = rotl32(k1, 15);
      k1 *= c2;
      h1 ^= k1;
      break;
    default: break;
  }
  h1 ^= static_cast<uint32_t>(len);
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6b;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35;
  h1 ^= h1 >> 16;
  int32_t out;
  std::memcpy(&out, &h1, sizeof out);
  return out;
}

Result<HashingVectorizer> HashingVectorizer::create(HashingOptions options) {
  if (options.n_features < 1 || options.n_features > 2147483647u)
    return Status::invalid_argument("n_features must be in [1, 2^31 - 1], got " + std::to_string(options.n_features));
  return HashingVectorizer(options);
}

void HashingVectorizer::hash(std::string_view term, int32_t& column, double& sign) const {
  int32_t h = murmurhash3_32(term, 0);
  const auto n = static_cast<int64_t>(options_.n_features);
  if (h == INT32_MIN) column = static_cast<int32_t>((2147483647 - (n - 1)) % n);
  else column = static_cast<int32_t>(std::abs(static_cast<int64_t>(h)) % n);
  sign = (options_.alternate_sign && h < 0) ? -1.0 : 1.0;
}

void HashingVectorizer::append_row(const Terms& terms, SparseMatrix& m) const {
  thread_local std::vector<std::pair<int32_t, double>> cells;
  cells.clear();
  for (size_t i = 0; i < terms.size(); ++i) {
    int32_t col;
    double sign;
    hash(terms[i], col, sign);
    cells.emplace_back(col, sign);
  }
  // Sum per column in order of appearance (scipy's csr_sum_duplicates after
  // a stable sort by column: the additions happen in term order).
  std::stable_sort(cells.begin(), cells.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  if (m.indptr.empty()) m.indptr.push_back(0);
  size_t begin = m.data.size();
  for (size_t i = 0; i < cells.size();) {
    size_t j = i;
    double sum = 0;
    while (j < cells.size() && cells[j].first == cells[i].first) sum += cells[j++].second;
    m.indices.push_back(cells[i].first);
    m.data.push_back(options_.binary ? 1.0 : sum);
    i = j;
  }
  normalize_row(m, begin, m.data.size(), options_.norm);
  m.indptr.push_back(static_cast<int64_t>(m.data.size()));
  ++m.rows;
  m.cols = options_.n_features;
}

SparseMatrix HashingVectorizer::transform(const std::vector<std::vector<std::string>>& docs) const {
  SparseMatrix m;
  m.cols = options_.n_features;
  m.indptr.push_back(0);
  Terms t;
  for (const auto& d : docs) {
    t.clear();
    for (const auto& s : d) t.push(s);
    append_row(t, m);
  }
  return m;
}

}  // namespace tokrec::features
