// Storage behind WordVectors, shared by the text loader and the binary cache.
// The pointers address either the owned buffers (text load) or a read-only
// file mapping (binary cache); lookups only go through the pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokrec/features/word_vectors.h"

namespace tokrec::features {

// A read-only mmap of a whole file, unmapped when the last Table using it goes.
class FileMapping {
 public:
  FileMapping(const void* addr, size_t size) : addr_(addr), size_(size) {}
  ~FileMapping();
  FileMapping(const FileMapping&) = delete;
  FileMapping& operator=(const FileMapping&) = delete;
  const char* bytes() const { return static_cast<const char*>(addr_); }
  size_t size() const { return size_; }

 private:
  const void* addr_;
  size_t size_;
};

struct WordVectors::Table {
  size_t dim = 0;
  size_t count = 0;
  const float* data_ptr = nullptr;        // count * dim floats
  const char* words_ptr = nullptr;        // all words, back to back
  const uint64_t* offsets_ptr = nullptr;  // count + 1 offsets into the words

  // Owned storage of a text load.
  std::string words;
  std::vector<uint64_t> word_offsets;
  std::vector<float> data;
  // Or the mapped cache file.
  std::shared_ptr<FileMapping> mapping;

  std::unordered_map<std::string_view, uint32_t> index;

  void build_index();
};

}  // namespace tokrec::features
