// Differential fuzz target: the streaming tokenizer.json reader
// (src/tokenize/json_stream.h) against the plain DOM path it replaces. The
// same input must give the same error message, or two tokenizers that agree
// on their description, vocabulary and the ids of a few words.
#include <algorithm>
#include <string>
#include <vector>

#include "fuzz_common.h"
#include "tokenize/tokenizer_impl.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec::tokenize;
  const std::string_view text = tokrec::fuzz::as_text(data, size);
  auto streamed = load_tokenizer_json(text, "fuzz.json");
  auto dom = load_tokenizer_json_dom(text, "fuzz.json");
  TOKREC_FUZZ_CHECK(streamed.is_ok() == dom.is_ok());
  if (!streamed.is_ok()) {
    tokrec::fuzz::check_error(streamed.status());
    TOKREC_FUZZ_CHECK(streamed.status().to_string() == dom.status().to_string());
    return 0;
  }
  const Tokenizer::Impl& a = **streamed;
  const Tokenizer::Impl& b = **dom;
  TOKREC_FUZZ_CHECK(a.normalizer_desc == b.normalizer_desc);
  TOKREC_FUZZ_CHECK(a.post_processor_desc == b.post_processor_desc);
  TOKREC_FUZZ_CHECK(a.added.tokens().size() == b.added.tokens().size());
  TOKREC_FUZZ_CHECK(a.model->type() == b.model->type());
  TOKREC_FUZZ_CHECK(a.model->vocab_size() == b.model->vocab_size());
  TOKREC_FUZZ_CHECK(a.model->id_bound() == b.model->id_bound());
  const auto bound = static_cast<int32_t>(std::min<size_t>(a.model->id_bound(), 4096));
  for (int32_t id = 0; id < bound; ++id) {
    const std::string_view t = a.model->id_to_token(id);
    TOKREC_FUZZ_CHECK(t == b.model->id_to_token(id));
    TOKREC_FUZZ_CHECK(a.model->token_to_id(t) == b.model->token_to_id(t));
  }
  std::vector<int32_t> ia, ib;
  for (const char* w : {"a", "ab", "abc", "hello", "Ġa", "▁the", "##s", "\xC3\xA9t\xC3\xA9", "\xff"}) {
    ia.clear();
    ib.clear();
    a.model->tokenize(w, ia);
    b.model->tokenize(w, ib);
    TOKREC_FUZZ_CHECK(ia == ib);
  }
  return 0;
}
