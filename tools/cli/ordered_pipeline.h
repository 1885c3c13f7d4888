// A read -> process -> write pipeline over chunks of input that keeps the
// output in input order: `workers` threads each read the next chunk (one at
// a time, under a lock, so chunks are read in order), process it alone, and
// hand the result to one writer thread that writes results strictly in
// chunk order. No barrier is shared by the workers, so a thread that is
// descheduled for a while (by the writer, another process or the host)
// delays only its own chunk, and the others keep going. At most `window`
// chunks are between being read and being written, which bounds memory.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace tokrec::cli {

// read(Chunk&) -> bool: fills the next chunk; false when it is the last one
//   (it is still processed and written). Called by one thread at a time.
// process(Chunk&) -> Result: on any worker, concurrently with others.
// write(Result&) -> bool: on the writer thread, in chunk order; false stops
//   the pipeline (nothing after that chunk is written; chunks already read
//   are processed and dropped).
template <typename Chunk, typename Result, typename Read, typename Process, typename Write>
void run_ordered_pipeline(size_t workers, size_t window, Read read, Process process, Write write) {
  if (workers == 0) workers = 1;
  if (window < workers) window = workers;
  std::mutex read_mutex;
  size_t next_read = 0;      // guarded by read_mutex (read under mutex by its holder)
  bool input_done = false;   // guarded by read_mutex
  std::mutex mutex;
  std::condition_variable changed;
  std::map<size_t, Result> ready;  // processed, waiting for their turn; guarded by mutex
  size_t next_write = 0;           // guarded by mutex
  size_t last = SIZE_MAX;          // the last chunk's number once read; guarded by mutex
  bool stop = false;               // guarded by mutex

  auto work = [&] {
    for (;;) {
      Chunk chunk;
      size_t number;
      {
        std::lock_guard<std::mutex> read_lock(read_mutex);
        {
          std::unique_lock<std::mutex> lock(mutex);
          changed.wait(lock, [&] { return stop || next_read < next_write + window; });
          if (stop) return;
        }
        if (input_done) return;
        number = next_read++;
        if (!read(chunk)) {
          input_done = true;
          std::lock_guard<std::mutex> lock(mutex);
          last = number;
        }
      }
      Result result = process(chunk);
      {
        std::lock_guard<std::mutex> lock(mutex);
        ready.emplace(number, std::move(result));
      }
      changed.notify_all();
    }
  };
  std::thread writer([&] {
    for (;;) {
      Result result;
      {
        std::unique_lock<std::mutex> lock(mutex);
        changed.wait(lock, [&] { return ready.count(next_write) > 0; });
        auto it = ready.find(next_write);
        result = std::move(it->second);
        ready.erase(it);
      }
      const bool more = write(result);
      bool done;
      {
        std::lock_guard<std::mutex> lock(mutex);
        done = !more || next_write == last;
        ++next_write;
        if (done) stop = true;
      }
      changed.notify_all();
      if (done) return;
    }
  });
  std::vector<std::thread> others;
  for (size_t i = 1; i < workers; ++i) others.emplace_back(work);
  work();
  for (std::thread& t : others) t.join();
  writer.join();
}

}  // namespace tokrec::cli
