// Score blending: a weighted sum of several scorers' per-user normalized
// scores,  blend(u, i) = Σ_m w_m · norm_m,u(s_m(u, i)).
//
// Normalization is per scorer and per user row, with statistics over the
// candidate items only (items in the user's `exclude` list — usually the
// training items, which retrieval skips anyway — are left out, so a model
// that scores seen items highly does not squash the candidates' range):
//   "minmax": (s − min) / (max − min), 0 when max == min;
//   "zscore": (s − mean) / std (population std), 0 when std == 0;
//   "none":   s as it is.
// Non-finite scores (e.g. −inf for "never recommend") stay out of the
// statistics and make the blended score −inf.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/rec/recommender.h"

namespace tokrec::rec {

struct BlendComponent {
  std::shared_ptr<const Scorer> scorer;
  double weight = 1.0;
};

struct BlendOptions {
  std::string normalization = "minmax";  // "minmax", "zscore" or "none"
  // Per user index, sorted item lists left out of the statistics (may be empty).
  std::vector<std::vector<int32_t>> exclude;
};

// All scorers must have the same num_items(); at least one component.
Result<std::unique_ptr<Scorer>> make_blend(std::vector<BlendComponent> components, BlendOptions options = {});

}  // namespace tokrec::rec
