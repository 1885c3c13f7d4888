// Replays scikit-learn's vectorizers on raw text (tests/golden/gen/gen_vectorizers.py):
// the analyzers term for term, vocabularies exactly (max_features ties
// included), matrices to 1e-12; hashing column for column; numpy's argsort order.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tokrec/features/analyzer.h"
#include "tokrec/features/corpus.h"
#include "tokrec/features/hashing.h"
#include "tokrec/features/tfidf.h"

namespace tokrec::features {
namespace {

const std::string kDir = std::string(TOKREC_GOLDEN_DIR) + "/vectorizers/";
using nlohmann::json;

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> read_docs(const std::string& name) {
  std::string text = slurp(kDir + name);
  std::vector<std::string> docs;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') {
      docs.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  if (start < text.size()) docs.push_back(text.substr(start));
  return docs;
}

Norm norm_of(const json& o) {
  if (!o.contains("norm")) return Norm::kL2;
  if (o["norm"].is_null()) return Norm::kNone;
  return o["norm"] == "l1" ? Norm::kL1 : Norm::kL2;
}

DfBound df_of(const json& o, const char* key, DfBound def) {
  if (!o.contains(key)) return def;
  const json& v = o[key];
  return v.is_number_integer() ? DfBound{true, v.get<double>()} : DfBound{false, v.get<double>()};
}

AnalyzerOptions analyzer_of(const json& o) {
  AnalyzerOptions a;
  if (o.contains("analyzer")) a.kind = *parse_analyzer_kind(o["analyzer"].get<std::string>());
  if (o.contains("ngram_range")) {
    a.ngram_min = o["ngram_range"][0];
    a.ngram_max = o["ngram_range"][1];
  }
  if (o.contains("lowercase")) a.lowercase = o["lowercase"];
  if (o.contains("stop_words")) a.stop_words = english_stop_words();
  return a;
}

void expect_csr(const SparseMatrix& m, const json& g, const std::string& what) {
  ASSERT_EQ(m.rows, g["shape"][0].get<size_t>()) << what;
  ASSERT_EQ(m.cols, g["shape"][1].get<size_t>()) << what;
  ASSERT_EQ(m.indptr, g["indptr"].get<std::vector<int64_t>>()) << what;
  ASSERT_EQ(m.indices, g["indices"].get<std::vector<int32_t>>()) << what;
  auto data = g["data"].get<std::vector<double>>();
  ASSERT_EQ(m.data.size(), data.size()) << what;
  for (size_t k = 0; k < data.size(); ++k)
    ASSERT_NEAR(m.data[k], data[k], 1e-12 * std::max(1.0, std::fabs(data[k]))) << what << " value " << k;
}

struct GoldenCase {
  std::string file;
  size_t index;
};

class VectorizerGolden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(VectorizerGolden, MatchesSklearn) {
  const json golden = json::parse(slurp(kDir + GetParam().file));
  const json& c = golden["cases"][GetParam().index];
  const json& o = c["options"];
  auto docs = read_docs(golden["corpus"]);
  auto queries = read_docs(golden["queries"]);
  auto analyzer = Analyzer::create(analyzer_of(o));
  ASSERT_TRUE(analyzer.is_ok()) << analyzer.status().message();

  for (size_t q = 0; q < queries.size(); ++q) {
    auto terms = analyzer->analyze(queries[q]);
    ASSERT_TRUE(terms.is_ok());
    EXPECT_EQ(*terms, c["analyzed"][q].get<std::vector<std::string>>()) << "query " << q;
  }

  if (c["hashing"].get<bool>()) {
    HashingOptions ho;
    if (o.contains("n_features")) ho.n_features = o["n_features"];
    if (o.contains("alternate_sign")) ho.alternate_sign = o["alternate_sign"];
    if (o.contains("binary")) ho.binary = o["binary"];
    ho.norm = norm_of(o);
    auto hv = HashingVectorizer::create(ho);
    ASSERT_TRUE(hv.is_ok());
    std::vector<std::vector<std::string>> analyzed;
    for (const auto& d : docs) analyzed.push_back(*analyzer->analyze(d));
    expect_csr(hv->transform(analyzed), c["fit"], "hash");
    // Through the streaming path, small chunks, 2 threads.
    CorpusOptions co;
    co.threads = 2;
    co.chunk_lines = 7;
    // One file per process: ctest runs the parameterized cases in parallel.
    std::string path = ::testing::TempDir() + "/hash_docs_" + std::to_string(::getpid()) + ".txt";
    {
      std::ofstream out(path, std::ios::binary);
      for (const auto& d : queries) out << d << "\n";
    }
    auto hm = hash_file(path, *analyzer, *hv, co);
    ASSERT_TRUE(hm.is_ok()) << hm.status().message();
    expect_csr(*hm, c["transform"], "hash_file");
    return;
  }

  TfidfOptions to;
  if (o.contains("sublinear_tf")) to.sublinear_tf = o["sublinear_tf"];
  if (o.contains("smooth_idf")) to.smooth_idf = o["smooth_idf"];
  if (o.contains("use_idf")) to.use_idf = o["use_idf"];
  if (o.contains("binary")) to.binary = o["binary"];
  if (o.contains("max_features")) to.max_features = o["max_features"];
  to.norm = norm_of(o);
  to.min_df = df_of(o, "min_df", to.min_df);
  to.max_df = df_of(o, "max_df", to.max_df);
  const auto vocab = c["vocabulary"].get<std::vector<std::string>>();

  // In memory, one thread, one chunk; then 2 threads in chunks of 5 lines
  // (cross-chunk merging), both single-analysis and two-pass; then 3 threads
  // (3 term partitions) in chunks of 3 lines.
  for (int mode = 0; mode < 4; ++mode) {
    CorpusOptions co;
    co.threads = mode == 0 ? 1 : mode == 3 ? 3 : 2;
    co.chunk_lines = mode == 0 ? 1000 : mode == 3 ? 3 : 5;
    co.keep_rows = mode != 2;
    TfidfVectorizer vec(to);
    auto m = fit_transform_texts(docs, *analyzer, vec, co);
    ASSERT_TRUE(m.is_ok()) << m.status().message();
    ASSERT_EQ(vec.vocabulary(), vocab) << "mode " << mode;
    expect_csr(*m, c["fit"], "fit mode " + std::to_string(mode));
    auto t = transform_texts(queries, *analyzer, vec, co);
    ASSERT_TRUE(t.is_ok());
    expect_csr(*t, c["transform"], "transform mode " + std::to_string(mode));
  }
}

std::vector<GoldenCase> all_cases() {
  std::vector<GoldenCase> out;
  for (const char* f : {"golden_en.json", "golden_mixed.json"}) {
    json g = json::parse(slurp(kDir + f));
    for (size_t i = 0; i < g["cases"].size(); ++i) out.push_back({f, i});
  }
  return out;
}

std::string case_name(const ::testing::TestParamInfo<GoldenCase>& info) {
  json g = json::parse(slurp(kDir + info.param.file));
  std::string prefix = info.param.file.substr(7, info.param.file.size() - 12);  // golden_<x>.json
  return prefix + "_" + g["cases"][info.param.index]["name"].get<std::string>();
}

INSTANTIATE_TEST_SUITE_P(Sklearn, VectorizerGolden, ::testing::ValuesIn(all_cases()), case_name);

TEST(NumpyArgsort, MatchesNumpyOnTies) {
  json g = json::parse(slurp(kDir + "argsort.json"));
  for (const auto& c : g["cases"]) {
    auto values = c["values"].get<std::vector<double>>();
    EXPECT_EQ(numpy_argsort(values), c["argsort"].get<std::vector<size_t>>()) << "n=" << values.size();
  }
}

TEST(Murmur, KnownValues) {
  // sklearn.utils.murmurhash3_32 values (seed 0, signed).
  EXPECT_EQ(murmurhash3_32("", 0), 0);
  EXPECT_EQ(murmurhash3_32("foo", 0), -156908512);
  EXPECT_EQ(murmurhash3_32("hello world", 0), 1586663183);
}

}  // namespace
}  // namespace tokrec::features
