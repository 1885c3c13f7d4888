// File helpers shared by the tokenizer golden tests (HF, tiktoken,
// sentencepiece, llama.cpp goldens): reading, splitting and locating data.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace tokrec::tokenize::golden {

// Lines without their '\n'; a final line without newline counts, a trailing
// newline adds no empty line.
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    lines.push_back(text.substr(pos, eol - pos));
    pos = eol + 1;
  }
  return lines;
}

// "1 2 3": the golden files' form of an id sequence.
inline std::string join_ids(const std::vector<int32_t>& ids) {
  std::string out;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out.push_back(' ');
    out += std::to_string(ids[i]);
  }
  return out;
}

// Plain ifstream, "" when missing: also usable while gtest instantiates
// parameterized tests (static initialization).
inline std::string read_or_empty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// `rel` under the data cache, else under the shared data; "" when neither has it.
inline std::string data_path(const std::string& rel) {
  for (const std::string& base : {std::string(TOKREC_CACHE_DATA), std::string(TOKREC_SHARED_DATA)}) {
    const std::string p = base + "/" + rel;
    std::error_code ec;
    if (std::filesystem::exists(p, ec)) return p;
  }
  return {};
}

// The inputs a golden manifest lists ({"inputs": [{"file", "lines"}], ...},
// written by the generators in tests/golden/gen), in the generator's order:
// text files whole or their first `lines` lines, JSON arrays of texts whole.
inline std::vector<std::string> manifest_texts(const nlohmann::json& m) {
  const std::string dir = std::string(TOKREC_GOLDEN_DIR) + "/";
  std::vector<std::string> t;
  for (const auto& in : m.at("inputs")) {
    const std::string file = in.at("file").get<std::string>();
    const std::string content = read_or_empty(dir + file);
    if (file.size() > 5 && file.compare(file.size() - 5, 5, ".json") == 0) {
      for (const auto& s : nlohmann::json::parse(content)) t.push_back(s.get<std::string>());
      continue;
    }
    std::vector<std::string> lines = split_lines(content);
    if (in.at("lines").is_number()) lines.resize(std::min(lines.size(), in.at("lines").get<size_t>()));
    t.insert(t.end(), lines.begin(), lines.end());
  }
  return t;
}

// The BPE goldens' inputs (tests/golden/data/bpe/manifest.json); empty when
// the list does not have the manifest's count (callers assert a non-empty list).
inline std::vector<std::string> bpe_golden_texts() {
  const nlohmann::json m =
      nlohmann::json::parse(read_or_empty(std::string(TOKREC_GOLDEN_DIR) + "/bpe/manifest.json"));
  std::vector<std::string> t = manifest_texts(m);
  if (t.size() != m.at("count").get<size_t>()) t.clear();
  return t;
}

// llama.cpp's .inp files: texts separated by "\n__ggml_vocab_test__\n".
inline std::vector<std::string> split_ggml_cases(const std::string& inp) {
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<std::string> texts;
  for (size_t pos = 0; pos < inp.size();) {
    size_t end = inp.find(sep, pos);
    if (end == std::string::npos) end = inp.size();
    texts.push_back(inp.substr(pos, end - pos));
    pos = end + sep.size();
  }
  return texts;
}

}  // namespace tokrec::tokenize::golden
