// Replays scikit-learn's TfidfVectorizer outputs (tests/golden/gen/gen_tfidf.py)
// over the whole option grid: vocabulary exactly, idf and matrices to 1e-12 relative.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tokrec/features/tfidf.h"

namespace tokrec::features {
namespace {

const std::string kDir = std::string(TOKREC_GOLDEN_DIR) + "/tfidf/";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Same convention as the generator: one document per line, tokens split on
// single spaces, an empty line = no tokens.
std::vector<std::vector<std::string>> read_docs(const std::string& name) {
  std::vector<std::vector<std::string>> docs;
  std::istringstream in(slurp(kDir + name));
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> toks;
    if (!line.empty()) {
      size_t start = 0;
      for (size_t i = 0; i <= line.size(); ++i)
        if (i == line.size() || line[i] == ' ') {
          toks.push_back(line.substr(start, i - start));
          start = i + 1;
        }
    }
    docs.push_back(std::move(toks));
  }
  return docs;
}

DfBound bound(const nlohmann::json& j) {
  if (j.contains("count")) return {true, j["count"].get<double>()};
  return {false, j["proportion"].get<double>()};
}

TfidfOptions options_from(const nlohmann::json& j) {
  TfidfOptions o;
  o.sublinear_tf = j["sublinear_tf"];
  o.smooth_idf = j["smooth_idf"];
  o.use_idf = j["use_idf"];
  o.binary = j["binary"];
  o.norm = j["norm"].is_null() ? Norm::kNone : (j["norm"] == "l1" ? Norm::kL1 : Norm::kL2);
  o.min_df = bound(j["min_df"]);
  o.max_df = bound(j["max_df"]);
  return o;
}

void expect_close(double expected, double actual, const std::string& where) {
  double tol = 1e-12 * std::max(std::fabs(expected), std::fabs(actual));
  EXPECT_LE(std::fabs(expected - actual), tol) << where << ": expected " << expected << " got " << actual;
}

void expect_matrix(const nlohmann::json& expected, const SparseMatrix& m, size_t rows, size_t cols,
                   const std::string& where) {
  EXPECT_EQ(m.rows, rows) << where;
  EXPECT_EQ(m.cols, cols) << where;
  EXPECT_EQ(m.indptr, expected["indptr"].get<std::vector<int64_t>>()) << where;
  ASSERT_EQ(m.indices, expected["indices"].get<std::vector<int32_t>>()) << where;
  auto data = expected["data"].get<std::vector<double>>();
  ASSERT_EQ(m.data.size(), data.size()) << where;
  for (size_t k = 0; k < data.size(); ++k) expect_close(data[k], m.data[k], where + " data[" + std::to_string(k) + "]");
}

void replay(const std::string& golden_name) {
  auto golden = nlohmann::json::parse(slurp(kDir + golden_name));
  auto docs = read_docs(golden["corpus"]);
  auto queries = read_docs(golden["queries"]);
  ASSERT_GT(golden["cases"].size(), 40u);
  size_t errors = 0;
  for (const auto& c : golden["cases"]) {
    const std::string where = golden_name + " " + c["options"].dump();
    TfidfVectorizer vec(options_from(c["options"]));
    auto fitted = vec.fit_transform(docs);
    if (c.contains("error")) {
      ++errors;
      ASSERT_FALSE(fitted.is_ok()) << where;
      EXPECT_FALSE(vec.fitted()) << where;
      const std::string msg = fitted.status().message();
      if (c["error"] == "max_df_below_min_df") EXPECT_NE(msg.find("max_df corresponds to < documents than min_df"), std::string::npos) << msg;
      else EXPECT_NE(msg.find("no terms remain"), std::string::npos) << where << ": " << msg;
      continue;
    }
    ASSERT_TRUE(fitted.is_ok()) << where << ": " << fitted.status().to_string();
    auto vocab = c["vocabulary"].get<std::vector<std::string>>();
    ASSERT_EQ(vec.vocabulary(), vocab) << where;
    if (c["idf"].is_null()) {
      EXPECT_TRUE(vec.idf().empty()) << where;
    } else {
      auto idf = c["idf"].get<std::vector<double>>();
      ASSERT_EQ(vec.idf().size(), idf.size()) << where;
      for (size_t i = 0; i < idf.size(); ++i) expect_close(idf[i], vec.idf()[i], where + " idf[" + vocab[i] + "]");
    }
    for (size_t i = 0; i < vocab.size(); ++i) EXPECT_EQ(vec.column(vocab[i]), static_cast<int32_t>(i));
    expect_matrix(c["fit"], *fitted, docs.size(), vocab.size(), where + " fit");
    auto queried = vec.transform(queries);
    ASSERT_TRUE(queried.is_ok());
    expect_matrix(c["transform"], *queried, queries.size(), vocab.size(), where + " transform");
  }
  EXPECT_GT(errors, 0u);  // the grid covers sklearn's error cases too
}

TEST(TfidfGolden, EnglishAndMixedScriptCorpus) { replay("golden_en.json"); }
TEST(TfidfGolden, ChineseCharacterCorpus) { replay("golden_zh.json"); }

// The worked example: cosine of the default TF-IDF rows of four sentences.
TEST(TfidfGolden, WorkedExampleVocabulary) {
  auto golden = nlohmann::json::parse(slurp(kDir + "similar_zh.json"));
  auto docs = golden["tokens"].get<std::vector<std::vector<std::string>>>();
  TfidfVectorizer vec;
  ASSERT_TRUE(vec.fit(docs).is_ok());
  EXPECT_EQ(vec.vocabulary(), golden["vocabulary"].get<std::vector<std::string>>());
}

}  // namespace
}  // namespace tokrec::features
