// A minimal ZIP reader: the central directory is listed, and stored or
// deflated entries are read into memory (zlib raw inflate), CRC-checked.
// Enough for model archives such as BytePiece's .zip; no ZIP64, no
// encryption, no multi-disk archives (each refused with a clear error).
// Errors name the archive and the byte offset of the damaged structure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::io {

struct ZipEntry {
  std::string name;
  uint16_t method = 0;          // 0 = stored, 8 = deflate
  uint16_t flags = 0;
  uint32_t crc32 = 0;
  uint64_t compressed_size = 0;
  uint64_t uncompressed_size = 0;
  uint64_t local_header_offset = 0;
  bool is_directory() const { return !name.empty() && name.back() == '/'; }
};

// True when `content` starts with a ZIP local-file or end-of-central-
// directory signature ("PK\3\4", or "PK\5\6" for an empty archive).
bool looks_like_zip(std::string_view content);

// An archive held in memory. Immutable once opened.
class ZipArchive {
 public:
  // Reads the file at `path` (never gunzipped) and parses its directory.
  static Result<ZipArchive> open(const std::string& path);
  // Parses `data`; `source` names the archive in error messages.
  static Result<ZipArchive> from_bytes(std::string data, std::string source);

  const std::vector<ZipEntry>& entries() const { return entries_; }
  const std::string& source() const { return source_; }

  // The uncompressed content of `entry` (one of entries()).
  Result<std::string> read(const ZipEntry& entry) const;
  // By exact name; NotFound when absent.
  Result<std::string> read(std::string_view name) const;

 private:
  ZipArchive() = default;
  std::string data_;
  std::string source_;
  std::vector<ZipEntry> entries_;
};

}  // namespace tokrec::io
