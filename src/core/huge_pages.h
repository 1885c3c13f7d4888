// Large buffers that are filled once: ask for transparent huge pages.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tokrec {

// Reserves n elements and asks for transparent huge pages on the reserved
// memory: one page fault per 2 MiB instead of 512 (the faults of fresh
// memory are a good part of the run time of a batch on small machines). A
// hint only: without THP the buffer is just reserved. Call it on an empty
// vector, before the resize or the appends that fill it.
template <typename T>
void reserve_huge(std::vector<T>& v, size_t n) {
  v.reserve(n);
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  if (n * sizeof(T) < 2 * kHuge) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(v.data()) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = reinterpret_cast<uintptr_t>(v.data() + n) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace tokrec
