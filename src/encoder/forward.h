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
  struct SeqBuffers {
    std::vector<float> tmp, qkv, ctx, attn;
  };
  void layer_sequence(const EncoderLayer& L, const float* mask, size_t T, float* x, SeqBuffers& sb,
                      GemmScratch& scratch);

  const Model& model_;
  const Kernels& k_;
  size_t threads_;
  BlasThreadScope blas_scope_;
  ThreadPool pool_;
  std::vector<GemmScratch> scratch_;  // one per row block of linear()
  std::vector<SeqBuffers> seq_;       // one per block of run_sequences()
  std::vector<float> w_fp32_;         // bf16 weight widened for the current linear()
  std::vector<float> buf_x_, buf_tmp_, q_, k_buf_, v_, qkv_, ctx_, inter_, mask_add_, pooled_, cls_;
  float* x_ = nullptr;
};

}  // namespace tokrec::encoder
