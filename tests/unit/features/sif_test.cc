// SIF pooling against numpy: sif_golden.txt is written by gen_sif_golden.py
// (same folder), which follows Arora et al.'s SIF_embedding.py.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "tokrec/features/pooling.h"

namespace tokrec::features {
namespace {

struct Golden {
  size_t dim = 0;
  std::unordered_map<std::string, std::vector<float>> vectors;
  std::vector<std::pair<std::string, double>> counts;
  std::vector<std::vector<std::string>> docs;
  std::vector<std::vector<double>> expected;
};

Golden read_golden() {
  Golden g;
  std::ifstream in(std::string(TOKREC_SOURCE_DIR) + "/tests/unit/features/sif_golden.txt");
  EXPECT_TRUE(in.good()) << "sif_golden.txt missing";
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ss(line);
    std::string kind, w;
    ss >> kind;
    if (kind == "vec") {
      ss >> w;
      std::vector<float> v;
      float x = 0;
      while (ss >> x) v.push_back(x);
      g.dim = v.size();
      g.vectors[w] = v;
    } else if (kind == "count") {
      double c = 0;
      ss >> w >> c;
      g.counts.emplace_back(w, c);
    } else if (kind == "doc") {
      std::vector<std::string> d;
      while (ss >> w) d.push_back(w);
      g.docs.push_back(d);
    } else if (kind == "expected") {
      std::vector<double> v;
      double x = 0;
      while (ss >> x) v.push_back(x);
      g.expected.push_back(v);
    }
  }
  return g;
}

TEST(Sif, MatchesNumpyReference) {
  Golden g = read_golden();
  ASSERT_EQ(g.dim, 8u);
  ASSERT_EQ(g.docs.size(), g.expected.size());
  VectorLookup lookup = [&g](std::string_view t) -> const float* {
    auto it = g.vectors.find(std::string(t));
    return it == g.vectors.end() ? nullptr : it->second.data();
  };
  std::vector<float> out(g.docs.size() * g.dim, -7.0f);
  auto found = pool_sif(g.docs, lookup, g.dim, WordProbabilities::from_counts(g.counts), out);
  ASSERT_EQ(found.size(), g.docs.size());
  EXPECT_EQ(found[3], 0u);
  EXPECT_EQ(found[5], 0u);
  for (size_t i = 0; i < g.docs.size(); ++i)
    for (size_t j = 0; j < g.dim; ++j)
      EXPECT_NEAR(out[i * g.dim + j], g.expected[i][j], 2e-5 * (1.0 + std::fabs(g.expected[i][j])))
          << "doc " << i << " dim " << j;
}

TEST(Sif, WeightsWithoutComponentRemoval) {
  // Two words, p(a) = 3/4, p(b) = 1/4, a = 1: weights 4/7 and 4/5.
  std::unordered_map<std::string, std::vector<float>> table = {{"a", {1, 0}}, {"b", {0, 2}}};
  VectorLookup lookup = [&table](std::string_view t) -> const float* {
    auto it = table.find(std::string(t));
    return it == table.end() ? nullptr : it->second.data();
  };
  auto probs = WordProbabilities::from_documents({{"a", "a", "b"}, {"a"}});
  EXPECT_DOUBLE_EQ(probs.probability("a"), 0.75);
  EXPECT_DOUBLE_EQ(probs.probability("zzz"), 0.0);
  SifOptions o;
  o.a = 1.0;
  o.remove_first_component = false;
  std::vector<float> out(4);
  auto found = pool_sif({{"a", "b", "x"}, {"x"}}, lookup, 2, probs, out, o);
  EXPECT_EQ(found, (std::vector<size_t>{2, 0}));
  EXPECT_FLOAT_EQ(out[0], static_cast<float>(4.0 / 7.0 / 2.0));
  EXPECT_FLOAT_EQ(out[1], static_cast<float>(4.0 / 5.0 * 2.0 / 2.0));
  EXPECT_EQ(out[2], 0.0f);
  EXPECT_EQ(out[3], 0.0f);
  // With removal, a single text loses everything along its own direction.
  o.remove_first_component = true;
  pool_sif({{"a", "b"}}, lookup, 2, probs, std::span<float>(out.data(), 2), o);
  EXPECT_NEAR(out[0], 0.0f, 1e-6);
  EXPECT_NEAR(out[1], 0.0f, 1e-6);
}

}  // namespace
}  // namespace tokrec::features
