#include "encoder/forward.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
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

std::mutex blas_scope_mutex;
int blas_scope_active = 0;
int blas_scope_saved = 0;

}  // namespace

BlasThreadScope::BlasThreadScope(int threads) {
  std::lock_guard<std::mutex> lock(blas_scope_mutex);
  if (blas_scope_active++ == 0) blas_scope_saved = openblas_get_num_threads();
  openblas_set_num_threads(threads);
}

BlasThreadScope::~BlasThreadScope() {
  std::lock_guard<std::mutex> lock(blas_scope_mutex);
  if (--blas_scope_active == 0) openblas_set_num_threads(blas_scope_saved);
}

ForwardRunner::ForwardRunner(const Model& model, size_t threads)
    : model_(model),
      k_(kernels()),
      threads_(std::max<size_t>(1, threads)),
      blas_scope_(gemm_split_rows() ? 1 : static_cast<int>(threads_)),
      pool_(threads_),
      scratch_(threads_) {}

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
                           bool add_bias, const RowEpilogue& post) {
  const DType dtype = model_.dtype;
  const float* w_fp32 = nullptr;
  if (dtype == DType::kBf16 && l.w_bf16 != nullptr) {
    // Widen the bf16 weight once per call (out × in values against
    // rows × out × in multiply-adds), split across the threads by rows of W.
    w_fp32_.resize(l.out * l.in);
    const QuantKernels& qk = quant_kernels();
    rows_parallel(l.out, [&](size_t begin, size_t end) {
      qk.bf16_to_fp32(l.w_bf16 + begin * l.in, (end - begin) * l.in, w_fp32_.data() + begin * l.in);
    });
    w_fp32 = w_fp32_.data();
  }
  // Pooler and any layer left in fp32 (no converted copy) run in fp32.
  const DType d = (dtype == DType::kInt8 && l.w_q == nullptr) || (dtype == DType::kBf16 && w_fp32 == nullptr)
                      ? DType::kFp32
                      : dtype;
  auto block = [&](size_t b, size_t begin, size_t end) {
    RowEpilogue epilogue;
    if (post) epilogue = [&](float* p, size_t first, size_t count) { post(p, begin + first, count); };
    linear_block(d, in + begin * l.in, end - begin, l, w_fp32, out + begin * l.out, add_bias,
                 scratch_[b], post ? &epilogue : nullptr);
  };
  // Whole blocks of rows per thread: the GEMMs are most efficient on tall
  // blocks. (TOKREC_ENCODER_GEMM=blas: one multi-threaded sgemm instead.)
  const size_t blocks = gemm_split_rows() ? std::min(rows, threads_) : 1;
  if (blocks <= 1) {
    block(0, 0, rows);
  } else {
    pool_.parallel_for(0, blocks, [&](size_t b) {
      const size_t begin = rows * b / blocks, end = rows * (b + 1) / blocks;
      if (begin < end) block(b, begin, end);
    }, 1);
  }
}

void ForwardRunner::attention(const BatchInput& in, const float* q, const float* k,
                              const float* v, size_t ld) {
  const ModelConfig& c = model_.config;
  const size_t B = in.batch, T = in.length, H = c.hidden_size, nh = c.num_heads, d = H / nh;
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  // One head per task; sgemm runs single-threaded inside (BlasThreadScope).
  pool_.parallel_for(0, B * nh, [&](size_t task) {
    thread_local std::vector<float> scores;
    scores.resize(T * T);
    const size_t b = task / nh, h = task % nh;
    const size_t off = b * T * ld + h * d, out_off = b * T * H + h * d;
    const int Ti = static_cast<int>(T), di = static_cast<int>(d), Hi = static_cast<int>(H),
              ldi = static_cast<int>(ld);
    // scores = Q·Kᵀ / √d + mask, softmax over keys, context = P·V.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Ti, Ti, di, scale, q + off, ldi, k + off,
                ldi, 0.0f, scores.data(), Ti);
    k_.masked_softmax(scores.data(), mask_add_.data() + b * T, T, T);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Ti, di, Ti, 1.0f, scores.data(), Ti,
                v + off, ldi, 0.0f, ctx_.data() + out_off, Hi);
  }, 1);
}

void ForwardRunner::run(const BatchInput& in) {
  const ModelConfig& c = model_.config;
  const size_t B = in.batch, T = in.length, H = c.hidden_size, I = c.intermediate_size;
  const size_t rows = B * T;
  for (auto* v : {&buf_x_, &buf_tmp_, &ctx_}) v->resize(rows * H);
  const bool fused_qkv = !model_.layers.empty() && model_.layers[0].qkv.out != 0;
  for (auto* v : {&q_, &k_buf_, &v_}) v->resize(fused_qkv ? 0 : rows * H);
  qkv_.resize(fused_qkv ? rows * 3 * H : 0);
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
    if (L.qkv.out != 0) {
      linear(x, rows, L.qkv, qkv_.data(), true);
      attention(in, qkv_.data(), qkv_.data() + H, qkv_.data() + 2 * H, 3 * H);
    } else {
      linear(x, rows, L.query, q_.data(), true);
      linear(x, rows, L.key, k_buf_.data(), true);
      linear(x, rows, L.value, v_.data(), true);
      attention(in, q_.data(), k_buf_.data(), v_.data(), H);
    }
    // Residual + LayerNorm and bias + activation run on each block of rows
    // as soon as its product is done (still in cache).
    linear(ctx_.data(), rows, L.attn_out, tmp, true, [&](float* p, size_t first, size_t count) {
      k_.add_layer_norm(p, x + first * H, L.attn_norm.gamma, L.attn_norm.beta, count, H,
                        c.layer_norm_eps);
    });
    std::swap(x, tmp);
    linear(x, rows, L.ffn_in, inter_.data(), false, [&](float* p, size_t, size_t count) {
      switch (c.activation) {
        case Activation::kGelu: k_.bias_gelu_erf(p, L.ffn_in.b, count, I); break;
        case Activation::kGeluTanh: k_.bias_gelu_tanh(p, L.ffn_in.b, count, I); break;
        case Activation::kRelu: k_.bias_relu(p, L.ffn_in.b, count, I); break;
      }
    });
    linear(inter_.data(), rows, L.ffn_out, tmp, true, [&](float* p, size_t first, size_t count) {
      k_.add_layer_norm(p, x + first * H, L.ffn_norm.gamma, L.ffn_norm.beta, count, H,
                        c.layer_norm_eps);
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
