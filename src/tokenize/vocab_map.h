// A compact open-addressing hash map from token strings to ids, built once at
// load time and then read-only. Lookups take a string_view and never
// allocate, which is what WordPiece's greedy longest match needs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::tokenize {

class VocabMap {
 public:
  // Insert; returns false (and changes nothing) when `key` is already there.
  bool insert(std::string_view key, int32_t id);
  // The id of `key`, or -1.
  int32_t find(std::string_view key) const;
  size_t size() const { return count_; }
  // Longest key in bytes (bounds the greedy search).
  size_t max_key_bytes() const { return max_len_; }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;
    uint32_t length = 0;
    int32_t id = -1;  // -1 = empty slot
  };
  void grow();
  std::vector<Slot> slots_;
  std::string arena_;  // all keys, back to back
  size_t count_ = 0;
  size_t max_len_ = 0;
};

uint64_t hash_bytes(std::string_view s);

}  // namespace tokrec::tokenize
