// File helpers shared by the tokenizer golden tests (HF, tiktoken,
// sentencepiece, llama.cpp goldens): reading, splitting and locating data.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
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
