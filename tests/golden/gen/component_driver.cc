// Runs tokrec's public API on the jobs of component_sweep.js, so that texts
// holding '\n' (which `tokrec tokenize` cannot take, one text per line) and
// decoded texts holding '\n' (which `tokrec detokenize` writes as is) keep
// their framing. Built by component_sweep.js against a build folder's
// libtokrec.a (the CLI's link line); not part of the build.
//
//   component_driver JOBS.jsonl OUT.jsonl
//
// JOBS: one JSON object per line, {"file": tokenizer.json path, "texts":
// [...], "pairs": [[a, b], ...]}. OUT: one line per job, {"load_error": msg}
// or {"single": [R...], "pairs": [R...]} where R = {"plain": E, "special": E}
// and E = {"ids", "tokens", "type_ids", "special_tokens_mask",
// "attention_mask", "offsets" (code points), "decode", "decode_skip"} (the
// decodes of E's ids) or {"error": msg}.
#include <fstream>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tokrec/tokenize/tokenizer.h"

namespace {

using nlohmann::json;
using tokrec::tokenize::Encoding;
using tokrec::tokenize::EncodeOptions;
using tokrec::tokenize::Tokenizer;

json encoding_json(const Tokenizer& tok, const tokrec::Result<Encoding>& r) {
  if (!r.is_ok()) return json{{"error", r.status().message()}};
  const Encoding& e = *r;
  json offsets = json::array();
  for (const auto& [s, t] : e.char_offsets) offsets.push_back(json::array({s, t}));
  return json{{"ids", e.ids},
              {"tokens", e.tokens},
              {"type_ids", e.type_ids},
              {"special_tokens_mask", e.special_tokens_mask},
              {"attention_mask", e.attention_mask},
              {"offsets", offsets},
              {"decode", tok.decode(e.ids, false)},
              {"decode_skip", tok.decode(e.ids, true)}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: component_driver JOBS.jsonl OUT.jsonl\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::ofstream out(argv[2], std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    const json job = json::parse(line);
    auto tok = Tokenizer::load(job.at("file").get<std::string>());
    if (!tok.is_ok()) {
      out << json{{"load_error", tok.status().message()}}.dump(-1, ' ', false, json::error_handler_t::replace)
          << '\n';
      continue;
    }
    EncodeOptions plain;
    plain.add_special_tokens = false;
    plain.with_offsets = true;
    EncodeOptions special = plain;
    special.add_special_tokens = true;
    json single = json::array(), pairs = json::array();
    for (const json& t : job.at("texts")) {
      const std::string text = t.get<std::string>();
      single.push_back(json{{"plain", encoding_json(**tok, (*tok)->encode(text, plain))},
                            {"special", encoding_json(**tok, (*tok)->encode(text, special))}});
    }
    for (const json& p : job.at("pairs")) {
      const std::string a = p.at(0).get<std::string>(), b = p.at(1).get<std::string>();
      pairs.push_back(json{{"plain", encoding_json(**tok, (*tok)->encode_pair(a, b, plain))},
                           {"special", encoding_json(**tok, (*tok)->encode_pair(a, b, special))}});
    }
    // Decoded text may be invalid UTF-8 (a byte-level token alone): replaced
    // by U+FFFD, as HF's decode does.
    out << json{{"single", single}, {"pairs", pairs}}.dump(-1, ' ', false, json::error_handler_t::replace)
        << '\n';
  }
  return 0;
}
