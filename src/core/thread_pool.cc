#include "tokrec/core/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>

namespace tokrec {

size_t default_thread_count() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

ThreadPool::ThreadPool(size_t threads) {
  if (threads == 0) threads = default_thread_count();
  // The caller's thread works too, so start one fewer worker.
  for (size_t i = 1; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ThreadPool::submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push(std::move(task));
  }
  cv_.notify_one();
}

void ThreadPool::worker_loop() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
      if (stopping_ && tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop();
    }
    task();
  }
}

void ThreadPool::parallel_for(size_t begin, size_t end, const std::function<void(size_t)>& fn,
                              size_t chunk) {
  if (end <= begin) return;
  const size_t n = end - begin;
  const size_t threads = workers_.size() + 1;
  if (threads == 1 || n == 1) {
    for (size_t i = begin; i < end; ++i) fn(i);
    return;
  }
  // Guided schedule: take remaining / (2 * threads), at least min_take.
  const size_t min_take = chunk != 0 ? chunk : std::max<size_t>(1, n / (threads * 64));
  struct Shared {
    std::atomic<size_t> next;
    // Helper slots not yet claimed: a helper that starts after the caller
    // has finished finds none left and returns without touching the work.
    std::atomic<long> unclaimed;
    size_t finished = 0;  // guarded by m
    std::mutex m;
    std::condition_variable done;
  };
  auto shared = std::make_shared<Shared>();
  shared->next = begin;
  const size_t helpers = std::min(workers_.size(), (n + min_take - 1) / min_take - 1);
  shared->unclaimed = static_cast<long>(helpers);
  auto run = [shared, end, chunk, min_take, threads, &fn] {
    size_t start = shared->next.load(std::memory_order_relaxed);
    while (start < end) {
      const size_t remaining = end - start;
      size_t take = chunk != 0 ? chunk : std::max(min_take, remaining / (2 * threads));
      take = std::min(take, remaining);
      if (!shared->next.compare_exchange_weak(start, start + take, std::memory_order_relaxed)) continue;
      for (size_t i = start; i < start + take; ++i) fn(i);
      start = shared->next.load(std::memory_order_relaxed);
    }
  };
  for (size_t h = 0; h < helpers; ++h) {
    submit([shared, run] {
      long slots = shared->unclaimed.load();
      do {
        if (slots <= 0) return;
      } while (!shared->unclaimed.compare_exchange_weak(slots, slots - 1));
      run();
      std::lock_guard<std::mutex> lock(shared->m);
      ++shared->finished;
      shared->done.notify_all();
    });
  }
  run();
  // Helpers that have not started by now are not waited for.
  const long never_started = shared->unclaimed.exchange(0);
  const size_t claimed = helpers - static_cast<size_t>(never_started);
  std::unique_lock<std::mutex> lock(shared->m);
  shared->done.wait(lock, [&] { return shared->finished == claimed; });
}

void parallel_for(size_t threads, size_t begin, size_t end, const std::function<void(size_t)>& fn) {
  if (threads <= 1) {
    for (size_t i = begin; i < end; ++i) fn(i);
    return;
  }
  ThreadPool pool(threads);
  pool.parallel_for(begin, end, fn);
}

void parallel_for_shared(size_t threads, size_t begin, size_t end,
                         const std::function<void(size_t)>& fn) {
  if (threads == 0) threads = default_thread_count();
  if (threads <= 1 || end - begin <= 1) {
    for (size_t i = begin; i < end; ++i) fn(i);
    return;
  }
  // Never destroyed: the workers wait on their queue until the process
  // exits, so no thread_local of theirs is torn down during static
  // destruction while other statics it may refer to are already gone.
  static std::mutex registry_mutex;
  static auto* pools = new std::map<size_t, std::unique_ptr<ThreadPool>>();
  ThreadPool* pool = nullptr;
  {
    std::lock_guard<std::mutex> lock(registry_mutex);
    auto& slot = (*pools)[threads];
    if (!slot) slot = std::make_unique<ThreadPool>(threads);
    pool = slot.get();
  }
  pool->parallel_for(begin, end, fn);
}

}  // namespace tokrec
