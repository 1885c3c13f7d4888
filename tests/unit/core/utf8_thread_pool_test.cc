#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "tokrec/core/thread_pool.h"
#include "tokrec/core/utf8.h"

namespace tokrec {
namespace {

TEST(Utf8, ValidatesAndRoundTrips) {
  EXPECT_TRUE(utf8::is_valid("héllo 我 😀"));
  EXPECT_FALSE(utf8::is_valid("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(utf8::is_valid("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(utf8::is_valid("abc\xE4\xBD"));       // truncated
  EXPECT_EQ(utf8::first_invalid_offset("abc\xFF"), 3u);
  std::string s = "a\xC3\xA9\xE6\x88\x91\xF0\x9F\x98\x80";
  auto u = utf8::to_u32(s);
  ASSERT_EQ(u.size(), 4u);
  EXPECT_EQ(u[1], U'\u00E9');
  EXPECT_EQ(u[3], U'\U0001F600');
  EXPECT_EQ(utf8::from_u32(u), s);
  EXPECT_EQ(utf8::length(s), 4u);
}

// The ASCII runs are checked 8 bytes at a time: an invalid or multi-byte
// sequence at every offset of every length around that stride must still be
// found at its exact byte.
TEST(Utf8, FirstInvalidOffsetAtEveryPositionAndLength) {
  for (size_t len = 0; len <= 40; ++len) {
    const std::string ascii(len, 'a');
    EXPECT_EQ(utf8::first_invalid_offset(ascii), len);
    for (size_t at = 0; at < len; ++at) {
      std::string bad = ascii;
      bad[at] = '\xFF';
      EXPECT_EQ(utf8::first_invalid_offset(bad), at) << len << " " << at;
      std::string good = ascii.substr(0, at) + "\xE6\x88\x91" + ascii.substr(at);  // 我
      EXPECT_EQ(utf8::first_invalid_offset(good), good.size()) << len << " " << at;
      std::string cut = ascii.substr(0, at) + "\xE6\x88" + ascii.substr(at);  // truncated 我
      EXPECT_EQ(utf8::first_invalid_offset(cut), at) << len << " " << at;
      std::string after = good + ascii + "\xC0\xAF";  // overlong after a multi-byte char
      EXPECT_EQ(utf8::first_invalid_offset(after), good.size() + len) << len << " " << at;
    }
  }
}

TEST(ThreadPool, VisitsEveryIndexOnce) {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> hits(10007);
  pool.parallel_for(0, hits.size(), [&](size_t i) { hits[i]++; });
  for (auto& h : hits) ASSERT_EQ(h.load(), 1);
  // Reusable for a second job.
  pool.parallel_for(5, 10, [&](size_t i) { hits[i]++; });
  EXPECT_EQ(hits[5].load(), 2);
  EXPECT_EQ(hits[10].load(), 1);
}

}  // namespace
}  // namespace tokrec
