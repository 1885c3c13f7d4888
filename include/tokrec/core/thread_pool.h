// A fixed pool of worker threads and parallel_for over index ranges.
// Threads are named by purpose in the API (`threads` = total compute threads).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <queue>
#include <thread>
#include <vector>

namespace tokrec {

// Number of threads to use when the caller passes 0 ("all cores").
size_t default_thread_count();

class ThreadPool {
 public:
  // threads == 0 means default_thread_count().
  explicit ThreadPool(size_t threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t size() const { return workers_.size(); }

  // Run fn(i) for every i in [begin, end) and wait. The calling thread takes
  // part. fn must not throw. `chunk` = indices taken at a time; 0 = guided:
  // each thread first takes a large contiguous run (cache locality, few
  // shared atomic updates), then ever smaller ones so that all finish
  // together. The caller never waits for a helper that has not started, so
  // the pool may be used by several threads at once and from its own tasks.
  void parallel_for(size_t begin, size_t end, const std::function<void(size_t)>& fn,
                    size_t chunk = 0);

 private:
  void worker_loop();
  void submit(std::function<void()> task);

  std::vector<std::thread> workers_;
  std::queue<std::function<void()>> tasks_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false;
};

// One-shot helper: a pool of `threads` for this call only (1 = run inline).
void parallel_for(size_t threads, size_t begin, size_t end, const std::function<void(size_t)>& fn);

// Like parallel_for(threads, ...) but on a process-wide pool of that size,
// started on first use and kept until exit (one per distinct `threads`;
// 0 = default_thread_count()). Its threads, and their thread_local state
// (e.g. the tokenizers' word caches and scratch buffers), stay warm from one
// call to the next instead of being rebuilt each time. Safe from several
// threads at once.
void parallel_for_shared(size_t threads, size_t begin, size_t end,
                         const std::function<void(size_t)>& fn);

}  // namespace tokrec
