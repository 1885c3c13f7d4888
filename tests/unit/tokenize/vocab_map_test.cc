// VocabMap: the batched lookup used while loading (find_batch) answers as
// find does, and KeyRef views give back the stored keys.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tokenize/vocab_map.h"

namespace tokrec::tokenize {
namespace {

TEST(VocabMap, FindBatchAnswersAsFind) {
  VocabMap map;
  std::vector<std::string> keys;
  std::vector<VocabMap::KeyRef> refs;
  uint32_t x = 12345;
  for (int i = 0; i < 20000; ++i) {
    x = x * 1664525u + 1013904223u;
    std::string k(1 + x % 11, 'a');
    for (char& c : k) {
      x = x * 1664525u + 1013904223u;
      c = static_cast<char>('a' + (x >> 24) % 4);  // few letters: many shared prefixes
    }
    if (map.insert(k, i)) {
      keys.push_back(k);
      refs.push_back(map.last_key());
    } else {
      EXPECT_GE(map.find(k), 0);
    }
  }
  ASSERT_GT(keys.size(), 5000u);
  for (size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(map.key(refs[i]), keys[i]);
  // Present keys, their prefixes and extensions (present or not), the empty key.
  std::vector<std::string> probes = {""};
  for (const std::string& k : keys) {
    probes.push_back(k);
    probes.push_back(k.substr(0, k.size() / 2));
    probes.push_back(k + "z");
  }
  std::vector<std::string_view> views(probes.begin(), probes.end());
  std::vector<int32_t> got(views.size(), 7);
  map.find_batch(views, got);
  size_t found = 0;
  for (size_t i = 0; i < views.size(); ++i) {
    ASSERT_EQ(got[i], map.find(views[i])) << "'" << views[i] << "'";
    found += got[i] >= 0;
  }
  EXPECT_GT(found, keys.size());
  EXPECT_LT(found, views.size());

  VocabMap empty;
  std::vector<int32_t> none(2, 7);
  empty.find_batch(std::vector<std::string_view>{"a", ""}, none);
  EXPECT_EQ(none, (std::vector<int32_t>{-1, -1}));
}

TEST(VocabMap, ReserveKeepsContents) {
  VocabMap map;
  ASSERT_TRUE(map.insert("x", 1));
  map.reserve(100000, 500000);
  EXPECT_EQ(map.find("x"), 1);
  ASSERT_TRUE(map.insert("y", 2));
  EXPECT_FALSE(map.insert("x", 3));
  EXPECT_EQ(map.find("x"), 1);
  EXPECT_EQ(map.size(), 2u);
}

}  // namespace
}  // namespace tokrec::tokenize
