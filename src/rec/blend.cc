#include "tokrec/rec/blend.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace tokrec::rec {
namespace {

enum class Norm { kMinMax, kZScore, kNone };

class Blend final : public Scorer {
 public:
  Blend(std::vector<BlendComponent> parts, Norm norm, std::vector<std::vector<int32_t>> exclude)
      : parts_(std::move(parts)), norm_(norm), exclude_(std::move(exclude)), n_(parts_[0].scorer->num_items()) {}
  size_t num_items() const override { return n_; }

  void score(std::span<const int32_t> users, std::span<float> out) const override {
    const size_t b_count = users.size();
    std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(b_count * n_), 0.0f);
    std::vector<float> block(b_count * n_);
    static const std::vector<int32_t> kNone;
    for (const auto& part : parts_) {
      part.scorer->score(users, block);
      const auto w = static_cast<float>(part.weight);
      for (size_t b = 0; b < b_count; ++b) {
        const float* s = block.data() + b * n_;
        float* o = out.data() + b * n_;
        auto u = static_cast<size_t>(users[b]);
        const auto& ex = users[b] >= 0 && u < exclude_.size() ? exclude_[u] : kNone;
        float shift = 0, scale = 1;
        stats(s, ex, shift, scale);
        for (size_t j = 0; j < n_; ++j)
          o[j] = std::isfinite(s[j]) ? o[j] + w * (s[j] - shift) * scale : -std::numeric_limits<float>::infinity();
      }
    }
  }

 private:
  // Normalized score = (s − shift) · scale, statistics over finite candidates.
  void stats(const float* s, const std::vector<int32_t>& ex, float& shift, float& scale) const {
    if (norm_ == Norm::kNone) return;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo, sum = 0, sq = 0;
    size_t count = 0, e = 0;
    for (size_t j = 0; j < n_; ++j) {
      while (e < ex.size() && static_cast<size_t>(ex[e]) < j) ++e;
      if (e < ex.size() && static_cast<size_t>(ex[e]) == j) continue;
      if (!std::isfinite(s[j])) continue;
      const double v = s[j];
      lo = std::min(lo, v);
      hi = std::max(hi, v);
      sum += v;
      sq += v * v;
      ++count;
    }
    if (count == 0) { scale = 0; return; }
    if (norm_ == Norm::kMinMax) {
      shift = static_cast<float>(lo);
      scale = hi > lo ? static_cast<float>(1.0 / (hi - lo)) : 0.0f;
    } else {
      const double mean = sum / static_cast<double>(count);
      const double var = std::max(0.0, sq / static_cast<double>(count) - mean * mean);
      shift = static_cast<float>(mean);
      scale = var > 0 ? static_cast<float>(1.0 / std::sqrt(var)) : 0.0f;
    }
  }

  std::vector<BlendComponent> parts_;
  Norm norm_;
  std::vector<std::vector<int32_t>> exclude_;
  size_t n_;
};

}  // namespace

Result<std::unique_ptr<Scorer>> make_blend(std::vector<BlendComponent> components, BlendOptions options) {
  if (components.empty()) return Status::invalid_argument("a blend needs at least one scorer");
  Norm norm;
  if (options.normalization == "minmax") norm = Norm::kMinMax;
  else if (options.normalization == "zscore") norm = Norm::kZScore;
  else if (options.normalization == "none") norm = Norm::kNone;
  else return Status::invalid_argument("blend normalization must be 'minmax', 'zscore' or 'none', got '" + options.normalization + "'");
  for (size_t k = 0; k < components.size(); ++k) {
    if (!components[k].scorer) return Status::invalid_argument("blend component " + std::to_string(k) + " has no scorer");
    if (!std::isfinite(components[k].weight)) return Status::invalid_argument("blend weights must be finite");
    if (components[k].scorer->num_items() != components[0].scorer->num_items())
      return Status::invalid_argument("blend components score different numbers of items (" +
                                      std::to_string(components[k].scorer->num_items()) + " vs " +
                                      std::to_string(components[0].scorer->num_items()) + ")");
  }
  return std::unique_ptr<Scorer>(new Blend(std::move(components), norm, std::move(options.exclude)));
}

}  // namespace tokrec::rec
