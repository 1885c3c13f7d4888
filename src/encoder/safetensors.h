// Read-only view of .safetensors files: the file is memory-mapped and the
// JSON header parsed here (8-byte little-endian header length, then a JSON
// object name -> {dtype, shape, data_offsets}, then the raw tensor bytes).
// Every offset and size is checked against the file before use.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::encoder {

enum class TensorDType { kF32, kF16, kBF16, kOther };

struct TensorView {
  std::string dtype_name;  // as written: "F32", "F16", "BF16", "I64", ...
  TensorDType dtype = TensorDType::kOther;
  std::vector<size_t> shape;
  const uint8_t* data = nullptr;  // inside the mapping
  size_t nbytes = 0;
  std::string file;  // for error messages
};

// A read-only mmap of a whole file; unmapped on destruction.
class MappedFile {
 public:
  static Result<std::shared_ptr<MappedFile>> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  MappedFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  const uint8_t* data_;
  size_t size_;
};

// The tensors of one or more safetensors files (shards), by name. Keeps the
// mappings alive.
class TensorStore {
 public:
  // Add every tensor of one file; a name already present is an error.
  Status add_file(const std::string& path);
  const TensorView* find(const std::string& name) const;
  const std::map<std::string, TensorView>& tensors() const { return tensors_; }

 private:
  std::vector<std::shared_ptr<MappedFile>> files_;
  std::map<std::string, TensorView> tensors_;
};

// Parse a safetensors header and check it against a file of `size` bytes
// starting at `base`. Exposed for tests.
Result<std::map<std::string, TensorView>> parse_safetensors(const uint8_t* base, size_t size,
                                                            const std::string& file);

}  // namespace tokrec::encoder
