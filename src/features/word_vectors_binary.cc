// The word-vector binary cache: a fixed 128-byte header, the float table at a
// 64-byte aligned offset, the word offsets, then the words blob (layout in
// docs/features.md). Loading maps the file read-only and checks every offset
// against the file size before any pointer into it is used, so a truncated or
// corrupt file is an error, never a crash. Integers are little-endian (the
// host order; big-endian hosts are refused at compile time).
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <string>

#include "tokrec/features/word_vectors.h"
#include "tokrec/io/file.h"
#include "word_vectors_table.h"

namespace tokrec::features {

static_assert(std::endian::native == std::endian::little, "the word-vector cache format is little-endian");

namespace {

constexpr char kMagic[8] = {'T', 'O', 'K', 'R', 'E', 'C', 'W', 'V'};
constexpr uint32_t kVersion = 1;
constexpr uint64_t kHeaderSize = 128;
constexpr uint64_t kDataAlign = 64;

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t header_size;
  uint32_t source_format;  // VectorFormat the text was parsed with (cache check)
  uint32_t reserved0;
  uint64_t count;
  uint64_t dim;
  uint64_t data_offset;     // count * dim float32, multiple of 64
  uint64_t offsets_offset;  // count + 1 uint64, multiple of 8
  uint64_t words_offset;
  uint64_t words_size;
  uint64_t file_size;
  uint64_t source_size;      // text file this cache was made from; 0 = none
  int64_t source_mtime_ns;
  uint64_t max_words;        // the max_words option it was made with
  uint8_t reserved[24];
};
static_assert(sizeof(Header) == kHeaderSize);

uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

// a * b + c without wrapping; false on overflow.
bool mul_add(uint64_t a, uint64_t b, uint64_t c, uint64_t& out) {
  if (b != 0 && a > (UINT64_MAX - c) / b) return false;
  out = a * b + c;
  return true;
}

struct SourceStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
};

Result<SourceStamp> stamp_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return errno == ENOENT ? Status::not_found(path + ": no such file")
                           : Status::io_error(path + ": " + std::strerror(errno));
  SourceStamp s;
  s.size = static_cast<uint64_t>(st.st_size);
  s.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return s;
}

Status write_binary(const WordVectors& wv, const std::string& path, const SourceStamp& source, uint32_t format,
                    uint64_t max_words) {
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.version = kVersion;
  h.header_size = kHeaderSize;
  h.source_format = format;
  h.count = wv.size();
  h.dim = wv.dim();
  h.data_offset = align_up(kHeaderSize, kDataAlign);
  h.offsets_offset = align_up(h.data_offset + h.count * h.dim * sizeof(float), 8);
  h.words_offset = h.offsets_offset + (h.count + 1) * sizeof(uint64_t);
  uint64_t words_size = 0;
  for (size_t i = 0; i < wv.size(); ++i) words_size += wv.word(i).size();
  h.words_size = words_size;
  h.file_size = h.words_offset + words_size;
  h.source_size = source.size;
  h.source_mtime_ns = source.mtime_ns;
  h.max_words = max_words;

  std::string buf(h.file_size, '\0');
  std::memcpy(buf.data(), &h, sizeof h);
  if (h.count > 0) std::memcpy(buf.data() + h.data_offset, wv.row(0), h.count * h.dim * sizeof(float));
  uint64_t off = 0;
  char* offsets = buf.data() + h.offsets_offset;
  char* words = buf.data() + h.words_offset;
  for (size_t i = 0; i <= wv.size(); ++i) {
    std::memcpy(offsets + i * sizeof(uint64_t), &off, sizeof off);
    if (i == wv.size()) break;
    std::string_view w = wv.word(i);
    std::memcpy(words + off, w.data(), w.size());
    off += w.size();
  }
  // Readers of `path` see the old file or the complete new one, never a torn write.
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  Status st = io::write_file(tmp, buf);
  if (!st.is_ok()) {
    ::unlink(tmp.c_str());
    return st.with_context("writing word-vector cache " + path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    std::string err = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Status::io_error(path + ": cannot write word-vector cache: " + err);
  }
  return Status::ok();
}

// Maps `path` and validates it; `header` receives the checked header.
Result<std::shared_ptr<FileMapping>> map_cache(const std::string& path, Header& header) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return errno == ENOENT ? Status::not_found(path + ": no such file")
                           : Status::io_error(path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    std::string err = std::strerror(errno);
    ::close(fd);
    return Status::io_error(path + ": " + err);
  }
  auto size = static_cast<uint64_t>(st.st_size);
  auto corrupt = [&](const std::string& what) {
    return Status::parse_error(path + ": corrupt word-vector cache: " + what);
  };
  if (size < kHeaderSize) {
    ::close(fd);
    return corrupt("file of " + std::to_string(size) + " bytes is shorter than the header");
  }
  void* addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  int map_errno = errno;
  ::close(fd);
  if (addr == MAP_FAILED) return Status::io_error(path + ": mmap failed: " + std::strerror(map_errno));
  auto mapping = std::make_shared<FileMapping>(addr, size);
  std::memcpy(&header, mapping->bytes(), sizeof header);
  const Header& h = header;
  if (std::memcmp(h.magic, kMagic, sizeof kMagic) != 0) return corrupt("bad magic");
  if (h.version != kVersion)
    return corrupt("version " + std::to_string(h.version) + " (this build reads " + std::to_string(kVersion) + ")");
  if (h.header_size != kHeaderSize) return corrupt("header size " + std::to_string(h.header_size));
  if (h.file_size != size)
    return corrupt("header says " + std::to_string(h.file_size) + " bytes, file has " + std::to_string(size) +
                   " (truncated?)");
  if (h.dim == 0 || h.count > UINT32_MAX) return corrupt("bad shape " + std::to_string(h.count) + " x " + std::to_string(h.dim));
  uint64_t data_end = 0, offsets_end = 0;
  if (h.data_offset % kDataAlign != 0 || h.data_offset < kHeaderSize || h.dim > (UINT64_MAX >> 3) ||
      !mul_add(h.count, h.dim * sizeof(float), h.data_offset, data_end))
    return corrupt("bad float table offset");
  if (h.offsets_offset % 8 != 0 || h.offsets_offset < data_end ||
      !mul_add(h.count + 1, sizeof(uint64_t), h.offsets_offset, offsets_end) || offsets_end > h.words_offset)
    return corrupt("bad word offsets table");
  if (h.words_size > size || h.words_offset + h.words_size != size) return corrupt("bad words blob");
  const auto* offsets = reinterpret_cast<const uint64_t*>(mapping->bytes() + h.offsets_offset);
  if (offsets[0] != 0 || offsets[h.count] != h.words_size) return corrupt("word offsets do not span the words blob");
  for (uint64_t i = 0; i < h.count; ++i)
    if (offsets[i + 1] < offsets[i]) return corrupt("word offsets decrease at word " + std::to_string(i));
  return mapping;
}

}  // namespace

FileMapping::~FileMapping() { ::munmap(const_cast<void*>(addr_), size_); }

Result<bool> WordVectors::is_binary_cache(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;  // let the text reader report the missing file in its words
  char magic[sizeof kMagic] = {};
  ssize_t n = ::read(fd, magic, sizeof magic);
  ::close(fd);
  return n == static_cast<ssize_t>(sizeof magic) && std::memcmp(magic, kMagic, sizeof magic) == 0;
}

Result<WordVectors> WordVectors::load_binary_table(const std::string& path, size_t max_words) {
  Header h{};
  TOKREC_ASSIGN_OR_RETURN(std::shared_ptr<FileMapping> mapping, map_cache(path, h));
  auto table = std::make_shared<Table>();
  table->dim = h.dim;
  table->count = max_words == 0 ? h.count : std::min<uint64_t>(h.count, max_words);
  table->data_ptr = reinterpret_cast<const float*>(mapping->bytes() + h.data_offset);
  table->offsets_ptr = reinterpret_cast<const uint64_t*>(mapping->bytes() + h.offsets_offset);
  table->words_ptr = mapping->bytes() + h.words_offset;
  table->mapping = std::move(mapping);
  table->build_index();
  return WordVectors(std::move(table));
}

Status WordVectors::save_binary(const std::string& path) const {
  return write_binary(*this, path, SourceStamp{}, static_cast<uint32_t>(VectorFormat::kAuto), 0);
}

Result<WordVectors> WordVectors::load_cached(const std::string& path, const WordVectorLoadOptions& options) {
  TOKREC_ASSIGN_OR_RETURN(SourceStamp source, stamp_of(path));
  const auto format = static_cast<uint32_t>(options.format);
  {
    Header h{};
    auto mapped = map_cache(options.cache_path, h);
    // A missing, stale or unreadable cache is rebuilt, not reported.
    if (mapped.is_ok() && h.source_size == source.size && h.source_mtime_ns == source.mtime_ns &&
        h.max_words == options.max_words && h.source_format == format)
      return load_binary_table(options.cache_path, 0);
  }
  TOKREC_ASSIGN_OR_RETURN(WordVectors wv, load_text(path, options));
  TOKREC_RETURN_IF_ERROR(write_binary(wv, options.cache_path, source, format, options.max_words));
  return wv;
}

}  // namespace tokrec::features
