// BM25 against its formula, save/load round trips, .npy layout, analyzer
// errors and Python character classes.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "tokrec/features/analyzer.h"
#include "tokrec/features/corpus.h"
#include "tokrec/features/tfidf.h"
#include "tokrec/io/npy.h"

namespace tokrec::features {
namespace {

TEST(Bm25, MatchesFormula) {
  TfidfOptions o;
  o.weighting = Weighting::kBm25;
  o.norm = Norm::kNone;
  TfidfVectorizer vec(o);
  std::vector<std::vector<std::string>> docs = {{"a", "b", "a"}, {"b", "c"}, {"a"}};
  auto m = vec.fit_transform(docs);
  ASSERT_TRUE(m.is_ok());
  const double n = 3, avgdl = 6.0 / 3, k1 = 1.2, b = 0.75;
  auto idf = [&](double df) { return std::log(1 + (n - df + 0.5) / (df + 0.5)); };
  auto w = [&](double tf, double df, double dl) {
    return idf(df) * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl));
  };
  // Row 0: a (tf 2, df 2), b (tf 1, df 2); |d| = 3.
  ASSERT_EQ(m->indptr, (std::vector<int64_t>{0, 2, 4, 5}));
  EXPECT_DOUBLE_EQ(m->data[0], w(2, 2, 3));
  EXPECT_DOUBLE_EQ(m->data[1], w(1, 2, 3));
  EXPECT_DOUBLE_EQ(m->data[3], w(1, 1, 2));  // c in row 1
  EXPECT_DOUBLE_EQ(m->data[4], w(1, 2, 1));  // a in row 2
  EXPECT_DOUBLE_EQ(vec.avgdl(), avgdl);
}

TEST(TfidfState, SaveLoadRoundTrip) {
  TfidfOptions o;
  o.sublinear_tf = true;
  o.max_features = 3;
  o.min_df = {true, 1};
  TfidfVectorizer vec(o);
  std::vector<std::vector<std::string>> docs = {{"x", "y", "z"}, {"x", "w"}, {"é", "x", "y"}, {}};
  auto m = vec.fit_transform(docs);
  ASSERT_TRUE(m.is_ok());
  std::string path = ::testing::TempDir() + "/state.json";
  ASSERT_TRUE(vec.save(path).is_ok());
  auto loaded = TfidfVectorizer::load(path);
  ASSERT_TRUE(loaded.is_ok()) << loaded.status().message();
  EXPECT_EQ(loaded->vocabulary(), vec.vocabulary());
  EXPECT_EQ(loaded->idf(), vec.idf());  // bit for bit
  auto m2 = loaded->transform(docs);
  ASSERT_TRUE(m2.is_ok());
  EXPECT_EQ(m2->data, m->data);
  EXPECT_EQ(m2->indices, m->indices);
  EXPECT_FALSE(TfidfVectorizer::from_json("{\"format\": \"other\"}").is_ok());
  EXPECT_FALSE(TfidfVectorizer::from_json("not json").is_ok());
}

TEST(Analyzer, PythonClasses) {
  EXPECT_TRUE(python_is_word(U'_'));
  EXPECT_TRUE(python_is_word(U'é'));
  EXPECT_TRUE(python_is_word(U'²'));    // No: isalnum() is true
  EXPECT_FALSE(python_is_word(0x301));  // combining acute: Mn is not \w in Python
  EXPECT_FALSE(python_is_word(U'-'));
  EXPECT_TRUE(python_is_space(0xA0));
  EXPECT_TRUE(python_is_space(0x1F));
  EXPECT_FALSE(python_is_space(0x200B));  // zero-width space is not whitespace
  std::string out;
  python_lower("ΟΔΟΣ Σ ΣΑΣ. İ", out);
  EXPECT_EQ(out, "οδος σ σας. i\u0307");
  // str.lower() of mostly-ASCII text with other code points between the
  // ASCII bytes (the byte-wise path), values from CPython 3.11.
  const std::pair<const char*, const char*> cases[] = {
      {"Café AU LAIT", "café au lait"},
      {"ÀÉÎÕÜ xyz İSTANBUL", "àéîõü xyz i\u0307stanbul"},
      {"Straße Ǆǅǆ ﬁ Ⅻ", "straße ǆǆǆ ﬁ ⅻ"},
      {"Москва ÆØÅ ΆΈ 日本 Ａ", "москва æøå άέ 日本 ａ"},
      {"A\u0301B\u0308 e\u0301", "a\u0301b\u0308 e\u0301"},
      {"ΣΑΣ", "σας"},
      {"abc😀DEF", "abc😀def"},
  };
  for (const auto& [text, want] : cases) {
    python_lower(text, out);
    EXPECT_EQ(out, want) << text;
  }
}

TEST(Analyzer, Errors) {
  AnalyzerOptions o;
  o.ngram_min = 2;
  o.ngram_max = 1;
  EXPECT_FALSE(Analyzer::create(o).is_ok());
  AnalyzerOptions t;
  t.kind = AnalyzerKind::kTokenizer;
  EXPECT_FALSE(Analyzer::create(t).is_ok());
  AnalyzerOptions s;
  s.kind = AnalyzerKind::kSegmenter;
  EXPECT_FALSE(Analyzer::create(s).is_ok());
  auto a = Analyzer::create({});
  ASSERT_TRUE(a.is_ok());
  Terms terms;
  EXPECT_FALSE(a->analyze("ok \xff", terms).is_ok());
  EXPECT_FALSE(parse_analyzer_kind("words").is_ok());
}

TEST(Analyzer, SegmenterHookDropsBlankWords) {
  AnalyzerOptions o;
  o.kind = AnalyzerKind::kSegmenter;
  o.lowercase = false;
  o.segmenter = [](std::string_view text, std::vector<std::string>& out) {
    out = {std::string(text.substr(0, 2)), " ", std::string(text.substr(2))};
    return Status::ok();
  };
  auto a = Analyzer::create(o);
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(*a->analyze("ABcd"), (std::vector<std::string>{"AB", "cd"}));
}

TEST(Corpus, ErrorNamesLine) {
  std::string path = ::testing::TempDir() + "/bad_lines.txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << "good line\nalso good\nbad \xff here\n";
  }
  auto a = Analyzer::create({});
  TfidfVectorizer vec;
  auto m = fit_transform_file(path, *a, vec);
  ASSERT_FALSE(m.is_ok());
  EXPECT_NE(m.status().message().find("line 3"), std::string::npos) << m.status().message();
}

// Plain files are read in byte spans that each thread cuts into lines
// itself: every span size and thread count gives the rows, vocabulary and
// values of the in-memory path, with CRLF, empty lines, blocks that start
// mid-line and a file without a final newline.
TEST(Corpus, ByteSpansMatchInMemory) {
  std::vector<std::string> docs;
  std::string text;
  uint64_t state = 7;
  for (int i = 0; i < 3000; ++i) {
    std::string line;
    const int words = i % 97 == 0 ? 0 : 1 + static_cast<int>(i % 13);
    for (int w = 0; w < words; ++w) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      line += (w ? " " : "") + std::string("tok") + std::to_string((state >> 33) % 700);
    }
    docs.push_back(line);
    text += line + (i % 5 == 0 ? "\r\n" : "\n");
  }
  text.pop_back();  // the last line ends without a newline
  if (text.back() == '\r') text.pop_back();
  const std::string path = ::testing::TempDir() + "/spans_" + std::to_string(::getpid()) + ".txt";
  {
    std::ofstream out(path, std::ios::binary);
    out << text;
  }
  ASSERT_GT(text.size(), size_t{4} << 14);  // several 16 KiB blocks per span
  auto a = Analyzer::create({});
  ASSERT_TRUE(a.is_ok());
  TfidfVectorizer ref;
  CorpusOptions one;
  one.threads = 1;
  one.chunk_lines = 1 << 20;
  auto want = fit_transform_texts(docs, *a, ref, one);
  ASSERT_TRUE(want.is_ok());
  for (size_t threads : {1, 2, 3}) {
    for (size_t bytes : {size_t{1}, size_t{100}, size_t{20000}, size_t{64} << 20}) {
      for (bool keep : {true, false}) {
        CorpusOptions co;
        co.threads = threads;
        co.chunk_bytes = bytes;
        co.keep_rows = keep;
        TfidfVectorizer vec;
        auto got = fit_transform_file(path, *a, vec, co);
        const std::string where = "threads " + std::to_string(threads) + " bytes " + std::to_string(bytes);
        ASSERT_TRUE(got.is_ok()) << where << ": " << got.status().message();
        EXPECT_EQ(vec.vocabulary(), ref.vocabulary()) << where;
        EXPECT_EQ(got->rows, docs.size()) << where;
        EXPECT_EQ(got->indptr, want->indptr) << where;
        EXPECT_EQ(got->indices, want->indices) << where;
        ASSERT_EQ(got->data.size(), want->data.size()) << where;
        for (size_t k = 0; k < got->data.size(); ++k) ASSERT_NEAR(got->data[k], want->data[k], 1e-15) << where;
      }
    }
  }
  // An error deep in the file names its line, whichever block holds it.
  std::string bad = text;
  size_t at = 0;
  for (int line = 1; line < 2500; ++line) at = bad.find('\n', at) + 1;
  bad.insert(at, "\xff");
  {
    std::ofstream out(path, std::ios::binary);
    out << bad;
  }
  for (size_t threads : {1, 2}) {
    CorpusOptions co;
    co.threads = threads;
    co.chunk_bytes = 30000;
    TfidfVectorizer vec;
    auto m = fit_transform_file(path, *a, vec, co);
    ASSERT_FALSE(m.is_ok());
    EXPECT_NE(m.status().message().find("line 2500"), std::string::npos) << m.status().message();
  }
}

TEST(Npy, HeaderLayout) {
  std::vector<float> v = {1, 2, 3, 4, 5, 6};
  std::string bytes = io::npy_bytes(std::span<const float>(v), {2, 3});
  ASSERT_EQ(bytes.size(), 128 + 24);  // header padded to 64 bytes, as np.save writes it
  EXPECT_EQ(bytes.substr(0, 6), "\x93NUMPY");
  EXPECT_NE(bytes.find("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), std::string::npos);
  EXPECT_EQ(bytes[127], '\n');
  std::string path = ::testing::TempDir() + "/m.npy";
  ASSERT_TRUE(io::write_npy(path, v, 2, 3).is_ok());
  std::vector<size_t> shape;
  auto back = io::read_npy_f32(path, shape);
  ASSERT_TRUE(back.is_ok());
  EXPECT_EQ(*back, v);
  EXPECT_EQ(shape, (std::vector<size_t>{2, 3}));
  std::vector<int64_t> one = {7};
  EXPECT_NE(io::npy_bytes(std::span<const int64_t>(one), {1}).find("'shape': (1,)"), std::string::npos);
}

}  // namespace
}  // namespace tokrec::features
