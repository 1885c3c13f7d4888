// The corpus term table: every string gets one id, in insertion order, for
// every length (the hash and the comparison read short strings and tails
// with overlapping loads, so each byte position of each length is checked).
#include "features/term_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tokrec::features::detail {
namespace {

TEST(TermTable, EveryByteOfEveryLengthCounts) {
  TermTable table;
  std::vector<std::string> terms;
  // Lengths past 255 share the saturated length field of a slot.
  for (size_t len : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 17, 23, 24, 25, 31, 32, 33, 40, 254, 255, 256, 257, 263,
                     264, 300, 511, 512}) {
    const std::string base(len, 'a');
    terms.push_back(base);
    for (size_t at = 0; at < len; ++at) {  // differs from base in one byte only
      std::string t = base;
      t[at] = 'b';
      terms.push_back(t);
    }
  }
  for (size_t i = 0; i < terms.size(); ++i) {
    bool inserted = false;
    EXPECT_EQ(table.intern(terms[i], inserted), i) << "'" << terms[i] << "'";
    EXPECT_TRUE(inserted) << "'" << terms[i] << "'";
  }
  ASSERT_EQ(table.size(), terms.size());
  for (size_t i = 0; i < terms.size(); ++i) {
    bool inserted = true;
    EXPECT_EQ(table.intern(terms[i], inserted), i);
    EXPECT_FALSE(inserted);
    EXPECT_EQ(table.term(static_cast<uint32_t>(i)), terms[i]);
  }
  table.clear();
  bool inserted = false;
  EXPECT_EQ(table.intern("abc", inserted), 0u);
  EXPECT_TRUE(inserted);
}

TEST(TermTable, BytesEqualAndHashOnAllShortLengths) {
  for (size_t len = 0; len <= 24; ++len) {
    for (size_t at = 0; at < len; ++at) {
      std::string a(len, 'x'), b(len, 'x');
      b[at] = 'y';
      EXPECT_FALSE(bytes_equal(a.data(), b.data(), len)) << len << " " << at;
      EXPECT_NE(hash_bytes(a), hash_bytes(b)) << len << " " << at;
    }
    std::string a(len, 'x');
    std::string b = a;
    EXPECT_TRUE(bytes_equal(a.data(), b.data(), len));
    EXPECT_EQ(hash_bytes(a), hash_bytes(b));
  }
}

}  // namespace
}  // namespace tokrec::features::detail
