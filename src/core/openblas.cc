// OpenBLAS loaded on first use; see openblas.h for why.
#include "core/openblas.h"

#include <cblas.h>
#include <dlfcn.h>

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace tokrec::detail {
namespace {

using SgemmFn = void (*)(CBLAS_ORDER, CBLAS_TRANSPOSE, CBLAS_TRANSPOSE, blasint, blasint, blasint, float,
                         const float*, blasint, const float*, blasint, float, float*, blasint);
using LapackFn = void (*)(const char*, const int*, float*, const int*, int*, size_t);
using GetThreadsFn = int (*)();
using SetThreadsFn = void (*)(int);

struct OpenBlas {
  std::string library;
  SgemmFn sgemm = nullptr;
  LapackFn spotrf = nullptr, spotri = nullptr;
  GetThreadsFn get_threads = nullptr;
  SetThreadsFn set_threads = nullptr;
};

template <typename Fn>
Fn symbol(void* handle, const char* name) {
  return reinterpret_cast<Fn>(::dlsym(handle, name));
}

// CMake sets the path it found on this file; targets that compile the file
// themselves (the libFuzzer targets of tests/fuzz) fall back to the soname.
#ifndef TOKREC_OPENBLAS_PATH
#define TOKREC_OPENBLAS_PATH "libopenblas.so.0"
#endif

OpenBlas load() {
  OpenBlas lib;
  const char* mode = std::getenv("TOKREC_BLAS");
  if (mode && std::strcmp(mode, "builtin") == 0) return lib;
  // The library CMake found first (the Debian alternative's own directory),
  // then whatever the loader finds by soname.
  const char* candidates[] = {TOKREC_OPENBLAS_PATH, "libopenblas.so.0", "libopenblas.so", "libblas.so.3"};
  void* handle = nullptr;
  for (const char* name : candidates) {
    handle = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle && symbol<SgemmFn>(handle, "cblas_sgemm")) {
      lib.library = name;
      break;
    }
    if (handle) ::dlclose(handle);
    handle = nullptr;
  }
  if (!handle) {
    std::fprintf(stderr,
                 "tokrec: OpenBLAS could not be loaded (%s); matrix products run on a slow built-in loop "
                 "(apt install libopenblas0)\n",
                 TOKREC_OPENBLAS_PATH);
    return lib;
  }
  lib.sgemm = symbol<SgemmFn>(handle, "cblas_sgemm");
  lib.spotrf = symbol<LapackFn>(handle, "spotrf_");
  lib.spotri = symbol<LapackFn>(handle, "spotri_");
  if (!lib.spotrf || !lib.spotri) {  // a BLAS without LAPACK: Debian's liblapack alternative
    if (void* lapack = ::dlopen("liblapack.so.3", RTLD_NOW | RTLD_LOCAL)) {
      lib.spotrf = symbol<LapackFn>(lapack, "spotrf_");
      lib.spotri = symbol<LapackFn>(lapack, "spotri_");
    }
  }
  lib.get_threads = symbol<GetThreadsFn>(handle, "openblas_get_num_threads");
  lib.set_threads = symbol<SetThreadsFn>(handle, "openblas_set_num_threads");
  return lib;  // never closed: the entry points stay valid for the process
}

const OpenBlas& openblas() {
  static const OpenBlas lib = load();  // thread-safe, once
  return lib;
}

}  // namespace

const std::string& openblas_library() { return openblas().library; }

void builtin_sgemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
                   const float* b, int ldb, float beta, float* c, int ldc) {
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      float sum = 0.0f;
      for (int p = 0; p < k; ++p) {
        const float x = trans_a ? a[static_cast<ptrdiff_t>(p) * lda + i] : a[static_cast<ptrdiff_t>(i) * lda + p];
        const float y = trans_b ? b[static_cast<ptrdiff_t>(j) * ldb + p] : b[static_cast<ptrdiff_t>(p) * ldb + j];
        sum += x * y;
      }
      float& out = c[static_cast<ptrdiff_t>(i) * ldc + j];
      out = beta == 0.0f ? alpha * sum : alpha * sum + beta * out;
    }
  }
}

}  // namespace tokrec::detail

// The OpenBLAS entry points tokrec calls, with the declarations of <cblas.h>
// (and LAPACK's Fortran ABI for spotrf_/spotri_, as src/rec/ease.cc declares
// them).
extern "C" {

void cblas_sgemm(const CBLAS_ORDER order, const CBLAS_TRANSPOSE trans_a, const CBLAS_TRANSPOSE trans_b,
                 const blasint m, const blasint n, const blasint k, const float alpha, const float* a,
                 const blasint lda, const float* b, const blasint ldb, const float beta, float* c,
                 const blasint ldc) {
  const auto& lib = tokrec::detail::openblas();
  if (lib.sgemm) return lib.sgemm(order, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  const bool ta = trans_a != CblasNoTrans, tb = trans_b != CblasNoTrans;
  if (order == CblasRowMajor) return tokrec::detail::builtin_sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  // Column-major C = op(A) op(B) is row-major C^T = op(B)^T op(A)^T.
  tokrec::detail::builtin_sgemm(tb, ta, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
}

void spotrf_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t uplo_len) {
  const auto& lib = tokrec::detail::openblas();
  if (!lib.spotrf) {
    *info = -1000;
    return;
  }
  lib.spotrf(uplo, n, a, lda, info, uplo_len);
}

void spotri_(const char* uplo, const int* n, float* a, const int* lda, int* info, size_t uplo_len) {
  const auto& lib = tokrec::detail::openblas();
  if (!lib.spotri) {
    *info = -1000;
    return;
  }
  lib.spotri(uplo, n, a, lda, info, uplo_len);
}

int openblas_get_num_threads(void) {
  const auto& lib = tokrec::detail::openblas();
  return lib.get_threads ? lib.get_threads() : 1;
}

void openblas_set_num_threads(int threads) {
  const auto& lib = tokrec::detail::openblas();
  if (lib.set_threads) lib.set_threads(threads);
}

}  // extern "C"
