// The streaming tokenizer.json reader (src/tokenize/json_stream.h) against
// the plain nlohmann DOM path it replaces: on every tokenizer.json of the
// data folders, on hand-made files with every kind of oddity the tables do
// not take (non-integer ids, odd merges, repeated keys, ids shared by two
// tokens), and on files cut short anywhere, both must give the same
// tokenizer or the same error message.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokenize/json_stream.h"
#include "tokenize/tokenizer_impl.h"
#include "tokrec/io/file.h"
#include "unit/tokenize/golden_files.h"

namespace tokrec::tokenize {
namespace {

using nlohmann::json;

// Words the models are asked to split: the BPE golden texts cut at spaces,
// plus a few made-up ones (byte-level models read them as raw bytes).
const std::vector<std::string>& sample_words() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> w = {"hello", "Ġworld", "▁the", "##ing", "a", "ab", "abc", "zzz",
                                  "unbelievable", "你好世界", "🤗🤗", "\xff\xfe", "12345"};
    for (const std::string& text : golden::bpe_golden_texts()) {
      size_t pos = 0;
      while (pos < text.size() && w.size() < 3000) {
        size_t end = text.find(' ', pos + 1);
        if (end == std::string::npos) end = text.size();
        w.push_back(text.substr(pos, end - pos));
        pos = end;
      }
    }
    return w;
  }();
  return words;
}

void expect_same_model(const Model& ma, const Model& mb) {
  EXPECT_EQ(ma.type(), mb.type());
  ASSERT_EQ(ma.vocab_size(), mb.vocab_size());
  ASSERT_EQ(ma.id_bound(), mb.id_bound());
  size_t differing = 0;
  for (int32_t id = -1; id <= static_cast<int32_t>(ma.id_bound()); ++id) {
    const std::string_view ta = ma.id_to_token(id);
    if (ta != mb.id_to_token(id) || ma.token_to_id(ta) != mb.token_to_id(ta)) ++differing;
  }
  EXPECT_EQ(differing, 0u) << "ids whose token (or its id) differ";
  std::vector<int32_t> ia, ib;
  for (const std::string& w : sample_words()) {
    ia.clear();
    ib.clear();
    ma.tokenize(w, ia);
    mb.tokenize(w, ib);
    ASSERT_EQ(ia, ib) << "word '" << w << "'";
  }
}

void expect_same_tokenizer(const Tokenizer::Impl& a, const Tokenizer::Impl& b) {
  EXPECT_EQ(a.format, b.format);
  EXPECT_EQ(a.normalizer_desc, b.normalizer_desc);
  EXPECT_EQ(a.post_processor_desc, b.post_processor_desc);
  EXPECT_EQ(a.pre_tokenizer ? a.pre_tokenizer->describe() : "none",
            b.pre_tokenizer ? b.pre_tokenizer->describe() : "none");
  EXPECT_EQ(a.decoder ? a.decoder->describe() : "none", b.decoder ? b.decoder->describe() : "none");
  EXPECT_EQ(a.default_pad_id, b.default_pad_id);
  ASSERT_EQ(a.added.tokens().size(), b.added.tokens().size());
  for (size_t i = 0; i < a.added.tokens().size(); ++i) {
    EXPECT_EQ(a.added.tokens()[i].content, b.added.tokens()[i].content);
    EXPECT_EQ(a.added.tokens()[i].id, b.added.tokens()[i].id);
  }
  expect_same_model(*a.model, *b.model);
}

// Both paths on `content`: the same error message, or the same tokenizer.
// Returns the streamed path's error ("" when it loaded).
std::string expect_same_outcome(std::string_view content, const std::string& source = "tokenizer.json") {
  auto streamed = load_tokenizer_json(content, source);
  auto dom = load_tokenizer_json_dom(content, source);
  EXPECT_EQ(streamed.is_ok(), dom.is_ok()) << (streamed.is_ok() ? dom : streamed).status().to_string();
  if (!streamed.is_ok() || !dom.is_ok()) {
    if (!streamed.is_ok() && !dom.is_ok()) {
      EXPECT_EQ(streamed.status().to_string(), dom.status().to_string());
    }
    return streamed.is_ok() ? std::string() : streamed.status().to_string();
  }
  expect_same_tokenizer(**streamed, **dom);
  return {};
}

// The DOM json::parse gives, rebuilt from what the reader returned.
json reassemble(json root, const ModelTables& tables) {
  if (tables.has_vocab) {
    json& vocab = root["model"]["vocab"];
    EXPECT_TRUE(vocab.is_object() && vocab.empty()) << "stand-in for the captured vocab";
    for (const TokenId& t : tables.vocab) vocab[std::string(t.token)] = t.id;
  }
  if (tables.has_merges) {
    json& merges = root["model"]["merges"];
    EXPECT_TRUE(merges.is_array() && merges.empty()) << "stand-in for the captured merges";
    for (const MergePair& m : tables.merges) {
      if (m.b.data() == nullptr) {
        merges.push_back(std::string(m.a));
      } else {
        merges.push_back(json::array({std::string(m.a), std::string(m.b)}));
      }
    }
  }
  return root;
}

// Every tokenizer.json of the shared data and of the cache (tiktoken
// encodings converted by tests/golden/gen/tiktoken_to_hf.js).
std::vector<std::string> data_files() {
  std::vector<std::string> files;
  for (const std::string& base : {std::string(TOKREC_SHARED_DATA) + "/tokenizers",
                                  std::string(TOKREC_CACHE_DATA) + "/tokenizers/tiktoken-hf"}) {
    std::error_code ec;
    for (const auto& dir : std::filesystem::directory_iterator(base, ec)) {
      const auto path = dir.path() / "tokenizer.json";
      if (std::filesystem::exists(path, ec)) files.push_back(path.string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(JsonStream, DataFilesStreamAndLoadAsTheDomDoes) {
  const std::vector<std::string> files = data_files();
  if (files.empty()) GTEST_SKIP() << "no tokenizer.json under the data folders";
  size_t bpe_streamed = 0;
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    auto content = io::read_file(path);
    ASSERT_TRUE(content.is_ok()) << content.status().to_string();
    ModelTables tables;
    const json streamed = read_tokenizer_json(*content, tables);
    const json dom = json::parse(*content);
    EXPECT_TRUE(reassemble(streamed, tables) == dom) << "the tables do not hold the document";
    if (tables.has_vocab && tables.has_merges) ++bpe_streamed;
    // The whole tokenizer both ways, for all but the three biggest files
    // (the DOM path alone takes a second or more on them; their ids are
    // checked against tiktoken's goldens in tiktoken_hf_test.cc).
    if (content->size() < (4u << 20)) {
      EXPECT_EQ(expect_same_outcome(*content, path), "");
    }
  }
  EXPECT_GE(bpe_streamed, 3u) << "the BPE files (gpt2, roberta, llama2, ...) stream both tables";
}

// A small byte-level BPE file to vary (vocab keys in non-sorted order, so
// that file order and DOM order differ).
json small_bpe() {
  json vocab = json::object();
  const char* tokens[] = {"z", "a", "b", "c", "ab", "abc", "Ġ", "Ġa", "bc"};
  int32_t id = 0;
  for (const char* t : tokens) vocab[t] = id++;
  return {{"version", "1.0"},
          {"added_tokens", json::array({{{"id", 9}, {"content", "<|end|>"}, {"special", true}}})},
          {"pre_tokenizer", {{"type", "ByteLevel"}, {"add_prefix_space", false}}},
          {"decoder", {{"type", "ByteLevel"}}},
          {"model",
           {{"type", "BPE"},
            {"vocab", vocab},
            {"merges", json::array({json::array({"a", "b"}), "ab c", json::array({"Ġ", "a"}), "b c"})}}}};
}

// The model object of small_bpe() written by hand, so that key order and
// repeated keys can be chosen.
std::string with_model(const std::string& model) {
  return R"({"pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false}, "model": )" + model + "}";
}

TEST(JsonStream, OddFilesGiveWhatTheDomGives) {
  EXPECT_EQ(expect_same_outcome(small_bpe().dump()), "");
  const std::string kVocab = R"({"z": 0, "a": 1, "b": 2, "c": 3, "ab": 4, "abc": 5, "bc": 6})";
  const std::vector<std::string> cases = {
      // Merges before the vocabulary; no "type" (inferred from "merges").
      with_model(R"({"merges": ["a b", ["ab", "c"]], "vocab": )" + kVocab + "}"),
      // No merges at all.
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + "}"),
      // An id written as a float, a string, null: the vocabulary falls back to the DOM.
      with_model(R"({"type": "BPE", "vocab": {"z": 0, "a": 1.0, "b": 2, "ab": 3}, "merges": ["a b"]})"),
      with_model(R"({"type": "BPE", "vocab": {"z": 0, "a": 1, "b": "two", "ab": 3}, "merges": ["a b"]})"),
      with_model(R"({"type": "BPE", "vocab": {"z": 0, "a": null}, "merges": []})"),
      with_model(R"({"type": "BPE", "vocab": {"a": 0, "b": {"x": 1}}, "merges": []})"),
      with_model(R"({"type": "BPE", "vocab": {"a": 0, "b": [1]}, "merges": []})"),
      // Repeated keys: the last one wins in the DOM.
      with_model(R"({"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "a": 3}, "merges": ["a b"]})"),
      with_model(R"({"type": "BPE", "vocab": {"a": 0}, "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]})"),
      with_model(R"({"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "vocab": [], "merges": ["a b"]})"),
      with_model(R"({"type": "BPE", "vocab": [1], "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]})"),
      with_model(R"({"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a q"], "merges": ["a b"]})"),
      with_model(R"({"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"], "merges": 5})"),
      R"({"model": {"type": "BPE", "vocab": {"q": 0}, "merges": []}, "model": )" +
          std::string(R"({"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}})"),
      // Two tokens on one id (the DOM keeps the later key in byte order).
      with_model(R"({"type": "BPE", "vocab": {"zz": 0, "a": 1, "b": 2, "ab": 2, "yy": 0}, "merges": ["a b"]})"),
      // Bad ids, several of them: the error names the first in DOM order.
      with_model(R"({"type": "BPE", "vocab": {"z": -1, "a": -2, "b": 1}, "merges": []})"),
      with_model(R"({"type": "BPE", "vocab": {"z": 2147483647, "a": 20000000, "b": 1}, "merges": []})"),
      with_model(R"({"type": "BPE", "vocab": {"z": 4294967297, "a": 0}, "merges": []})"),
      with_model(R"({"type": "BPE", "vocab": {"z": 18446744073709551615, "a": 0}, "merges": []})"),
      // Floats no integer type holds (their cast was undefined behaviour): a type error.
      with_model(R"({"type": "BPE", "vocab": {"z": 555555555555555555555555557, "a": 0}, "merges": []})"),
      with_model(R"({"type": "BPE", "vocab": {"z": -3e9, "a": 0}, "merges": []})"),
      R"({"model": {"type": "WordPiece", "unk_token": "a", "max_input_chars_per_word": -1.5, "vocab": {"a": 0}}})",
      R"({"model": {"vocab": [["a", 0.0]], "unk_id": 1e300}})",
      R"({"model": {"type": "BPE", "vocab": {"a": 0}}, "added_tokens": [{"id": 1e10, "content": "x"}]})",
      R"({"model": {"type": "BPE", "vocab": {"a": 0}}, "truncation": {"max_length": 1e20}})",
      R"({"model": {"type": "BPE", "vocab": {"a": 0}}, "padding": {"strategy": "BatchLongest", "pad_id": 3e9}})",
      R"({"model": {"type": "BPE", "vocab": {"a": 0}}, "padding": {"strategy": "BatchLongest", "pad_id": 2.0}})",
      // Merges that are not two strings: the merges fall back to the DOM.
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": [["a", "b"], ["ab"]]})"),
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": [["a", "b"], ["ab", "c", "z"]]})"),
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": [["a", "b"], []]})"),
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": [["a", "b"], [1, 2]]})"),
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": [["a", "b"], ["ab", ["c"]]]})"),
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": ["a b", 7]})"),
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": ["a b", {"x": "y"}]})"),
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": ["a b", null, "ab c"]})"),
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": {"a": "b"}})"),
      // Merge errors: unknown part, unknown result, a line without a space.
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": ["a b", "b q"]})"),
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": [["a", "b"], ["c", "a"]]})"),
      with_model(R"({"type": "BPE", "vocab": )" + kVocab + R"(, "merges": ["a b", "abc"]})"),
      // A line with two spaces, resolved by the vocabulary (llama2's case).
      with_model(R"({"type": "BPE", "vocab": {"a": 0, "a b": 1, "c": 2, "a bc": 3, "b": 4, "bc": 5}, "merges": ["b c", "a b c"]})"),
      // Not a vocabulary object: Unigram and the error for BPE.
      with_model(R"({"type": "BPE", "vocab": [["a", 0]], "merges": []})"),
      with_model(R"({"vocab": [["<unk>", 0.0], ["a", -1.0], ["b", -2.0]], "unk_id": 0})"),
      with_model(R"({"type": "Unigram", "vocab": {"a": 0}})"),
      // WordPiece and WordLevel vocabularies (two tokens on one id, repeated keys).
      R"({"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "zz": 1, "##s": 2, "aa": 1, "zz": 3}}})",
      R"({"model": {"type": "WordLevel", "unk_token": "<unk>", "vocab": {"<unk>": 0, "zz": 1, "aa": 1}}})",
      R"({"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "x": "1"}}})",
      // "vocab" and "merges" elsewhere than in the root's model.
      R"({"extra": {"vocab": {"a": 0}, "merges": ["a b"]}, "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"]}})",
      R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2}, "merges": ["a b"], "x": {"vocab": 1, "merges": 2}}})",
      R"([{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}])",
      R"({"model": [{"vocab": {"a": 0}}]})",
      R"({"model": 5})",
      R"("model")",
      R"({})",
      // Syntax: trailing data, comments, a byte-order mark, bad UTF-8, escapes.
      with_model(R"({"type": "BPE", "vocab": {"a": 0}, "merges": []})") + " x",
      with_model(R"({"type": "BPE", "vocab": {"a": 0 /* c */}, "merges": []})"),
      "\xEF\xBB\xBF" + with_model(R"({"type": "BPE", "vocab": {"a": 0}, "merges": []})"),
      with_model("{\"type\": \"BPE\", \"vocab\": {\"a\xC3\": 0}, \"merges\": []}"),
      with_model(R"({"type": "BPE", "vocab": {"\u0061": 0, "\ud83e\udd17": 1, "a\ud83e\udd17": 2}, "merges": ["\u0061 \ud83e\udd17"]})"),
      with_model(R"({"type": "BPE", "vocab": {"\ud83e": 0}, "merges": []})"),
      with_model(R"({"type": "BPE", "vocab": {"a": 01}, "merges": []})"),
      with_model(R"({"type": "BPE", "vocab": {"a": 0,}, "merges": []})"),
      "",
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE("case " + std::to_string(i) + ": " + cases[i]);
    expect_same_outcome(cases[i]);
  }
}

// Cut anywhere, a file gives nlohmann's own message, with line and column,
// through both paths alike.
TEST(JsonStream, FloatIdOutOfRangeIsAnErrorNamingIt) {
  const std::string msg = expect_same_outcome(
      with_model(R"({"type": "BPE", "vocab": {"z": 555555555555555555555555557, "a": 0}, "merges": []})"));
  EXPECT_NE(msg.find("model"), std::string::npos) << msg;
  EXPECT_NE(msg.find("out of range"), std::string::npos) << msg;
}

TEST(JsonStream, EveryCutShortFileGivesTheDomError) {
  const std::string full = small_bpe().dump(1);  // several lines
  size_t positioned = 0;
  for (size_t cut = 0; cut < full.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    const std::string msg = expect_same_outcome(std::string_view(full).substr(0, cut), "cut.json");
    ASSERT_NE(msg, "") << "a file cut short loaded";
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    if (msg.find("cut.json") != std::string::npos && msg.find(", column ") != std::string::npos) ++positioned;
  }
  EXPECT_EQ(positioned, full.size()) << "every error names the file, line and column";
}

// The big converted o200k file cut inside its vocabulary and inside its
// merges: the error names the file and the line and column of the cut.
TEST(JsonStream, BigFileCutShortNamesFileAndPosition) {
  const std::string path = std::string(TOKREC_CACHE_DATA) + "/tokenizers/tiktoken-hf/o200k_base/tokenizer.json";
  auto content = io::read_file(path);
  if (!content.is_ok()) GTEST_SKIP() << path << " not generated (tests/golden/gen/tiktoken_to_hf.js)";
  const size_t vocab = content->find("\"vocab\"");
  const size_t merges = content->find("\"merges\"");
  ASSERT_NE(vocab, std::string::npos);
  ASSERT_NE(merges, std::string::npos);
  for (size_t cut : {vocab + 1000, merges + 1001, content->size() - 3}) {
    const std::string head = content->substr(0, cut);
    const std::string msg = expect_same_outcome(head, path);
    EXPECT_NE(msg.find(path), std::string::npos) << msg;
    const size_t line = 1 + static_cast<size_t>(std::count(head.begin(), head.end(), '\n'));
    EXPECT_NE(msg.find("line " + std::to_string(line) + ", column "), std::string::npos) << msg;
  }
}

// vocab.json + merges.txt (streamed, json_stream.h's read_vocab_json) give
// the model of the tokenizer.json made from them.
TEST(JsonStream, VocabJsonGivesTheModelOfItsTokenizerJson) {
  for (const char* name : {"gpt2", "roberta-base"}) {
    SCOPED_TRACE(name);
    const std::string dir = std::string(TOKREC_SHARED_DATA) + "/tokenizers/" + name + "/";
    auto vocab = io::read_file(dir + "vocab.json");
    auto merges = io::read_file(dir + "merges.txt");
    auto full = io::read_file(dir + "tokenizer.json");
    if (!vocab.is_ok() || !merges.is_ok() || !full.is_ok()) GTEST_SKIP() << dir << " incomplete";
    auto a = load_vocab_json(*vocab, *merges, "vocab.json", "merges.txt");
    auto b = load_tokenizer_json_dom(*full, "tokenizer.json");
    ASSERT_TRUE(a.is_ok()) << a.status().to_string();
    ASSERT_TRUE(b.is_ok()) << b.status().to_string();
    expect_same_model(*(*a)->model, *(*b)->model);
  }
}

// What the stream cannot take goes the DOM way, with its messages.
TEST(JsonStream, OddVocabJsonGivesTheDomResult) {
  const std::string merges = "#version: 0.2\na b\n";
  // A repeated key: the DOM keeps one.
  auto repeated = load_vocab_json(R"({"a": 0, "b": 1, "ab": 2, "a": 0})", merges, "v.json", "m.txt");
  ASSERT_TRUE(repeated.is_ok()) << repeated.status().to_string();
  EXPECT_EQ((*repeated)->model->vocab_size(), 3u);
  auto fractional = load_vocab_json(R"({"a": 0, "b": 1.5, "ab": 2})", merges, "v.json", "m.txt");
  ASSERT_FALSE(fractional.is_ok());
  EXPECT_NE(fractional.status().to_string().find("v.json: token 'b' has no integer id"), std::string::npos)
      << fractional.status().to_string();
  auto big = load_vocab_json(R"({"a": 0, "b": 4294967297, "ab": 2})", merges, "v.json", "m.txt");
  ASSERT_FALSE(big.is_ok());
  EXPECT_NE(big.status().to_string().find("4294967297"), std::string::npos) << big.status().to_string();
  auto cut = load_vocab_json(R"({"a": 0, "b": 1, "ab)", merges, "v.json", "m.txt");
  ASSERT_FALSE(cut.is_ok());
  EXPECT_NE(cut.status().to_string().find("v.json: malformed vocab.json"), std::string::npos)
      << cut.status().to_string();
  EXPECT_NE(cut.status().to_string().find("line 1, column "), std::string::npos) << cut.status().to_string();
  auto line = load_vocab_json(R"({"a": 0, "b": 1, "ab": 2})", merges + "ab a\n", "v.json", "m.txt");
  ASSERT_FALSE(line.is_ok());
  EXPECT_NE(line.status().to_string().find("m.txt line 3"), std::string::npos) << line.status().to_string();
}

TEST(JsonStream, ArenaKeepsStringsInPlace) {
  StringArena arena;
  std::vector<std::string_view> views;
  std::vector<std::string> copies;
  for (int i = 0; i < 5000; ++i) {
    copies.push_back(std::string(static_cast<size_t>(i % 700), static_cast<char>('a' + i % 26)));
    views.push_back(arena.add(copies.back()));
  }
  views.push_back(arena.add(std::string(3u << 20, 'x')));  // bigger than a block
  copies.push_back(std::string(3u << 20, 'x'));
  for (size_t i = 0; i < views.size(); ++i) ASSERT_EQ(views[i], copies[i]);
  EXPECT_NE(arena.add("").data(), nullptr);  // empty strings are not "no string"
}

}  // namespace
}  // namespace tokrec::tokenize
