// One forward pass over a padded batch, following transformers'
// modeling_bert.py / modeling_roberta.py / modeling_distilbert.py (eval mode,
// absolute positions, post-layer-norm blocks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "encoder/gemm.h"
#include "encoder/kernels.h"
#include "encoder/model.h"
#include "tokrec/core/thread_pool.h"

namespace tokrec::encoder {

// A padded batch: B sequences of T positions, row-major [B, T].
struct BatchInput {
  size_t batch = 0, length = 0;
  std::vector<int32_t> ids, type_ids, mask;  // mask: 1 = real token, 0 = padding
};

// OpenBLAS (0.3.21) has a single, process-wide thread count and no per-call
// setting. While at least one ForwardRunner is alive, this scope holds it at
// the count the encoder needs (1: each of our threads runs its own
// single-threaded sgemm; or `threads` with TOKREC_ENCODER_GEMM=blas); when the
// last runner ends, the value found before the first one is restored. Other
// BLAS users in the process see that count only while an encoder call runs.
class BlasThreadScope {
 public:
  explicit BlasThreadScope(int threads);
  ~BlasThreadScope();
  BlasThreadScope(const BlasThreadScope&) = delete;
  BlasThreadScope& operator=(const BlasThreadScope&) = delete;
};

// Runs batches on a pool of `threads` compute threads (the caller included).
// Buffers grow to the largest batch seen and are reused: activations are
// bounded by batch × length, never by the whole input.
class ForwardRunner {
 public:
  ForwardRunner(const Model& model, size_t threads);
  ~ForwardRunner();
  ForwardRunner(const ForwardRunner&) = delete;
  ForwardRunner& operator=(const ForwardRunner&) = delete;

  // ids and type ids must already be checked against the vocabularies.
  void run(const BatchInput& in);
  // last_hidden_state [B, T, H] of the last run.
  const float* hidden() const { return x_; }
  // pooler_output [B, H] of the last run; null without pooler weights.
  const float* pooler() const { return model_.pooler ? pooled_.data() : nullptr; }

 private:
  // out = act(in·Wᵀ (+ b)), then `epilogue` (if given) on finished rows:
  // epilogue(rows_out, first, count) with `first` the index of rows_out's
  // first row in `out`.
  void linear(const float* in, size_t rows, const Linear& l, float* out, bool add_bias,
              PostOp act = PostOp::kNone, const RowEpilogue& epilogue = nullptr);
  // out = ffn_out(act(ffn_in(x))), then `epilogue`, a chunk of rows at a
  // time per thread: the [chunk, I] activations stay in L2 between the two
  // products instead of a [rows, I] buffer going through memory. fp32 and
  // int8 (bf16 widens one weight at a time and keeps two linear() calls).
  void ffn(const float* x, size_t rows, const EncoderLayer& L, PostOp act, float* out,
           const RowEpilogue& epilogue);
  // Q, K, V rows of token r at q + r·ld (and k, v likewise); context → ctx_.
  void attention(const BatchInput& in, const float* q, const float* k, const float* v, size_t ld);
  template <typename F>
  void rows_parallel(size_t rows, F&& f);
  template <typename F>
  void row_blocks(size_t rows, size_t blocks, F&& f);
  // Whole sequences per thread: each thread takes its share of the batch
  // through every layer, one sequence at a time, in buffers of one sequence
  // (T × 3H at most) that stay in L2 from the QKV product to the last
  // LayerNorm; only the weights stream from L3. x: the embeddings in, the
  // last hidden state out. Needs the fused QKV and no per-call weight
  // conversion (fp32 / int8), and a batch of at least one sequence per thread.
  bool sequences_fit(const BatchInput& in) const;
  void run_sequences(const BatchInput& in, float* x);
  // Layer by layer over the whole batch, each step split across the
  // threads; returns the buffer holding the last hidden state (x or tmp).
  float* run_layers(const BatchInput& in, float* x, float* tmp);
  // One layer on the T rows of one sequence, single-threaded.
  struct QuantRows {  // rows quantized for an int8 product (QuantOut)
    std::vector<uint8_t> q;
    std::vector<float> scale;
    std::vector<int32_t> zero;
    void resize(size_t rows, size_t n);
    QuantOut at(size_t row, size_t n);
  };
  struct SeqBuffers {
    std::vector<float> tmp, qkv, ctx, attn;
    // int8: x, tmp, ctx and a feed-forward chunk quantized, the products'
    // accumulators, one row of scratch.
    QuantRows xq, tq, cq, fq;
    std::vector<int32_t> acc;
    std::vector<float> row;
    std::vector<uint8_t> heads;  // int8_heads_bytes (gemm.h)
  };
  void layer_sequence(const EncoderLayer& L, const float* mask, size_t T, float* x, SeqBuffers& sb,
                      GemmScratch& scratch);
  // The int8 layer (every product int8), in two halves around attention,
  // each on `rows` rows of one thread (a sequence, or a block of the batch):
  // each product's input rows arrive quantized from the epilogue of the
  // step before (kernels.h: dequantize → residual + LayerNorm or GELU →
  // quantize, row by row in L1), so separate quantize / dequantize /
  // activation passes remain only around attention. Per-row arithmetic
  // does not depend on how rows are split, so results do not depend on the
  // thread count.
  bool int8_layers() const;
  // qkv (fp32) from x's rows quantized in xq: [rows, 3H], or with
  // head_major (rows = one sequence of T) [3][heads][T][d], Q, K, V of
  // each head contiguous for the attention kernel (its rows are otherwise
  // 3H apart, which defeats the prefetcher). Same values either way.
  void int8_qkv(const EncoderLayer& L, size_t rows, QuantOut xq, float* qkv, bool head_major,
                SeqBuffers& sb, GemmScratch& scratch);
  // With the VNNI heads (gemm.h, Int8Heads): the QKV product of rows
  // [r0, r0 + rows) of the batch (one sequence is T rows) prepared into the
  // heads buffers, heads + b·heads_bytes for sequence b.
  void int8_qkv_heads(const EncoderLayer& L, size_t r0, size_t rows, size_t T, QuantOut xq,
                      uint8_t* heads, size_t heads_bytes, SeqBuffers& sb, GemmScratch& scratch);
  // tmp = LayerNorm(ctx·Woᵀ + b + x), then x = LayerNorm(FFN(tmp) + tmp)
  // and, unless xq.q is null, xq ← x quantized (the next layer's input).
  void int8_rest(const EncoderLayer& L, size_t rows, const float* ctx, float* x, QuantOut xq,
                 SeqBuffers& sb, GemmScratch& scratch);
  // One head: the int8 kernel if set and it takes d, else the fp32 kernel,
  // else false.
  bool attention_head(const float* q, const float* k, const float* v, size_t ld, size_t T,
                      size_t d, float scale, const float* mask, float* ctx, size_t ldc,
                      float* scratch) const;
  // The heads of one sequence: ctx [T, H] from qkv [T, 3H] (or head-major,
  // int8_qkv).
  void attention_sequence(const float* qkv, bool head_major, const float* mask, size_t T,
                          float* ctx, float* scratch);

  const Model& model_;
  const Kernels& k_;
  // int8 models: the int8 attention head (QuantKernels::attention_head_int8;
  // TOKREC_ENCODER_INT8_ATTENTION=0 keeps fp32 attention); null otherwise.
  AttentionHeadFn head_int8_ = nullptr;
  size_t threads_;
  BlasThreadScope blas_scope_;
  ThreadPool pool_;
  std::vector<GemmScratch> scratch_;  // one per row block of linear()
  std::vector<SeqBuffers> seq_;       // one per block of run_sequences()
  std::vector<float> w_fp32_;         // bf16 weight widened for the current linear()
  QuantRows xq_;                      // int8 layer-by-layer path: x quantized
  std::vector<uint8_t> heads_;        // and its Int8Heads buffers, one per sequence
  std::vector<float> buf_x_, buf_tmp_, q_, k_buf_, v_, qkv_, ctx_, inter_, mask_add_, pooled_, cls_;
  float* x_ = nullptr;
};

}  // namespace tokrec::encoder
