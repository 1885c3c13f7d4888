// Batch-encoding scaling: Tokenizer::encode_batch_flat on N threads vs 1, on
// the same lines in the same process, measured so that a noisy machine
// (shared host, drifting clock) does not decide the figure:
//  * the tokenizer is loaded and warmed first (every thread's word cache
//    filled), as in a long batch job; load time is not part of the figure;
//  * each round times 1 thread and N threads back to back, in a random
//    order, and the figure is the median of the per-round ratios, so a slow
//    stretch of the host affects both sides of a ratio alike;
//  * the same rounds time a plain integer loop (xorshift, no memory traffic)
//    split the same way: the scaling this machine gives to work that shares
//    nothing, i.e. the ceiling the tokenizer's figure should be read against
//    (two vCPUs that are SMT siblings on the host give well under 2x).
// Also checks that N threads give the same ids as 1.
//
//   bench_batch_scaling --tokenizer PATH --input FILE [--encoding NAME]
//                       [--rounds 15] [--threads 2] [--special-tokens]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <sys/resource.h>

#include "tokrec/core/thread_pool.h"
#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"

namespace {

using tokrec::tokenize::EncodedBatch;
using tokrec::tokenize::EncodeOptions;
using tokrec::tokenize::Tokenizer;

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// `iterations` steps of xorshift64 (a dependent chain: one core's integer
// units, no loads or stores).
uint64_t integer_loop(uint64_t iterations, uint64_t seed) {
  uint64_t x = seed | 1;
  for (uint64_t i = 0; i < iterations; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
  }
  return x;
}

// The same total work on `threads` threads of the shared pool, as the
// tokenizer's batch uses it.
double time_integer_loop(uint64_t total, size_t threads) {
  std::atomic<uint64_t> sink{0};
  const double t0 = now_seconds();
  tokrec::parallel_for_shared(threads, 0, threads, [&](size_t part) {
    sink += integer_loop(total / threads, part + 1);
  });
  const double t = now_seconds() - t0;
  if (sink.load() == 42) std::puts("");  // keeps the loop
  return t;
}

struct Timed {
  double wall = 0, cpu = 0;
};

Timed time_batch(const Tokenizer& tok, const std::vector<std::string>& lines, const EncodeOptions& opts,
                 size_t threads, EncodedBatch* out) {
  const double c0 = cpu_seconds(), t0 = now_seconds();
  auto r = tok.encode_batch_flat(lines, opts, threads);
  Timed t{now_seconds() - t0, cpu_seconds() - c0};
  if (!r.is_ok()) {
    std::fprintf(stderr, "bench_batch_scaling: %s\n", r.status().to_string().c_str());
    std::exit(1);
  }
  if (out) *out = std::move(r).value();
  return t;
}

int usage() {
  std::fprintf(stderr,
               "usage: bench_batch_scaling --tokenizer PATH --input FILE [--encoding NAME]\n"
               "                           [--rounds N (15)] [--threads N (2)] [--special-tokens]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string tokenizer_path, input, encoding;
  size_t rounds = 15, threads = 2;
  bool special = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--tokenizer") tokenizer_path = value();
    else if (a == "--input") input = value();
    else if (a == "--encoding") encoding = value();
    else if (a == "--rounds") rounds = std::strtoul(value().c_str(), nullptr, 10);
    else if (a == "--threads") threads = std::strtoul(value().c_str(), nullptr, 10);
    else if (a == "--special-tokens") special = true;
    else return usage();
  }
  if (tokenizer_path.empty() || input.empty() || rounds == 0 || threads < 2) return usage();

  tokrec::tokenize::LoadOptions load;
  load.encoding = encoding;
  auto tok = Tokenizer::load(tokenizer_path, load);
  if (!tok.is_ok()) {
    std::fprintf(stderr, "bench_batch_scaling: %s\n", tok.status().to_string().c_str());
    return 1;
  }
  // As `tokrec tokenize` reads it (LineReader: one text per line).
  auto read = tokrec::io::read_lines(input);
  if (!read.is_ok()) {
    std::fprintf(stderr, "bench_batch_scaling: %s\n", read.status().to_string().c_str());
    return 1;
  }
  const std::vector<std::string>& lines = *read;
  double bytes = 0;  // the file's, newlines included
  for (const std::string& line : lines) bytes += static_cast<double>(line.size() + 1);

  // What `tokrec tokenize --format ids` asks for.
  EncodeOptions opts;
  opts.add_special_tokens = special;
  opts.with_tokens = false;
  opts.with_masks = false;

  // Warm-up: fills the caller's and every pool thread's word cache.
  EncodedBatch one, many;
  const double cold1 = time_batch(**tok, lines, opts, 1, &one).wall;
  time_batch(**tok, lines, opts, threads, &many);
  if (one.ids != many.ids || one.row_offsets != many.row_offsets) {
    std::fprintf(stderr, "bench_batch_scaling: %zu threads gave different ids than 1\n", threads);
    return 1;
  }
  // Size the integer loop like one batch on one thread.
  const double one_wall = time_batch(**tok, lines, opts, 1, nullptr).wall;
  uint64_t loop = 1 << 20;
  while (time_integer_loop(loop, 1) < one_wall) loop *= 2;

  std::mt19937 order(20261129);
  std::vector<double> batch_ratio, cpu_ratio, loop_ratio, wall1;
  double sum1 = 0, sumn = 0;
  for (size_t r = 0; r < rounds; ++r) {
    Timed t1, tn;
    if (order() & 1) {
      t1 = time_batch(**tok, lines, opts, 1, nullptr);
      tn = time_batch(**tok, lines, opts, threads, nullptr);
    } else {
      tn = time_batch(**tok, lines, opts, threads, nullptr);
      t1 = time_batch(**tok, lines, opts, 1, nullptr);
    }
    double l1, ln;
    if (order() & 1) {
      l1 = time_integer_loop(loop, 1);
      ln = time_integer_loop(loop, threads);
    } else {
      ln = time_integer_loop(loop, threads);
      l1 = time_integer_loop(loop, 1);
    }
    batch_ratio.push_back(t1.wall / tn.wall);
    cpu_ratio.push_back(tn.cpu / t1.cpu);
    loop_ratio.push_back(l1 / ln);
    wall1.push_back(t1.wall);
    sum1 += t1.wall;
    sumn += tn.wall;
  }
  const auto [lo, hi] = std::minmax_element(batch_ratio.begin(), batch_ratio.end());
  std::printf("batch scaling %zu threads vs 1: %.2fx (median of %zu rounds; range %.2f-%.2fx; "
              "total time of all rounds %.2fx); 1 thread %.1f MB/s (first call, cold caches: %.1f); "
              "CPU time %zu threads / 1: %.2f; "
              "this machine's ceiling (integer loop): %.2fx; ids identical\n",
              threads, median(batch_ratio), rounds, *lo, *hi, sum1 / sumn,
              bytes / median(wall1) / 1e6,
              bytes / cold1 / 1e6, threads, median(cpu_ratio),
              median(loop_ratio));
  return 0;
}
