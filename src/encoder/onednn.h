// oneDNN matmul for the linear layers (Debian's libdnnl, when the build found
// it; every function here degrades to "not available" without it).
//
// Weights are reordered once, at load, into the blocked layout oneDNN's
// brgemm kernels read directly ("packed"): the product then skips the
// per-call copy of W that sgemm (and oneDNN on a plain layout) makes, which
// measured 10–20 % faster on the encoder's shapes. The packed copy is owned
// memory the size of the weights; fp32 weights are otherwise memory-mapped.
//
// Every call is single-threaded on the calling thread: ForwardRunner splits
// rows across its own threads (OpenMP, which Debian's oneDNN runs on, is held
// at one thread for the call and restored after).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace tokrec::encoder {

struct PackedWeights;  // onednn.cc
struct PackedWeightsDeleter {
  void operator()(const PackedWeights* p) const;
};
using PackedWeightsPtr = std::unique_ptr<const PackedWeights, PackedWeightsDeleter>;

// Fused into the fp32 product, on each tile while it is in registers.
enum class PostOp { kNone, kGeluErf, kGeluTanh, kRelu };

// True when built with oneDNN.
bool onednn_available();

// W [out, in] row-major (torch.nn.Linear) → packed; nullptr without oneDNN
// or when oneDNN rejects the shape (callers keep their plain path).
PackedWeightsPtr pack_weights_f32(const float* w, size_t out, size_t in);
PackedWeightsPtr pack_weights_s8(const int8_t* w, size_t out, size_t in);
size_t packed_out(const PackedWeights& w);
size_t packed_in(const PackedWeights& w);
// The plain [out, in] weights back (fallbacks and tests).
void unpack_weights_f32(const PackedWeights& w, float* out);
void unpack_weights_s8(const PackedWeights& w, int8_t* out);

// out [M, N] = post(in [M, K] · Wᵀ + bias) (bias may be null). False if
// oneDNN failed; the caller then computes the product another way.
bool matmul_f32_packed(const float* in, size_t M, const PackedWeights& w, const float* bias,
                       PostOp post, float* out);
// Same on plain fp32 W [N, K] (bf16 weights widened per call).
bool matmul_f32_plain(const float* in, size_t M, const float* w, size_t N, size_t K,
                      const float* bias, PostOp post, float* out);
// c [M, N] (s32) = a [M, K] (u8) · Wᵀ (s8).
bool matmul_u8s8_packed(const uint8_t* a, size_t M, const PackedWeights& w, int32_t* c);
bool matmul_u8s8_plain(const uint8_t* a, const int8_t* w, int32_t* c, size_t M, size_t N,
                       size_t K);

}  // namespace tokrec::encoder
