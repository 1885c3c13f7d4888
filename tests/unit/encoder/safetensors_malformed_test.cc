// Corrupt safetensors headers found by fuzzing (tests/fuzz/fuzz_safetensors.cc):
// refused with a message naming the tensor, never a view past the data.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "encoder/safetensors.h"

namespace tokrec::encoder {
namespace {

Result<std::map<std::string, TensorView>> parse(const std::string& header, const std::string& data) {
  std::string file;
  for (int i = 0; i < 8; ++i) file.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
  file += header + data;
  return parse_safetensors(reinterpret_cast<const uint8_t*>(file.data()), file.size(), "w.safetensors");
}

TEST(SafetensorsMalformed, ElementCountTimesSizeMustNotWrap) {
  // 2^62 F32 elements = 2^64 bytes, which wraps to 0 = the (empty) data range.
  auto r = parse(R"({"w": {"dtype": "F32", "shape": [4611686018427387904], "data_offsets": [0, 0]}})", "");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("tensor w"), std::string::npos) << r.status().message();
  auto r2 = parse(R"({"w": {"dtype": "F16", "shape": [4294967296, 2147483648], "data_offsets": [0, 0]}})", "");
  EXPECT_FALSE(r2.is_ok());
}

TEST(SafetensorsMalformed, WellFormedHeaderStillParses) {
  auto r = parse(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "e": {"dtype": "F16", "shape": [0, 3], "data_offsets": [8, 8]}})",
                 std::string(8, '\0'));
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(r->at("w").nbytes, 8u);
  EXPECT_EQ(r->at("e").nbytes, 0u);
}

}  // namespace
}  // namespace tokrec::encoder
