// Replays tests/golden/data/components/components.jsonl, written by
// tests/golden/gen/component_sweep.js --write-golden from Hugging Face
// tokenizers 0.22: tokenizer.json variants (one per normalizer /
// pre-tokenizer / model / added-token / post-processor / decoder /
// truncation / padding option, and combinations real files do not use)
// and, for each, texts and pairs encoded with and without special tokens.
// Checked: ids, tokens (where tokrec's agree, see the generator),
// type ids, attention mask, special tokens mask, code-point offsets and
// decode with and without skip_special_tokens; variants HF refuses must be
// refused. A variant built on a real tokenizer.json reads it by path from
// the data cache / shared data ("cache:" / "shared:"), and is skipped with a
// message when that file is missing.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {
namespace {

using nlohmann::json;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "cache:REL" / "shared:REL" -> path.
std::string base_path(const std::string& ref) {
  const size_t colon = ref.find(':');
  const std::string root = ref.substr(0, colon);
  return std::string(root == "cache" ? TOKREC_CACHE_DATA : TOKREC_SHARED_DATA) + "/" + ref.substr(colon + 1);
}

// {"$base": KEY} inside a patch stands for the base file's entry KEY.
json resolve(const json& x, const json& base) {
  if (x.is_array()) {
    json out = json::array();
    for (const json& e : x) out.push_back(resolve(e, base));
    return out;
  }
  if (x.is_object()) {
    auto it = x.find("$base");
    if (it != x.end() && it->is_string()) return base.at(it->get<std::string>());
    json out = json::object();
    for (auto e = x.begin(); e != x.end(); ++e) out[e.key()] = resolve(e.value(), base);
    return out;
  }
  return x;
}

json offsets_json(const std::vector<Span>& spans) {
  json out = json::array();
  for (const auto& [s, e] : spans) out.push_back(json::array({s, e}));
  return out;
}

class ComponentsGolden : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string path = std::string(TOKREC_GOLDEN_DIR) + "/components/components.jsonl";
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << "missing " << path;
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      json j = json::parse(line);
      if (j.contains("variant")) {
        variants_.push_back(j.at("variant"));
      } else if (j.contains("case")) {
        cases_[j.at("case").at("variant").get<std::string>()].push_back(j.at("case"));
      }
    }
  }

  // The variant's tokenizer.json text; "" (and `missing` set) when its base
  // file is not there.
  std::string variant_json(const json& v, std::string* missing) {
    if (v.contains("json")) return v.at("json").dump();
    const std::string ref = v.at("base").get<std::string>();
    auto it = bases_.find(ref);
    if (it == bases_.end()) {
      const std::string text = read_text(base_path(ref));
      if (text.empty()) {
        *missing = base_path(ref);
        return {};
      }
      it = bases_.emplace(ref, json::parse(text)).first;
    }
    const json& base = it->second;
    json j = base;
    if (v.contains("patch"))
      for (auto e = v.at("patch").begin(); e != v.at("patch").end(); ++e) j[e.key()] = resolve(e.value(), base);
    if (v.contains("model_patch"))
      for (auto e = v.at("model_patch").begin(); e != v.at("model_patch").end(); ++e) j["model"][e.key()] = e.value();
    return j.dump();
  }

  std::vector<json> variants_;
  std::map<std::string, std::vector<json>> cases_;
  std::map<std::string, json> bases_;
};

TEST_F(ComponentsGolden, MatchesHuggingFace) {
  ASSERT_GT(variants_.size(), 20u);
  size_t checked = 0, skipped = 0;
  std::string skipped_files;
  for (const json& v : variants_) {
    const std::string name = v.at("name").get<std::string>();
    std::string missing;
    const std::string text = variant_json(v, &missing);
    if (text.empty()) {
      ++skipped;
      if (skipped_files.find(missing) == std::string::npos) skipped_files += " " + missing;
      continue;
    }
    auto tok = Tokenizer::from_json(text);
    if (v.value("load_error", false)) {
      EXPECT_FALSE(tok.is_ok()) << name << ": HF refuses this tokenizer.json, tokrec loads it";
      if (!tok.is_ok()) {
        EXPECT_FALSE(tok.status().message().empty()) << name;
      }
      ++checked;
      continue;
    }
    ASSERT_TRUE(tok.is_ok()) << name << ": " << tok.status().message();
    const auto& cs = cases_[name];
    EXPECT_FALSE(cs.empty()) << name;
    for (const json& c : cs) {
      const std::string a = c.at("text").get<std::string>();
      const bool is_pair = c.contains("pair");
      const std::string b = is_pair ? c.at("pair").get<std::string>() : std::string();
      for (const char* mode : {"plain", "special"}) {
        const json& want = c.at("expect").at(mode);
        EncodeOptions o;
        o.add_special_tokens = std::string(mode) == "special";
        o.with_offsets = true;
        auto enc = is_pair ? (*tok)->encode_pair(a, b, o) : (*tok)->encode(a, o);
        const std::string where = name + " [" + mode + "] " + json(a).dump() + (is_pair ? " / " + json(b).dump() : "");
        if (want.contains("error")) {
          EXPECT_FALSE(enc.is_ok()) << where << ": HF fails with " << want.at("error");
          continue;
        }
        ASSERT_TRUE(enc.is_ok()) << where << ": " << enc.status().message();
        EXPECT_EQ(json(enc->ids), want.at("ids")) << where;
        if (want.contains("tokens")) {
          EXPECT_EQ(json(enc->tokens), want.at("tokens")) << where;
        }
        // Absent: all ones (attention mask), all zeros (type ids, special
        // tokens mask), the same as decode (decode_skip).
        const size_t n = enc->ids.size();
        const auto field = [&](const char* key, int fill) {
          return want.contains(key) ? want.at(key) : json(std::vector<int32_t>(n, fill));
        };
        EXPECT_EQ(json(enc->type_ids), field("type_ids", 0)) << where;
        EXPECT_EQ(json(enc->attention_mask), field("attention_mask", 1)) << where;
        EXPECT_EQ(json(enc->special_tokens_mask), field("special_tokens_mask", 0)) << where;
        EXPECT_EQ(offsets_json(enc->char_offsets), want.at("offsets")) << where;
        const std::string decoded = want.at("decode").get<std::string>();
        EXPECT_EQ((*tok)->decode(enc->ids, false), decoded) << where;
        EXPECT_EQ((*tok)->decode(enc->ids, true), want.value("decode_skip", decoded)) << where;
      }
    }
    ++checked;
  }
  if (checked == 0) GTEST_SKIP() << "no referenced tokenizer file found:" << skipped_files;
  if (skipped) std::cout << "[ components ] " << skipped << " variants skipped, missing:" << skipped_files << "\n";
}

}  // namespace
}  // namespace tokrec::tokenize
