#include "encoder/forward.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace tokrec::encoder {
namespace {

// How the linear layers use the threads. "split" (default): each compute
// thread runs a single-threaded sgemm on its own block of rows — one pool for
// everything, no OpenBLAS threads spinning next to ours. "blas": one sgemm
// with openblas_set_num_threads(threads). TOKREC_ENCODER_GEMM picks (for
// benchmarks).
bool gemm_split_rows() {
  static const bool split = [] {
    const char* e = std::getenv("TOKREC_ENCODER_GEMM");
    return !(e != nullptr && std::string(e) == "blas");
  }();
  return split;
}

// transformers fills masked scores with torch.finfo(float32).min.
constexpr float kMaskValue = std::numeric_limits<float>::lowest();

}  // namespace

ForwardRunner::ForwardRunner(const Model& model, size_t threads)
    : model_(model), k_(kernels()), threads_(std::max<size_t>(1, threads)), pool_(threads_) {}

ForwardRunner::~ForwardRunner() = default;

template <typename F>
void ForwardRunner::rows_parallel(size_t rows, F&& f) {
  // Blocks of rows per thread: f(begin, end).
  const size_t blocks = std::min(rows, threads_ * 4);
  if (blocks <= 1) {
    f(size_t{0}, rows);
    return;
  }
  pool_.parallel_for(0, blocks, [&](size_t b) {
    const size_t begin = rows * b / blocks, end = rows * (b + 1) / blocks;
    if (begin < end) f(begin, end);
  }, 1);
}

void ForwardRunner::linear(const float* in, size_t rows, const Linear& l, float* out,
                           bool add_bias) {
  const int N = static_cast<int>(l.out), K = static_cast<int>(l.in);
  auto block = [&](size_t begin, size_t end) {
    const float beta = add_bias ? 1.0f : 0.0f;
    if (add_bias)
      for (size_t r = begin; r < end; ++r) std::memcpy(out + r * l.out, l.b, l.out * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(end - begin), N, K, 1.0f,
                in + begin * l.in, K, l.w, K, beta, out + begin * l.out, N);
  };
  if (gemm_split_rows()) {
    openblas_set_num_threads(1);
    // Whole blocks of rows per thread: sgemm is most efficient on tall blocks.
    const size_t blocks = std::min(rows, threads_);
    if (blocks <= 1) {
      block(0, rows);
    } else {
      pool_.parallel_for(0, blocks, [&](size_t b) {
        const size_t begin = rows * b / blocks, end = rows * (b + 1) / blocks;
        if (begin < end) block(begin, end);
      }, 1);
    }
  } else {
    openblas_set_num_threads(static_cast<int>(threads_));
    block(0, rows);
  }
}

void ForwardRunner::attention(const BatchInput& in) {
  const ModelConfig& c = model_.config;
  const size_t B = in.batch, T = in.length, H = c.hidden_size, nh = c.num_heads, d = H / nh;
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  openblas_set_num_threads(1);  // one head per thread
  pool_.parallel_for(0, B * nh, [&](size_t task) {
    thread_local std::vector<float> scores;
    scores.resize(T * T);
    const size_t b = task / nh, h = task % nh;
    const size_t off = b * T * H + h * d;
    const int Ti = static_cast<int>(T), di = static_cast<int>(d), Hi = static_cast<int>(H);
    // scores = Q·Kᵀ / √d + mask, softmax over keys, context = P·V.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Ti, Ti, di, scale, q_.data() + off, Hi,
                k_buf_.data() + off, Hi, 0.0f, scores.data(), Ti);
    k_.masked_softmax(scores.data(), mask_add_.data() + b * T, T, T);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Ti, di, Ti, 1.0f, scores.data(), Ti,
                v_.data() + off, Hi, 0.0f, ctx_.data() + off, Hi);
  }, 1);
}

void ForwardRunner::run(const BatchInput& in) {
  const ModelConfig& c = model_.config;
  const size_t B = in.batch, T = in.length, H = c.hidden_size, I = c.intermediate_size;
  const size_t rows = B * T;
  for (auto* v : {&buf_x_, &buf_tmp_, &q_, &k_buf_, &v_, &ctx_}) v->resize(rows * H);
  inter_.resize(rows * I);
  mask_add_.resize(rows);
  for (size_t i = 0; i < rows; ++i) mask_add_[i] = in.mask[i] ? 0.0f : kMaskValue;

  float* x = buf_x_.data();
  float* tmp = buf_tmp_.data();

  // Embeddings: word + token type + position, then LayerNorm.
  const bool roberta = c.architecture == Architecture::kRoberta;
  rows_parallel(rows, [&](size_t begin, size_t end) {
    for (size_t r = begin; r < end; ++r) {
      const size_t b = r / T, t = r % T;
      size_t pos = t;
      if (roberta) {
        // create_position_ids_from_input_ids: padding_idx + running count of
        // non-padding tokens; padding tokens get padding_idx.
        const int32_t pad = c.pad_token_id;
        if (in.ids[r] == pad) {
          pos = static_cast<size_t>(pad);
        } else {
          size_t count = 0;
          for (size_t u = 0; u <= t; ++u) count += in.ids[b * T + u] != pad;
          pos = static_cast<size_t>(pad) + count;
        }
      }
      float* row = x + r * H;
      const float* w = model_.word_embeddings + static_cast<size_t>(in.ids[r]) * H;
      const float* p = model_.position_embeddings + pos * H;
      if (model_.token_type_embeddings != nullptr) {
        const float* ty = model_.token_type_embeddings + static_cast<size_t>(in.type_ids[r]) * H;
        for (size_t j = 0; j < H; ++j) row[j] = (w[j] + ty[j]) + p[j];
      } else {
        for (size_t j = 0; j < H; ++j) row[j] = w[j] + p[j];
      }
      k_.add_layer_norm(row, nullptr, model_.embedding_norm.gamma, model_.embedding_norm.beta, 1, H,
                        c.layer_norm_eps);
    }
  });

  for (const EncoderLayer& L : model_.layers) {
    linear(x, rows, L.query, q_.data(), true);
    linear(x, rows, L.key, k_buf_.data(), true);
    linear(x, rows, L.value, v_.data(), true);
    attention(in);
    linear(ctx_.data(), rows, L.attn_out, tmp, true);
    rows_parallel(rows, [&](size_t begin, size_t end) {
      k_.add_layer_norm(tmp + begin * H, x + begin * H, L.attn_norm.gamma, L.attn_norm.beta,
                        end - begin, H, c.layer_norm_eps);
    });
    std::swap(x, tmp);
    linear(x, rows, L.ffn_in, inter_.data(), false);
    rows_parallel(rows, [&](size_t begin, size_t end) {
      float* p = inter_.data() + begin * I;
      switch (c.activation) {
        case Activation::kGelu: k_.bias_gelu_erf(p, L.ffn_in.b, end - begin, I); break;
        case Activation::kGeluTanh: k_.bias_gelu_tanh(p, L.ffn_in.b, end - begin, I); break;
        case Activation::kRelu: k_.bias_relu(p, L.ffn_in.b, end - begin, I); break;
      }
    });
    linear(inter_.data(), rows, L.ffn_out, tmp, true);
    rows_parallel(rows, [&](size_t begin, size_t end) {
      k_.add_layer_norm(tmp + begin * H, x + begin * H, L.ffn_norm.gamma, L.ffn_norm.beta,
                        end - begin, H, c.layer_norm_eps);
    });
    std::swap(x, tmp);
  }
  x_ = x;

  if (model_.pooler) {
    // pooler_output = tanh(dense(h[:, 0])).
    cls_.resize(B * H);
    pooled_.resize(B * H);
    for (size_t b = 0; b < B; ++b) std::memcpy(cls_.data() + b * H, x + b * T * H, H * sizeof(float));
    Linear l = *model_.pooler;
    linear(cls_.data(), B, l, pooled_.data(), false);
    for (size_t b = 0; b < B; ++b) k_.bias_tanh(pooled_.data() + b * H, l.b, H);
  }
}

}  // namespace tokrec::encoder
