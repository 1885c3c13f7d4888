// Fuzz target: a GPT-2/RoBERTa vocab.json + merges.txt pair loaded by
// Tokenizer::load. Input layout: the vocab.json bytes, a NUL byte, the
// merges.txt bytes (no NUL: an empty merges.txt).
#include <cstring>

#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  const std::string_view all = fuzz::as_text(data, size);
  const size_t nul = all.find('\0');
  const std::string_view vocab = all.substr(0, nul);
  const std::string_view merges = nul == std::string_view::npos ? std::string_view() : all.substr(nul + 1);
  const std::string path = fuzz::write_temp("vocab.json", vocab);
  fuzz::write_temp("merges.txt", merges);
  auto tok = tokenize::Tokenizer::load(path);
  if (!tok.is_ok()) {
    fuzz::check_error(tok.status());
    return 0;
  }
  fuzz::exercise_tokenizer(**tok);
  return 0;
}
