// Per-thread cache of word -> ids for models whose ids for a pre-tokenized
// word depend on the word alone (BPE, WordPiece): a repeated word costs one
// hash and one cache-line compare instead of a merge loop or a run of
// vocabulary probes. Exact by construction: a miss computes the ids and
// stores them, a hit returns what the model computed for the same bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokenize/vocab_map.h"

namespace tokrec::tokenize {

// Per-thread cache of word -> ids, shared by all models on the thread
// (entries carry the model's serial number, so switching models costs
// nothing), in two parts:
//  * short words (up to kMaxWord bytes giving up to kMaxIds ids): 2-way set
//    associative, one 64-byte line per entry with the word and its ids inline
//    (no pointer to chase); that covers nearly every pre-tokenized piece of
//    Latin-script text;
//  * long words (up to kMaxLongWord bytes): direct-mapped, word and ids on
//    the heap. Runs of CJK or other letters without spaces are long (a CJK
//    character is 3 bytes) and are the costliest words to merge, so a
//    repeated one is worth keeping (HF's BPE caches words of up to 256
//    characters too).
struct WordCache {
  static constexpr size_t kSets = 65536;  // 131,072 entries, 8 MiB per thread
  static constexpr size_t kMaxWord = 22;
  static constexpr size_t kMaxIds = 8;
  static constexpr size_t kLongSlots = 8192;
  static constexpr size_t kMaxLongWord = 1024;
  struct alignas(64) Entry {
    uint32_t owner = 0;  // model serial, 0 = empty
    uint8_t len = 0;
    uint8_t n_ids = 0;
    char word[kMaxWord];
    int32_t ids[kMaxIds];
  };
  struct LongEntry {
    uint32_t owner = 0;  // model serial, 0 = empty
    std::string word;
    std::vector<int32_t> ids;
  };
  struct Store {
    std::unique_ptr<Entry[]> entries = std::make_unique<Entry[]>(2 * kSets);
    std::vector<LongEntry> long_entries = std::vector<LongEntry>(kLongSlots);
  };
  std::unique_ptr<Store> store;

  // Threads of short-lived pools: a thread's cache goes back to a
  // process-wide free list when it exits and the next new thread takes it,
  // still warm (entries are tagged with their model, so any may reuse it).
  // (encode_batch itself runs on the persistent parallel_for_shared pool.)
  struct FreeList {
    std::mutex m;
    std::vector<std::unique_ptr<Store>> caches;
  };
  static FreeList& free_list();
  WordCache();
  ~WordCache();
  WordCache(const WordCache&) = delete;
  WordCache& operator=(const WordCache&) = delete;

  static bool same(const Entry& e, uint32_t owner, std::string_view word) {
    return e.owner == owner && e.len == word.size() && std::memcmp(e.word, word.data(), word.size()) == 0;
  }
  // The cached ids of `word`, or null. A hit in the second way moves the
  // entry to the first (least recently used is evicted).
  const Entry* find(uint32_t owner, std::string_view word, uint64_t hash) {
    Entry* set = &store->entries[2 * (hash & (kSets - 1))];
    if (same(set[0], owner, word)) return &set[0];
    if (same(set[1], owner, word)) {
      std::swap(set[0], set[1]);
      return &set[0];
    }
    return nullptr;
  }
  void put(uint32_t owner, std::string_view word, uint64_t hash, const int32_t* ids, size_t n) {
    Entry* set = &store->entries[2 * (hash & (kSets - 1))];
    set[1] = set[0];
    Entry& e = set[0];
    e.owner = owner;
    e.len = static_cast<uint8_t>(word.size());
    e.n_ids = static_cast<uint8_t>(n);
    std::memcpy(e.word, word.data(), word.size());
    // n == 0 (a word of unknown characters and no unk token) may come with
    // ids == nullptr, which memcpy must not be given even for 0 bytes.
    if (n) std::memcpy(e.ids, ids, n * sizeof(int32_t));
  }
  // Long words: the slot for `hash` (its content may belong to another word).
  LongEntry& long_slot(uint64_t hash) { return store->long_entries[hash & (kLongSlots - 1)]; }
};


// The calling thread's cache.
WordCache& word_cache();

// A fresh owner tag for one loaded model (never 0).
uint32_t new_word_cache_owner();

// Appends the ids of `word` to `ids`: from the calling thread's cache, else
// from compute(word, ids) (which appends them), then remembered.
template <typename Compute>
void cached_tokenize(uint32_t owner, std::string_view word, std::vector<int32_t>& ids, Compute&& compute) {
  if (word.size() > WordCache::kMaxLongWord) {
    compute(word, ids);
    return;
  }
  WordCache& cache = word_cache();
  const uint64_t hash = hash_bytes(word);
  if (word.size() > WordCache::kMaxWord) {
    WordCache::LongEntry& e = cache.long_slot(hash);
    if (e.owner == owner && e.word == word) {
      ids.insert(ids.end(), e.ids.begin(), e.ids.end());
      return;
    }
    const size_t before = ids.size();
    compute(word, ids);
    e.owner = owner;
    e.word.assign(word);
    e.ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(before), ids.end());
    return;
  }
  if (const WordCache::Entry* e = cache.find(owner, word, hash)) {
    ids.insert(ids.end(), e->ids, e->ids + e->n_ids);
    return;
  }
  const size_t before = ids.size();
  compute(word, ids);
  const size_t n = ids.size() - before;
  if (n <= WordCache::kMaxIds) cache.put(owner, word, hash, ids.data() + before, n);
}

}  // namespace tokrec::tokenize
