// BytePiece: id parity with the reference algorithm on the three shared
// models (goldens from tests/golden/gen/gen_bytepiece.py), round trips,
// tie-breaking on a hand-made model, the encode options, and errors for
// malformed files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tokenize/bytepiece.h"
#include "tokenize/unicode_props.h"
#include "tokrec/core/utf8.h"
#include "tokrec/io/file.h"
#include "tokrec/io/zip.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {
namespace {

namespace fs = std::filesystem;

const std::string kModels = std::string(TOKREC_SHARED_DATA) + "/tokenizers/bytepiece/";
const std::string kGolden = std::string(TOKREC_GOLDEN_DIR) + "/bytepiece/";

std::vector<std::string> golden_inputs() {
  std::vector<std::string> out;
  auto lines = io::read_lines(kGolden + "inputs.jsonl");
  EXPECT_TRUE(lines.is_ok()) << lines.status().to_string();
  if (!lines.is_ok()) return out;
  for (const std::string& l : *lines) out.push_back(nlohmann::json::parse(l).get<std::string>());
  return out;
}

std::vector<std::vector<int32_t>> golden_ids(const std::string& model) {
  std::vector<std::vector<int32_t>> out;
  std::ifstream in(kGolden + model + ".ids");
  std::string line;
  while (std::getline(in, line)) {
    std::vector<int32_t> ids;
    for (std::string_view tok : io::split(line, ' '))
      if (!tok.empty()) ids.push_back(std::stoi(std::string(tok)));
    out.push_back(std::move(ids));
  }
  return out;
}

std::shared_ptr<const Tokenizer> load(const std::string& path) {
  auto r = Tokenizer::load(path);
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : nullptr;
}

std::string temp_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("tokrec_bytepiece_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string read_binary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_binary(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

class BytePieceGolden : public ::testing::TestWithParam<const char*> {};

TEST_P(BytePieceGolden, IdsMatchTheReferenceAlgorithm) {
  const std::string name = GetParam();
  auto tok = load(kModels + name + ".zip");
  ASSERT_TRUE(tok);
  const auto inputs = golden_inputs();
  const auto expected = golden_ids(name);
  ASSERT_EQ(inputs.size(), expected.size());
  ASSERT_GT(inputs.size(), 200u);
  size_t mismatches = 0;
  for (bool special : {true, false}) {  // a bare model adds nothing either way
    EncodeOptions opts;
    opts.add_special_tokens = special;
    opts.with_tokens = false;
    for (size_t i = 0; i < inputs.size(); ++i) {
      auto enc = tok->encode(inputs[i], opts);
      ASSERT_TRUE(enc.is_ok()) << enc.status().to_string();
      if (enc->ids != expected[i] && ++mismatches <= 5)
        ADD_FAILURE() << name << " input " << i << " (" << nlohmann::json(inputs[i]).dump().substr(0, 80)
                      << "): " << enc->ids.size() << " ids, expected " << expected[i].size();
    }
  }
  EXPECT_EQ(mismatches, 0u);
  // The batch path gives the same ids.
  EncodeOptions opts;
  opts.with_tokens = false;
  auto batch = tok->encode_batch(inputs, opts, 2);
  ASSERT_TRUE(batch.is_ok());
  for (size_t i = 0; i < inputs.size(); ++i) EXPECT_EQ((*batch)[i].ids, expected[i]) << i;
}

INSTANTIATE_TEST_SUITE_P(SharedModels, BytePieceGolden,
                         ::testing::Values("bytepiece_80k", "bytepiece.plus.40k", "bytepiece.zh.id.eu.40k"),
                         [](const auto& param_info) {
                           std::string n = param_info.param;
                           for (char& c : n)
                             if (c == '.') c = '_';
                           return n;
                         });

TEST(BytePiece, DecodeOfEncodeIsTheNfcText) {
  auto tok = load(kModels + "bytepiece_80k.zip");
  ASSERT_TRUE(tok);
  for (const std::string& text : golden_inputs()) {
    auto enc = tok->encode(text);
    ASSERT_TRUE(enc.is_ok());
    EXPECT_EQ(tok->decode(enc->ids), unicode::normalize_form(text, 1)) << nlohmann::json(text).dump();
    // Token strings are valid UTF-8 (bytes of partial characters as <0xXX>)
    // and map back to their ids.
    ASSERT_EQ(enc->tokens.size(), enc->ids.size());
    for (size_t k = 0; k < enc->ids.size(); ++k) {
      EXPECT_TRUE(utf8::is_valid(enc->tokens[k]));
      EXPECT_EQ(tok->token_to_id(enc->tokens[k]), enc->ids[k]);
    }
  }
}

TEST(BytePiece, InfoAndVocabulary) {
  auto tok = load(kModels + "bytepiece_80k.zip");
  ASSERT_TRUE(tok);
  const TokenizerInfo info = tok->info();
  EXPECT_EQ(info.format, "BytePiece");
  EXPECT_EQ(info.model, "BytePiece");
  EXPECT_EQ(info.vocab_size, 79893u + 3u);  // pieces + <pad> <bos> <eos>, as the reference's vocab_size
  EXPECT_EQ(info.normalizer, "NFC");
  EXPECT_TRUE(info.special_tokens.empty());
  EXPECT_EQ(tok->id_to_token(0), "<pad>");
  EXPECT_EQ(tok->token_to_id("<eos>"), 2);
  // Every id has a distinct display form that maps back to it.
  size_t seen = 0;
  for (int32_t id = 3; id < 79896; ++id) {
    const std::string_view t = tok->id_to_token(id);
    ASSERT_FALSE(t.empty()) << id;
    ASSERT_TRUE(utf8::is_valid(t)) << id;
    ASSERT_EQ(tok->token_to_id(t), id) << t;
    ++seen;
  }
  EXPECT_EQ(seen, 79893u);
  EXPECT_EQ(tok->id_to_token(0xE4 + 3), "<0xE4>");  // single bytes sorted first, ids from 3
  EXPECT_TRUE(tok->id_to_token(79896).empty());
}

TEST(BytePiece, SpecialTokenStringsArePlainText) {
  auto tok = load(kModels + "bytepiece_80k.zip");
  ASSERT_TRUE(tok);
  auto enc = tok->encode("<pad><bos><eos>");
  ASSERT_TRUE(enc.is_ok());
  for (int32_t id : enc->ids) EXPECT_GT(id, 2);
  EXPECT_EQ(tok->decode(enc->ids), "<pad><bos><eos>");
  // The reference's decode drops ids 0-2 and ignores invalid UTF-8.
  const auto a = tok->token_to_id("a").value();
  const auto e4 = tok->token_to_id("<0xE4>").value();
  EXPECT_EQ(tok->decode({1, a, 0, e4, a, 2}), "aa");
}

TEST(BytePiece, TruncationAndPaddingApply) {
  auto tok = load(kModels + "bytepiece_80k.zip");
  ASSERT_TRUE(tok);
  auto full = tok->encode("推荐系统 recommender system 使用 LLM tokens 作为特征");
  ASSERT_TRUE(full.is_ok());
  ASSERT_GT(full->ids.size(), 4u);
  EncodeOptions o;
  o.max_length = 4;
  auto cut = tok->encode("推荐系统 recommender system 使用 LLM tokens 作为特征", o);
  ASSERT_TRUE(cut.is_ok());
  EXPECT_EQ(cut->ids, std::vector<int32_t>(full->ids.begin(), full->ids.begin() + 4));
  o.max_length = 40;
  o.padding = Padding::kMaxLength;
  auto padded = tok->encode("你好", o);
  ASSERT_TRUE(padded.is_ok());
  ASSERT_EQ(padded->ids.size(), 40u);
  EXPECT_EQ(padded->ids.back(), 0);
  EXPECT_EQ(padded->tokens.back(), "<pad>");
  EXPECT_EQ(padded->attention_mask.back(), 0);
  EXPECT_EQ(padded->attention_mask.front(), 1);
}

TEST(BytePiece, LoadsTheJsonAndAFolder) {
  const std::string dir = temp_dir("forms");
  auto zip = io::ZipArchive::open(kModels + "bytepiece.plus.40k.zip");
  ASSERT_TRUE(zip.is_ok()) << zip.status().to_string();
  ASSERT_EQ(zip->entries().size(), 1u);
  auto json = zip->read(zip->entries().front());
  ASSERT_TRUE(json.is_ok()) << json.status().to_string();
  write_binary(dir + "/plus.model", *json);
  const std::string folder = dir + "/folder";
  fs::create_directories(folder);
  fs::copy_file(kModels + "bytepiece.plus.40k.zip", folder + "/model.zip");
  const auto inputs = golden_inputs();
  const auto expected = golden_ids("bytepiece.plus.40k");
  for (const std::string& path : {dir + "/plus.model", folder}) {
    auto tok = load(path);
    ASSERT_TRUE(tok) << path;
    EXPECT_EQ(tok->info().format, "BytePiece");
    for (size_t i = 0; i < inputs.size(); i += 7) EXPECT_EQ(tok->encode(inputs[i])->ids, expected[i]) << path << " " << i;
  }
  fs::remove_all(dir);
}

// A model of all 256 bytes (count 1 each) plus a few longer pieces.
std::string tiny_model(const std::vector<std::pair<std::string, int>>& extra) {
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto b64 = [](std::string_view s) {
    std::string out;
    size_t i = 0;
    for (; i + 2 < s.size(); i += 3) {
      const uint32_t v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8) |
                         static_cast<unsigned char>(s[i + 2]);
      for (int k = 18; k >= 0; k -= 6) out.push_back(kB64[(v >> k) & 63]);
    }
    if (s.size() - i == 1) {
      const uint32_t v = static_cast<unsigned char>(s[i]) << 16;
      out += {kB64[(v >> 18) & 63], kB64[(v >> 12) & 63], '=', '='};
    } else if (s.size() - i == 2) {
      const uint32_t v = (static_cast<unsigned char>(s[i]) << 16) | (static_cast<unsigned char>(s[i + 1]) << 8);
      out += {kB64[(v >> 18) & 63], kB64[(v >> 12) & 63], kB64[(v >> 6) & 63], '='};
    }
    return out;
  };
  nlohmann::json j = nlohmann::json::object();
  int id = 3;
  for (int b = 0; b < 256; ++b) j[b64(std::string(1, static_cast<char>(b)))] = {id++, "", 1};
  for (const auto& [piece, count] : extra) j[b64(piece)] = {id++, piece, count};
  return j.dump();
}

Result<std::vector<int32_t>> encode_with(const std::string& model_json, const std::string& text) {
  const std::string dir = temp_dir("tiny");
  write_binary(dir + "/m.json", model_json);
  auto tok = Tokenizer::load(dir + "/m.json");
  fs::remove_all(dir);
  if (!tok.is_ok()) return tok.status();
  auto enc = (*tok)->encode(text);
  if (!enc.is_ok()) return enc.status();
  return enc->ids;
}

TEST(BytePiece, TiesGoToTheLongestLastPiece) {
  // "abc" = a + bc = ab + c exactly (same counts, so the same two doubles are
  // added). The reference's automaton reports "bc" (start 1) before "c"
  // (start 2) at end 3 and keeps the first of equal scores: a + bc.
  const std::string model = tiny_model({{"ab", 10}, {"bc", 10}});
  auto ids = encode_with(model, "abc");
  ASSERT_TRUE(ids.is_ok()) << ids.status().to_string();
  EXPECT_EQ(*ids, (std::vector<int32_t>{'a' + 3, 256 + 4}));
  // Unequal counts decide normally.
  auto ids2 = encode_with(tiny_model({{"ab", 11}, {"bc", 10}}), "abc");
  ASSERT_TRUE(ids2.is_ok());
  EXPECT_EQ(*ids2, (std::vector<int32_t>{256 + 3, 'c' + 3}));
  // No piece spans a newline run's end: "b\nc" is cut after "\n".
  auto ids3 = encode_with(tiny_model({{"\nc", 1000}, {"b\n", 10}}), "ab\nc");
  ASSERT_TRUE(ids3.is_ok());
  EXPECT_EQ(*ids3, (std::vector<int32_t>{'a' + 3, 256 + 4, 'c' + 3}));
}

TEST(BytePiece, NfcFastPathAgreesWithFullNormalization) {
  auto norm = make_bytepiece_normalizer();
  std::string out;
  const std::vector<std::pair<char32_t, char32_t>> ranges = {
      {0x20, 0x300}, {0x2010, 0x2028}, {0x3000, 0x3100}, {0x4E00, 0xA000}, {0xAC00, 0xD7A4}, {0xFF01, 0xFF9E}};
  const std::vector<std::string> before = {"a", "e", "\u304b", "\uac00", "\u1100", "\u0915"};
  for (const auto& [lo, hi] : ranges) {
    for (char32_t c = lo; c < hi; ++c) {
      std::string s;
      utf8::append(s, c);
      for (const std::string& b : before) {
        const std::string text = b + s + "x";
        norm->normalize(text, out);
        ASSERT_EQ(out, unicode::normalize_form(text, 1)) << std::hex << static_cast<uint32_t>(c);
      }
    }
  }
  for (std::string text : {"cafe\u0301", "\u212b", "\u1100\u1161\u11a8", "a\u0323\u0307", "\u304b\u3099"}) {
    norm->normalize(text, out);
    EXPECT_EQ(out, unicode::normalize_form(text, 1));
    EXPECT_NE(out, text);
  }
}

// Malformed files: a clear error naming the file, never a crash.
Status load_error(const std::string& name, std::string_view content) {
  const std::string dir = temp_dir("bad");
  const std::string path = dir + "/" + name;
  write_binary(path, content);
  auto tok = Tokenizer::load(path);
  fs::remove_all(dir);
  return tok.status();
}

TEST(BytePiece, MalformedFilesGiveClearErrors) {
  const std::string zip = read_binary(kModels + "bytepiece_80k.zip");
  ASSERT_GT(zip.size(), 1000u);
  // Truncated archive: the central directory is gone.
  Status st = load_error("cut.zip", std::string_view(zip).substr(0, zip.size() / 2));
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("cut.zip"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("offset"), std::string::npos) << st.message();
  // Every cut point fails cleanly.
  for (size_t n : {size_t{0}, size_t{3}, size_t{30}, size_t{100}, zip.size() - 23, zip.size() - 1}) {
    Status cut = load_error("cut.zip", std::string_view(zip).substr(0, n));
    EXPECT_FALSE(cut.is_ok()) << n;
  }
  // Damaged deflate data in the middle.
  std::string damaged = zip;
  for (size_t i = damaged.size() / 2; i < damaged.size() / 2 + 64; ++i) damaged[i] = static_cast<char>(damaged[i] ^ 0x5A);
  st = load_error("damaged.zip", damaged);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("damaged.zip"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("offset"), std::string::npos) << st.message();

  const std::string good = tiny_model({{"ab", 10}});
  ASSERT_TRUE(encode_with(good, "ab").is_ok());
  // Bad base64 key.
  std::string bad_b64 = good;
  bad_b64.replace(bad_b64.find("\"YWI=\""), 6, "\"YW*=\"");
  st = load_error("b64.json", bad_b64);
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("base64"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("b64.json"), std::string::npos) << st.message();
  // Duplicate ids.
  nlohmann::json j = nlohmann::json::parse(good);
  j["YWI="][0] = 3;
  st = load_error("dup.json", j.dump());
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("duplicate id 3"), std::string::npos) << st.message();
  // Reserved id, missing byte, bad shapes, truncated JSON.
  j = nlohmann::json::parse(good);
  j["YWI="][0] = 1;
  EXPECT_NE(load_error("m.json", j.dump()).message().find("reserved"), std::string::npos);
  j = nlohmann::json::parse(good);
  j.erase("YQ==");  // "a"
  EXPECT_NE(load_error("m.json", j.dump()).message().find("<0x61>"), std::string::npos);
  j = nlohmann::json::parse(good);
  j["YWI="] = {7, "ab", "many"};
  EXPECT_NE(load_error("m.json", j.dump()).message().find("count must be a number"), std::string::npos);
  j = nlohmann::json::parse(good);
  j["YWI="][2] = -5;
  EXPECT_NE(load_error("m.json", j.dump()).message().find("negative"), std::string::npos);
  st = load_error("cut.json", std::string_view(good).substr(0, good.size() / 2));
  EXPECT_FALSE(st.is_ok());
  EXPECT_NE(st.message().find("cut.json"), std::string::npos) << st.message();
  // A zip holding something else.
  EXPECT_FALSE(load_error("empty.zip", std::string("PK\5\6", 4) + std::string(18, '\0')).is_ok());
}

// Pieces and keys quoted in messages never carry raw control characters or
// broken UTF-8: the message stays one printable line.
TEST(BytePiece, ErrorMessagesEscapeControlCharacters) {
  auto printable = [](const std::string& m) {
    for (unsigned char c : m)
      if (c < 0x20 || c == 0x7F) return false;
    return m.find("\xC2\x85") == std::string::npos;  // C1 NEL
  };
  const std::string good = tiny_model({{"ab", 10}});
  nlohmann::json j = nlohmann::json::parse(good);
  // A key with a newline, a tab, an escape and NEL: not base64.
  j["bad\nkey\t\x1b\u0085"] = {900, "x", 1};
  Status st = load_error("ctl.json", j.dump());
  EXPECT_FALSE(st.is_ok());
  EXPECT_TRUE(printable(st.message())) << st.message();
  EXPECT_NE(st.message().find("bad<U+000A>key<U+0009><U+001B><U+0085>"), std::string::npos) << st.message();
  // Pieces that are control characters: "\n" (Cg==) with a reserved id, "\t" (CQ==) with a negative count.
  j = nlohmann::json::parse(good);
  j["Cg=="][0] = 2;
  st = load_error("ctl.json", j.dump());
  EXPECT_TRUE(printable(st.message())) << st.message();
  EXPECT_NE(st.message().find("'<U+000A>'"), std::string::npos) << st.message();
  j = nlohmann::json::parse(good);
  j["CQ=="][2] = -1.5;  // a float count: checked with the piece, not the key
  st = load_error("ctl.json", j.dump());
  EXPECT_NE(st.message().find("'<U+0009>'"), std::string::npos) << st.message();
  // A long key is cut, on a character boundary.
  j = nlohmann::json::parse(good);
  j[std::string(100, 'z') + "!"] = {901, "x", 1};
  st = load_error("long.json", j.dump());
  EXPECT_NE(st.message().find(std::string(64, 'z') + "..."), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find(std::string(65, 'z')), std::string::npos) << st.message();
}

}  // namespace
}  // namespace tokrec::tokenize
