// A string -> dense id table for the corpus passes: open addressing over
// 8-byte slots (a 32-bit hash tag + the id), terms stored back to back in one
// byte arena, so a probe touches one slot and compares bytes only on a tag
// match, and no std::string is built per term. Ids are assigned in insertion
// order (0, 1, ...), so results never depend on the hash. Not thread-safe;
// one per thread/block.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::features::detail {

// Up to 7 bytes (n in 1..7) as one word for hashing, without a loop over the
// bytes (whose trip count varies per token and is mispredicted): two
// overlapping 4-byte loads, or the first, middle and last byte. Different
// inputs can give the same word (the length is mixed in separately), which
// costs a byte comparison, never a wrong answer.
inline uint64_t short_word(const char* p, size_t n) {
  if (n >= 4) {
    uint32_t a, b;
    std::memcpy(&a, p, 4);
    std::memcpy(&b, p + n - 4, 4);
    return a | (static_cast<uint64_t>(b) << 32);
  }
  return static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
         static_cast<uint64_t>(static_cast<unsigned char>(p[n >> 1])) << 8 |
         static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
}

inline uint64_t hash_bytes(std::string_view s) {
  // 8 bytes at a time, multiply-xorshift mixing (wyhash-style constants);
  // the tail is the last 8 bytes (overlapping) or short_word.
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (s.size() * 0xFF51AFD7ED558CCDull);
  const char* p = s.data();
  const size_t size = s.size();
  size_t n = size;
  for (; n >= 8; n -= 8, p += 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
  }
  if (n > 0) {
    uint64_t w;
    if (size >= 8) std::memcpy(&w, s.data() + size - 8, 8);
    else w = short_word(p, n);
    h = (h ^ w) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
  }
  h *= 0xFF51AFD7ED558CCDull;
  return h ^ (h >> 32);
}

inline bool bytes_equal(const char* a, const char* b, size_t n) {
  if (n < 8) {
    if (n >= 4) {
      uint32_t x0, y0, x1, y1;
      std::memcpy(&x0, a, 4);
      std::memcpy(&y0, b, 4);
      std::memcpy(&x1, a + n - 4, 4);
      std::memcpy(&y1, b + n - 4, 4);
      return ((x0 ^ y0) | (x1 ^ y1)) == 0;
    }
    return n == 0 || (a[0] == b[0] && a[n >> 1] == b[n >> 1] && a[n - 1] == b[n - 1]);
  }
  for (; n >= 8; n -= 8, a += 8, b += 8) {
    uint64_t x, y;
    std::memcpy(&x, a, 8);
    std::memcpy(&y, b, 8);
    if (x != y) return false;
  }
  if (n == 0) return true;
  // The last 8 bytes, overlapping the ones already compared.
  uint64_t x, y;
  std::memcpy(&x, a + n - 8, 8);
  std::memcpy(&y, b + n - 8, 8);
  return x == y;
}

class TermTable {
 public:
  TermTable() { slots_.assign(1024, Slot{0, kEmpty}); }

  void clear() {
    if (size() > 0) std::fill(slots_.begin(), slots_.end(), Slot{0, kEmpty});
    arena_.clear();
    ends_.assign(1, 0);
    hashes_.clear();
  }
  size_t size() const { return hashes_.size(); }
  std::string_view term(uint32_t id) const {
    return std::string_view(arena_.data() + ends_[id], ends_[id + 1] - ends_[id]);
  }
  uint64_t hash(uint32_t id) const { return hashes_[id]; }
  // Starts loading the slot a probe for hash `h` reads first: hashing a
  // row's terms and prefetching their slots before probing overlaps the
  // cache misses of a large table instead of waiting on each in turn.
  void prefetch(uint64_t h) const { __builtin_prefetch(&slots_[h & (slots_.size() - 1)]); }
  // Id of `s`, inserting it when new (inserted = true).
  uint32_t intern(std::string_view s, bool& inserted) { return intern_hashed(s, hash_bytes(s), inserted); }
  uint32_t intern_hashed(std::string_view s, uint64_t h, bool& inserted) {
    const auto tag = static_cast<uint32_t>(h >> 32);
    const size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot slot = slots_[i];
      if (slot.id == kEmpty) {
        inserted = true;
        const auto id = static_cast<uint32_t>(hashes_.size());
        slots_[i] = Slot{tag, id};
        arena_.append(s);
        ends_.push_back(arena_.size());
        hashes_.push_back(h);
        if (hashes_.size() * 2 > slots_.size()) grow();
        return id;
      }
      if (slot.tag == tag) {
        const size_t b = ends_[slot.id], e = ends_[slot.id + 1];
        if (e - b == s.size() && bytes_equal(arena_.data() + b, s.data(), s.size())) {
          inserted = false;
          return slot.id;
        }
      }
    }
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint32_t tag;
    uint32_t id;
  };
  void grow() {
    slots_.assign(slots_.size() * 2, Slot{0, kEmpty});
    const size_t mask = slots_.size() - 1;
    for (uint32_t id = 0; id < hashes_.size(); ++id) {
      size_t i = hashes_[id] & mask;
      while (slots_[i].id != kEmpty) i = (i + 1) & mask;
      slots_[i] = Slot{static_cast<uint32_t>(hashes_[id] >> 32), id};
    }
  }
  std::vector<Slot> slots_;
  std::string arena_;
  std::vector<size_t> ends_{0};  // term i = arena_[ends_[i], ends_[i + 1])
  std::vector<uint64_t> hashes_;
};

}  // namespace tokrec::features::detail
