// Golden tests for the encoding API: text pairs, truncation strategies with
// stride and overflowing windows, padding side and multiple, the special
// tokens mask and code-point offsets must equal Hugging Face tokenizers' on
// every record of tests/golden/data/encoding/<tokenizer>.jsonl (made by
// tests/golden/gen/gen_encoding.js; its first line describes each
// configuration). Byte offsets are checked against the code-point ones. The
// synthetic-* goldens are char-level WordPiece tokenizers (their
// tokenizer.json is in the header) whose normalizers (NFD/NFC/NFKC,
// StripAccents, Lowercase, Replace, Prepend, Strip, BertNormalizer) move
// text around, so every char's offset checks the alignments.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tokrec/core/utf8.h"
#include "tokrec/tokenize/tokenizer.h"
#include "unit/tokenize/golden_files.h"

namespace tokrec::tokenize {
namespace {

using golden::split_lines;
using golden::read_or_empty;
using golden::data_path;

using nlohmann::json;

const std::string kGolden = std::string(TOKREC_GOLDEN_DIR) + "/";

EncodeOptions options_for(const json& cfg) {
  EncodeOptions o;
  o.use_file_defaults = false;
  o.add_special_tokens = cfg.at("special").get<bool>();
  o.with_offsets = true;
  o.with_tokens = false;  // offsets trimming must still see the tokens
  o.truncation = false;
  o.padding = Padding::kNone;
  if (cfg.contains("truncation")) {
    const json& t = cfg.at("truncation");
    o.truncation = true;
    o.max_length = t.at("max_length").get<size_t>();
    const std::string s = t.at("strategy").get<std::string>();
    o.truncation_strategy = s == "OnlyFirst"    ? TruncationStrategy::kOnlyFirst
                            : s == "OnlySecond" ? TruncationStrategy::kOnlySecond
                                                : TruncationStrategy::kLongestFirst;
    o.truncation_side = t.at("direction").get<std::string>() == "left" ? Side::kLeft : Side::kRight;
    o.stride = t.at("stride").get<size_t>();
  }
  if (cfg.contains("padding")) {
    const json& p = cfg.at("padding");
    if (p.contains("max_length")) {
      o.padding = Padding::kMaxLength;
      o.max_length = p.at("max_length").get<size_t>();
    } else {
      o.padding = Padding::kLongest;
    }
    o.padding_side = p.at("direction").get<std::string>() == "left" ? Side::kLeft : Side::kRight;
    o.pad_to_multiple_of = p.at("pad_to_multiple_of").get<size_t>();
    o.pad_id = p.at("pad_id").get<int32_t>();
    o.pad_type_id = p.at("pad_type_id").get<int32_t>();
  }
  return o;
}

// Differences between `e` and the golden record `g` ("" when identical).
std::string compare(const Encoding& e, const json& g) {
  std::string diff;
  const auto check = [&](const char* name, const std::vector<int32_t>& got) {
    std::vector<int32_t> want;
    if (g.contains(name)) {
      want = g.at(name).get<std::vector<int32_t>>();
    } else {
      want.assign(e.ids.size(), 1);  // attention_mask left out = all ones
    }
    if (got != want) diff += std::string(" ") + name;
  };
  check("ids", e.ids);
  check("type_ids", e.type_ids);
  check("special_tokens_mask", e.special_tokens_mask);
  check("attention_mask", e.attention_mask);
  std::vector<int32_t> offsets;
  for (const Span& o : e.char_offsets) {
    offsets.push_back(static_cast<int32_t>(o.first));
    offsets.push_back(static_cast<int32_t>(o.second));
  }
  if (offsets != g.at("offsets").get<std::vector<int32_t>>()) diff += " offsets";
  if (e.offsets.size() != e.ids.size()) diff += " byte-offsets-size";
  const size_t n_over = g.contains("overflowing") ? g.at("overflowing").size() : 0;
  if (e.overflowing.size() != n_over) {
    diff += " overflowing(" + std::to_string(e.overflowing.size()) + " vs " + std::to_string(n_over) + ")";
  } else {
    for (size_t k = 0; k < n_over; ++k) {
      const std::string d = compare(e.overflowing[k], g.at("overflowing")[k]);
      if (!d.empty()) diff += " overflowing[" + std::to_string(k) + "]:" + d;
    }
  }
  return diff;
}

// Byte offsets of one sequence's tokens give its code-point offsets.
void expect_bytes_match_chars(const Encoding& e, const std::string& text) {
  for (size_t k = 0; k < e.ids.size(); ++k) {
    const auto [b0, b1] = e.offsets[k];
    const auto [c0, c1] = e.char_offsets[k];
    ASSERT_LE(b1, text.size());
    EXPECT_EQ(utf8::length(std::string_view(text).substr(0, b0)), c0) << text << " token " << k;
    EXPECT_EQ(utf8::length(std::string_view(text).substr(0, b1)), c1) << text << " token " << k;
  }
}

class EncodingGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(EncodingGolden, MatchesHuggingFace) {
  const std::string name = GetParam();
  const std::string golden = read_or_empty(kGolden + "encoding/" + name + ".jsonl");
  ASSERT_FALSE(golden.empty()) << "missing golden " << name;
  const std::vector<std::string> lines = split_lines(golden);
  const json header = json::parse(lines.at(0));
  // Real tokenizers are read from the data; synthetic ones are in the header.
  Result<std::shared_ptr<const Tokenizer>> tok = Status::not_found("no tokenizer");
  if (header.contains("tokenizer_json")) {
    tok = Tokenizer::from_json(header.at("tokenizer_json").dump());
  } else {
    const std::string path = data_path(header.at("tokenizer").get<std::string>());
    if (path.empty()) GTEST_SKIP() << "tokenizer file not available: " << header.at("tokenizer");
    tok = Tokenizer::load(path);
  }
  ASSERT_TRUE(tok.is_ok()) << tok.status().to_string();
  const std::vector<std::string> texts =
      split_lines(read_or_empty(kGolden + "wordpiece/inputs_handwritten.txt"));
  ASSERT_FALSE(texts.empty());
  const auto second = [&](size_t i) { return texts[(i + 1) % texts.size()]; };

  // Records grouped by configuration, in file order.
  std::map<std::string, std::vector<json>> records;
  for (size_t k = 1; k < lines.size(); ++k) {
    json r = json::parse(lines[k]);
    records[r.at("c").get<std::string>()].push_back(std::move(r));
  }
  size_t checked = 0, failed = 0;
  for (const auto& [cname, cfg] : header.at("configs").items()) {
    const std::vector<json>& recs = records[cname];
    ASSERT_EQ(recs.size(), cfg.at("lines").size()) << cname;
    const EncodeOptions opts = options_for(cfg);
    const bool pair = cfg.at("pair").get<bool>();
    std::vector<Result<Encoding>> got;
    if (cfg.value("batch", false)) {
      auto run = [&]() -> Result<std::vector<Encoding>> {
        if (pair) {
          std::vector<std::pair<std::string, std::string>> in;
          for (const json& r : recs) in.emplace_back(texts[r.at("i").get<size_t>()], second(r.at("i").get<size_t>()));
          return (*tok)->encode_batch_pairs(in, opts);
        }
        std::vector<std::string> in;
        for (const json& r : recs) in.push_back(texts[r.at("i").get<size_t>()]);
        return (*tok)->encode_batch(in, opts);
      };
      auto batch = run();
      ASSERT_TRUE(batch.is_ok()) << cname << ": " << batch.status().to_string();
      for (Encoding& e : *batch) got.emplace_back(std::move(e));
    } else {
      for (const json& r : recs) {
        const size_t i = r.at("i").get<size_t>();
        got.push_back(pair ? (*tok)->encode_pair(texts[i], second(i), opts) : (*tok)->encode(texts[i], opts));
      }
    }
    for (size_t k = 0; k < recs.size(); ++k) {
      const json& r = recs[k];
      const size_t i = r.at("i").get<size_t>();
      ++checked;
      if (r.contains("error")) {
        if (got[k].is_ok()) {
          ++failed;
          ADD_FAILURE() << name << " " << cname << " line " << i << ": HF refuses (" << r.at("error")
                        << ") but tokrec encodes";
        }
        continue;
      }
      if (!got[k].is_ok()) {
        ++failed;
        ADD_FAILURE() << name << " " << cname << " line " << i << ": " << got[k].status().to_string();
        continue;
      }
      const std::string d = compare(*got[k], r);
      if (!d.empty()) {
        ++failed;
        if (failed <= 20) ADD_FAILURE() << name << " " << cname << " line " << i << " differs:" << d;
      }
      if (!pair && cname == "single") expect_bytes_match_chars(*got[k], texts[i]);
    }
  }
  EXPECT_EQ(failed, 0u) << "of " << checked;
  EXPECT_GE(checked, 40u);
}

INSTANTIATE_TEST_SUITE_P(Tokenizers, EncodingGolden,
                         ::testing::Values("bert-base-uncased", "roberta-base", "gpt2", "llama2",
                                           "synthetic-nfd-strip-lower",
                                           "synthetic-nfkc-replace-prepend",
                                           "synthetic-nfc-strip-bert"),
                         [](const ::testing::TestParamInfo<std::string>& p) {
                           std::string n = p.param;
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace tokrec::tokenize
