// A compact open-addressing hash map from token strings to ids, built once at
// load time and then read-only. Lookups take a string_view and never
// allocate, which is what WordPiece's greedy longest match needs.
//
// A slot is 16 bytes (32 bits of the hash, where the key lies in the arena,
// the id): vocabularies of 200k tokens are probed a million times while a
// tokenizer loads, and that is bounded by cache misses, not by arithmetic.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::tokenize {

class VocabMap {
 public:
  // Sizes the table for `n` keys of `key_bytes` bytes in all, so that
  // inserting them never rehashes.
  void reserve(size_t n, size_t key_bytes = 0);
  // Insert; returns false (and changes nothing) when `key` is already there.
  bool insert(std::string_view key, int32_t id);
  // The id of `key`, or -1.
  int32_t find(std::string_view key) const;
  // out[i] = find(keys[i]) for a batch of keys: the slots and key bytes of
  // the whole batch are fetched from memory together instead of one cache
  // miss after another (what bounds building the merge tables at load).
  void find_batch(std::span<const std::string_view> keys, std::span<int32_t> out) const;
  size_t size() const { return count_; }
  // Longest key in bytes (bounds the greedy search).
  size_t max_key_bytes() const { return max_len_; }

  // Where a stored key lies in the map: lets an id -> token table point
  // into the map instead of keeping a second copy of every token.
  struct KeyRef {
    uint32_t offset = 0;
    uint32_t length = 0;
  };
  // The key of the last successful insert.
  KeyRef last_key() const { return last_; }
  std::string_view key(KeyRef r) const { return {arena_.data() + r.offset, r.length}; }

 private:
  struct Slot {
    uint32_t hash = 0;  // low 32 bits of hash_bytes (also the home slot)
    uint32_t offset = 0;
    uint32_t length = 0;
    int32_t id = -1;  // -1 = empty slot
  };
  void rehash(size_t slots);
  std::vector<Slot> slots_;
  std::string arena_;  // all keys, back to back
  size_t count_ = 0;
  size_t max_len_ = 0;
  KeyRef last_;
};

uint64_t hash_bytes(std::string_view s);

}  // namespace tokrec::tokenize
