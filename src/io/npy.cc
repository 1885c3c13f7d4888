// .npy / .npz writers (see npy.h). The ZIP is written in one pass straight
// from the arrays (writev, no copy): each local header is written with a
// placeholder CRC (and, when deflating, placeholder sizes), the entry is
// streamed, and the header is patched afterwards (pwrite), so no entry is
// ever held twice in memory.
#include "tokrec/io/npy.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string_view>
#include <system_error>
#include <thread>

#include "tokrec/io/file.h"

namespace tokrec::io {
namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "tokrec::io: %s\n", what);
    std::abort();
  }
}

// numpy's header: magic, version, little-endian length, the dict padded with
// spaces and a final '\n' so that the data starts at a multiple of 64.
std::string npy_header(const char* descr, const std::vector<size_t>& shape) {
  std::string dims = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) dims += ", ";
    dims += std::to_string(shape[i]);
  }
  if (shape.size() == 1) dims += ",";
  dims += ")";
  std::string dict = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + dims + ", }";
  // numpy leaves room for the first axis to grow in place (GROWTH_AXIS_MAX_DIGITS = 21).
  if (!shape.empty()) dict.append(21 - std::min<size_t>(21, std::to_string(shape[0]).size()), ' ');
  size_t base = 10;  // magic(6) + version(2) + uint16 length
  bool v2 = base + dict.size() + 1 > 65535;
  if (v2) base = 12;
  size_t total = base + dict.size() + 1;
  size_t padded = (total + 63) / 64 * 64;
  dict.append(padded - total, ' ');
  dict.push_back('\n');
  std::string h("\x93NUMPY", 6);
  h.push_back(static_cast<char>(v2 ? 2 : 1));
  h.push_back(0);
  size_t len = dict.size();
  h.push_back(static_cast<char>(len & 0xFF));
  h.push_back(static_cast<char>((len >> 8) & 0xFF));
  if (v2) {
    h.push_back(static_cast<char>((len >> 16) & 0xFF));
    h.push_back(static_cast<char>((len >> 24) & 0xFF));
  }
  return h + dict;
}

size_t product(const std::vector<size_t>& shape) {
  size_t n = 1;
  for (size_t d : shape) n *= d;
  return n;
}

template <typename T>
std::string npy_bytes_impl(std::span<const T> values, const std::vector<size_t>& shape, const char* descr) {
  check(product(shape) == values.size(), "npy_bytes: shape does not match the number of values");
  std::string out = npy_header(descr, shape);
  out.append(reinterpret_cast<const char*>(values.data()), values.size_bytes());
  return out;
}

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

void put16(std::string& s, uint32_t v) {
  s.push_back(static_cast<char>(v & 0xFF));
  s.push_back(static_cast<char>((v >> 8) & 0xFF));
}
void put32(std::string& s, uint32_t v) {
  put16(s, v & 0xFFFF);
  put16(s, v >> 16);
}
void put64(std::string& s, uint64_t v) {
  put32(s, static_cast<uint32_t>(v & 0xFFFFFFFFu));
  put32(s, static_cast<uint32_t>(v >> 32));
}

constexpr uint32_t kMax32 = 0xFFFFFFFFu;
// DOS date 1980-01-01 00:00, as numpy's zipfile writes for in-memory entries.
constexpr uint16_t kDosTime = 0, kDosDate = (0 << 9) | (1 << 5) | 1;

// One archive member: the .npy header, then the array's bytes (not copied).
struct Member {
  std::string name;
  std::string head;
  const void* body = nullptr;
  size_t body_size = 0;
};

uLong crc_of(uLong crc, const void* p, size_t n) {
  const auto* b = static_cast<const Bytef*>(p);
  while (n > 0) {
    uInt chunk = static_cast<uInt>(std::min<size_t>(n, 1u << 30));
    crc = crc32(crc, b, chunk);
    b += chunk;
    n -= chunk;
  }
  return crc;
}

uint32_t member_crc(const Member& m) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc_of(crc, m.head.data(), m.head.size());
  return static_cast<uint32_t>(crc_of(crc, m.body, m.body_size));
}

// Past this many bytes the stored members' CRC-32s are computed on a second
// thread while the first one writes: the kernel's copy into the page cache
// and zlib's CRC are the two serial costs of a large .npz, and they overlap.
constexpr size_t kCrcThreadBytes = size_t{1} << 20;

class ZipWriter {
 public:
  explicit ZipWriter(std::string path, bool compress) : path_(std::move(path)), compress_(compress) {}
  ~ZipWriter() {
    if (fd_ >= 0) ::close(fd_);
  }
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;

  Status open() {
    std::error_code ec;
    auto parent = std::filesystem::path(path_).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) return Status::io_error("cannot write " + path_ + ": " + std::strerror(errno));
    return Status::ok();
  }

  // Writes every member, then the central directory.
  Status write_all(const std::vector<Member>& members) {
    if (compress_) {
      for (const Member& m : members) TOKREC_RETURN_IF_ERROR(add_deflated(m));
      return finish();
    }
    // Stored: sizes are known up front, so headers are final but for the
    // CRC, which a helper thread computes meanwhile and which is patched in.
    size_t total = 0;
    for (const Member& m : members) total += m.head.size() + m.body_size;
    std::vector<uint32_t> crcs(members.size());
    auto compute = [&] {
      for (size_t i = 0; i < members.size(); ++i) crcs[i] = member_crc(members[i]);
    };
    std::thread helper;
    if (total >= kCrcThreadBytes) {
      try {
        helper = std::thread(compute);
      } catch (const std::system_error&) {  // no thread to be had: checksum after writing
      }
    }
    Status st = Status::ok();
    for (const Member& m : members) {
      st = add_stored(m);
      if (!st.is_ok()) break;
    }
    if (helper.joinable()) helper.join();
    else if (st.is_ok()) compute();
    TOKREC_RETURN_IF_ERROR(st);
    for (size_t i = 0; i < members.size(); ++i) {
      entries_[i].crc = crcs[i];
      std::string crc_bytes;
      put32(crc_bytes, crcs[i]);
      TOKREC_RETURN_IF_ERROR(pwrite_all(crc_bytes.data(), 4, entries_[i].offset + 14));
    }
    return finish();
  }

 private:
  struct Entry {
    std::string name;
    uint64_t offset = 0, size = 0, csize = 0;
    uint32_t crc = 0;
  };

  // Local header with the ZIP64 extra always present (sizes 0xFFFFFFFF in the
  // fixed part): its length does not depend on the sizes.
  std::string local_header(const std::string& name, uint32_t crc, uint64_t size, uint64_t csize) const {
    std::string h;
    put32(h, 0x04034b50);
    put16(h, 45);
    put16(h, 0);
    put16(h, compress_ ? 8 : 0);
    put16(h, kDosTime);
    put16(h, kDosDate);
    put32(h, crc);
    put32(h, kMax32);
    put32(h, kMax32);
    put16(h, static_cast<uint32_t>(name.size()));
    put16(h, 20);
    h += name;
    put16(h, 0x0001);
    put16(h, 16);
    put64(h, size);
    put64(h, csize);
    return h;
  }

  Status add_stored(const Member& m) {
    Entry e;
    e.name = m.name;
    e.offset = offset_;
    e.size = e.csize = m.head.size() + m.body_size;
    const std::string h = local_header(m.name, 0, e.size, e.csize);
    iovec parts[3] = {{const_cast<char*>(h.data()), h.size()},
                      {const_cast<char*>(m.head.data()), m.head.size()},
                      {const_cast<void*>(m.body), m.body_size}};
    TOKREC_RETURN_IF_ERROR(writev_all(parts, 3));
    entries_.push_back(e);
    return Status::ok();
  }

  Status add_deflated(const Member& m) {
    Entry e;
    e.name = m.name;
    e.offset = offset_;
    e.size = m.head.size() + m.body_size;
    const std::string h = local_header(m.name, 0, 0, 0);
    TOKREC_RETURN_IF_ERROR(write(h.data(), h.size()));
    const uint64_t data_start = offset_;
    uLong crc = crc32(0L, Z_NULL, 0);
    z_stream zs{};
    if (deflateInit2(&zs, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      return Status::internal("zlib deflateInit2 failed");
    Status st = deflate_part(zs, m.head.data(), m.head.size(), false, crc);
    if (st.is_ok()) st = deflate_part(zs, m.body, m.body_size, true, crc);
    deflateEnd(&zs);
    TOKREC_RETURN_IF_ERROR(st);
    e.crc = static_cast<uint32_t>(crc);
    e.csize = offset_ - data_start;
    // Patch crc and the ZIP64 sizes.
    std::string crc_bytes, sizes;
    put32(crc_bytes, e.crc);
    put64(sizes, e.size);
    put64(sizes, e.csize);
    TOKREC_RETURN_IF_ERROR(pwrite_all(crc_bytes.data(), 4, e.offset + 14));
    TOKREC_RETURN_IF_ERROR(pwrite_all(sizes.data(), 16, e.offset + 30 + m.name.size() + 4));
    entries_.push_back(e);
    return Status::ok();
  }

  Status finish() {
    const uint64_t cd_offset = offset_;
    std::string cd;
    for (const Entry& e : entries_) {
      put32(cd, 0x02014b50);
      put16(cd, 45);
      put16(cd, 45);
      put16(cd, 0);
      put16(cd, compress_ ? 8 : 0);
      put16(cd, kDosTime);
      put16(cd, kDosDate);
      put32(cd, e.crc);
      std::string extra;
      bool big_size = e.size >= kMax32 || e.csize >= kMax32, big_off = e.offset >= kMax32;
      if (big_size) {
        put64(extra, e.size);
        put64(extra, e.csize);
      }
      if (big_off) put64(extra, e.offset);
      put32(cd, big_size ? kMax32 : static_cast<uint32_t>(e.csize));
      put32(cd, big_size ? kMax32 : static_cast<uint32_t>(e.size));
      put16(cd, static_cast<uint32_t>(e.name.size()));
      put16(cd, extra.empty() ? 0 : static_cast<uint32_t>(extra.size() + 4));
      put16(cd, 0);
      put16(cd, 0);
      put16(cd, 0);
      put32(cd, 0x01800000);  // external attributes: -rw------- (as numpy's zipfile)
      put32(cd, big_off ? kMax32 : static_cast<uint32_t>(e.offset));
      cd += e.name;
      if (!extra.empty()) {
        put16(cd, 0x0001);
        put16(cd, static_cast<uint32_t>(extra.size()));
        cd += extra;
      }
    }
    std::string end;
    const uint64_t cd_size = cd.size();
    const uint64_t n = entries_.size();
    if (cd_offset >= kMax32 || cd_size >= kMax32) {
      const uint64_t z64_offset = cd_offset + cd_size;
      put32(end, 0x06064b50);
      put64(end, 44);
      put16(end, 45);
      put16(end, 45);
      put32(end, 0);
      put32(end, 0);
      put64(end, n);
      put64(end, n);
      put64(end, cd_size);
      put64(end, cd_offset);
      put32(end, 0x07064b50);
      put32(end, 0);
      put64(end, z64_offset);
      put32(end, 1);
    }
    put32(end, 0x06054b50);
    put16(end, 0);
    put16(end, 0);
    put16(end, static_cast<uint32_t>(n));
    put16(end, static_cast<uint32_t>(n));
    put32(end, cd_size >= kMax32 ? kMax32 : static_cast<uint32_t>(cd_size));
    put32(end, cd_offset >= kMax32 ? kMax32 : static_cast<uint32_t>(cd_offset));
    put16(end, 0);
    cd += end;
    TOKREC_RETURN_IF_ERROR(write(cd.data(), cd.size()));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return Status::io_error("cannot write " + path_ + ": " + std::strerror(errno));
    return Status::ok();
  }

  Status write_error() const { return Status::io_error("cannot write " + path_ + ": " + std::strerror(errno)); }

  Status write(const void* p, size_t n) {
    iovec part{const_cast<void*>(p), n};
    return writev_all(&part, 1);
  }

  // writev until every byte is out (short writes and EINTR retried).
  Status writev_all(iovec* parts, int count) {
    size_t left = 0;
    for (int i = 0; i < count; ++i) left += parts[i].iov_len;
    offset_ += left;
    while (left > 0) {
      while (count > 0 && parts->iov_len == 0) {
        ++parts;
        --count;
      }
      const ssize_t w = ::writev(fd_, parts, std::min(count, 1024));
      if (w < 0) {
        if (errno == EINTR) continue;
        return write_error();
      }
      auto done = static_cast<size_t>(w);
      left -= done;
      while (done > 0) {
        const size_t step = std::min(done, parts->iov_len);
        parts->iov_base = static_cast<char*>(parts->iov_base) + step;
        parts->iov_len -= step;
        done -= step;
        if (parts->iov_len == 0 && count > 1) {
          ++parts;
          --count;
        }
      }
    }
    return Status::ok();
  }

  Status pwrite_all(const char* p, size_t n, uint64_t at) {
    while (n > 0) {
      const ssize_t w = ::pwrite(fd_, p, n, static_cast<off_t>(at));
      if (w < 0) {
        if (errno == EINTR) continue;
        return write_error();
      }
      p += w;
      n -= static_cast<size_t>(w);
      at += static_cast<uint64_t>(w);
    }
    return Status::ok();
  }

  Status deflate_part(z_stream& zs, const void* p, size_t n, bool last, uLong& crc) {
    crc = crc_of(crc, p, n);
    const auto* b = static_cast<const Bytef*>(p);
    std::vector<Bytef> out(1 << 18);
    size_t left = n;
    for (;;) {
      uInt chunk = static_cast<uInt>(std::min<size_t>(left, 1u << 30));
      zs.next_in = const_cast<Bytef*>(b);
      zs.avail_in = chunk;
      b += chunk;
      left -= chunk;
      int flush = (last && left == 0) ? Z_FINISH : Z_NO_FLUSH;
      int rc;
      do {
        zs.next_out = out.data();
        zs.avail_out = static_cast<uInt>(out.size());
        rc = deflate(&zs, flush);
        if (rc == Z_STREAM_ERROR) return Status::internal("zlib deflate failed");
        TOKREC_RETURN_IF_ERROR(write(out.data(), out.size() - zs.avail_out));
      } while (zs.avail_out == 0);
      if (left == 0) break;
    }
    return Status::ok();
  }

  std::string path_;
  bool compress_;
  int fd_ = -1;
  uint64_t offset_ = 0;
  std::vector<Entry> entries_;
};

template <typename T>
Member array_member(std::string name, const std::vector<T>& v, const char* descr) {
  return Member{std::move(name), npy_header(descr, {v.size()}), v.data(), v.size() * sizeof(T)};
}

}  // namespace

std::string npy_bytes(std::span<const float> v, const std::vector<size_t>& shape) {
  return npy_bytes_impl(v, shape, "<f4");
}
std::string npy_bytes(std::span<const double> v, const std::vector<size_t>& shape) {
  return npy_bytes_impl(v, shape, "<f8");
}
std::string npy_bytes(std::span<const int32_t> v, const std::vector<size_t>& shape) {
  return npy_bytes_impl(v, shape, "<i4");
}
std::string npy_bytes(std::span<const int64_t> v, const std::vector<size_t>& shape) {
  return npy_bytes_impl(v, shape, "<i8");
}

Status write_npy(const std::string& path, std::span<const float> values, size_t rows, size_t cols) {
  check(values.size() == rows * cols, "write_npy: values.size() != rows * cols");
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  FilePtr f(std::fopen(path.c_str(), "wb"));
  if (!f) return Status::io_error("cannot write " + path + ": " + std::strerror(errno));
  std::string head = npy_header("<f4", {rows, cols});
  if (std::fwrite(head.data(), 1, head.size(), f.get()) != head.size() ||
      std::fwrite(values.data(), 1, values.size_bytes(), f.get()) != values.size_bytes())
    return Status::io_error("cannot write " + path + " (disk full?)");
  std::FILE* raw = f.release();
  if (std::fclose(raw) != 0) return Status::io_error("cannot write " + path);
  return Status::ok();
}

Result<std::vector<float>> read_npy_f32(const std::string& path, std::vector<size_t>& shape) {
  TOKREC_ASSIGN_OR_RETURN(std::string bytes, read_file(path));
  auto bad = [&](const std::string& why) { return Status::parse_error(path + ": not a supported .npy (" + why + ")"); };
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) return bad("no magic");
  int major = static_cast<unsigned char>(bytes[6]);
  size_t hlen, hstart;
  if (major == 1) {
    hlen = static_cast<unsigned char>(bytes[8]) | (static_cast<size_t>(static_cast<unsigned char>(bytes[9])) << 8);
    hstart = 10;
  } else {
    if (bytes.size() < 12) return bad("truncated header");
    hlen = 0;
    for (int i = 0; i < 4; ++i) hlen |= static_cast<size_t>(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
    hstart = 12;
  }
  if (hstart + hlen > bytes.size()) return bad("truncated header");
  std::string_view h(bytes.data() + hstart, hlen);
  bool f8 = h.find("'<f8'") != std::string_view::npos;
  bool f4 = h.find("'<f4'") != std::string_view::npos;
  if (!f4 && !f8) return bad("dtype must be <f4 or <f8");
  if (h.find("'fortran_order': False") == std::string_view::npos) return bad("Fortran order");
  size_t p = h.find("'shape': (");
  if (p == std::string_view::npos) return bad("no shape");
  p += 10;
  shape.clear();
  while (p < h.size() && h[p] != ')') {
    if (h[p] >= '0' && h[p] <= '9') {
      size_t d = 0;
      while (p < h.size() && h[p] >= '0' && h[p] <= '9') {
        // A dimension past the file's size cannot match its data; stop
        // before it overflows.
        if (d > bytes.size()) return bad("dimension larger than the file");
        d = d * 10 + static_cast<size_t>(h[p++] - '0');
      }
      shape.push_back(d);
    } else {
      ++p;
    }
  }
  const size_t width = f8 ? 8 : 4;
  const size_t data_bytes = bytes.size() - hstart - hlen;
  // The element count is checked against the data as it is multiplied, so a
  // shape whose product overflows is refused rather than wrapped.
  const bool has_zero = std::find(shape.begin(), shape.end(), size_t{0}) != shape.end();
  size_t n = has_zero ? 0 : 1;
  if (!has_zero)
    for (size_t d : shape) {
      if (n > data_bytes / width / d) return bad("data size does not match the shape");
      n *= d;
    }
  const char* data = bytes.data() + hstart + hlen;
  if (data_bytes != n * width) return bad("data size does not match the shape");
  std::vector<float> out(n);
  if (f4) {
    if (n) std::memcpy(out.data(), data, n * 4);  // an empty vector's data() may be null
  } else {
    for (size_t i = 0; i < n; ++i) {
      double d;
      std::memcpy(&d, data + i * 8, 8);
      out[i] = static_cast<float>(d);
    }
  }
  return out;
}

Status write_csr_npz(const std::string& path, const features::SparseMatrix& m, const NpzOptions& options) {
  ZipWriter zip(path, options.compress);
  TOKREC_RETURN_IF_ERROR(zip.open());
  const size_t nnz = m.data.size();
  const bool small = nnz <= 2147483647u && m.cols <= 2147483647u;
  std::vector<int32_t> indptr32;
  std::vector<int64_t> indices64;
  std::vector<Member> members;
  if (small) {
    indptr32.assign(m.indptr.begin(), m.indptr.end());
    members.push_back(array_member("indices.npy", m.indices, "<i4"));
    members.push_back(array_member("indptr.npy", indptr32, "<i4"));
  } else {
    indices64.assign(m.indices.begin(), m.indices.end());
    members.push_back(array_member("indices.npy", indices64, "<i8"));
    members.push_back(array_member("indptr.npy", m.indptr, "<i8"));
  }
  static const char kFormat[] = "csr";
  members.push_back(Member{"format.npy", npy_header("|S3", {}), kFormat, 3});
  const std::vector<int64_t> shape = {static_cast<int64_t>(m.rows), static_cast<int64_t>(m.cols)};
  members.push_back(array_member("shape.npy", shape, "<i8"));
  members.push_back(array_member("data.npy", m.data, "<f8"));
  return zip.write_all(members);
}

}  // namespace tokrec::io
