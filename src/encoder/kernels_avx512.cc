// AVX-512F kernels (16 lanes); same algorithm as kernels_avx2.cc. Only this
// file is compiled for AVX-512, by the pragma after the standard headers.
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "encoder/kernels.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include "encoder/isa_avx512_begin.inc"

namespace tokrec::encoder {
namespace {

#include "encoder/vec_avx512.inc"

// Attention tiles (kernels_simd.inc): rows × vectors of accumulators within
// the 32 zmm registers. 8 × 2 measured faster than 4 × 4 for heads of 64
// (fewer passes over K and V per query row), and fits heads of 32.
constexpr size_t kAttnRows = 8, kAttnVecs = 2;
#include "encoder/kernels_simd.inc"

}  // namespace

const Kernels* avx512_kernels() {
  static const Kernels k{"avx512", bias_gelu_erf, bias_gelu_tanh, bias_relu,
                         add_layer_norm, masked_softmax, bias_tanh, attention_head,
                         dequant_act_quantize, dequant_add_layer_norm};
  return &k;
}

}  // namespace tokrec::encoder
#include "encoder/isa_end.inc"
#else
namespace tokrec::encoder {
const Kernels* avx512_kernels() { return nullptr; }
}  // namespace tokrec::encoder
#endif
