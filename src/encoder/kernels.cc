// Run-time choice of the kernel set (see kernels.h).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "encoder/kernels.h"

namespace tokrec::encoder {
namespace {

bool cpu_has_avx2() {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return false;
#endif
}

bool cpu_has_avx512() {
#if defined(__GNUC__) && defined(__x86_64__)
  return __builtin_cpu_supports("avx512f") && cpu_has_avx2();
#else
  return false;
#endif
}

const Kernels& best() {
  if (const Kernels* k = kernels_by_name("avx512")) return *k;
  if (const Kernels* k = kernels_by_name("avx2")) return *k;
  return scalar_kernels();
}

}  // namespace

const Kernels* kernels_by_name(std::string_view name) {
  if (name == "scalar") return &scalar_kernels();
  if (name == "avx2") return cpu_has_avx2() ? avx2_kernels() : nullptr;
  if (name == "avx512") return cpu_has_avx512() ? avx512_kernels() : nullptr;
  return nullptr;
}

const Kernels& kernels() {
  static const Kernels& chosen = [] () -> const Kernels& {
    const char* force = std::getenv("TOKREC_FORCE_CPU_ISA");
    if (force != nullptr && *force != '\0') {
      if (const Kernels* k = kernels_by_name(force)) return *k;
      std::fprintf(stderr, "tokrec: TOKREC_FORCE_CPU_ISA=%s is not available here; using %s\n",
                   force, best().name);
    }
    return best();
  }();
  return chosen;
}

}  // namespace tokrec::encoder
