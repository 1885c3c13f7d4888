// A progress line on stderr for long CLI jobs: rewritten in place ("\r") on a
// terminal, else printed as a new line now and then (logs of batch jobs).
// On by default when stderr is a terminal; --progress turns it on elsewhere.
// Updates are throttled, so calling update() per batch costs nothing.
#pragma once

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <string>

#include <unistd.h>

namespace tokrec::cli {

class ProgressLine {
 public:
  // `prefix`: "tokrec <command>"; `forced`: --progress given.
  ProgressLine(std::string prefix, bool forced)
      : prefix_(std::move(prefix)),
        tty_(isatty(fileno(stderr)) != 0),
        on_(forced || tty_),
        start_(std::chrono::steady_clock::now()),
        last_(start_) {}
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  ~ProgressLine() { finish(); }

  bool on() const { return on_; }
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  // printf-style text after the prefix; shown if enough time has passed
  // since the last one (0.25 s on a terminal, 5 s in a log) or `final`.
  __attribute__((format(printf, 3, 4))) void update(bool final, const char* fmt, ...) {
    if (!on_) return;
    const auto now = std::chrono::steady_clock::now();
    const double since = std::chrono::duration<double>(now - last_).count();
    if (!final && since < (tty_ ? 0.25 : 5.0)) return;
    last_ = now;
    char text[256];
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(text, sizeof text, fmt, args);
    va_end(args);
    std::fprintf(stderr, tty_ ? "\r%s: %s\033[K" : "%s: %s\n", prefix_.c_str(), text);
    std::fflush(stderr);
    shown_ = true;
  }
  // Ends the terminal line (before an error message or at exit).
  void finish() {
    if (on_ && tty_ && shown_) std::fputc('\n', stderr);
    shown_ = false;
  }

 private:
  std::string prefix_;
  bool tty_;
  bool on_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace tokrec::cli
