// The bf16 and int8 paths against fp32: per-sentence cosine similarity of the
// pooled embeddings (target ≥ 0.99), on the committed golden models and on a
// bigger random BERT written here with the weight scales of trained
// checkpoints (linears N(0, 1/in): bert-base's trained weights have std ≈ 0.04
// at in = 768, i.e. ≈ 1/√in, so every sub-layer changes the residual stream
// by O(1) — with the N(0, 0.02) initializer it barely would, and any precision
// would look perfect), optionally with outlier hidden channels as real
// checkpoints have. Plus the quantization helpers: every SIMD set against
// the scalar one, the int8 GEMM against a plain loop, bf16 rounding.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "encoder/gemm.h"
#include "tokrec/encoder/encoder.h"
#include "tokrec/io/file.h"

namespace tokrec::encoder {
namespace {

namespace fs = std::filesystem;
const std::string kDir = std::string(TOKREC_GOLDEN_DIR) + "/encoder/";

struct CosineStats {
  double min = 1, mean = 0;
};

// Per-row cosine of two [N, H] matrices; rows that are zero in both count 1.
CosineStats row_cosines(const Matrix& a, const Matrix& b) {
  CosineStats s;
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.cols, b.cols);
  for (size_t r = 0; r < a.rows; ++r) {
    double dot = 0, na = 0, nb = 0;
    for (size_t j = 0; j < a.cols; ++j) {
      const double x = a.data[r * a.cols + j], y = b.data[r * b.cols + j];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    const double c = na == 0 && nb == 0 ? 1.0 : dot / std::sqrt(na * nb);
    s.min = std::min(s.min, c);
    s.mean += c / static_cast<double>(a.rows);
  }
  return s;
}

std::vector<std::string> sentences() {
  auto lines = io::read_lines(kDir + "sentences.txt");
  EXPECT_TRUE(lines.is_ok());
  return lines.is_ok() ? *lines : std::vector<std::string>{};
}

// Embeds `texts` with `dir` in fp32 and in `dtype`, for cls and mean pooling,
// and returns the worst per-sentence cosine over both.
CosineStats compare(const std::string& dir, DType dtype, const std::vector<std::string>& texts,
                    size_t threads = 2) {
  LoadOptions lo;
  auto ref = Encoder::load(dir, lo);
  lo.dtype = dtype;
  auto got = Encoder::load(dir, lo);
  EXPECT_TRUE(ref.is_ok()) << ref.status().to_string();
  EXPECT_TRUE(got.is_ok()) << got.status().to_string();
  if (!ref.is_ok() || !got.is_ok()) return {0, 0};
  EXPECT_EQ((*got)->dtype(), dtype);
  CosineStats worst{1, 1};
  bool differs = false;
  for (Pooling p : {Pooling::kCls, Pooling::kMean}) {
    EmbedOptions o;
    o.pooling = p;
    o.threads = threads;
    o.batch_size = 4;
    auto a = (*ref)->embed(texts, o);
    auto b = (*got)->embed(texts, o);
    EXPECT_TRUE(a.is_ok() && b.is_ok());
    if (!a.is_ok() || !b.is_ok()) return {0, 0};
    differs = differs || a->data != b->data;
    const CosineStats s = row_cosines(*a, *b);
    worst.min = std::min(worst.min, s.min);
    worst.mean = std::min(worst.mean, s.mean);
  }
  // The reduced precision really ran: outputs are close, not identical.
  EXPECT_TRUE(differs) << dir << " " << dtype_name(dtype);
  return worst;
}

class GoldenModels : public testing::TestWithParam<std::string> {};

TEST_P(GoldenModels, ReducedPrecisionTracksFp32) {
  const auto texts = sentences();
  for (DType d : {DType::kBf16, DType::kInt8}) {
    const CosineStats s = compare(kDir + GetParam(), d, texts);
    std::printf("[ cosine ] %s %s: min %.6f mean %.6f\n", GetParam().c_str(), dtype_name(d), s.min,
                s.mean);
    EXPECT_GE(s.min, 0.99) << GetParam() << " " << dtype_name(d);
  }
}

INSTANTIATE_TEST_SUITE_P(Encoder, GoldenModels,
                         testing::Values("bert", "bert_prefixed", "bert_fp16", "bert_gelu_new_eps",
                                         "roberta", "distilbert"));

// A bigger random BERT in Hugging Face layout, written at test time: H = 256,
// 4 layers, 4 heads, I = 1024, vocabulary and tokenizer of the committed
// `bert` model. Linear weights N(0, 1/in), embeddings N(0, 0.02) (as BERT's),
// LayerNorm γ ~ N(1, 0.1), β ~ N(0, 0.02). With `outliers`, two hidden channels get γ = 8 in
// every LayerNorm: the outlier features of real BERT checkpoints, which widen
// each token row's range and so cost int8 (per-row scales) precision.
class BigModel {
 public:
  explicit BigModel(bool outliers) {
    dir_ = (fs::temp_directory_path() / ("tokrec_quant_big_" + std::to_string(::getpid()) +
                                         (outliers ? "_o" : "")))
               .string();
    fs::create_directories(dir_);
    fs::copy_file(kDir + "bert/vocab.txt", dir_ + "/vocab.txt", fs::copy_options::overwrite_existing);
    auto cfg = nlohmann::json::parse(*io::read_file(kDir + "bert/config.json"));
    vocab_ = cfg["vocab_size"].get<size_t>();
    cfg["hidden_size"] = H;
    cfg["num_hidden_layers"] = L;
    cfg["num_attention_heads"] = 4;
    cfg["intermediate_size"] = I;
    cfg["max_position_embeddings"] = 128;
    EXPECT_TRUE(io::write_file(dir_ + "/config.json", cfg.dump()).is_ok());
    std::mt19937 rng(7);
    auto normal = [&](size_t n, float mean, float sd) {
      std::normal_distribution<float> d(mean, sd);
      std::vector<float> v(n);
      for (auto& x : v) x = d(rng);
      return v;
    };
    auto norm = [&](const std::string& p) {
      auto g = normal(H, 1.0f, 0.1f);
      if (outliers) g[17] = g[201] = 8.0f;
      add(p + ".weight", {H}, g);
      add(p + ".bias", {H}, normal(H, 0.0f, 0.02f));
    };
    add("bert.embeddings.word_embeddings.weight", {vocab_, H}, normal(vocab_ * H, 0, 0.02f));
    add("bert.embeddings.position_embeddings.weight", {128, H}, normal(128 * H, 0, 0.02f));
    add("bert.embeddings.token_type_embeddings.weight", {2, H}, normal(2 * H, 0, 0.02f));
    norm("bert.embeddings.LayerNorm");
    for (size_t l = 0; l < L; ++l) {
      const std::string p = "bert.encoder.layer." + std::to_string(l) + ".";
      auto lin = [&](const std::string& n, size_t out, size_t in) {
        add(p + n + ".weight", {out, in},
            normal(out * in, 0, 1.0f / std::sqrt(static_cast<float>(in))));
        add(p + n + ".bias", {out}, normal(out, 0, 0.02f));
      };
      lin("attention.self.query", H, H);
      lin("attention.self.key", H, H);
      lin("attention.self.value", H, H);
      lin("attention.output.dense", H, H);
      norm(p + "attention.output.LayerNorm");
      lin("intermediate.dense", I, H);
      lin("output.dense", H, I);
      norm(p + "output.LayerNorm");
    }
    write_safetensors(dir_ + "/model.safetensors");
  }
  ~BigModel() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const std::string& dir() const { return dir_; }

 private:
  static constexpr size_t H = 256, L = 4, I = 1024;

  void add(const std::string& name, std::vector<size_t> shape, std::vector<float> data) {
    tensors_.push_back({name, std::move(shape), std::move(data)});
  }

  void write_safetensors(const std::string& path) {
    nlohmann::json header = nlohmann::json::object();
    size_t offset = 0;
    for (const auto& t : tensors_) {
      const size_t bytes = t.data.size() * 4;
      header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + bytes}}};
      offset += bytes;
    }
    std::string h = header.dump();
    h.append((8 - h.size() % 8) % 8, ' ');
    std::string file(8, '\0');
    const uint64_t n = h.size();
    for (int i = 0; i < 8; ++i) file[static_cast<size_t>(i)] = static_cast<char>((n >> (8 * i)) & 0xff);
    file += h;
    for (const auto& t : tensors_)
      file.append(reinterpret_cast<const char*>(t.data.data()), t.data.size() * 4);
    EXPECT_TRUE(io::write_file(path, file).is_ok());
  }

  struct Tensor {
    std::string name;
    std::vector<size_t> shape;
    std::vector<float> data;
  };
  std::string dir_;
  size_t vocab_ = 0;
  std::vector<Tensor> tensors_;
};

TEST(QuantizedBigModel, ReducedPrecisionTracksFp32) {
  const auto texts = sentences();
  for (bool outliers : {false, true}) {
    BigModel m(outliers);
    for (DType d : {DType::kBf16, DType::kInt8}) {
      const CosineStats s = compare(m.dir(), d, texts);
      std::printf("[ cosine ] big random BERT (H 256, 4 layers%s) %s: min %.6f mean %.6f\n",
                  outliers ? ", outlier channels" : "", dtype_name(d), s.min, s.mean);
      EXPECT_GE(s.min, 0.99) << dtype_name(d) << (outliers ? " with outliers" : "");
    }
  }
}

TEST(QuantizedBigModel, ThreadCountDoesNotChangeInt8Results) {
  // Rows are quantized one by one, so splitting them across threads must
  // give the same numbers.
  BigModel m(false);
  LoadOptions lo;
  lo.dtype = DType::kInt8;
  auto e = Encoder::load(m.dir(), lo);
  ASSERT_TRUE(e.is_ok()) << e.status().to_string();
  EmbedOptions o;
  o.threads = 1;
  auto a = (*e)->embed(sentences(), o);
  o.threads = 3;
  auto b = (*e)->embed(sentences(), o);
  ASSERT_TRUE(a.is_ok() && b.is_ok());
  EXPECT_EQ(a->data, b->data);
}

TEST(QuantKernels, SimdMatchesScalar) {
  const QuantKernels* simd = avx512_quant_kernels();
  if (simd == nullptr) GTEST_SKIP() << "no AVX-512 here";
  const QuantKernels& ref = scalar_quant_kernels();
  std::mt19937 rng(3);
  std::normal_distribution<float> d(0.3f, 2.0f);
  for (size_t k : {1, 15, 16, 17, 100, 384}) {
    const size_t rows = 5;
    std::vector<float> x(rows * k);
    for (auto& v : x) v = d(rng);
    std::fill(x.begin() + static_cast<long>(2 * k), x.begin() + static_cast<long>(3 * k), 0.0f);  // a zero row
    std::vector<uint8_t> q1(x.size()), q2(x.size());
    std::vector<float> s1(rows), s2(rows);
    std::vector<int32_t> z1(rows), z2(rows);
    ref.quantize_rows(x.data(), rows, k, q1.data(), s1.data(), z1.data());
    simd->quantize_rows(x.data(), rows, k, q2.data(), s2.data(), z2.data());
    EXPECT_EQ(s1, s2);
    EXPECT_EQ(z1, z2);
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_LE(std::abs(int{q1[i]} - int{q2[i]}), 1) << "k " << k << " i " << i;
      // Reconstruction within half a step (plus rounding slack).
      const size_t r = i / k;
      EXPECT_NEAR(s1[r] * static_cast<float>(int{q1[i]} - z1[r]), x[i], 0.51f * s1[r] + 1e-6f);
    }
    // Dequantization: integer-valued inputs, exact in both.
    const size_t n = k;
    std::vector<int32_t> acc(rows * n);
    std::vector<float> qsum(n);
    std::vector<float> ws(n), bias(n), o1(rows * n), o2(rows * n);
    for (auto& v : acc) v = static_cast<int32_t>(rng() % 20001) - 10000;
    for (size_t j = 0; j < n; ++j) {
      qsum[j] = static_cast<float>(static_cast<int>(rng() % 201) - 100);
      ws[j] = 0.5f;
      bias[j] = static_cast<float>(j);
    }
    std::vector<float> as(rows, 0.25f);
    ref.dequantize_rows(acc.data(), rows, n, as.data(), z1.data(), ws.data(), qsum.data(), bias.data(), o1.data());
    simd->dequantize_rows(acc.data(), rows, n, as.data(), z1.data(), ws.data(), qsum.data(), bias.data(), o2.data());
    EXPECT_EQ(o1, o2);
    std::vector<uint16_t> h(n);
    for (auto& v : h) v = static_cast<uint16_t>(rng() & 0x7f7f);  // finite values
    std::vector<float> f1(n), f2(n);
    ref.bf16_to_fp32(h.data(), n, f1.data());
    simd->bf16_to_fp32(h.data(), n, f2.data());
    EXPECT_EQ(0, std::memcmp(f1.data(), f2.data(), n * 4));
  }
}

// dequantize_split: the row-major dequantization, each segment of columns
// moved to its own contiguous block (the QKV product split into heads).
TEST(QuantKernels, DequantizeSplitIsRowMajorRearranged) {
  std::vector<const QuantKernels*> sets = {&scalar_quant_kernels()};
  if (const QuantKernels* k = avx512_quant_kernels()) sets.push_back(k);
  std::mt19937 rng(5);
  for (const QuantKernels* k : sets) {
    for (size_t seg : {8, 16, 32, 64}) {
      const size_t rows = 7, n = 3 * 2 * seg;  // Q, K, V of two heads
      std::vector<int32_t> acc(rows * n), zero(rows);
      std::vector<float> as(rows), ws(n), qsum(n), bias(n);
      for (auto& v : acc) v = static_cast<int32_t>(rng() % 20001) - 10000;
      for (size_t r = 0; r < rows; ++r) {
        zero[r] = static_cast<int32_t>(rng() % 256);
        as[r] = 0.001f * static_cast<float>(1 + rng() % 50);
      }
      for (size_t j = 0; j < n; ++j) {
        ws[j] = 0.0001f * static_cast<float>(1 + rng() % 90);
        qsum[j] = 0.01f * static_cast<float>(static_cast<int>(rng() % 201) - 100);
        bias[j] = 0.1f * static_cast<float>(static_cast<int>(rng() % 21) - 10);
      }
      std::vector<float> plain(rows * n), split(rows * n, -1.0f);
      k->dequantize_rows(acc.data(), rows, n, as.data(), zero.data(), ws.data(), qsum.data(),
                         bias.data(), plain.data());
      k->dequantize_split(acc.data(), rows, n, as.data(), zero.data(), ws.data(), qsum.data(),
                          bias.data(), split.data(), seg, rows * seg);
      for (size_t r = 0; r < rows; ++r)
        for (size_t j = 0; j < n; ++j)
          ASSERT_EQ(split[(j / seg) * rows * seg + r * seg + j % seg], plain[r * n + j])
              << k->name << " seg " << seg << " row " << r << " col " << j;
    }
  }
}

TEST(QuantKernels, Int8GemmMatchesPlainLoop) {
  std::mt19937 rng(5);
  for (auto [M, N, K] : {std::array<size_t, 3>{1, 1, 1}, {7, 33, 65}, {64, 96, 384}}) {
    std::vector<uint8_t> a(M * K);
    std::vector<int8_t> w(N * K);
    for (auto& v : a) v = static_cast<uint8_t>(rng() & 0xff);
    for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 255) - 127);
    std::vector<int32_t> c(M * N), want(M * N);
    gemm_u8s8s32(a.data(), w.data(), c.data(), M, N, K);
    for (size_t m = 0; m < M; ++m)
      for (size_t n = 0; n < N; ++n) {
        int32_t s = 0;
        for (size_t k = 0; k < K; ++k) s += int32_t{a[m * K + k]} * w[n * K + k];
        want[m * N + n] = s;
      }
    EXPECT_EQ(c, want) << M << "x" << N << "x" << K << " (" << int8_gemm_backend() << ")";
  }
}

TEST(QuantKernels, Bf16RoundsToNearestEven) {
  auto bits = [](float f) {
    uint32_t b;
    std::memcpy(&b, &f, 4);
    return b;
  };
  auto from = [](uint32_t b) {
    float f;
    std::memcpy(&f, &b, 4);
    return f;
  };
  EXPECT_EQ(fp32_to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(fp32_to_bf16(from(0x3f808000u)), 0x3f80);  // tie, even stays
  EXPECT_EQ(fp32_to_bf16(from(0x3f818000u)), 0x3f82);  // tie, odd rounds up
  EXPECT_EQ(fp32_to_bf16(from(0x3f808001u)), 0x3f81);  // above the tie
  EXPECT_EQ(fp32_to_bf16(-2.5f), bits(-2.5f) >> 16);
  EXPECT_TRUE(std::isnan(from(static_cast<uint32_t>(fp32_to_bf16(std::nanf(""))) << 16)));
}

TEST(EncoderDType, ParseAndName) {
  for (const char* n : {"fp32", "bf16", "int8"}) {
    auto d = parse_dtype(n);
    ASSERT_TRUE(d.is_ok());
    EXPECT_STREQ(dtype_name(*d), n);
  }
  EXPECT_FALSE(parse_dtype("fp16").is_ok());
}

}  // namespace
}  // namespace tokrec::encoder
