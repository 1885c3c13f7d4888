#include "encoder/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>

namespace tokrec::encoder {

Result<std::shared_ptr<MappedFile>> MappedFile::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::not_found("no such file: " + path);
    return Status::io_error("cannot open " + path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::io_error("not a regular file: " + path);
  }
  const size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return Status::parse_error(path + ": empty file");
  }
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);  // the mapping keeps the file open
  if (p == MAP_FAILED) return Status::io_error("cannot mmap " + path + ": " + std::strerror(errno));
  return std::shared_ptr<MappedFile>(new MappedFile(static_cast<const uint8_t*>(p), size));
}

MappedFile::~MappedFile() {
  ::munmap(const_cast<uint8_t*>(data_), size_);  // NOLINT: munmap takes void*
}

namespace {

TensorDType dtype_of(const std::string& s, size_t* elem_size) {
  static const struct {
    const char* name;
    TensorDType type;
    size_t size;
  } kTable[] = {{"F32", TensorDType::kF32, 4}, {"F16", TensorDType::kF16, 2},
                {"BF16", TensorDType::kBF16, 2}, {"F64", TensorDType::kOther, 8},
                {"I64", TensorDType::kOther, 8}, {"I32", TensorDType::kOther, 4},
                {"I16", TensorDType::kOther, 2}, {"I8", TensorDType::kOther, 1},
                {"U8", TensorDType::kOther, 1}, {"BOOL", TensorDType::kOther, 1},
                {"F8_E4M3", TensorDType::kOther, 1}, {"F8_E5M2", TensorDType::kOther, 1}};
  for (const auto& e : kTable) {
    if (s == e.name) {
      *elem_size = e.size;
      return e.type;
    }
  }
  *elem_size = 0;
  return TensorDType::kOther;
}

}  // namespace

Result<std::map<std::string, TensorView>> parse_safetensors(const uint8_t* base, size_t size,
                                                            const std::string& file) {
  if (size < 8) return Status::parse_error(file + ": too short for a safetensors header");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | base[i];
  if (header_len > size - 8)
    return Status::parse_error(file + ": header length " + std::to_string(header_len) +
                               " exceeds the file size " + std::to_string(size));
  const uint8_t* data_start = base + 8 + header_len;
  const size_t data_size = size - 8 - header_len;
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(base + 8, base + 8 + header_len);
  } catch (const std::exception& e) {
    return Status::parse_error(file + ": bad safetensors header JSON: " + e.what());
  }
  if (!header.is_object()) return Status::parse_error(file + ": safetensors header is not an object");
  std::map<std::string, TensorView> out;
  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    if (name == "__metadata__") continue;
    const auto& v = it.value();
    const std::string where = file + ": tensor " + name;
    try {
      if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") ||
          !v.contains("data_offsets"))
        return Status::parse_error(where + ": needs dtype, shape and data_offsets");
      TensorView t;
      t.file = file;
      t.dtype_name = v.at("dtype").get<std::string>();
      size_t elem = 0;
      t.dtype = dtype_of(t.dtype_name, &elem);
      if (elem == 0) return Status::parse_error(where + ": unknown dtype " + t.dtype_name);
      size_t numel = 1;
      for (const auto& d : v.at("shape")) {
        const auto dim = d.get<uint64_t>();
        if (dim != 0 && numel > std::numeric_limits<size_t>::max() / dim)
          return Status::parse_error(where + ": shape overflows");
        numel *= dim;
        t.shape.push_back(dim);
      }
      const auto& off = v.at("data_offsets");
      if (!off.is_array() || off.size() != 2)
        return Status::parse_error(where + ": data_offsets must be [begin, end]");
      const auto begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
      if (begin > end || end > data_size)
        return Status::parse_error(where + ": data_offsets [" + std::to_string(begin) + ", " +
                                   std::to_string(end) + "] outside the data (" +
                                   std::to_string(data_size) + " bytes)");
      // numel * elem must not wrap around to the byte count of a smaller tensor.
      if (numel > std::numeric_limits<size_t>::max() / elem || end - begin != numel * elem)
        return Status::parse_error(where + ": " + std::to_string(end - begin) +
                                   " bytes for " + std::to_string(numel) + " elements of " +
                                   t.dtype_name);
      t.data = data_start + begin;
      t.nbytes = end - begin;
      out.emplace(name, std::move(t));
    } catch (const std::exception& e) {
      return Status::parse_error(where + ": " + e.what());
    }
  }
  return out;
}

Status TensorStore::add_file(const std::string& path) {
  TOKREC_ASSIGN_OR_RETURN(auto file, MappedFile::open(path));
  TOKREC_ASSIGN_OR_RETURN(auto tensors, parse_safetensors(file->data(), file->size(), path));
  for (auto& [name, view] : tensors) {
    if (tensors_.count(name)) return Status::parse_error(path + ": tensor " + name + " appears twice");
    tensors_.emplace(name, std::move(view));
  }
  files_.push_back(std::move(file));
  return Status::ok();
}

const TensorView* TensorStore::find(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : &it->second;
}

}  // namespace tokrec::encoder
