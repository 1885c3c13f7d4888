// Fuzz target: a BERT vocab.txt read by Tokenizer::load from a file.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  const std::string path = fuzz::write_temp("vocab.txt", fuzz::as_text(data, size));
  // Cased and uncased: the two pipelines a vocab.txt builds.
  for (bool lowercase : {true, false}) {
    tokenize::LoadOptions options;
    options.lowercase = lowercase;
    auto tok = tokenize::Tokenizer::load(path, options);
    if (!tok.is_ok()) {
      fuzz::check_error(tok.status());
      return 0;
    }
    fuzz::exercise_tokenizer(**tok);
  }
  return 0;
}
