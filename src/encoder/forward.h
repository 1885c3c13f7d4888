// One forward pass over a padded batch, following transformers'
// modeling_bert.py / modeling_roberta.py / modeling_distilbert.py (eval mode,
// absolute positions, post-layer-norm blocks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "encoder/kernels.h"
#include "encoder/model.h"
#include "tokrec/core/thread_pool.h"

namespace tokrec::encoder {

// A padded batch: B sequences of T positions, row-major [B, T].
struct BatchInput {
  size_t batch = 0, length = 0;
  std::vector<int32_t> ids, type_ids, mask;  // mask: 1 = real token, 0 = padding
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
  void linear(const float* in, size_t rows, const Linear& l, float* out, bool add_bias);
  void attention(const BatchInput& in);
  template <typename F>
  void rows_parallel(size_t rows, F&& f);

  const Model& model_;
  const Kernels& k_;
  size_t threads_;
  ThreadPool pool_;
  std::vector<float> buf_x_, buf_tmp_, q_, k_buf_, v_, ctx_, inter_, mask_add_, pooled_, cls_;
  float* x_ = nullptr;
};

}  // namespace tokrec::encoder
