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

// transformers fills masked scores with torch.finfo(float32).min.
constexpr float kMaskValue = std::numeric_limits<float>::lowest();

// The precision a linear layer runs in: the model's, unless the layer was
// left in fp32 (no int8 weight).
DType precision(DType model, const Linear& l) {
  return model == DType::kInt8 && (l.w_q != nullptr || l.packed != nullptr) ? DType::kInt8
                                                                             : DType::kFp32;
}

PostOp post_op(Activation a) {
  switch (a) {
    case Activation::kGelu: return PostOp::kGeluErf;
    case Activation::kGeluTanh: return PostOp::kGeluTanh;
    case Activation::kRelu: return PostOp::kRelu;
  }
  return PostOp::kNone;
}


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
      blas_scope_(gemm_mode() == GemmMode::kBlas ? static_cast<int>(threads_) : 1),
      pool_(threads_),
      scratch_(threads_),
      seq_(threads_) {
  static const bool int8_attention = [] {
    const char* e = std::getenv("TOKREC_ENCODER_INT8_ATTENTION");
    return e == nullptr || std::string(e) != "0";
  }();
  if (model_.dtype == DType::kInt8 && int8_attention)
    head_int8_ = quant_kernels().attention_head_int8;
}

bool ForwardRunner::attention_head(const float* q, const float* k, const float* v, size_t ld,
                                   size_t T, size_t d, float scale, const float* mask, float* ctx,
                                   size_t ldc, float* scratch) const {
  if (head_int8_ != nullptr && head_int8_(q, k, v, ld, T, d, scale, mask, ctx, ldc, scratch))
    return true;
  return k_.attention_head(q, k, v, ld, T, d, scale, mask, ctx, ldc, scratch);
}

ForwardRunner::~ForwardRunner() = default;

template <typename F>
void ForwardRunner::row_blocks(size_t rows, size_t blocks, F&& f) {
  // `blocks` contiguous blocks of rows on the pool: f(block, begin, end).
  if (blocks <= 1) {
    f(size_t{0}, size_t{0}, rows);
    return;
  }
  pool_.parallel_for(0, blocks, [&](size_t b) {
    const size_t begin = rows * b / blocks, end = rows * (b + 1) / blocks;
    if (begin < end) f(b, begin, end);
  }, 1);
}

template <typename F>
void ForwardRunner::rows_parallel(size_t rows, F&& f) {
  // Blocks of rows per thread: f(begin, end).
  row_blocks(rows, std::min(rows, threads_ * 4), [&](size_t, size_t begin, size_t end) { f(begin, end); });
}

void ForwardRunner::linear(const float* in, size_t rows, const Linear& l, float* out,
                           bool add_bias, PostOp act, const RowEpilogue& post) {
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
  const bool has_int8 = l.w_q != nullptr || l.packed != nullptr;
  const DType d = (dtype == DType::kInt8 && !has_int8) || (dtype == DType::kBf16 && w_fp32 == nullptr)
                      ? DType::kFp32
                      : dtype;
  auto block = [&](size_t b, size_t begin, size_t end) {
    RowEpilogue epilogue;
    if (post) epilogue = [&](float* p, size_t first, size_t count) { post(p, begin + first, count); };
    linear_block(d, in + begin * l.in, end - begin, l, w_fp32, out + begin * l.out, add_bias, act,
                 scratch_[b], post ? &epilogue : nullptr);
  };
  // Whole blocks of rows per thread: the GEMMs are most efficient on tall
  // blocks. (TOKREC_ENCODER_GEMM=blas: one multi-threaded sgemm instead.)
  row_blocks(rows, gemm_mode() != GemmMode::kBlas ? std::min(rows, threads_) : 1, block);
}

void ForwardRunner::ffn(const float* x, size_t rows, const EncoderLayer& L, PostOp act,
                        float* out, const RowEpilogue& post) {
  const DType dtype = model_.dtype;
  const size_t H = L.ffn_in.in, I = L.ffn_in.out;
  const DType d1 = precision(dtype, L.ffn_in), d2 = precision(dtype, L.ffn_out);
  // int8: one quantization chunk; fp32: tall enough for the products.
  const size_t chunk = d1 == DType::kInt8 ? kInt8ChunkRows : 128;
  auto block = [&](size_t b, size_t begin, size_t end) {
    GemmScratch& s = scratch_[b];
    for (size_t r0 = begin; r0 < end; r0 += chunk) {
      const size_t m = std::min(chunk, end - r0);
      s.ffn.resize(chunk * I);
      linear_block(d1, x + r0 * H, m, L.ffn_in, nullptr, s.ffn.data(), true, act, s);
      RowEpilogue epilogue = [&](float* p, size_t first, size_t count) { post(p, r0 + first, count); };
      linear_block(d2, s.ffn.data(), m, L.ffn_out, nullptr, out + r0 * H, true, PostOp::kNone, s,
                   &epilogue);
    }
  };
  row_blocks(rows, std::min(rows, threads_), block);
}

void ForwardRunner::attention(const BatchInput& in, const float* q, const float* k,
                              const float* v, size_t ld) {
  const ModelConfig& c = model_.config;
  const size_t B = in.batch, T = in.length, H = c.hidden_size, nh = c.num_heads, d = H / nh;
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  // One head per task: the fused kernel (scores, softmax and the product
  // with V a few query rows at a time, in L1), else two single-threaded
  // sgemm (BlasThreadScope) around the softmax.
  pool_.parallel_for(0, B * nh, [&](size_t task) {
    thread_local std::vector<float> scratch;
    const size_t b = task / nh, h = task % nh;
    const size_t off = b * T * ld + h * d, out_off = b * T * H + h * d;
    const float* mask = mask_add_.data() + b * T;
    scratch.resize(std::max(attention_scratch_floats(T, d), T * T));
    if (attention_head(q + off, k + off, v + off, ld, T, d, scale, mask, ctx_.data() + out_off, H,
                       scratch.data()))
      return;
    float* scores = scratch.data();
    const int Ti = static_cast<int>(T), di = static_cast<int>(d), Hi = static_cast<int>(H),
              ldi = static_cast<int>(ld);
    // scores = Q·Kᵀ / √d + mask, softmax over keys, context = P·V.
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Ti, Ti, di, scale, q + off, ldi, k + off,
                ldi, 0.0f, scores, Ti);
    k_.masked_softmax(scores, mask, T, T);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Ti, di, Ti, 1.0f, scores, Ti,
                v + off, ldi, 0.0f, ctx_.data() + out_off, Hi);
  }, 1);
}


bool ForwardRunner::sequences_fit(const BatchInput& in) const {
  // TOKREC_ENCODER_BY_SEQUENCE=0 forces the layer-by-layer path (benchmarks).
  static const bool enabled = [] {
    const char* e = std::getenv("TOKREC_ENCODER_BY_SEQUENCE");
    return e == nullptr || std::string(e) != "0";
  }();
  if (!enabled || model_.dtype == DType::kBf16 || gemm_mode() == GemmMode::kBlas) return false;
  // Whole sequences balance only when each thread gets about as many.
  if (in.batch < threads_ || (in.batch % threads_ != 0 && in.batch < 8 * threads_)) return false;
  for (const EncoderLayer& L : model_.layers)
    if (L.qkv.out == 0) return false;
  return true;
}

void ForwardRunner::layer_sequence(const EncoderLayer& L, const float* mask, size_t T, float* x,
                                   SeqBuffers& sb, GemmScratch& gs) {
  const ModelConfig& c = model_.config;
  const DType dt = model_.dtype;
  const size_t H = c.hidden_size, nh = c.num_heads, d = H / nh;
  sb.qkv.resize(T * 3 * H);
  sb.ctx.resize(T * H);
  sb.tmp.resize(T * H);
  linear_block(precision(dt, L.qkv), x, T, L.qkv, nullptr, sb.qkv.data(), true, PostOp::kNone, gs);
  sb.attn.resize(std::max(attention_scratch_floats(T, d), T * T));
  attention_sequence(sb.qkv.data(), false, mask, T, sb.ctx.data(), sb.attn.data());
  // tmp = LayerNorm(ctx·Woᵀ + b + x); then x = LayerNorm(FFN(tmp) + tmp).
  const RowEpilogue attn_norm = [&](float* p, size_t first, size_t count) {
    k_.add_layer_norm(p, x + first * H, L.attn_norm.gamma, L.attn_norm.beta, count, H,
                      c.layer_norm_eps);
  };
  linear_block(precision(dt, L.attn_out), sb.ctx.data(), T, L.attn_out, nullptr, sb.tmp.data(),
               true, PostOp::kNone, gs, &attn_norm);
  const size_t I = L.ffn_in.out;
  const size_t chunk = precision(dt, L.ffn_in) == DType::kInt8 ? kInt8ChunkRows : 128;
  for (size_t r0 = 0; r0 < T; r0 += chunk) {
    const size_t m = std::min(chunk, T - r0);
    gs.ffn.resize(chunk * I);
    linear_block(precision(dt, L.ffn_in), sb.tmp.data() + r0 * H, m, L.ffn_in, nullptr,
                 gs.ffn.data(), true, post_op(c.activation), gs);
    const RowEpilogue ffn_norm = [&](float* p, size_t first, size_t count) {
      k_.add_layer_norm(p, sb.tmp.data() + (r0 + first) * H, L.ffn_norm.gamma, L.ffn_norm.beta,
                        count, H, c.layer_norm_eps);
    };
    linear_block(precision(dt, L.ffn_out), gs.ffn.data(), m, L.ffn_out, nullptr, x + r0 * H, true,
                 PostOp::kNone, gs, &ffn_norm);
  }
}

void ForwardRunner::attention_sequence(const float* qkv, bool head_major, const float* mask,
                                       size_t T, float* ctx, float* scratch) {
  const ModelConfig& c = model_.config;
  const size_t H = c.hidden_size, nh = c.num_heads, d = H / nh;
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const size_t ld = head_major ? d : 3 * H;
  for (size_t h = 0; h < nh; ++h) {
    const float* q = head_major ? qkv + h * T * d : qkv + h * d;
    const float* k = head_major ? q + nh * T * d : q + H;
    const float* v = head_major ? q + 2 * nh * T * d : q + 2 * H;
    float* c_h = ctx + h * d;
    if (attention_head(q, k, v, ld, T, d, scale, mask, c_h, H, scratch)) continue;
    const int Ti = static_cast<int>(T), di = static_cast<int>(d), Hi = static_cast<int>(H),
              ldi = static_cast<int>(ld);
    float* scores = scratch;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Ti, Ti, di, scale, q, ldi, k, ldi, 0.0f,
                scores, Ti);
    k_.masked_softmax(scores, mask, T, T);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Ti, di, Ti, 1.0f, scores, Ti, v, ldi,
                0.0f, c_h, Hi);
  }
}

void ForwardRunner::QuantRows::resize(size_t rows, size_t n) {
  q.resize(rows * n);
  scale.resize(rows);
  zero.resize(rows);
}

QuantOut ForwardRunner::QuantRows::at(size_t row, size_t n) {
  return {q.data() + row * n, scale.data() + row, zero.data() + row};
}

bool ForwardRunner::int8_layers() const {
  if (model_.dtype != DType::kInt8) return false;
  for (const EncoderLayer& L : model_.layers)
    for (const Linear* l : {&L.qkv, &L.attn_out, &L.ffn_in, &L.ffn_out})
      if (precision(model_.dtype, *l) != DType::kInt8) return false;
  return true;
}

void ForwardRunner::int8_qkv(const EncoderLayer& L, size_t rows, QuantOut xq, float* qkv,
                             bool head_major, SeqBuffers& sb, GemmScratch& gs) {
  const size_t N = L.qkv.out;
  const QuantKernels& qk = quant_kernels();
  const size_t nh = model_.config.num_heads, d = N / (3 * nh);
  // Chunks of rows, so that the accumulators (4 bytes × 3H per row) stay
  // small next to the output in L2 (shared by both threads of a core).
  const size_t chunk = std::min(rows, int8_chunk_rows());
  sb.acc.resize(chunk * N);
  for (size_t r0 = 0; r0 < rows; r0 += chunk) {
    const size_t m = std::min(chunk, rows - r0);
    int8_product(xq.q + r0 * L.qkv.in, m, L.qkv, sb.acc.data(), gs);
    if (head_major) {
      qk.dequantize_split(sb.acc.data(), m, N, xq.scale + r0, xq.zero + r0, L.qkv.w_scale,
                          L.qkv.w_qsum, L.qkv.b, qkv + r0 * d, d, rows * d);
    } else {
      qk.dequantize_rows(sb.acc.data(), m, N, xq.scale + r0, xq.zero + r0, L.qkv.w_scale,
                         L.qkv.w_qsum, L.qkv.b, qkv + r0 * N);
    }
  }
}

void ForwardRunner::int8_qkv_heads(const EncoderLayer& L, size_t r0, size_t rows, size_t T,
                                   QuantOut xq, uint8_t* heads, size_t heads_bytes,
                                   SeqBuffers& sb, GemmScratch& gs) {
  const size_t N = L.qkv.out, nh = model_.config.num_heads, d = N / (3 * nh);
  const Int8Heads& ih = *int8_heads(d);
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const size_t chunk = std::min(rows, int8_chunk_rows());
  sb.acc.resize(chunk * N);
  for (size_t c0 = 0; c0 < rows; c0 += chunk) {
    const size_t m = std::min(chunk, rows - c0);
    int8_product(xq.q + c0 * L.qkv.in, m, L.qkv, sb.acc.data(), gs);
    // The chunk's rows, split where a sequence ends.
    for (size_t i = 0; i < m;) {
      const size_t r = r0 + c0 + i, b = r / T, t = r % T, n = std::min(m - i, T - t);
      const Dequant dq{sb.acc.data() + i * N, xq.scale + c0 + i, xq.zero + c0 + i, L.qkv.w_scale,
                       L.qkv.w_qsum, L.qkv.b};
      ih.prepare(dq, n, t, T, nh, d, scale, heads + b * heads_bytes);
      i += n;
    }
  }
}

void ForwardRunner::int8_rest(const EncoderLayer& L, size_t rows, const float* ctx, float* x,
                              QuantOut xq, SeqBuffers& sb, GemmScratch& gs) {
  const ModelConfig& c = model_.config;
  const size_t H = c.hidden_size, I = L.ffn_in.out;
  const size_t chunk = std::min(rows, int8_chunk_rows());
  sb.tmp.resize(rows * H);
  sb.acc.resize(std::max(rows * H, chunk * I));
  sb.tq.resize(rows, H);
  sb.cq.resize(rows, H);
  sb.fq.resize(chunk, I);
  sb.row.resize(I);
  int32_t* acc = sb.acc.data();
  auto dequant = [&](const Linear& l, const QuantRows& in, size_t row) {
    return Dequant{acc, in.scale.data() + row, in.zero.data() + row, l.w_scale, l.w_qsum, l.b};
  };
  // tmp = LayerNorm(ctx·Woᵀ + b + x), quantized for the first feed-forward
  // product (all rows in one product: this one is small).
  quant_kernels().quantize_rows(ctx, rows, H, sb.cq.q.data(), sb.cq.scale.data(), sb.cq.zero.data());
  int8_product(sb.cq.q.data(), rows, L.attn_out, acc, gs);
  k_.dequant_add_layer_norm(dequant(L.attn_out, sb.cq, 0), rows, H, x, L.attn_norm.gamma,
                            L.attn_norm.beta, c.layer_norm_eps, sb.tmp.data(), sb.tq.at(0, H));
  // x = LayerNorm(FFN(tmp) + tmp), a chunk of rows at a time; the [chunk, I]
  // activations exist only quantized.
  const PostOp act = post_op(c.activation);
  for (size_t r0 = 0; r0 < rows; r0 += chunk) {
    const size_t m = std::min(chunk, rows - r0);
    int8_product(sb.tq.q.data() + r0 * H, m, L.ffn_in, acc, gs);
    k_.dequant_act_quantize(dequant(L.ffn_in, sb.tq, r0), m, I, act, sb.fq.at(0, I), sb.row.data());
    int8_product(sb.fq.q.data(), m, L.ffn_out, acc, gs);
    QuantOut out;
    if (xq.q != nullptr) out = {xq.q + r0 * H, xq.scale + r0, xq.zero + r0};
    k_.dequant_add_layer_norm(dequant(L.ffn_out, sb.fq, 0), m, H, sb.tmp.data() + r0 * H,
                              L.ffn_norm.gamma, L.ffn_norm.beta, c.layer_norm_eps, x + r0 * H, out);
  }
}

void ForwardRunner::run_sequences(const BatchInput& in, float* x) {
  const size_t B = in.batch, T = in.length, H = model_.config.hidden_size;
  const size_t blocks = threads_;
  const bool int8 = int8_layers();
  const size_t nl = model_.layers.size(), nh = model_.config.num_heads, d = H / nh;
  const Int8Heads* heads = int8 && head_int8_ != nullptr ? int8_heads(d) : nullptr;
  const size_t heads_bytes = heads != nullptr ? int8_heads_bytes(T, nh, d) : 0;
  pool_.parallel_for(0, blocks, [&](size_t blk) {
    SeqBuffers& sb = seq_[blk];
    for (size_t b = B * blk / blocks; b < B * (blk + 1) / blocks; ++b) {
      float* xb = x + b * T * H;
      const float* mask = mask_add_.data() + b * T;
      if (!int8) {
        for (const EncoderLayer& L : model_.layers) layer_sequence(L, mask, T, xb, sb, scratch_[blk]);
        continue;
      }
      // The embeddings quantized once; each layer's last LayerNorm then
      // quantizes its output for the next layer's QKV product.
      sb.xq.resize(T, H);
      quant_kernels().quantize_rows(xb, T, H, sb.xq.q.data(), sb.xq.scale.data(), sb.xq.zero.data());
      sb.qkv.resize(heads != nullptr ? 0 : T * 3 * H);  // fp32 Q, K, V only without Int8Heads
      sb.ctx.resize(T * H);
      sb.attn.resize(std::max(attention_scratch_floats(T, d), T * T));
      for (size_t l = 0; l < nl; ++l) {
        const EncoderLayer& L = model_.layers[l];
        if (heads != nullptr) {
          sb.heads.resize(heads_bytes);
          int8_qkv_heads(L, 0, T, T, sb.xq.at(0, H), sb.heads.data(), heads_bytes, sb, scratch_[blk]);
          for (size_t h = 0; h < nh; ++h)
            heads->attention(sb.heads.data(), T, nh, d, h, mask, sb.ctx.data() + h * d, H,
                             sb.attn.data());
        } else {
          int8_qkv(L, T, sb.xq.at(0, H), sb.qkv.data(), true, sb, scratch_[blk]);
          attention_sequence(sb.qkv.data(), true, mask, T, sb.ctx.data(), sb.attn.data());
        }
        int8_rest(L, T, sb.ctx.data(), xb, l + 1 < nl ? sb.xq.at(0, H) : QuantOut{}, sb, scratch_[blk]);
      }
    }
  }, 1);
}

float* ForwardRunner::run_layers(const BatchInput& in, float* x, float* tmp) {
  const ModelConfig& c = model_.config;
  const size_t B = in.batch, T = in.length, H = c.hidden_size;
  const size_t rows = B * T;
  const DType dtype = model_.dtype;
  if (int8_layers() && model_.layers[0].qkv.out != 0 && gemm_mode() != GemmMode::kBlas) {
    // The int8 layer of run_sequences, on blocks of rows per thread.
    const size_t blocks = std::min(rows, threads_), nl = model_.layers.size();
    const size_t nh = c.num_heads, d = H / nh;
    const Int8Heads* heads = head_int8_ != nullptr ? int8_heads(d) : nullptr;
    const size_t heads_bytes = heads != nullptr ? int8_heads_bytes(T, nh, d) : 0;
    heads_.resize(B * heads_bytes);
    xq_.resize(rows, H);
    rows_parallel(rows, [&](size_t begin, size_t end) {
      quant_kernels().quantize_rows(x + begin * H, end - begin, H, xq_.q.data() + begin * H,
                                    xq_.scale.data() + begin, xq_.zero.data() + begin);
    });
    for (size_t l = 0; l < nl; ++l) {
      const EncoderLayer& L = model_.layers[l];
      // Sub-blocks of kSub rows keep the accumulators and the quantized
      // rows in L2 (the results are per row, the same for any split).
      constexpr size_t kSub = 128;
      if (heads != nullptr) {
        row_blocks(rows, blocks, [&](size_t b, size_t begin, size_t end) {
          for (size_t r = begin; r < end; r += kSub)
            int8_qkv_heads(L, r, std::min(kSub, end - r), T, xq_.at(r, H), heads_.data(),
                           heads_bytes, seq_[b], scratch_[b]);
        });
        pool_.parallel_for(0, B * nh, [&](size_t task) {
          thread_local std::vector<float> scratch;
          const size_t b = task / nh, h = task % nh;
          scratch.resize(attention_scratch_floats(T, d));
          heads->attention(heads_.data() + b * heads_bytes, T, nh, d, h, mask_add_.data() + b * T,
                           ctx_.data() + b * T * H + h * d, H, scratch.data());
        }, 1);
      } else {
        row_blocks(rows, blocks, [&](size_t b, size_t begin, size_t end) {
          for (size_t r = begin; r < end; r += kSub)
            int8_qkv(L, std::min(kSub, end - r), xq_.at(r, H), qkv_.data() + r * 3 * H, false,
                     seq_[b], scratch_[b]);
        });
        attention(in, qkv_.data(), qkv_.data() + H, qkv_.data() + 2 * H, 3 * H);
      }
      row_blocks(rows, blocks, [&](size_t b, size_t begin, size_t end) {
        for (size_t r = begin; r < end; r += kSub)
          int8_rest(L, std::min(kSub, end - r), ctx_.data() + r * H, x + r * H,
                    l + 1 < nl ? xq_.at(r, H) : QuantOut{}, seq_[b], scratch_[b]);
      });
    }
    return x;
  }
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
    linear(ctx_.data(), rows, L.attn_out, tmp, true, PostOp::kNone, [&](float* p, size_t first, size_t count) {
      k_.add_layer_norm(p, x + first * H, L.attn_norm.gamma, L.attn_norm.beta, count, H,
                        c.layer_norm_eps);
    });
    std::swap(x, tmp);
    const PostOp act = post_op(c.activation);
    auto ffn_norm = [&](float* p, size_t first, size_t count) {
      k_.add_layer_norm(p, x + first * H, L.ffn_norm.gamma, L.ffn_norm.beta, count, H,
                        c.layer_norm_eps);
    };
    if (dtype != DType::kBf16 && gemm_mode() != GemmMode::kBlas) {
      ffn(x, rows, L, act, tmp, ffn_norm);
    } else {
      linear(x, rows, L.ffn_in, inter_.data(), true, act);
      linear(inter_.data(), rows, L.ffn_out, tmp, true, PostOp::kNone, ffn_norm);
    }
    std::swap(x, tmp);
  }
  return x;
}

void ForwardRunner::run(const BatchInput& in) {
  const ModelConfig& c = model_.config;
  const size_t B = in.batch, T = in.length, H = c.hidden_size, I = c.intermediate_size;
  const size_t rows = B * T;
  // Whole-batch buffers only for the layer-by-layer path.
  const bool by_sequence = sequences_fit(in);
  const size_t layer_rows = by_sequence ? 0 : rows;
  buf_x_.resize(rows * H);
  for (auto* v : {&buf_tmp_, &ctx_}) v->resize(layer_rows * H);
  const bool fused_qkv = !model_.layers.empty() && model_.layers[0].qkv.out != 0;
  for (auto* v : {&q_, &k_buf_, &v_}) v->resize(fused_qkv ? 0 : layer_rows * H);
  qkv_.resize(fused_qkv ? layer_rows * 3 * H : 0);
  const DType dtype = model_.dtype;
  inter_.resize(dtype == DType::kBf16 || gemm_mode() == GemmMode::kBlas ? layer_rows * I : 0);
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

  if (by_sequence) {
    run_sequences(in, x);
  } else {
    x = run_layers(in, x, tmp);
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
