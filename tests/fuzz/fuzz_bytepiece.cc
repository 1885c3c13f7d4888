// Fuzz target: a BytePiece model (its JSON {base64(piece): [id, piece,
// count]}, or a .zip holding it) loaded by Tokenizer::load from a file.
#include "fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  const std::string_view content = fuzz::as_text(data, size);
  // The name follows the content, as a user's file would be named.
  const bool zip = content.size() >= 2 && content[0] == 'P' && content[1] == 'K';
  const std::string name = zip ? "bytepiece.zip" : "bytepiece.model";
  const std::string path = fuzz::write_temp(name, content);
  auto tok = tokenize::Tokenizer::load(path);
  fuzz::remove_temp(name);
  if (!tok.is_ok()) {
    fuzz::check_error(tok.status());
    return 0;
  }
  fuzz::exercise_tokenizer(**tok);
  return 0;
}
