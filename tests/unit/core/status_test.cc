#include "tokrec/core/status.h"

#include <gtest/gtest.h>

namespace tokrec {
namespace {

Result<int> parse_positive(int x) {
  if (x <= 0) return Status::invalid_argument("not positive: " + std::to_string(x));
  return x;
}

Result<int> doubled(int x) {
  TOKREC_ASSIGN_OR_RETURN(int v, parse_positive(x));
  return v * 2;
}

TEST(Status, OkAndError) {
  EXPECT_TRUE(Status::ok().is_ok());
  Status s = Status::parse_error("line 3: empty token").with_context("vocab.txt");
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_EQ(s.to_string(), "parse error: vocab.txt: line 3: empty token");
}

TEST(Result, PropagatesErrors) {
  auto good = doubled(4);
  ASSERT_TRUE(good.is_ok());
  EXPECT_EQ(*good, 8);
  auto bad = doubled(-1);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_EQ(bad.status().message(), "not positive: -1");
}

}  // namespace
}  // namespace tokrec
