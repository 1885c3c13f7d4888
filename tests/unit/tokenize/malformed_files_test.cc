// Malformed tokenizer files: each gives one clear error naming the file and
// the position of the damage (line/column, line, merge or byte offset) and the
// offending token, never a crash. Inputs are small files written here.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards.
class MalformedFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           ("tokrec-malformed-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string write(const std::string& name, std::string_view content) {
    const std::string path = (dir_ / name).string();
    EXPECT_TRUE(io::write_file(path, content).is_ok());
    return path;
  }

  // Loads `path`, expects failure and returns the message.
  static std::string load_error(const std::string& path, const LoadOptions& options = {}) {
    auto tok = Tokenizer::load(path, options);
    EXPECT_FALSE(tok.is_ok()) << path << " loaded";
    return tok.is_ok() ? std::string() : tok.status().to_string();
  }

  fs::path dir_;
};

nlohmann::json wordpiece_json() {
  return {{"normalizer", {{"type", "BertNormalizer"}}},
          {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
          {"model",
           {{"type", "WordPiece"},
            {"unk_token", "[UNK]"},
            {"vocab", {{"[UNK]", 0}, {"hello", 1}, {"##s", 2}, {"world", 3}}}}}};
}

nlohmann::json bpe_json() {
  return {{"model",
           {{"type", "BPE"},
            {"vocab", {{"a", 0}, {"b", 1}, {"c", 2}, {"ab", 3}}},
            {"merges", nlohmann::json::array({"a b", "b z"})}}}};
}

// 256 single-byte ranks (the file is valid) plus `extra` lines.
std::string tiktoken_file(const std::string& extra) {
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (int b = 0; b < 256; ++b) {
    out += kB64[b >> 2];
    out += kB64[(b & 3) << 4];
    out += "== " + std::to_string(b) + "\n";
  }
  return out + extra;
}

TEST_F(MalformedFiles, TruncatedTokenizerJsonNamesFileLineAndColumn) {
  const std::string full = wordpiece_json().dump(2);  // several lines
  const size_t cut = full.find("\"world\"");
  ASSERT_NE(cut, std::string::npos);
  const std::string path = write("tokenizer.json", full.substr(0, cut + 4));
  const std::string msg = load_error(path);
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  // Line and column of the end of the cut text, as nlohmann counts them.
  const std::string head = full.substr(0, cut + 4);
  const size_t line = 1 + static_cast<size_t>(std::count(head.begin(), head.end(), '\n'));
  EXPECT_NE(msg.find("line " + std::to_string(line) + ", column "), std::string::npos) << msg;
  EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
}

TEST_F(MalformedFiles, TruncatedJsonInMemoryNamesPosition) {
  auto tok = Tokenizer::from_json(R"({"model": {"type": "WordPiece", "vocab": {"a": )");
  ASSERT_FALSE(tok.is_ok());
  EXPECT_NE(tok.status().message().find("line 1, column 48"), std::string::npos) << tok.status().message();
}

TEST_F(MalformedFiles, WrongValueTypeNamesTheField) {
  nlohmann::json j = wordpiece_json();
  j["model"]["vocab"]["world"] = "three";
  const std::string path = write("tokenizer.json", j.dump());
  const std::string msg = load_error(path);
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("model"), std::string::npos) << msg;
}

TEST_F(MalformedFiles, TokenizerJsonMergeWithUnknownTokenNamesTheMerge) {
  const std::string path = write("tokenizer.json", bpe_json().dump());
  const std::string msg = load_error(path);
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("merge 2"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'z'"), std::string::npos) << msg;
}

TEST_F(MalformedFiles, MergesTxtWithUnknownTokenNamesTheLine) {
  const std::string vocab = write("vocab.json", R"({"a": 0, "b": 1, "ab": 2, "c": 3})");
  // Line 1 is the version header, line 3 is empty: the bad merge is on line 4.
  const std::string merges = write("merges.txt", "#version: 0.2\na b\n\nc q\n");
  const std::string msg = load_error(vocab);
  EXPECT_NE(msg.find(merges), std::string::npos) << msg;
  EXPECT_NE(msg.find("line 4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'q'"), std::string::npos) << msg;
}

TEST_F(MalformedFiles, MergesTxtWithUnknownMergedTokenNamesTheLine) {
  const std::string vocab = write("vocab.json", R"({"a": 0, "b": 1, "c": 2})");
  write("merges.txt", "a b\n");
  const std::string msg = load_error(vocab);
  EXPECT_NE(msg.find("line 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'ab'"), std::string::npos) << msg;
}

TEST_F(MalformedFiles, DuplicateTokenInVocabTxtNamesTokenAndLines) {
  const std::string path = write("vocab.txt", "[UNK]\nhello\nworld\nhello\n");
  const std::string msg = load_error(path);
  EXPECT_NE(msg.find(path + " line 4"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'hello'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("line 2"), std::string::npos) << msg;
}

TEST_F(MalformedFiles, DuplicateIdInVocabJsonNamesBothTokens) {
  const std::string vocab = write("vocab.json", R"({"a": 0, "b": 1, "ab": 1})");
  write("merges.txt", "a b\n");
  const std::string msg = load_error(vocab);
  EXPECT_NE(msg.find(vocab), std::string::npos) << msg;
  EXPECT_NE(msg.find("id 1"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'b'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'ab'"), std::string::npos) << msg;
}

TEST_F(MalformedFiles, HugeTokenIdIsAnErrorNotAnAllocation) {
  nlohmann::json j = wordpiece_json();
  j["model"]["vocab"]["world"] = 2000000000;
  auto tok = Tokenizer::from_json(j.dump());
  ASSERT_FALSE(tok.is_ok());
  EXPECT_NE(tok.status().message().find("2000000000"), std::string::npos) << tok.status().message();
  EXPECT_NE(tok.status().message().find("'world'"), std::string::npos) << tok.status().message();

  nlohmann::json b = bpe_json();
  b["model"]["merges"] = nlohmann::json::array({"a b"});
  b["model"]["vocab"]["c"] = 2147483647;
  auto bpe = Tokenizer::from_json(b.dump());
  ASSERT_FALSE(bpe.is_ok());
  EXPECT_NE(bpe.status().message().find("'c'"), std::string::npos) << bpe.status().message();
}

TEST_F(MalformedFiles, TiktokenBadBase64NamesTheLine) {
  const std::string path = write("cl100k_base.tiktoken", tiktoken_file("YWI= 256\nY*I= 257\n"));
  const std::string msg = load_error(path);
  EXPECT_NE(msg.find(path + " line 258"), std::string::npos) << msg;
  EXPECT_NE(msg.find("base64"), std::string::npos) << msg;
}

TEST_F(MalformedFiles, TiktokenBadRankNamesTheLine) {
  const std::string path = write("cl100k_base.tiktoken", tiktoken_file("YWI= 25x\n"));
  const std::string msg = load_error(path);
  EXPECT_NE(msg.find(path + " line 257"), std::string::npos) << msg;
  EXPECT_NE(msg.find("25x"), std::string::npos) << msg;
}

TEST_F(MalformedFiles, TiktokenValidFileLoads) {
  // The helper above writes a loadable file: the failures come from the extra lines.
  auto tok = Tokenizer::load(write("cl100k_base.tiktoken", tiktoken_file("YWI= 256\n")));
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  EncodeOptions plain;
  plain.add_special_tokens = false;
  auto enc = (*tok)->encode("ab", plain);
  ASSERT_TRUE(enc.is_ok());
  EXPECT_EQ(enc->ids, std::vector<int32_t>{256});
}

// The self-made SentencePiece model of the fuzz corpus, cut short: the
// protobuf reader names the file and the byte where the data ran out.
TEST_F(MalformedFiles, SentencePieceModelCutShortNamesTheByteOffset) {
  auto full = io::read_file(std::string(TOKREC_SOURCE_DIR) + "/tests/fuzz/corpus/sentencepiece/unigram_60.model");
  ASSERT_TRUE(full.is_ok()) << full.status().to_string();
  {
    auto ok = Tokenizer::load(write("whole.model", *full));
    ASSERT_TRUE(ok.is_ok()) << ok.status().to_string();
  }
  for (size_t cut : {full->size() / 2, full->size() - 3, size_t{7}}) {
    const std::string path = write("tokenizer.model", full->substr(0, cut));
    const std::string msg = load_error(path);
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    EXPECT_NE(msg.find("byte "), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << "one line: " << msg;
  }
}

TEST_F(MalformedFiles, BytePieceBadBase64NamesTheEntry) {
  const std::string path = write("bytepiece.model", R"({"YQ==": [3, "a", 5], "Y*==": [4, "b", 1]})");
  const std::string msg = load_error(path);
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  EXPECT_NE(msg.find("Y*=="), std::string::npos) << msg;
  EXPECT_NE(msg.find("base64"), std::string::npos) << msg;
}

}  // namespace
}  // namespace tokrec::tokenize
