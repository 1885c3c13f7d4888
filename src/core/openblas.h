// OpenBLAS is loaded on first use (dlopen) instead of being linked: its
// start-up (CPU detection, buffers, threads) costs about 4 ms in every
// process, a good share of a short command (`tokrec tfidf` on 10 MB takes
// ~140 ms), and most commands never multiply a matrix. src/core/openblas.cc
// defines the five OpenBLAS entry points tokrec calls (cblas_sgemm, spotrf_,
// spotri_, openblas_get/set_num_threads) with OpenBLAS's own signatures, so
// callers keep using <cblas.h>; each forwards to the loaded library.
#pragma once

#include <string>

namespace tokrec::detail {

// The library the entry points forward to ("" when none could be loaded: then
// sgemm runs builtin_sgemm, a plain loop, and spotrf_/spotri_ return info
// -1000; a one-line note goes to stderr on first use). TOKREC_BLAS=builtin
// skips loading (tests compare the two).
const std::string& openblas_library();

// C = alpha * op(A) * op(B) + beta * C, row-major, as cblas_sgemm with
// CblasRowMajor (beta = 0 overwrites C without reading it).
void builtin_sgemm(bool trans_a, bool trans_b, int m, int n, int k, float alpha, const float* a, int lda,
                   const float* b, int ldb, float beta, float* c, int ldc);

}  // namespace tokrec::detail
