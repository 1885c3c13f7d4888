// EncodeOptions::with_tokens = false only skips the token strings (and
// with_masks = false the type ids and masks): ids, type ids and attention
// masks must be exactly those of a full encode, for every
// model (WordPiece, BPE merges, tiktoken ranks), post-processor template and
// truncation/padding combination.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {
namespace {

const std::string kCache = std::string(TOKREC_CACHE_DATA) + "/tokenizers/";
const std::string kGolden = std::string(TOKREC_GOLDEN_DIR);

std::vector<std::string> inputs() {
  std::vector<std::string> out = {"", " ", "Hello world", "[CLS] hello [SEP] [MASK] x",
                                  "I'm sure you're right, he'll go", "naïve café 東京 🙂"};
  if (auto edge = io::read_file(kGolden + "/bpe/inputs_edge.json"); edge.is_ok()) {
    for (const auto& s : nlohmann::json::parse(*edge)) out.push_back(s.get<std::string>());
  }
  if (auto random = io::read_file(kGolden + "/wordpiece/inputs_random.txt"); random.is_ok()) {
    size_t start = 0, n = 0;
    while (start < random->size() && n < 200) {
      size_t end = random->find('\n', start);
      if (end == std::string::npos) end = random->size();
      out.push_back(random->substr(start, end - start));
      start = end + 1;
      ++n;
    }
  }
  return out;
}

std::vector<EncodeOptions> option_sets() {
  std::vector<EncodeOptions> sets(7);
  sets[1].add_special_tokens = false;
  sets[2].max_length = 8;
  sets[3].max_length = 12;
  sets[3].padding = Padding::kMaxLength;
  sets[4].padding = Padding::kLongest;
  sets[5].add_special_tokens = false;
  sets[5].max_length = 5;
  sets[5].padding = Padding::kMaxLength;
  sets[6].padding = Padding::kLongest;
  sets[6].pad_to_multiple_of = 8;
  sets[6].padding_side = Side::kLeft;
  return sets;
}

// Compares full and ids-only encodings of every input, one by one and in a batch.
void expect_same_ids(const Tokenizer& tok, const std::string& label) {
  const std::vector<std::string> texts = inputs();
  const std::vector<EncodeOptions> sets = option_sets();
  for (size_t s = 0; s < sets.size(); ++s) {
    EncodeOptions full = sets[s];
    EncodeOptions ids_only = sets[s];
    ids_only.with_tokens = false;
    EncodeOptions no_masks = ids_only;
    no_masks.with_masks = false;
    auto a = tok.encode_batch(texts, full, 2);
    auto b = tok.encode_batch(texts, ids_only, 2);
    auto c = tok.encode_batch(texts, no_masks, 2);
    // The flat batch (with_tokens ignored there) holds the same rows.
    auto flat = tok.encode_batch_flat(texts, full, 2);
    auto flat_ids = tok.encode_batch_flat(texts, no_masks, 3);
    ASSERT_EQ(a.is_ok(), flat.is_ok()) << label << " options " << s;
    ASSERT_EQ(a.is_ok(), flat_ids.is_ok()) << label << " options " << s;
    // Options the tokenizer cannot honour (padding without a pad token) fail alike.
    ASSERT_EQ(a.is_ok(), b.is_ok()) << label << " options " << s;
    ASSERT_EQ(a.is_ok(), c.is_ok()) << label << " options " << s;
    if (!a.is_ok()) continue;
    ASSERT_EQ(a->size(), texts.size());
    ASSERT_EQ(c->size(), texts.size());
    for (size_t i = 0; i < texts.size(); ++i) {
      const Encoding& x = (*a)[i];
      const Encoding& y = (*b)[i];
      const Encoding& z = (*c)[i];
      const std::string where = label + " options " + std::to_string(s) + " text " + std::to_string(i);
      EXPECT_EQ(x.ids, y.ids) << where;
      // with_masks = false: the same ids (padding included), nothing else.
      EXPECT_EQ(x.ids, z.ids) << where;
      ASSERT_EQ(flat->rows(), texts.size());
      const size_t at = flat->row_offsets[i];
      const auto row = [&](const std::vector<int32_t>& v) {
        return std::vector<int32_t>(v.begin() + static_cast<long>(at),
                                    v.begin() + static_cast<long>(at + flat->row_length(i)));
      };
      EXPECT_EQ(row(flat->ids), x.ids) << where << " (flat)";
      EXPECT_EQ(row(flat->type_ids), x.type_ids) << where << " (flat)";
      EXPECT_EQ(row(flat->attention_mask), x.attention_mask) << where << " (flat)";
      EXPECT_EQ(row(flat->special_tokens_mask), x.special_tokens_mask) << where << " (flat)";
      ASSERT_EQ(flat_ids->row_offsets, flat->row_offsets) << where;
      EXPECT_TRUE(flat_ids->type_ids.empty() && flat_ids->attention_mask.empty() &&
                  flat_ids->special_tokens_mask.empty())
          << where;
      EXPECT_TRUE(std::equal(x.ids.begin(), x.ids.end(), flat_ids->row_ids(i))) << where << " (flat ids)";
      EXPECT_TRUE(z.type_ids.empty() && z.attention_mask.empty() && z.special_tokens_mask.empty() &&
                  z.tokens.empty())
          << where;
      ASSERT_EQ(x.overflowing.size(), z.overflowing.size()) << where;
      for (size_t k = 0; k < x.overflowing.size(); ++k) EXPECT_EQ(x.overflowing[k].ids, z.overflowing[k].ids) << where;
      EXPECT_EQ(x.type_ids, y.type_ids) << where;
      EXPECT_EQ(x.attention_mask, y.attention_mask) << where;
      EXPECT_TRUE(y.tokens.empty()) << where;
      ASSERT_EQ(x.tokens.size(), x.ids.size()) << where;
      for (size_t k = 0; k < x.ids.size(); ++k) {
        if (x.attention_mask[k] == 1) {
          EXPECT_EQ(x.tokens[k], tok.id_to_token(x.ids[k])) << where;
        }
      }
      // Single encode agrees with the batch (kLongest pads only batches).
      if (sets[s].padding == Padding::kLongest) continue;
      auto single = tok.encode(texts[i], ids_only);
      ASSERT_TRUE(single.is_ok()) << where;
      EXPECT_EQ(single->ids, x.ids) << where;
      EXPECT_EQ(single->attention_mask, x.attention_mask) << where;
      EXPECT_TRUE(single->tokens.empty()) << where;
    }
  }
}

TEST(WithTokens, SameIdsOnRealTokenizers) {
  const std::vector<std::string> paths = {
      "bert-base-uncased/tokenizer.json", "bert-base-uncased/vocab.txt",
      "bert-base-chinese",                "gpt2/tokenizer.json",
      "gpt2/vocab.json",                  "roberta-base",
      "llama2",                           "phi-3",
      "tiktoken/o200k_base.tiktoken",     "tiktoken/cl100k_base.tiktoken"};
  size_t tested = 0;
  for (const std::string& p : paths) {
    if (!io::file_exists(kCache + p) && !io::file_exists(kCache + p + "/tokenizer.json")) continue;
    auto tok = Tokenizer::load(kCache + p);
    ASSERT_TRUE(tok.is_ok()) << p << ": " << tok.status().to_string();
    expect_same_ids(**tok, p);
    ++tested;
  }
  if (tested == 0) GTEST_SKIP() << "no tokenizer files (run scripts/fetch-data.sh)";
}

// Templates with special tokens on both sides, left padding, and a template
// that repeats $A (the post-processor's general path).
nlohmann::json template_json(const nlohmann::json& single, bool pad_left) {
  nlohmann::json vocab = nlohmann::json::object();
  const std::vector<std::string> tokens = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello",
                                           "world", "##s",   "a",     "b"};
  for (size_t i = 0; i < tokens.size(); ++i) vocab[tokens[i]] = i;
  nlohmann::json added = nlohmann::json::array();
  for (int id : {0, 1, 2, 3})
    added.push_back({{"id", id}, {"content", tokens[static_cast<size_t>(id)]}, {"single_word", false},
                     {"lstrip", false}, {"rstrip", false}, {"normalized", false}, {"special", true}});
  auto special = [&](const std::string& t) {
    return nlohmann::json{{"id", t}, {"ids", {vocab.at(t)}}, {"tokens", {t}}};
  };
  return {
      {"version", "1.0"},
      {"truncation", {{"direction", "Left"}, {"max_length", 7}, {"strategy", "LongestFirst"}, {"stride", 0}}},
      {"padding",
       {{"strategy", {{"Fixed", 9}}}, {"direction", pad_left ? "Left" : "Right"}, {"pad_to_multiple_of", nullptr},
        {"pad_id", 0}, {"pad_type_id", 1}, {"pad_token", "[PAD]"}}},
      {"added_tokens", added},
      {"normalizer", {{"type", "BertNormalizer"}, {"clean_text", true}, {"handle_chinese_chars", true},
                      {"strip_accents", nullptr}, {"lowercase", true}}},
      {"pre_tokenizer", {{"type", "BertPreTokenizer"}}},
      {"post_processor",
       {{"type", "TemplateProcessing"}, {"single", single}, {"pair", single},
        {"special_tokens", {{"[CLS]", special("[CLS]")}, {"[SEP]", special("[SEP]")}}}}},
      {"decoder", nullptr},
      {"model",
       {{"type", "WordPiece"}, {"unk_token", "[UNK]"}, {"continuing_subword_prefix", "##"},
        {"max_input_chars_per_word", 100}, {"vocab", vocab}}},
  };
}

nlohmann::json sp(const std::string& t, int type) {
  return {{"SpecialToken", {{"id", t}, {"type_id", type}}}};
}
nlohmann::json seq(int type) { return {{"Sequence", {{"id", "A"}, {"type_id", type}}}}; }

TEST(WithTokens, SameIdsOnTemplatesAndPadding) {
  const std::vector<nlohmann::json> singles = {
      nlohmann::json::array({sp("[CLS]", 0), sp("[CLS]", 0), seq(1), sp("[SEP]", 1)}),
      nlohmann::json::array({seq(0), sp("[SEP]", 1), sp("[SEP]", 1)}),
      nlohmann::json::array({sp("[CLS]", 0), seq(1), sp("[SEP]", 0), seq(1)}),
  };
  for (size_t t = 0; t < singles.size(); ++t) {
    for (bool left : {false, true}) {
      auto tok = Tokenizer::from_json(template_json(singles[t], left).dump());
      ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
      expect_same_ids(**tok, "template " + std::to_string(t) + (left ? " left" : " right"));
      // The template is applied: "hellos world" = hello ##s world.
      EncodeOptions ids_only;
      ids_only.with_tokens = false;
      auto e = (*tok)->encode("hellos world", ids_only);
      ASSERT_TRUE(e.is_ok());
      EXPECT_EQ(e->ids.size(), 9u);
    }
  }
}

TEST(FlatBatch, EmptyBatchErrorsAndThreads) {
  auto tok = Tokenizer::from_json(
      template_json(nlohmann::json::array({sp("[CLS]", 0), seq(0), sp("[SEP]", 0)}), false).dump());
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  auto empty = (*tok)->encode_batch_flat({}, {}, 2);
  ASSERT_TRUE(empty.is_ok());
  EXPECT_EQ(empty->rows(), 0u);
  EXPECT_EQ(empty->row_offsets, std::vector<size_t>{0});

  EncodeOptions offsets;
  offsets.with_offsets = true;
  auto no_offsets = (*tok)->encode_batch_flat({"hello"}, offsets, 1);
  ASSERT_FALSE(no_offsets.is_ok());
  EXPECT_NE(no_offsets.status().message().find("offsets"), std::string::npos);

  // The first invalid text in input order is named, whichever thread met it.
  std::vector<std::string> texts(5000, "hello world");
  texts[4321] = "bad \xff byte";
  texts[4999] = "also \xfe bad";
  auto bad = (*tok)->encode_batch_flat(texts, {}, 3);
  ASSERT_FALSE(bad.is_ok());
  EXPECT_NE(bad.status().to_string().find("text 4321"), std::string::npos) << bad.status().to_string();

  // Any thread count gives the same arrays (fixed padding 9 from the file).
  texts[4321] = texts[4999] = "hellos a b world";
  auto one = (*tok)->encode_batch_flat(texts, {}, 1);
  auto three = (*tok)->encode_batch_flat(texts, {}, 3);
  ASSERT_TRUE(one.is_ok() && three.is_ok());
  EXPECT_EQ(one->ids, three->ids);
  EXPECT_EQ(one->attention_mask, three->attention_mask);
  EXPECT_EQ(one->row_offsets, three->row_offsets);
  EXPECT_EQ(one->ids.size(), texts.size() * 9);
}

}  // namespace
}  // namespace tokrec::tokenize
