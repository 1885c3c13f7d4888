// A string -> dense id table for the corpus passes: open addressing over one
// byte arena, 64-bit hashes kept beside the ids so that a probe touches one
// cache line and compares bytes only on a hash match. Ids are assigned in
// insertion order (0, 1, ...). Not thread-safe; one per thread/block.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::features::detail {

inline uint64_t hash_bytes(std::string_view s) {
  // 8 bytes at a time, multiply-xorshift mixing (wyhash-style constants).
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (s.size() * 0xFF51AFD7ED558CCDull);
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
  }
  if (i < s.size()) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
  }
  h *= 0xFF51AFD7ED558CCDull;
  return h ^ (h >> 32);
}

class TermTable {
 public:
  TermTable() { slots_.assign(1024, Slot{}); }

  void clear() {
    if (size() > 0) std::fill(slots_.begin(), slots_.end(), Slot{});
    arena_.clear();
    ends_.clear();
  }
  size_t size() const { return ends_.size(); }
  std::string_view term(uint32_t id) const {
    size_t b = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(arena_).substr(b, ends_[id] - b);
  }
  // Id of `s`, inserting it when new (inserted = true).
  uint32_t intern(std::string_view s, bool& inserted) { return intern_hashed(s, hash_bytes(s), inserted); }
  uint32_t intern_hashed(std::string_view s, uint64_t h, bool& inserted) {
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& slot = slots_[i];
      if (slot.id == kEmpty) {
        inserted = true;
        slot.hash = h;
        slot.id = static_cast<uint32_t>(ends_.size());
        arena_.append(s);
        ends_.push_back(arena_.size());
        if (ends_.size() * 2 > slots_.size()) grow();
        return static_cast<uint32_t>(ends_.size() - 1);
      }
      if (slot.hash == h && term(slot.id) == s) {
        inserted = false;
        return slot.id;
      }
    }
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = kEmpty;
  };
  void grow() {
    std::vector<Slot> old(slots_.size() * 2, Slot{});
    old.swap(slots_);
    size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.id == kEmpty) continue;
      size_t i = s.hash & mask;
      while (slots_[i].id != kEmpty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  std::string arena_;
  std::vector<size_t> ends_;
};

}  // namespace tokrec::features::detail
