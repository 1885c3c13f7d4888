// Fuzz target: a SentencePiece .model (protobuf ModelProto: pieces,
// trainer and normalizer specs, precompiled charsmap) loaded by
// Tokenizer::load from a file named tokenizer.model.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  const std::string path = fuzz::write_temp("tokenizer.model", fuzz::as_text(data, size));
  auto tok = tokenize::Tokenizer::load(path);
  if (!tok.is_ok()) {
    fuzz::check_error(tok.status());
    return 0;
  }
  fuzz::exercise_tokenizer(**tok);
  return 0;
}
