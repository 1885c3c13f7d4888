#include "tokrec/features/tfidf.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tokrec::features {
namespace {

using Docs = std::vector<std::vector<std::string>>;

TEST(Tfidf, HandComputedDefaults) {
  // n = 2; df(a) = 2, df(b) = 1. smooth idf: ln(3/3)+1 = 1, ln(3/2)+1.
  Docs docs = {{"a", "b", "a"}, {"a"}};
  TfidfVectorizer vec;
  auto m = vec.fit_transform(docs);
  ASSERT_TRUE(m.is_ok()) << m.status().to_string();
  ASSERT_EQ(vec.vocabulary(), (std::vector<std::string>{"a", "b"}));
  double idf_b = std::log(3.0 / 2.0) + 1.0;
  EXPECT_DOUBLE_EQ(vec.idf()[0], 1.0);
  EXPECT_DOUBLE_EQ(vec.idf()[1], idf_b);
  EXPECT_EQ(vec.document_frequency(), (std::vector<int64_t>{2, 1}));
  double norm = std::sqrt(4.0 + idf_b * idf_b);
  EXPECT_EQ(m->indptr, (std::vector<int64_t>{0, 2, 3}));
  EXPECT_EQ(m->indices, (std::vector<int32_t>{0, 1, 0}));
  EXPECT_DOUBLE_EQ(m->data[0], 2.0 / norm);
  EXPECT_DOUBLE_EQ(m->data[1], idf_b / norm);
  EXPECT_DOUBLE_EQ(m->data[2], 1.0);
}

TEST(Tfidf, VocabularyInByteOrderAndColumnLookup) {
  Docs docs = {{"b", "B", "\xe4\xb8\xad", "a", "\xc3\xa9"}, {""}};
  TfidfVectorizer vec;
  ASSERT_TRUE(vec.fit(docs).is_ok());
  EXPECT_EQ(vec.vocabulary(), (std::vector<std::string>{"", "B", "a", "b", "\xc3\xa9", "\xe4\xb8\xad"}));
  EXPECT_EQ(vec.column("a"), 2);
  EXPECT_EQ(vec.column("\xe4\xb8\xad"), 5);
  EXPECT_FALSE(vec.column("zzz").has_value());
}

TEST(Tfidf, UnknownTermsAndEmptyDocsTransformToEmptyRows) {
  TfidfVectorizer vec;
  ASSERT_TRUE(vec.fit({{"x", "y"}}).is_ok());
  auto m = vec.transform({{"unknown"}, {}, {"y", "nope"}});
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(m->rows, 3u);
  EXPECT_EQ(m->cols, 2u);
  EXPECT_EQ(m->indptr, (std::vector<int64_t>{0, 0, 0, 1}));
  EXPECT_EQ(m->indices, (std::vector<int32_t>{1}));
  EXPECT_DOUBLE_EQ(m->data[0], 1.0);
}

TEST(Tfidf, SublinearBinaryAndNoNorm) {
  TfidfOptions o;
  o.norm = Norm::kNone;
  o.use_idf = false;
  o.sublinear_tf = true;
  TfidfVectorizer sub(o);
  auto m = sub.fit_transform({{"a", "a", "a", "b"}});
  ASSERT_TRUE(m.is_ok());
  EXPECT_DOUBLE_EQ(m->data[0], 1.0 + std::log(3.0));
  EXPECT_DOUBLE_EQ(m->data[1], 1.0);
  EXPECT_TRUE(sub.idf().empty());

  o.sublinear_tf = false;
  o.binary = true;
  TfidfVectorizer bin(o);
  m = bin.fit_transform({{"a", "a", "a", "b"}});
  ASSERT_TRUE(m.is_ok());
  EXPECT_EQ(m->data, (std::vector<double>{1.0, 1.0}));
}

TEST(Tfidf, L1NormAndUnsmoothedIdf) {
  TfidfOptions o;
  o.norm = Norm::kL1;
  o.smooth_idf = false;
  TfidfVectorizer vec(o);
  auto m = vec.fit_transform({{"a", "b"}, {"a"}});
  ASSERT_TRUE(m.is_ok());
  double idf_b = std::log(2.0) + 1.0;  // ln(n/df)+1
  EXPECT_DOUBLE_EQ(vec.idf()[1], idf_b);
  EXPECT_DOUBLE_EQ(m->data[0] + m->data[1], 1.0);
  EXPECT_DOUBLE_EQ(m->data[1], idf_b / (1.0 + idf_b));
}

TEST(Tfidf, DfBoundsCountVersusProportion) {
  Docs docs = {{"a", "b"}, {"a", "c"}, {"a"}, {"d"}};
  TfidfOptions o;
  o.max_df = {true, 1};  // int 1: terms in at most one document
  TfidfVectorizer count(o);
  ASSERT_TRUE(count.fit(docs).is_ok());
  EXPECT_EQ(count.vocabulary(), (std::vector<std::string>{"b", "c", "d"}));

  o.max_df = {false, 1.0};
  o.min_df = {false, 0.5};  // float: at least 2 of 4 documents
  TfidfVectorizer prop(o);
  ASSERT_TRUE(prop.fit(docs).is_ok());
  EXPECT_EQ(prop.vocabulary(), (std::vector<std::string>{"a"}));
}

TEST(Tfidf, Errors) {
  TfidfVectorizer unfitted;
  EXPECT_FALSE(unfitted.transform({{"a"}}).is_ok());

  TfidfVectorizer vec;
  auto st = vec.fit({{}, {}});
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("empty vocabulary"), std::string::npos);

  TfidfOptions o;
  o.min_df = {true, 3};
  TfidfVectorizer pruned(o);
  st = pruned.fit({{"a"}, {"a", "b"}, {"c"}});
  EXPECT_NE(st.message().find("no terms remain"), std::string::npos);
  EXPECT_FALSE(pruned.fitted());

  o.min_df = {true, 2};
  o.max_df = {true, 1};
  st = TfidfVectorizer(o).fit({{"a"}});
  EXPECT_NE(st.message().find("max_df corresponds to < documents than min_df"), std::string::npos);

  for (DfBound bad : {DfBound{true, 0}, DfBound{true, 1.5}, DfBound{false, 1.5}, DfBound{false, -0.1},
                      DfBound{false, std::nan("")}}) {
    TfidfOptions b;
    b.min_df = bad;
    EXPECT_EQ(TfidfVectorizer(b).fit({{"a"}}).code(), StatusCode::kInvalidArgument);
  }
}

TEST(Tfidf, RefitReplacesState) {
  TfidfVectorizer vec;
  ASSERT_TRUE(vec.fit({{"a", "b"}}).is_ok());
  ASSERT_TRUE(vec.fit({{"c"}}).is_ok());
  EXPECT_EQ(vec.vocabulary(), (std::vector<std::string>{"c"}));
  EXPECT_FALSE(vec.column("a").has_value());
}

}  // namespace
}  // namespace tokrec::features
