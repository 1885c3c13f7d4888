#include <algorithm>

#include "tokrec/rec/recommender.h"

namespace tokrec::rec {
namespace {

class Popularity final : public Scorer {
 public:
  explicit Popularity(std::vector<float> counts) : counts_(std::move(counts)) {}
  size_t num_items() const override { return counts_.size(); }
  void score(std::span<const int32_t> users, std::span<float> out) const override {
    for (size_t b = 0; b < users.size(); ++b) std::copy(counts_.begin(), counts_.end(), out.begin() + static_cast<std::ptrdiff_t>(b * counts_.size()));
  }

 private:
  std::vector<float> counts_;
};

}  // namespace

std::unique_ptr<Scorer> make_popularity(const std::vector<std::vector<int32_t>>& train, size_t num_items) {
  std::vector<float> counts(num_items, 0.0f);
  for (const auto& items : train)
    for (int32_t i : items) counts[static_cast<size_t>(i)] += 1.0f;
  return std::make_unique<Popularity>(std::move(counts));
}

}  // namespace tokrec::rec
