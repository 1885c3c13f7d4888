#include "tokrec/io/file.h"

#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include <unistd.h>

namespace tokrec::io {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string errno_text() { return std::strerror(errno); }

// Plain files and stdin: read(2) into a large buffer and cut lines with
// memchr. read() returns whatever is available, so a line piped in
// interactively is seen at once (fread would wait for a full buffer), and
// memchr is several times faster than a getc loop on long inputs.
class FdLineReader : public LineReader {
 public:
  FdLineReader(FILE* f, bool owned, std::string path)
      : f_(f), fd_(fileno(f)), owned_(owned), path_(std::move(path)), buffer_(1 << 20) {}
  ~FdLineReader() override {
    if (owned_ && f_) std::fclose(f_);
  }
  bool next(std::string& line) override {
    line.clear();
    bool any = false;
    for (;;) {
      if (begin_ == end_) {
        if (eof_ || !fill()) break;
      }
      const char* start = buffer_.data() + begin_;
      const void* nl = std::memchr(start, '\n', end_ - begin_);
      any = true;
      if (nl != nullptr) {
        size_t len = static_cast<size_t>(static_cast<const char*>(nl) - start);
        line.append(start, len);
        begin_ += len + 1;
        break;
      }
      line.append(start, end_ - begin_);
      begin_ = end_;
    }
    if (!any) return false;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++line_number_;
    return true;
  }
  Status status() const override { return status_; }

 private:
  // Refills the buffer; false at end of input or on an error (kept in status_).
  bool fill() {
    begin_ = end_ = 0;
    for (;;) {
      ssize_t n = ::read(fd_, buffer_.data(), buffer_.size());
      if (n > 0) {
        end_ = static_cast<size_t>(n);
        return true;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) status_ = Status::io_error(path_ + ": read failed: " + errno_text());
      eof_ = true;
      return false;
    }
  }

  FILE* f_;
  int fd_;
  bool owned_;
  std::string path_;
  std::vector<char> buffer_;
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  Status status_;
};

class GzLineReader : public LineReader {
 public:
  GzLineReader(gzFile f, std::string path) : f_(f), path_(std::move(path)) {}
  ~GzLineReader() override { gzclose(f_); }
  bool next(std::string& line) override {
    line.clear();
    char buf[65536];
    bool any = false;
    while (gzgets(f_, buf, sizeof buf) != nullptr) {
      any = true;
      size_t len = std::strlen(buf);
      if (len > 0 && buf[len - 1] == '\n') {
        line.append(buf, len - 1);
        break;
      }
      line.append(buf, len);
    }
    if (!any) {
      int err = 0;
      const char* msg = gzerror(f_, &err);
      if (err != Z_OK && err != Z_STREAM_END) status_ = Status::io_error(path_ + ": " + msg);
      return false;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    ++line_number_;
    return true;
  }
  Status status() const override { return status_; }

 private:
  gzFile f_;
  std::string path_;
  Status status_;
};

}  // namespace

bool file_exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

Result<std::unique_ptr<LineReader>> LineReader::open(const std::string& path) {
  if (path == "-") return std::unique_ptr<LineReader>(new FdLineReader(stdin, false, "<stdin>"));
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Status::invalid_argument(path + ": is a folder, not a file");
  if (ends_with(path, ".gz")) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) return Status::not_found(path + ": cannot open: " + errno_text());
    gzbuffer(f, 1 << 17);
    return std::unique_ptr<LineReader>(new GzLineReader(f, path));
  }
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::not_found(path + ": cannot open: " + errno_text());
  return std::unique_ptr<LineReader>(new FdLineReader(f, true, path));
}

Result<std::string> read_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Status::invalid_argument(path + ": is a folder, not a file");
  if (ends_with(path, ".gz")) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) return Status::not_found(path + ": cannot open: " + errno_text());
    std::string out;
    char buf[1 << 16];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    int err = 0;
    const char* msg = gzerror(f, &err);
    Status st = (n < 0) ? Status::io_error(path + ": " + msg) : Status::ok();
    gzclose(f);
    if (!st.is_ok()) return st;
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::not_found(path + ": cannot open: " + errno_text());
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status::io_error(path + ": read failed");
  return out;
}

Status make_dirs(const std::string& path) {
  if (path.empty()) return Status::ok();
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Status::io_error(path + ": cannot create folder: " + ec.message());
  return Status::ok();
}

Status write_file(const std::string& path, std::string_view data) {
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) TOKREC_RETURN_IF_ERROR(make_dirs(parent.string()));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::io_error(path + ": cannot open for writing: " + errno_text());
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) return Status::io_error(path + ": write failed");
  return Status::ok();
}

Result<std::vector<std::string>> read_lines(const std::string& path) {
  TOKREC_ASSIGN_OR_RETURN(auto reader, LineReader::open(path));
  std::vector<std::string> lines;
  std::string line;
  while (reader->next(line)) lines.push_back(line);
  TOKREC_RETURN_IF_ERROR(reader->status());
  return lines;
}

std::vector<std::string_view> split(std::string_view s, char delim) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(delim, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

}  // namespace tokrec::io
