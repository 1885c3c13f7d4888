// The minimal ZIP reader on archives assembled here byte by byte (stored and
// raw-deflate entries), and its errors for damaged ones.
#include "tokrec/io/zip.h"

#include <gtest/gtest.h>
#include <zlib.h>

namespace tokrec::io {
namespace {

void put16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& s, uint32_t v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}

std::string raw_deflate(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, static_cast<uLong>(in.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

struct File {
  std::string name, content;
  uint16_t method;  // 0 stored, 8 deflate
};

// Local headers + data, central directory, end record (with a comment).
std::string make_zip(const std::vector<File>& files, const std::string& comment = "") {
  std::string zip, central;
  for (const File& f : files) {
    const std::string packed = f.method == 8 ? raw_deflate(f.content) : f.content;
    const auto crc = static_cast<uint32_t>(
        crc32(0, reinterpret_cast<const Bytef*>(f.content.data()), static_cast<uInt>(f.content.size())));
    const auto offset = static_cast<uint32_t>(zip.size());
    put32(zip, 0x04034b50);
    put16(zip, 20);
    put16(zip, 0);
    put16(zip, f.method);
    put32(zip, 0);
    put32(zip, crc);
    put32(zip, static_cast<uint32_t>(packed.size()));
    put32(zip, static_cast<uint32_t>(f.content.size()));
    put16(zip, static_cast<uint32_t>(f.name.size()));
    put16(zip, 0);
    zip += f.name + packed;
    put32(central, 0x02014b50);
    put16(central, 20);
    put16(central, 20);
    put16(central, 0);
    put16(central, f.method);
    put32(central, 0);
    put32(central, crc);
    put32(central, static_cast<uint32_t>(packed.size()));
    put32(central, static_cast<uint32_t>(f.content.size()));
    put16(central, static_cast<uint32_t>(f.name.size()));
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put32(central, 0);
    put32(central, offset);
    central += f.name;
  }
  const auto cd_offset = static_cast<uint32_t>(zip.size());
  zip += central;
  put32(zip, 0x06054b50);
  put16(zip, 0);
  put16(zip, 0);
  put16(zip, static_cast<uint32_t>(files.size()));
  put16(zip, static_cast<uint32_t>(files.size()));
  put32(zip, static_cast<uint32_t>(central.size()));
  put32(zip, cd_offset);
  put16(zip, static_cast<uint32_t>(comment.size()));
  return zip + comment;
}

TEST(Zip, ListsAndReadsStoredAndDeflatedEntries) {
  std::string big;
  for (int i = 0; i < 5000; ++i) big += "line " + std::to_string(i) + " 中文\n";
  const std::string data = make_zip({{"a.txt", "hello", 0}, {"dir/", "", 0}, {"big.model", big, 8}}, "PK\5\6 comment");
  EXPECT_TRUE(looks_like_zip(data));
  auto zip = ZipArchive::from_bytes(data, "t.zip");
  ASSERT_TRUE(zip.is_ok()) << zip.status().to_string();
  ASSERT_EQ(zip->entries().size(), 3u);
  EXPECT_EQ(zip->entries()[0].name, "a.txt");
  EXPECT_TRUE(zip->entries()[1].is_directory());
  EXPECT_EQ(zip->entries()[2].method, 8);
  EXPECT_LT(zip->entries()[2].compressed_size, big.size());
  EXPECT_EQ(*zip->read("a.txt"), "hello");
  EXPECT_EQ(*zip->read("big.model"), big);
  EXPECT_EQ(zip->read("missing").status().code(), StatusCode::kNotFound);
}

TEST(Zip, DamagedArchivesNameTheFileAndOffset) {
  const std::string good = make_zip({{"m.model", std::string(2000, 'x') + "tail", 8}});
  ASSERT_TRUE(ZipArchive::from_bytes(good, "g.zip").is_ok());
  for (size_t cut = 0; cut < good.size(); ++cut) {  // every truncation fails cleanly
    auto zip = ZipArchive::from_bytes(good.substr(0, cut), "cut.zip");
    if (zip.is_ok()) {
      for (const ZipEntry& e : zip->entries()) EXPECT_FALSE(zip->read(e).is_ok()) << cut;
      continue;
    }
    EXPECT_NE(zip.status().message().find("cut.zip"), std::string::npos);
    EXPECT_NE(zip.status().message().find("offset"), std::string::npos);
  }
  // A flipped byte in the deflate data: corrupt stream or CRC mismatch.
  std::string bad = good;
  bad[40] = static_cast<char>(bad[40] ^ 0x21);
  auto zip = ZipArchive::from_bytes(bad, "bad.zip");
  ASSERT_TRUE(zip.is_ok());
  auto content = zip->read(zip->entries()[0]);
  ASSERT_FALSE(content.is_ok());
  EXPECT_NE(content.status().message().find("bad.zip"), std::string::npos);
  // Stored data whose CRC does not match.
  std::string stored = make_zip({{"s", "abcdef", 0}});
  stored[30 + 1 + 2] = 'X';  // inside the data after the 30-byte header and name "s"
  auto z2 = ZipArchive::from_bytes(stored, "crc.zip");
  ASSERT_TRUE(z2.is_ok());
  EXPECT_NE(z2->read("s").status().message().find("CRC"), std::string::npos);
  // Unsupported method.
  std::string bzip = make_zip({{"s", "abc", 0}});
  bzip[8] = 12;  // local header method
  bzip[bzip.find(std::string("PK\1\2", 4)) + 10] = 12;
  auto z3 = ZipArchive::from_bytes(bzip, "m.zip");
  ASSERT_TRUE(z3.is_ok());
  EXPECT_NE(z3->read("s").status().message().find("method 12"), std::string::npos);
  EXPECT_FALSE(ZipArchive::from_bytes("not a zip at all, just some text", "x.zip").is_ok());
}

}  // namespace
}  // namespace tokrec::io
