// ZIP reading per PKWARE's APPNOTE: the end-of-central-directory record is
// found by scanning back from the end (it may be followed by a comment of up
// to 65535 bytes), the central directory gives each entry's sizes and the
// offset of its local header, and the data follows that local header.
#include "tokrec/io/zip.h"

#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <limits>

namespace tokrec::io {
namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndOfCentralDirSig = 0x06054b50;
constexpr size_t kLocalHeaderSize = 30;
constexpr size_t kCentralHeaderSize = 46;
constexpr size_t kEndOfCentralDirSize = 22;
// Refuse to allocate more than this for one entry (a corrupt or hostile size
// field must not exhaust memory).
constexpr uint64_t kMaxEntrySize = uint64_t{1} << 30;

uint16_t u16(std::string_view d, size_t at) {
  return static_cast<uint16_t>(static_cast<unsigned char>(d[at]) |
                               (static_cast<unsigned char>(d[at + 1]) << 8));
}

uint32_t u32(std::string_view d, size_t at) {
  return static_cast<uint32_t>(u16(d, at)) | (static_cast<uint32_t>(u16(d, at + 2)) << 16);
}

Status corrupt(const std::string& source, uint64_t offset, const std::string& what) {
  return Status::parse_error(source + ": corrupt zip archive at offset " + std::to_string(offset) +
                             ": " + what);
}

}  // namespace

bool looks_like_zip(std::string_view content) {
  return content.size() >= 4 && content[0] == 'P' && content[1] == 'K' &&
         ((content[2] == 3 && content[3] == 4) || (content[2] == 5 && content[3] == 6));
}

Result<ZipArchive> ZipArchive::open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found("cannot open zip archive " + path);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::io_error("read failed on " + path);
  return from_bytes(std::move(data), path);
}

Result<ZipArchive> ZipArchive::from_bytes(std::string data, std::string source) {
  ZipArchive zip;
  zip.data_ = std::move(data);
  zip.source_ = std::move(source);
  const std::string_view d = zip.data_;
  const std::string& src = zip.source_;
  if (d.size() < kEndOfCentralDirSize)
    return corrupt(src, d.size(), "file too short for a zip archive (" + std::to_string(d.size()) +
                                      " bytes; truncated?)");
  // The last signature whose comment length reaches exactly to the end.
  size_t eocd = std::string_view::npos;
  const size_t lowest = d.size() > kEndOfCentralDirSize + 65535 ? d.size() - kEndOfCentralDirSize - 65535 : 0;
  for (size_t p = d.size() - kEndOfCentralDirSize + 1; p-- > lowest;) {
    if (u32(d, p) == kEndOfCentralDirSig && p + kEndOfCentralDirSize + u16(d, p + 20) == d.size()) {
      eocd = p;
      break;
    }
  }
  if (eocd == std::string_view::npos)
    return corrupt(src, d.size(), "no end-of-central-directory record (truncated or not a zip file)");
  const uint16_t disk = u16(d, eocd + 4), cd_disk = u16(d, eocd + 6);
  const uint16_t count_disk = u16(d, eocd + 8), count = u16(d, eocd + 10);
  const uint32_t cd_size = u32(d, eocd + 12), cd_offset = u32(d, eocd + 16);
  if (disk != 0 || cd_disk != 0 || count_disk != count)
    return corrupt(src, eocd, "multi-disk archives are not supported");
  if (count == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF)
    return corrupt(src, eocd, "ZIP64 archives are not supported");
  if (uint64_t{cd_offset} + cd_size > eocd)
    return corrupt(src, eocd, "central directory (offset " + std::to_string(cd_offset) + ", " +
                                  std::to_string(cd_size) + " bytes) lies outside the file (truncated?)");
  size_t p = cd_offset;
  for (uint16_t i = 0; i < count; ++i) {
    if (p + kCentralHeaderSize > eocd) return corrupt(src, p, "central directory entry cut short");
    if (u32(d, p) != kCentralHeaderSig) return corrupt(src, p, "bad central directory entry signature");
    ZipEntry e;
    e.flags = u16(d, p + 8);
    e.method = u16(d, p + 10);
    e.crc32 = u32(d, p + 16);
    e.compressed_size = u32(d, p + 20);
    e.uncompressed_size = u32(d, p + 24);
    const size_t name_len = u16(d, p + 28), extra_len = u16(d, p + 30), comment_len = u16(d, p + 32);
    e.local_header_offset = u32(d, p + 42);
    const size_t next = p + kCentralHeaderSize + name_len + extra_len + comment_len;
    if (next > eocd) return corrupt(src, p, "central directory entry cut short");
    e.name.assign(d.substr(p + kCentralHeaderSize, name_len));
    if (e.compressed_size == 0xFFFFFFFF || e.uncompressed_size == 0xFFFFFFFF ||
        e.local_header_offset == 0xFFFFFFFF)
      return corrupt(src, p, "entry '" + e.name + "' needs ZIP64, which is not supported");
    zip.entries_.push_back(std::move(e));
    p = next;
  }
  return zip;
}

Result<std::string> ZipArchive::read(const ZipEntry& e) const {
  const std::string_view d = data_;
  const std::string where = "entry '" + e.name + "'";
  const uint64_t lh = e.local_header_offset;
  if (lh + kLocalHeaderSize > d.size()) return corrupt(source_, lh, where + ": local header cut short");
  if (u32(d, lh) != kLocalHeaderSig) return corrupt(source_, lh, where + ": bad local header signature");
  if (e.flags & 1) return corrupt(source_, lh, where + " is encrypted, which is not supported");
  const uint64_t start = lh + kLocalHeaderSize + u16(d, lh + 26) + u16(d, lh + 28);
  if (start + e.compressed_size > d.size())
    return corrupt(source_, start, where + ": data (" + std::to_string(e.compressed_size) +
                                       " bytes) runs past the end of the file (truncated?)");
  if (e.uncompressed_size > kMaxEntrySize)
    return corrupt(source_, lh, where + ": uncompressed size " + std::to_string(e.uncompressed_size) +
                                    " is larger than tokrec accepts (1 GiB)");
  const std::string_view packed = d.substr(start, e.compressed_size);
  std::string out;
  if (e.method == 0) {
    if (e.compressed_size != e.uncompressed_size)
      return corrupt(source_, lh, where + ": stored entry with differing sizes");
    out.assign(packed);
  } else if (e.method == 8) {
    // Sizes fit zlib's uInt: the compressed size is below 0xFFFFFFFF (ZIP64
    // refused) and the output below kMaxEntrySize. One Z_FINISH call inflates
    // into a buffer of exactly the promised size.
    out.resize(e.uncompressed_size);
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return Status::internal("zlib inflateInit2 failed");
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
    zs.avail_in = static_cast<uInt>(packed.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = inflate(&zs, Z_FINISH);
    const uint64_t consumed = zs.total_in;
    const bool input_left = zs.avail_in > 0;
    const uint64_t produced = zs.total_out;
    inflateEnd(&zs);
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT)
      return corrupt(source_, start + consumed, where + ": deflate data is corrupt");
    if (rc != Z_STREAM_END)
      return corrupt(source_, start + consumed,
                     where + (input_left ? ": inflates to more than the " +
                                               std::to_string(e.uncompressed_size) +
                                               " bytes the directory states"
                                         : std::string(": deflate data ends early (truncated?)")));
    if (produced != e.uncompressed_size)
      return corrupt(source_, start + consumed,
                     where + ": inflated to " + std::to_string(produced) +
                         " bytes, the directory states " + std::to_string(e.uncompressed_size));
  } else {
    return corrupt(source_, lh, where + ": compression method " + std::to_string(e.method) +
                                    " is not supported (only stored and deflate)");
  }
  const uLong crc = ::crc32(0L, Z_NULL, 0);
  uLong actual = crc;
  for (size_t pos = 0; pos < out.size();) {
    const size_t n = std::min<size_t>(out.size() - pos, std::numeric_limits<uInt>::max() / 2);
    actual = ::crc32(actual, reinterpret_cast<const Bytef*>(out.data() + pos), static_cast<uInt>(n));
    pos += n;
  }
  if (actual != e.crc32) return corrupt(source_, start, where + ": CRC-32 mismatch (damaged data)");
  return out;
}

Result<std::string> ZipArchive::read(std::string_view name) const {
  for (const ZipEntry& e : entries_)
    if (e.name == name) return read(e);
  return Status::not_found(source_ + ": no entry named '" + std::string(name) + "'");
}

}  // namespace tokrec::io
