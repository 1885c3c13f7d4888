#include "tokenize/vocab_map.h"

#include <algorithm>
#include <cstring>

namespace tokrec::tokenize {

uint64_t hash_bytes(std::string_view s) {
  // 8 bytes at a time with a multiply-xorshift mix; tokens are short, so the
  // tail handling matters more than the bulk loop.
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ULL;
  const char* p = s.data();
  size_t n = s.size();
  uint64_t h = n * kMul;
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = (h ^ v) * kMul;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    uint64_t v = 0;
    std::memcpy(&v, p, n);
    h = (h ^ v) * kMul;
    h ^= h >> 29;
  }
  h ^= h >> 32;
  h *= 0xD6E8FEB86659FD93ULL;
  h ^= h >> 32;
  return h;
}

// The stored 32 hash bits choose the home slot, so growing never re-reads
// the keys (tables stay far below 2^32 slots).
void VocabMap::rehash(size_t slots) {
  std::vector<Slot> old;
  old.swap(slots_);
  slots_.assign(slots, Slot{});
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.id < 0) continue;
    size_t i = s.hash & mask;
    while (slots_[i].id >= 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

void VocabMap::reserve(size_t n, size_t key_bytes) {
  size_t cap = 1024;
  while (cap < n * 2) cap <<= 1;  // load factor <= 0.5, as insert keeps it
  if (cap > slots_.size()) rehash(cap);
  arena_.reserve(key_bytes);
}

bool VocabMap::insert(std::string_view key, int32_t id) {
  if ((count_ + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 1024 : slots_.size() * 2);
  const auto h = static_cast<uint32_t>(hash_bytes(key));
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (slots_[i].id >= 0) {
    const Slot& s = slots_[i];
    if (s.hash == h && s.length == key.size() &&
        std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0)
      return false;
    i = (i + 1) & mask;
  }
  Slot& s = slots_[i];
  s.hash = h;
  s.offset = static_cast<uint32_t>(arena_.size());
  s.length = static_cast<uint32_t>(key.size());
  s.id = id;
  arena_.append(key);
  last_ = {s.offset, s.length};
  ++count_;
  if (key.size() > max_len_) max_len_ = key.size();
  return true;
}

int32_t VocabMap::find(std::string_view key) const {
  if (slots_.empty()) return -1;
  const auto h = static_cast<uint32_t>(hash_bytes(key));
  const size_t mask = slots_.size() - 1;
  size_t i = h & mask;
  while (true) {
    const Slot& s = slots_[i];
    if (s.id < 0) return -1;
    if (s.hash == h && s.length == key.size() &&
        std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0)
      return s.id;
    i = (i + 1) & mask;
  }
}

void VocabMap::find_batch(std::span<const std::string_view> keys, std::span<int32_t> out) const {
  if (slots_.empty()) {
    std::fill(out.begin(), out.end(), -1);
    return;
  }
  const size_t mask = slots_.size() - 1;
  constexpr size_t kGroup = 32;
  uint32_t hash[kGroup];
  size_t slot[kGroup];
  for (size_t base = 0; base < keys.size(); base += kGroup) {
    const size_t n = std::min(kGroup, keys.size() - base);
    // 1: the home slots.
    for (size_t i = 0; i < n; ++i) {
      hash[i] = static_cast<uint32_t>(hash_bytes(keys[base + i]));
      slot[i] = hash[i] & mask;
      __builtin_prefetch(&slots_[slot[i]]);
    }
    // 2: the first slot whose hash matches (or the empty one ending the
    // probe), and the key bytes it points to.
    for (size_t i = 0; i < n; ++i) {
      size_t j = slot[i];
      while (slots_[j].id >= 0 && slots_[j].hash != hash[i]) j = (j + 1) & mask;
      slot[i] = j;
      if (slots_[j].id >= 0) __builtin_prefetch(arena_.data() + slots_[j].offset);
    }
    // 3: compare, probing on past slots whose hash only looked the same.
    for (size_t i = 0; i < n; ++i) {
      const std::string_view key = keys[base + i];
      size_t j = slot[i];
      int32_t id = -1;
      while (slots_[j].id >= 0) {
        const Slot& s = slots_[j];
        if (s.hash == hash[i] && s.length == key.size() &&
            std::memcmp(arena_.data() + s.offset, key.data(), key.size()) == 0) {
          id = s.id;
          break;
        }
        j = (j + 1) & mask;
      }
      out[base + i] = id;
    }
  }
}

}  // namespace tokrec::tokenize
