#include "tokenize/word_cache.h"

#include <atomic>

namespace tokrec::tokenize {

WordCache::FreeList& WordCache::free_list() {
  static FreeList* list = new FreeList;  // never destroyed: threads may exit after main
  return *list;
}

WordCache::WordCache() {
  FreeList& f = free_list();
  {
    std::lock_guard<std::mutex> lock(f.m);
    if (!f.caches.empty()) {
      store = std::move(f.caches.back());
      f.caches.pop_back();
    }
  }
  if (!store) store = std::make_unique<Store>();
}

WordCache::~WordCache() {
  FreeList& f = free_list();
  std::lock_guard<std::mutex> lock(f.m);
  f.caches.push_back(std::move(store));
}

WordCache& word_cache() {
  thread_local WordCache c;
  return c;
}

uint32_t new_word_cache_owner() {
  static std::atomic<uint32_t> next{1};
  return next.fetch_add(1);
}

}  // namespace tokrec::tokenize
