// oneDNN matmul wrappers (onednn.h).
#include "encoder/onednn.h"

#if defined(TOKREC_HAVE_DNNL)
#include <omp.h>

#include <cstdio>
#include <dnnl.hpp>
#include <map>
#include <mutex>
#include <tuple>
#include <unordered_map>
#endif

namespace tokrec::encoder {

#if defined(TOKREC_HAVE_DNNL)
using dnnl::memory;

struct PackedWeights {
  size_t out = 0, in = 0;
  memory::data_type dt = memory::data_type::f32;
  memory::desc md;  // the blocked layout
  memory mem;       // owns the packed values
};

namespace {

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

// OpenMP held at one thread on this thread for one call (the caller's value
// restored), so that oneDNN does not fan out under our own threads.
struct OmpOne {
  int prev = omp_get_max_threads();
  OmpOne() {
    if (prev != 1) omp_set_num_threads(1);
  }
  ~OmpOne() {
    if (prev != 1) omp_set_num_threads(prev);
  }
  OmpOne(const OmpOne&) = delete;
  OmpOne& operator=(const OmpOne&) = delete;
};

void report_failure(const char* what, const std::exception& e) {
  static std::once_flag once;
  std::call_once(once, [&] {
    std::fprintf(stderr, "tokrec: oneDNN %s failed (%s); using the fallback path\n", what,
                 e.what());
  });
}

memory::dim dim(size_t v) { return static_cast<memory::dim>(v); }

// W [N, K] row-major is the [K, N] weights matrix in column-major ("ba").
memory::desc plain_weights(size_t N, size_t K, memory::data_type dt) {
  return memory::desc({dim(K), dim(N)}, dt, memory::format_tag::ba);
}

dnnl::post_ops make_post_ops(PostOp post) {
  dnnl::post_ops po;
  switch (post) {
    case PostOp::kNone: break;
    case PostOp::kGeluErf: po.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_erf, 0.0f, 0.0f); break;
    case PostOp::kGeluTanh: po.append_eltwise(1.0f, dnnl::algorithm::eltwise_gelu_tanh, 0.0f, 0.0f); break;
    case PostOp::kRelu: po.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f); break;
  }
  return po;
}

// One primitive per problem, per thread (oneDNN JIT-compiles per shape; its
// own cache makes re-creation cheap, not free). M changes with the padded
// length of each batch, so the map is cleared when it grows past a few dozen.
struct Key {
  int kind;  // 0 f32 packed, 1 f32 plain, 2 u8s8 packed, 3 u8s8 plain
  size_t M, N, K;
  bool bias;
  PostOp post;
  bool operator<(const Key& o) const {
    return std::tie(kind, M, N, K, bias, post) < std::tie(o.kind, o.M, o.N, o.K, o.bias, o.post);
  }
};

// The primitive with its memory objects and argument map, made once: each
// call only swaps the data pointers (set_data_handle), instead of building
// four memory objects and a map per call.
struct Prim {
  dnnl::matmul mm;
  memory::desc src, wei, bias, dst;
  memory sm, wm, bm, dm;
  std::unordered_map<int, memory> args;
};

Prim& primitive(const Key& k, const memory::desc& wei) {
  thread_local std::map<Key, Prim> cache;
  auto it = cache.find(k);
  if (it != cache.end()) return it->second;
  if (cache.size() > 64) cache.clear();
  const bool f32 = k.kind < 2;
  const memory::data_type src_dt = f32 ? memory::data_type::f32 : memory::data_type::u8;
  const memory::data_type dst_dt = f32 ? memory::data_type::f32 : memory::data_type::s32;
  Prim p;
  p.src = memory::desc({dim(k.M), dim(k.K)}, src_dt, memory::format_tag::ab);
  p.wei = wei;
  p.dst = memory::desc({dim(k.M), dim(k.N)}, dst_dt, memory::format_tag::ab);
  dnnl::primitive_attr attr;
  if (k.post != PostOp::kNone) attr.set_post_ops(make_post_ops(k.post));
  if (k.bias) {
    p.bias = memory::desc({1, dim(k.N)}, memory::data_type::f32, memory::format_tag::ab);
    p.mm = dnnl::matmul(dnnl::matmul::primitive_desc(dnnl::matmul::desc(p.src, p.wei, p.bias, p.dst), attr, engine()));
  } else {
    p.mm = dnnl::matmul(dnnl::matmul::primitive_desc(dnnl::matmul::desc(p.src, p.wei, p.dst), attr, engine()));
  }
  p.sm = memory(p.src, engine(), DNNL_MEMORY_NONE);
  p.wm = memory(p.wei, engine(), DNNL_MEMORY_NONE);
  p.dm = memory(p.dst, engine(), DNNL_MEMORY_NONE);
  p.args = {{DNNL_ARG_SRC, p.sm}, {DNNL_ARG_WEIGHTS, p.wm}, {DNNL_ARG_DST, p.dm}};
  if (k.bias) {
    p.bm = memory(p.bias, engine(), DNNL_MEMORY_NONE);
    p.args.insert({DNNL_ARG_BIAS, p.bm});
  }
  return cache.emplace(k, std::move(p)).first->second;
}

dnnl::stream& stream() {
  thread_local dnnl::stream s(engine());
  return s;
}

bool run(const Key& k, const memory::desc& wei, const void* src, const void* w, const float* bias,
         void* dst, const char* what) {
  OmpOne omp;
  try {
    Prim& p = primitive(k, wei);
    p.sm.set_data_handle(const_cast<void*>(src));
    p.wm.set_data_handle(const_cast<void*>(w));
    p.dm.set_data_handle(dst);
    if (k.bias) p.bm.set_data_handle(const_cast<float*>(bias));
    p.mm.execute(stream(), p.args);
    stream().wait();
    return true;
  } catch (const std::exception& e) {
    report_failure(what, e);
    return false;
  }
}

PackedWeightsPtr pack(const void* w, size_t out, size_t in, memory::data_type wdt) {
  OmpOne omp;
  try {
    // The blocked layout oneDNN picks for this weight. It does not depend on
    // M for the encoder's shapes (checked); if it ever did for some M, that
    // M's primitive is simply built for this layout anyway.
    constexpr memory::dim kProbeRows = 128;
    const bool f32 = wdt == memory::data_type::f32;
    const memory::desc src({kProbeRows, dim(in)}, f32 ? memory::data_type::f32 : memory::data_type::u8,
                           memory::format_tag::ab);
    const memory::desc wany({dim(in), dim(out)}, wdt, memory::format_tag::any);
    const memory::desc dst({kProbeRows, dim(out)}, f32 ? memory::data_type::f32 : memory::data_type::s32,
                           memory::format_tag::ab);
    dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, wany, dst), engine());
    auto p = std::make_unique<PackedWeights>();
    p->out = out;
    p->in = in;
    p->dt = wdt;
    p->md = pd.weights_desc();
    p->mem = memory(p->md, engine());
    memory plain(plain_weights(out, in, wdt), engine(), const_cast<void*>(w));
    dnnl::reorder(plain, p->mem).execute(stream(), plain, p->mem);
    stream().wait();
    return PackedWeightsPtr(p.release());
  } catch (const std::exception& e) {
    report_failure("weight packing", e);
    return nullptr;
  }
}

void unpack(const PackedWeights& w, void* out) {
  OmpOne omp;
  memory plain(plain_weights(w.out, w.in, w.dt), engine(), out);
  dnnl::reorder(const_cast<memory&>(w.mem), plain).execute(stream(), const_cast<memory&>(w.mem), plain);
  stream().wait();
}

}  // namespace

void PackedWeightsDeleter::operator()(const PackedWeights* p) const { delete p; }
bool onednn_available() { return true; }

PackedWeightsPtr pack_weights_f32(const float* w, size_t out, size_t in) {
  return pack(w, out, in, memory::data_type::f32);
}
PackedWeightsPtr pack_weights_s8(const int8_t* w, size_t out, size_t in) {
  return pack(w, out, in, memory::data_type::s8);
}
size_t packed_out(const PackedWeights& w) { return w.out; }
size_t packed_in(const PackedWeights& w) { return w.in; }
void unpack_weights_f32(const PackedWeights& w, float* out) { unpack(w, out); }
void unpack_weights_s8(const PackedWeights& w, int8_t* out) { unpack(w, out); }

bool matmul_f32_packed(const float* in, size_t M, const PackedWeights& w, const float* bias,
                       PostOp post, float* out) {
  const Key k{0, M, w.out, w.in, bias != nullptr, post};
  return run(k, w.md, in, w.mem.get_data_handle(), bias, out, "fp32 matmul");
}

bool matmul_f32_plain(const float* in, size_t M, const float* w, size_t N, size_t K,
                      const float* bias, PostOp post, float* out) {
  const Key k{1, M, N, K, bias != nullptr, post};
  return run(k, plain_weights(N, K, memory::data_type::f32), in, w, bias, out, "fp32 matmul");
}

bool matmul_u8s8_packed(const uint8_t* a, size_t M, const PackedWeights& w, int32_t* c) {
  const Key k{2, M, w.out, w.in, false, PostOp::kNone};
  return run(k, w.md, a, w.mem.get_data_handle(), nullptr, c, "int8 matmul");
}

bool matmul_u8s8_plain(const uint8_t* a, const int8_t* w, int32_t* c, size_t M, size_t N,
                       size_t K) {
  const Key k{3, M, N, K, false, PostOp::kNone};
  return run(k, plain_weights(N, K, memory::data_type::s8), a, w, nullptr, c, "int8 matmul");
}

#else  // no oneDNN

struct PackedWeights {
  size_t out = 0, in = 0;
};
void PackedWeightsDeleter::operator()(const PackedWeights* p) const { delete p; }
bool onednn_available() { return false; }
PackedWeightsPtr pack_weights_f32(const float*, size_t, size_t) { return nullptr; }
PackedWeightsPtr pack_weights_s8(const int8_t*, size_t, size_t) { return nullptr; }
size_t packed_out(const PackedWeights& w) { return w.out; }
size_t packed_in(const PackedWeights& w) { return w.in; }
void unpack_weights_f32(const PackedWeights&, float*) {}
void unpack_weights_s8(const PackedWeights&, int8_t*) {}
bool matmul_f32_packed(const float*, size_t, const PackedWeights&, const float*, PostOp, float*) {
  return false;
}
bool matmul_f32_plain(const float*, size_t, const float*, size_t, size_t, const float*, PostOp,
                      float*) {
  return false;
}
bool matmul_u8s8_packed(const uint8_t*, size_t, const PackedWeights&, int32_t*) { return false; }
bool matmul_u8s8_plain(const uint8_t*, const int8_t*, int32_t*, size_t, size_t, size_t) {
  return false;
}

#endif

}  // namespace tokrec::encoder
