// One output line per input line: the I/O loop shared by the line-oriented
// subcommands (segment, keywords).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "tokrec/core/status.h"

namespace tokrec::cli {

// Reads `input` ("-" = stdin) line by line, lets `fn` fill the output line
// (without its '\n') and writes it to `output` ("-" = stdout). The first error
// (a line's, with "line N" as context, or an I/O error) is reported as
// `tokrec <command>: error: ...` and gives exit code 1; otherwise 0.
int map_lines(const std::string& command, const std::string& input, const std::string& output,
              const std::function<Status(const std::string& line, std::string& out_line)>& fn);

// Each entry followed by '\n': the text of a one-term-per-line file
// (vocabularies, item ids).
std::string lines_text(const std::vector<std::string>& lines);

// A queue of at most `capacity` items between two pipeline stages (threads):
// push blocks while it is full, pop while it is empty. close() releases both
// sides for good: push then drops the item and returns false, pop returns
// false once nothing is left. The capacity bounds the memory in flight.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  bool push(T item) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    not_empty_.notify_one();
    return true;
  }
  bool pop(T& item) {
    std::unique_lock<std::mutex> lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return false;
    item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return true;
  }
  void close() {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }

 private:
  const size_t capacity_;
  std::deque<T> items_;
  bool closed_ = false;
  std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
};

}  // namespace tokrec::cli
