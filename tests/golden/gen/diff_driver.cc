// Encodes texts that may hold '\n' (which `tokrec tokenize` cannot take, one
// text per line) through tokrec's public API, for diff_check.js. Built by
// diff_check.js against a build folder's libtokrec.a; not part of the build.
//
//   diff_driver TOKENIZER plain|special ENCODING|- lowercase|cased|- INPUT OUTPUT
//
// INPUT: records "<byte length>\n<bytes>"; OUTPUT: one line of space-separated
// ids per record.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"

int main(int argc, char** argv) {
  if (argc != 7) {
    std::cerr << "usage: diff_driver TOKENIZER plain|special ENCODING|- lowercase|cased|- INPUT OUTPUT\n";
    return 2;
  }
  tokrec::tokenize::LoadOptions load;
  if (std::string(argv[3]) != "-") load.encoding = argv[3];
  if (std::string(argv[4]) == "cased") load.lowercase = false;
  auto tok = tokrec::tokenize::Tokenizer::load(argv[1], load);
  if (!tok.is_ok()) {
    std::cerr << "diff_driver: " << tok.status().message() << "\n";
    return 1;
  }
  tokrec::tokenize::EncodeOptions opt;
  opt.add_special_tokens = std::string(argv[2]) == "special";
  opt.with_tokens = false;

  std::ifstream in(argv[5], std::ios::binary);
  std::ofstream out(argv[6], std::ios::binary);
  std::string header;
  while (std::getline(in, header)) {
    std::string text(std::stoul(header), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    auto enc = (*tok)->encode(text, opt);
    if (!enc.is_ok()) {
      std::cerr << "diff_driver: " << enc.status().message() << "\n";
      return 1;
    }
    for (size_t i = 0; i < enc->ids.size(); ++i) out << (i ? " " : "") << enc->ids[i];
    out << '\n';
  }
  return 0;
}
