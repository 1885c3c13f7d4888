// Loading: config.json rules, safetensors header checks, and clear errors
// naming the tensor for wrong shapes, missing tensors and bad files.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "encoder/safetensors.h"
#include "tokrec/encoder/encoder.h"
#include "tokrec/io/file.h"

namespace tokrec::encoder {
namespace {

namespace fs = std::filesystem;
const std::string kDir = std::string(TOKREC_GOLDEN_DIR) + "/encoder/";

// A private copy of a committed model folder whose config can be edited.
class ModelCopy {
 public:
  explicit ModelCopy(const std::string& model) {
    dir_ = fs::temp_directory_path() /
           ("tokrec_enc_" + model + "_" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    fs::remove_all(dir_);
    fs::copy(kDir + model, dir_, fs::copy_options::recursive);
  }
  ~ModelCopy() { fs::remove_all(dir_); }
  std::string path() const { return dir_.string(); }
  void edit_config(const std::function<void(nlohmann::json&)>& f) {
    auto j = nlohmann::json::parse(*io::read_file(path() + "/config.json"));
    f(j);
    ASSERT_TRUE(io::write_file(path() + "/config.json", j.dump()).is_ok());
  }

 private:
  fs::path dir_;
};

std::string load_error(const std::string& dir) {
  auto e = Encoder::load(dir);
  return e.is_ok() ? std::string("(loaded)") : e.status().to_string();
}

TEST(EncoderConfig, Families) {
  auto c = parse_model_config(R"({"model_type": "xlm-roberta", "architectures": ["XLMRobertaModel"]})");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->architecture, Architecture::kRoberta);
  EXPECT_EQ(c->pad_token_id, 1);
  EXPECT_EQ(c->max_tokens(), 510u);  // 512 positions, starting at pad + 1
  auto d = parse_model_config(R"({"model_type": "distilbert", "dim": 64, "n_heads": 4, "activation": "gelu"})");
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(d->hidden_size, 64u);
  EXPECT_EQ(d->type_vocab_size, 0u);
  auto g = parse_model_config(R"({"model_type": "bert", "hidden_act": "gelu_pytorch_tanh", "layer_norm_eps": 1e-5})");
  ASSERT_TRUE(g.is_ok());
  EXPECT_EQ(g->activation, Activation::kGeluTanh);
  EXPECT_FLOAT_EQ(g->layer_norm_eps, 1e-5f);
}

TEST(EncoderConfig, UnsupportedIsAClearError) {
  auto a = parse_model_config(R"({"model_type": "gpt2", "architectures": ["GPT2Model"]})");
  ASSERT_FALSE(a.is_ok());
  EXPECT_NE(a.status().message().find("gpt2"), std::string::npos);
  auto b = parse_model_config(R"({"architectures": ["NewModel"]})");
  ASSERT_FALSE(b.is_ok());
  EXPECT_NE(b.status().message().find("NewModel"), std::string::npos);
  auto c = parse_model_config(R"({"model_type": "bert", "hidden_act": "swish"})");
  ASSERT_FALSE(c.is_ok());
  EXPECT_NE(c.status().message().find("swish"), std::string::npos);
  auto d = parse_model_config(R"({"model_type": "bert", "position_embedding_type": "relative_key"})");
  ASSERT_FALSE(d.is_ok());
  auto e = parse_model_config(R"({"model_type": "bert", "hidden_size": 30, "num_attention_heads": 4})");
  ASSERT_FALSE(e.is_ok());
  auto f = parse_model_config("{not json");
  ASSERT_FALSE(f.is_ok());
  auto h = parse_model_config(R"({"model_type": "bert", "hidden_size": -4})");
  ASSERT_FALSE(h.is_ok());
}

TEST(EncoderLoad, WrongShapeNamesTheTensor) {
  ModelCopy m("bert");
  m.edit_config([](nlohmann::json& j) { j["intermediate_size"] = 65; });
  const std::string err = load_error(m.path());
  EXPECT_NE(err.find("encoder.layer.0.intermediate.dense.weight"), std::string::npos) << err;
  EXPECT_NE(err.find("[64, 32]"), std::string::npos) << err;
}

TEST(EncoderLoad, MissingTensorNamesIt) {
  ModelCopy m("bert_prefixed");
  m.edit_config([](nlohmann::json& j) { j["num_hidden_layers"] = 3; });
  const std::string err = load_error(m.path());
  EXPECT_NE(err.find("encoder.layer.2.attention.self.query.weight"), std::string::npos) << err;
}

TEST(EncoderLoad, MissingFiles) {
  EXPECT_NE(load_error(kDir + "no_such_model").find("config.json"), std::string::npos);
  ModelCopy m("bert");
  fs::remove(m.path() + "/model.safetensors");
  EXPECT_NE(load_error(m.path()).find("model.safetensors"), std::string::npos);
  ModelCopy t("bert");
  fs::remove(t.path() + "/vocab.txt");
  EXPECT_NE(load_error(t.path()).find("tokenizer"), std::string::npos);
}

TEST(EncoderLoad, UnsupportedArchitectureInFolder) {
  ModelCopy m("bert");
  m.edit_config([](nlohmann::json& j) {
    j["model_type"] = "t5";
    j["architectures"] = {"T5EncoderModel"};
  });
  EXPECT_NE(load_error(m.path()).find("T5EncoderModel"), std::string::npos);
}

TEST(EncoderLoad, QuantizedDtypesLoad) {
  for (DType d : {DType::kBf16, DType::kInt8}) {
    LoadOptions o;
    o.dtype = d;
    auto e = Encoder::load(kDir + "bert", o);
    ASSERT_TRUE(e.is_ok()) << e.status().to_string();
    EXPECT_EQ((*e)->dtype(), d);
  }
}

TEST(Safetensors, HeaderChecks) {
  auto parse = [](const std::string& header, size_t data_bytes) {
    std::string file(8, '\0');
    uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) file[i] = static_cast<char>((n >> (8 * i)) & 0xff);
    file += header;
    file.append(data_bytes, '\0');
    return parse_safetensors(reinterpret_cast<const uint8_t*>(file.data()), file.size(), "t.safetensors");
  };
  auto ok = parse(R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},"__metadata__":{}})", 24);
  ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  EXPECT_EQ(ok->at("a").shape, (std::vector<size_t>{2, 3}));
  EXPECT_EQ(ok->at("a").dtype, TensorDType::kF32);
  // Size mismatch, out-of-range offsets, unknown dtype, bad JSON, short file.
  EXPECT_FALSE(parse(R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})", 24).is_ok());
  EXPECT_FALSE(parse(R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,48]}})", 24).is_ok());
  EXPECT_FALSE(parse(R"({"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}})", 1).is_ok());
  EXPECT_FALSE(parse(R"({"a":)", 0).is_ok());
  const uint8_t tiny[4] = {1, 2, 3, 4};
  EXPECT_FALSE(parse_safetensors(tiny, 4, "x").is_ok());
  std::string huge(16, '\xff');
  EXPECT_FALSE(parse_safetensors(reinterpret_cast<const uint8_t*>(huge.data()), huge.size(), "x").is_ok());
}

TEST(Npy, WritesHeaderAndData) {
  const std::string path = (fs::temp_directory_path() / "tokrec_enc_test.npy").string();
  const float data[6] = {1, 2, 3, 4, 5, 6};
  ASSERT_TRUE(write_npy(path, data, {2, 3}).is_ok());
  auto bytes = io::read_file(path);
  ASSERT_TRUE(bytes.is_ok());
  ASSERT_EQ(bytes->size() % 16, 8u);  // 64-byte aligned header + 24 bytes
  EXPECT_EQ(bytes->substr(1, 5), "NUMPY");
  EXPECT_NE(bytes->find("'shape': (2, 3)"), std::string::npos);
  const size_t header = bytes->size() - 24;
  EXPECT_EQ(header % 64, 0u);
  float back[6];
  std::memcpy(back, bytes->data() + header, 24);
  EXPECT_EQ(back[5], 6.0f);
  fs::remove(path);
}

}  // namespace
}  // namespace tokrec::encoder
