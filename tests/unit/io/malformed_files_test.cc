// Malformed .npy and .zip files: a clear error, never a crash or an
// allocation sized by a corrupt length field.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "tokrec/io/file.h"
#include "tokrec/io/npy.h"
#include "tokrec/io/zip.h"

namespace tokrec::io {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("tokrec-io-malformed-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

// A version 1.0 .npy with the given header dict and `data_bytes` zero bytes.
std::string npy_with(const std::string& dict, size_t data_bytes) {
  std::string h = dict;
  while ((10 + h.size() + 1) % 64 != 0) h.push_back(' ');
  h.push_back('\n');
  std::string out("\x93NUMPY\x01\x00", 8);
  out.push_back(static_cast<char>(h.size() & 0xff));
  out.push_back(static_cast<char>(h.size() >> 8));
  return out + h + std::string(data_bytes, '\0');
}

Result<std::vector<float>> read_npy_bytes(const std::string& name, const std::string& bytes,
                                          std::vector<size_t>& shape) {
  const std::string path = temp_path(name);
  EXPECT_TRUE(write_file(path, bytes).is_ok());
  auto r = read_npy_f32(path, shape);
  std::filesystem::remove(path);
  return r;
}

TEST(MalformedNpy, ShapeWhoseProductOverflowsIsRefused) {
  // 2^62 * 4 bytes wraps to 0 in 64 bits: must not be taken for an empty array.
  std::vector<size_t> shape;
  auto r = read_npy_bytes("overflow.npy",
                          npy_with("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904,), }", 0),
                          shape);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("overflow.npy"), std::string::npos) << r.status().message();
  auto r2 = read_npy_bytes("pair.npy",
                           npy_with("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", 0),
                           shape);
  EXPECT_FALSE(r2.is_ok());
  auto r3 = read_npy_bytes("digits.npy",
                           npy_with("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999999,), }", 8),
                           shape);
  EXPECT_FALSE(r3.is_ok());
}

TEST(MalformedNpy, ValidSmallArraysStillRead) {
  std::vector<size_t> shape;
  auto r = read_npy_bytes("ok.npy", npy_with("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24), shape);
  ASSERT_TRUE(r.is_ok()) << r.status().to_string();
  EXPECT_EQ(shape, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(r->size(), 6u);
  auto empty = read_npy_bytes("empty.npy", npy_with("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", 0), shape);
  ASSERT_TRUE(empty.is_ok()) << empty.status().to_string();
  EXPECT_TRUE(empty->empty());
}

TEST(MalformedZip, TruncatedArchiveNamesTheOffset) {
  // A stored entry "a.txt" = "hello", written by hand (local header, central
  // directory, end record), then cut.
  auto le16 = [](std::string& s, uint16_t v) { s.push_back(static_cast<char>(v & 0xff)); s.push_back(static_cast<char>(v >> 8)); };
  auto le32 = [&](std::string& s, uint32_t v) { le16(s, static_cast<uint16_t>(v & 0xffff)); le16(s, static_cast<uint16_t>(v >> 16)); };
  const uint32_t crc = 0x3610a686;  // crc32("hello")
  std::string z = "PK\x03\x04";
  le16(z, 20); le16(z, 0); le16(z, 0); le16(z, 0); le16(z, 0);
  le32(z, crc); le32(z, 5); le32(z, 5); le16(z, 5); le16(z, 0);
  z += "a.txt";
  z += "hello";
  const uint32_t cd_offset = static_cast<uint32_t>(z.size());
  z += "PK\x01\x02";
  le16(z, 20); le16(z, 20); le16(z, 0); le16(z, 0); le16(z, 0); le16(z, 0);
  le32(z, crc); le32(z, 5); le32(z, 5); le16(z, 5); le16(z, 0); le16(z, 0); le16(z, 0); le16(z, 0);
  le32(z, 0); le32(z, 0);
  z += "a.txt";
  const uint32_t cd_size = static_cast<uint32_t>(z.size()) - cd_offset;
  z += "PK\x05\x06";
  le16(z, 0); le16(z, 0); le16(z, 1); le16(z, 1); le32(z, cd_size); le32(z, cd_offset); le16(z, 0);

  auto whole = ZipArchive::from_bytes(z, "model.zip");
  ASSERT_TRUE(whole.is_ok()) << whole.status().to_string();
  auto content = whole->read("a.txt");
  ASSERT_TRUE(content.is_ok()) << content.status().to_string();
  EXPECT_EQ(*content, "hello");

  auto cut = ZipArchive::from_bytes(z.substr(0, z.size() - 10), "model.zip");
  ASSERT_FALSE(cut.is_ok());
  EXPECT_NE(cut.status().message().find("model.zip"), std::string::npos) << cut.status().message();
  EXPECT_NE(cut.status().message().find("offset"), std::string::npos) << cut.status().message();

  // Central directory pointing past the end of the archive.
  std::string bad = z;
  bad[bad.size() - 6] = '\x7f';
  auto past = ZipArchive::from_bytes(bad, "model.zip");
  ASSERT_FALSE(past.is_ok());
  EXPECT_NE(past.status().message().find("model.zip"), std::string::npos) << past.status().message();
}

}  // namespace
}  // namespace tokrec::io
