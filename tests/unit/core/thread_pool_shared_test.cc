// parallel_for_shared: the persistent pools behind Tokenizer::encode_batch.
// Every index once, on repeated calls, from several threads at once and
// from inside its own tasks (the caller never waits for a helper that has
// not started, so none of these can deadlock).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "tokrec/core/thread_pool.h"

namespace tokrec {
namespace {

TEST(ParallelForShared, VisitsEveryIndexOnceAcrossCalls) {
  for (size_t threads : {0, 1, 2, 3}) {
    for (size_t n : {0, 1, 2, 7, 1000, 10007}) {
      std::vector<std::atomic<int>> hits(n + 3);
      parallel_for_shared(threads, 3, n + 3, [&](size_t i) { hits[i]++; });
      for (size_t i = 0; i < hits.size(); ++i) ASSERT_EQ(hits[i].load(), i < 3 ? 0 : 1) << threads << " " << n;
    }
  }
}

TEST(ParallelForShared, KeepsItsThreads) {
  // The same pool serves every call: a pool of 2 has one worker thread, so
  // over many calls at most one thread other than the caller ever runs a
  // task (a pool per call would show a new thread each time), and its
  // thread_local state (word caches) survives from call to call.
  std::mutex m;
  std::set<std::thread::id> workers;
  const std::thread::id caller = std::this_thread::get_id();
  for (int call = 0; call < 10; ++call) {
    parallel_for_shared(2, 0, 32, [&](size_t) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
      std::lock_guard<std::mutex> lock(m);
      if (std::this_thread::get_id() != caller) workers.insert(std::this_thread::get_id());
    });
  }
  EXPECT_LE(workers.size(), 1u);
}

TEST(ParallelForShared, ConcurrentAndNestedCallsFinish) {
  std::atomic<size_t> total{0};
  std::vector<std::thread> callers;
  for (int c = 0; c < 4; ++c) {
    callers.emplace_back([&] {
      for (int round = 0; round < 20; ++round) {
        parallel_for_shared(2, 0, 8, [&](size_t) {
          parallel_for_shared(2, 0, 16, [&](size_t) { total++; });
        });
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(total.load(), size_t{4 * 20 * 8 * 16});
}

TEST(ThreadPool, FixedChunkStillVisitsEveryIndex) {
  ThreadPool pool(3);
  std::vector<std::atomic<int>> hits(1001);
  pool.parallel_for(0, hits.size(), [&](size_t i) { hits[i]++; }, 7);
  for (auto& h : hits) ASSERT_EQ(h.load(), 1);
}

}  // namespace
}  // namespace tokrec
