// Comparison of tokrec's encoder with a PyTorch reference.json written by
// tests/golden/gen/gen_encoder_models.py: ids, last_hidden_state on real
// positions, pooler_output and every pooling in ref["pooled"], each within
// kTolerance. Shared by the golden models and the shared-tokenizer models.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokrec/encoder/encoder.h"

namespace tokrec::encoder::parity {

constexpr double kTolerance = 1e-4;

inline double max_abs_diff(const float* got, const nlohmann::json& want, size_t n) {
  EXPECT_EQ(want.size(), n);
  double worst = 0;
  for (size_t i = 0; i < std::min(n, want.size()); ++i) {
    const double d = std::fabs(static_cast<double>(got[i]) - want[i].get<double>());
    worst = std::isnan(d) ? INFINITY : std::max(worst, d);
  }
  return worst;
}

// `weights` serves the "weighted" pooling; null when the reference has none.
inline void expect_matches_reference(const Encoder& e, const std::vector<std::string>& sentences,
                                     const nlohmann::json& ref, const std::string& label,
                                     size_t threads, size_t batch_size,
                                     const TokenWeights* weights = nullptr) {
  const size_t H = e.hidden_size();
  ASSERT_EQ(H, ref["hidden_size"].get<size_t>());
  EXPECT_EQ(e.max_length(), ref["max_tokens"].get<size_t>());

  RunOptions run;
  run.threads = threads;
  run.batch_size = batch_size;
  auto outputs = e.forward(sentences, run);
  ASSERT_TRUE(outputs.is_ok()) << outputs.status().to_string();
  ASSERT_EQ(outputs->size(), sentences.size());

  double worst_hidden = 0, worst_pooler = 0;
  for (size_t i = 0; i < outputs->size(); ++i) {
    const SequenceOutput& s = (*outputs)[i];
    // Same ids as the reference tokenization (truncation included).
    EXPECT_EQ(s.encoding.ids, ref["ids"][i].get<std::vector<int32_t>>()) << "sentence " << i;
    worst_hidden = std::max(worst_hidden, max_abs_diff(s.hidden.data(), ref["last_hidden_state"][i],
                                                       s.hidden.size()));
    if (!ref["pooler_output"].is_null()) {
      ASSERT_EQ(s.pooler.size(), H);
      worst_pooler = std::max(worst_pooler, max_abs_diff(s.pooler.data(), ref["pooler_output"][i], H));
    } else {
      EXPECT_TRUE(s.pooler.empty());
    }
  }
  EXPECT_LE(worst_hidden, kTolerance) << "last_hidden_state";
  EXPECT_LE(worst_pooler, kTolerance) << "pooler_output";
  std::printf("[parity] %s last_hidden_state %.3g pooler_output %.3g\n", label.c_str(), worst_hidden,
              worst_pooler);

  for (const auto& [key, rows] : ref["pooled"].items()) {
    EmbedOptions o;
    o.threads = threads;
    o.batch_size = batch_size;
    std::string name = key;
    if (const size_t p = key.find("_normalized"); p != std::string::npos) {
      name = key.substr(0, p);
      o.normalize = true;
    }
    auto pooling = parse_pooling(name);
    ASSERT_TRUE(pooling.is_ok()) << key;
    o.pooling = *pooling;
    o.weights = weights;
    auto m = e.embed(sentences, o);
    ASSERT_TRUE(m.is_ok()) << key << ": " << m.status().to_string();
    ASSERT_EQ(m->rows, sentences.size());
    ASSERT_EQ(m->cols, H);
    double worst = 0;
    for (size_t i = 0; i < m->rows; ++i)
      worst = std::max(worst, max_abs_diff(m->data.data() + i * H, rows[i], H));
    EXPECT_LE(worst, kTolerance) << key;
    std::printf("[parity] %s %s %.3g\n", label.c_str(), key.c_str(), worst);
  }
}

}  // namespace tokrec::encoder::parity
