#include "tokrec/core/thread_pool.h"

#include <algorithm>
#include <atomic>
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
  if (chunk == 0) chunk = std::max<size_t>(1, n / (threads * 8));
  struct Shared {
    std::atomic<size_t> next;
    std::atomic<size_t> active;
    std::mutex m;
    std::condition_variable done;
  };
  auto shared = std::make_shared<Shared>();
  shared->next = begin;
  const size_t helpers = std::min(workers_.size(), (n + chunk - 1) / chunk - 1);
  shared->active = helpers;
  auto run = [shared, end, chunk, &fn] {
    for (;;) {
      size_t start = shared->next.fetch_add(chunk);
      if (start >= end) break;
      size_t stop = std::min(end, start + chunk);
      for (size_t i = start; i < stop; ++i) fn(i);
    }
  };
  for (size_t h = 0; h < helpers; ++h) {
    submit([shared, run] {
      run();
      if (shared->active.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> lock(shared->m);
        shared->done.notify_all();
      }
    });
  }
  run();
  std::unique_lock<std::mutex> lock(shared->m);
  shared->done.wait(lock, [&] { return shared->active.load() == 0; });
}

void parallel_for(size_t threads, size_t begin, size_t end, const std::function<void(size_t)>& fn) {
  if (threads <= 1) {
    for (size_t i = begin; i < end; ++i) fn(i);
    return;
  }
  ThreadPool pool(threads);
  pool.parallel_for(begin, end, fn);
}

}  // namespace tokrec
