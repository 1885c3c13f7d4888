// Fuzz target: a tokenizer.json in memory (Tokenizer::from_json). Whatever it
// accepts must then encode and decode without crashing.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  auto tok = tokenize::Tokenizer::from_json(fuzz::as_text(data, size));
  if (!tok.is_ok()) {
    fuzz::check_error(tok.status());
    return 0;
  }
  fuzz::exercise_tokenizer(**tok);
  return 0;
}
