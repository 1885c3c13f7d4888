// Fuzz target: a tiktoken rank file loaded by Tokenizer::load. The input is
// the file itself; its size picks the named encoding (size % 4), so every
// encoding's special tokens are tried against fuzzed ranks.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  static const char* const kEncodings[] = {"cl100k_base", "o200k_base", "llama3", "qwen"};
  const std::string path = fuzz::write_temp("ranks.tiktoken", fuzz::as_text(data, size));
  tokenize::LoadOptions options;
  options.encoding = kEncodings[size % 4];
  auto tok = tokenize::Tokenizer::load(path, options);
  if (!tok.is_ok()) {
    fuzz::check_error(tok.status());
    return 0;
  }
  fuzz::exercise_tokenizer(**tok);
  return 0;
}
