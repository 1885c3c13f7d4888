// Behaviour of the WordPiece pipeline on small hand-made vocabularies and on
// the real BERT files: normalization rules, pre-tokenization, greedy
// matching, added tokens, truncation/padding options, errors.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {
namespace {

const std::string kCache = std::string(TOKREC_CACHE_DATA) + "/tokenizers/";

// A tokenizer.json with a tiny WordPiece vocabulary.
nlohmann::json small_json(const std::vector<std::string>& tokens, nlohmann::json normalizer) {
  nlohmann::json vocab = nlohmann::json::object();
  for (size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = i;
  auto id = [&](const std::string& t) { return vocab.at(t).get<int>(); };
  nlohmann::json added = nlohmann::json::array();
  for (const char* t : {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}) {
    if (!vocab.contains(t)) continue;
    added.push_back({{"id", id(t)}, {"content", t}, {"single_word", false}, {"lstrip", false},
                     {"rstrip", false}, {"normalized", false}, {"special", true}});
  }
  return {
      {"version", "1.0"},
      {"truncation", nullptr},
      {"padding", nullptr},
      {"added_tokens", added},
      {"normalizer", normalizer},
      {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
      {"post_processor",
       {{"type", "BertProcessing"}, {"sep", {"[SEP]", id("[SEP]")}}, {"cls", {"[CLS]", id("[CLS]")}}}},
      {"model",
       {{"type", "WordPiece"},
        {"unk_token", "[UNK]"},
        {"continuing_subword_prefix", "##"},
        {"max_input_chars_per_word", 10},
        {"vocab", vocab}}},
  };
}

nlohmann::json bert_normalizer(bool lowercase, nlohmann::json strip = nullptr) {
  return {{"type", "BertNormalizer"}, {"clean_text", true}, {"handle_chinese_chars", true},
          {"strip_accents", strip}, {"lowercase", lowercase}};
}

const std::vector<std::string> kSmallVocab = {
    "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "##aff", "##able", "hello", "world", ",",
    "!",     "cafe",  "café",  "a",     "##b",    "中",  "文",     "i",      "##̇", "σ",     "##σ",
    "ς",     "x",     "##x",   "straße", "Hello"};

std::shared_ptr<const Tokenizer> small(nlohmann::json normalizer) {
  auto r = Tokenizer::from_json(small_json(kSmallVocab, std::move(normalizer)).dump());
  EXPECT_TRUE(r.is_ok()) << r.status().to_string();
  return r.is_ok() ? *r : nullptr;
}

std::vector<std::string> tokens_of(const Tokenizer& t, std::string_view text, bool special = false) {
  EncodeOptions o;
  o.add_special_tokens = special;
  auto e = t.encode(text, o);
  EXPECT_TRUE(e.is_ok()) << e.status().to_string();
  return e.is_ok() ? e->tokens : std::vector<std::string>{};
}

using V = std::vector<std::string>;

TEST(WordPiece, GreedyLongestMatchAndUnk) {
  auto t = small(bert_normalizer(true));
  EXPECT_EQ(tokens_of(*t, "unaffable"), (V{"un", "##aff", "##able"}));
  EXPECT_EQ(tokens_of(*t, "unaffablez"), (V{"[UNK]"}));  // one failing piece -> whole word
  EXPECT_EQ(tokens_of(*t, "abbb"), (V{"a", "##b", "##b", "##b"}));
  // max_input_chars_per_word = 10 chars (not bytes).
  V ten{"x"};
  for (int i = 0; i < 9; ++i) ten.push_back("##x");
  EXPECT_EQ(tokens_of(*t, "xxxxxxxxxx"), ten);
  EXPECT_EQ(tokens_of(*t, "xxxxxxxxxxx"), (V{"[UNK]"}));
}

TEST(BertNormalizer, CleanTextChineseAccentsLowercase) {
  auto t = small(bert_normalizer(true));
  EXPECT_EQ(tokens_of(*t, "Hello,\tWORLD!"), (V{"hello", ",", "world", "!"}));
  EXPECT_EQ(tokens_of(*t, "Ca\u0301fe\u0301"), (V{"cafe"}));          // NFD + drop Mn
  EXPECT_EQ(tokens_of(*t, "CAF\u00c9"), (V{"cafe"}));
  EXPECT_EQ(tokens_of(*t, "hel\u200blo"), (V{"hello"}));              // Cf dropped
  EXPECT_EQ(tokens_of(*t, "hel\u0001lo\u00a0world"), (V{"hello", "world"}));  // Cc dropped, NBSP = space
  EXPECT_EQ(tokens_of(*t, "a\ufffdb"), (V{"a", "##b"}));              // U+FFFD dropped
  EXPECT_EQ(tokens_of(*t, "中文"), (V{"中", "文"}));                   // CJK padded with spaces
  EXPECT_EQ(tokens_of(*t, "\u0378"), (V{"[UNK]"}));                   // Cn kept, as HF's Rust core
  // Final sigma is not context-sensitive: Σ -> σ everywhere.
  EXPECT_EQ(tokens_of(*t, "ΣΣ"), (V{"σ", "##σ"}));
}

TEST(BertNormalizer, StripAccentsFollowsLowercase) {
  auto cased = small(bert_normalizer(false));
  EXPECT_EQ(tokens_of(*cased, "café"), (V{"café"}));  // no strip when lowercase=false
  EXPECT_EQ(tokens_of(*cased, "Hello"), (V{"Hello"}));
  auto strip = small(bert_normalizer(false, true));
  EXPECT_EQ(tokens_of(*strip, "café"), (V{"cafe"}));
  // lowercase without strip: U+0130 lowercases to "i" + U+0307 (Rust to_lowercase).
  auto nostrip = small(bert_normalizer(true, false));
  EXPECT_EQ(tokens_of(*nostrip, "\u0130"), (V{"i", "##\u0307"}));
}

TEST(AddedTokens, MatchedInRawTextBeforeNormalization) {
  auto t = small(bert_normalizer(true));
  EXPECT_EQ(tokens_of(*t, "hello [MASK] world"), (V{"hello", "[MASK]", "world"}));
  EXPECT_EQ(tokens_of(*t, "hello[MASK]world"), (V{"hello", "[MASK]", "world"}));
  EXPECT_EQ(tokens_of(*t, "[mask]"), (V{"[UNK]", "[UNK]", "[UNK]"}));  // not normalized: case matters
  EXPECT_EQ(tokens_of(*t, "[CLS][SEP]", true), (V{"[CLS]", "[CLS]", "[SEP]", "[SEP]"}));
}

TEST(AddedTokens, LeftmostLongest) {
  auto j = small_json(kSmallVocab, bert_normalizer(true));
  j["model"]["vocab"]["[MASK]x"] = 100;
  j["added_tokens"].push_back({{"id", 100}, {"content", "[MASK]x"}, {"single_word", false},
                               {"lstrip", false}, {"rstrip", false}, {"normalized", false},
                               {"special", true}});
  auto t = Tokenizer::from_json(j.dump());
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  EXPECT_EQ(tokens_of(**t, "a[MASK]xx[MASK]"), (V{"a", "[MASK]x", "x", "[MASK]"}));
}

TEST(Encode, SpecialTokensTruncationPadding) {
  auto t = small(bert_normalizer(true));
  EncodeOptions o;
  auto e = t->encode("hello world", o);
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->tokens, (V{"[CLS]", "hello", "world", "[SEP]"}));
  EXPECT_EQ(e->type_ids, (std::vector<int32_t>{0, 0, 0, 0}));
  EXPECT_EQ(e->attention_mask, (std::vector<int32_t>{1, 1, 1, 1}));

  o.max_length = 3;  // alone implies truncation; special tokens count
  e = t->encode("hello world !", o);
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->tokens, (V{"[CLS]", "hello", "[SEP]"}));

  o.max_length = 6;
  o.padding = Padding::kMaxLength;
  e = t->encode("hello", o);
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->tokens, (V{"[CLS]", "hello", "[SEP]", "[PAD]", "[PAD]", "[PAD]"}));
  EXPECT_EQ(e->ids, (std::vector<int32_t>{2, 8, 3, 0, 0, 0}));
  EXPECT_EQ(e->attention_mask, (std::vector<int32_t>{1, 1, 1, 0, 0, 0}));

  EncodeOptions bad;
  bad.truncation = true;  // no max_length anywhere
  EXPECT_FALSE(t->encode("x", bad).is_ok());
}

TEST(Encode, InvalidUtf8IsAnError) {
  auto t = small(bert_normalizer(true));
  auto e = t->encode(std::string("ab\xff", 3));
  ASSERT_FALSE(e.is_ok());
  EXPECT_NE(e.status().message().find("UTF-8"), std::string::npos);
  auto b = t->encode_batch({"ok", std::string("\xc3", 1)});
  ASSERT_FALSE(b.is_ok());
  EXPECT_NE(b.status().message().find("text 1"), std::string::npos);
}

TEST(BertBaseUncased, FileDefaultsTruncateAndPadTo128) {
  auto t = Tokenizer::load(kCache + "bert-base-uncased");  // folder -> tokenizer.json
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  auto e = (*t)->encode("Hello world");
  ASSERT_TRUE(e.is_ok());
  ASSERT_EQ(e->ids.size(), 128u);
  EXPECT_EQ(std::vector<int32_t>(e->ids.begin(), e->ids.begin() + 5),
            (std::vector<int32_t>{101, 7592, 2088, 102, 0}));
  EXPECT_EQ(e->attention_mask[3], 1);
  EXPECT_EQ(e->attention_mask[4], 0);
  EXPECT_EQ(e->tokens[4], "[PAD]");

  std::string long_text;
  for (int i = 0; i < 300; ++i) long_text += "word ";
  e = (*t)->encode(long_text);
  ASSERT_TRUE(e.is_ok());
  ASSERT_EQ(e->ids.size(), 128u);
  EXPECT_EQ(e->ids.back(), 102);

  EncodeOptions plain;
  plain.add_special_tokens = false;  // no file truncation/padding then
  e = (*t)->encode(long_text, plain);
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->ids.size(), 300u);
  plain.padding = Padding::kMaxLength;  // ...unless asked: the file's length
  e = (*t)->encode("hello", plain);
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->ids.size(), 128u);

  EncodeOptions ml;
  ml.max_length = 8;  // replaces both the truncation and the Fixed padding length
  e = (*t)->encode(long_text, ml);
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->ids.size(), 8u);
  e = (*t)->encode("hi", ml);
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->ids.size(), 8u);

  EXPECT_EQ((*t)->vocab_size(), 30522u);
  EXPECT_EQ((*t)->token_to_id("[MASK]"), 103);
  EXPECT_EQ((*t)->id_to_token(7592), "hello");
  EXPECT_EQ((*t)->id_to_token(-1), "");
  EXPECT_EQ((*t)->id_to_token(1 << 30), "");
  EXPECT_EQ((*t)->pad_token_id(), 0);
  EXPECT_EQ((*t)->num_special_tokens(), 2u);
}

TEST(Batch, LongestPaddingAndThreadsGiveSameResult) {
  auto t = Tokenizer::load(kCache + "bert-base-uncased/vocab.txt");
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  std::vector<std::string> texts;
  for (int i = 0; i < 500; ++i) texts.push_back(std::string(static_cast<size_t>(i % 17), 'a') + " Héllo wörld " + std::to_string(i));
  EncodeOptions o;
  auto one = (*t)->encode_batch(texts, o, 1);
  auto four = (*t)->encode_batch(texts, o, 4);
  ASSERT_TRUE(one.is_ok() && four.is_ok());
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ((*one)[i].ids, (*four)[i].ids);
    auto single = (*t)->encode(texts[i], o);
    ASSERT_TRUE(single.is_ok());
    EXPECT_EQ(single->ids, (*one)[i].ids);
  }
  o.padding = Padding::kLongest;
  auto padded = (*t)->encode_batch({"a", "hello world again", ""}, o, 2);
  ASSERT_TRUE(padded.is_ok());
  for (const auto& e : *padded) EXPECT_EQ(e.ids.size(), 5u);
  EXPECT_EQ((*padded)[2].attention_mask, (std::vector<int32_t>{1, 1, 0, 0, 0}));
}

TEST(Load, VocabTxtDefaultsAndCased) {
  auto unc = Tokenizer::load(kCache + "bert-base-cased/vocab.txt");
  LoadOptions cased_opts;
  cased_opts.lowercase = false;
  auto cased = Tokenizer::load(kCache + "bert-base-cased/vocab.txt", cased_opts);
  ASSERT_TRUE(unc.is_ok() && cased.is_ok());
  EXPECT_EQ(tokens_of(**cased, "Hello World"), (V{"Hello", "World"}));
  EXPECT_EQ(tokens_of(**unc, "Hello Café"), (V{"hello", "cafe"}));
  EXPECT_EQ(tokens_of(**cased, "a [MASK] b", true), (V{"[CLS]", "a", "[MASK]", "b", "[SEP]"}));
  // A bare vocab.txt adds no truncation or padding.
  std::string long_text;
  for (int i = 0; i < 600; ++i) long_text += "x ";
  auto e = (*cased)->encode(long_text);
  ASSERT_TRUE(e.is_ok());
  EXPECT_EQ(e->ids.size(), 602u);
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("tokrec_tok_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
             std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string write(const std::string& name, const std::string& content) {
    std::string p = (path_ / name).string();
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

TEST(Load, ErrorsNameTheProblem) {
  TempDir dir;
  auto expect_error = [](const Result<std::shared_ptr<const Tokenizer>>& r, const std::string& needle) {
    ASSERT_FALSE(r.is_ok());
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  };
  expect_error(Tokenizer::load(dir.path() + "/missing.txt"), "not found");
  expect_error(Tokenizer::load(dir.path()), "has no tokenizer.json");
  expect_error(Tokenizer::load(dir.write("empty.txt", "")), "empty");
  expect_error(Tokenizer::load(dir.write("dup.txt", "[UNK]\na\nb\na\n")), "line 4: duplicate token 'a' (first on line 2)");
  expect_error(Tokenizer::load(dir.write("blank.txt", "[UNK]\n\nb\n")), "line 2: empty token");
  expect_error(Tokenizer::load(dir.write("nounk.txt", "a\nb\n")), "[UNK]");
  expect_error(Tokenizer::load(dir.write("bad.json", "{\"model\": ")), "malformed");
  auto j = small_json(kSmallVocab, bert_normalizer(true));
  // Component types tokrec does not know are named (made-up names, so the
  // test stays valid as more HF components are implemented).
  j["model"]["type"] = "NoSuchModel";
  expect_error(Tokenizer::load(dir.write("bpe.json", j.dump())), "unsupported model type 'NoSuchModel'");
  j = small_json(kSmallVocab, {{"type", "NoSuchNormalizer"}});
  expect_error(Tokenizer::load(dir.write("norm.json", j.dump())), "normalizer: unsupported normalizer type 'NoSuchNormalizer'");
  j = small_json(kSmallVocab, nullptr);
  j["pre_tokenizer"] = {{"type", "NoSuchPreTokenizer"}};
  expect_error(Tokenizer::load(dir.write("pre.json", j.dump())), "unsupported pre_tokenizer type 'NoSuchPreTokenizer'");
  // CRLF vocab files work.
  auto crlf = Tokenizer::load(dir.write("crlf.txt", "[UNK]\r\n[CLS]\r\n[SEP]\r\nab\r\n"));
  ASSERT_TRUE(crlf.is_ok()) << crlf.status().to_string();
  EXPECT_EQ((*crlf)->token_to_id("ab"), 3);
}

}  // namespace
}  // namespace tokrec::tokenize
