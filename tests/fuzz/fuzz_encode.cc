// Fuzz target: arbitrary bytes through loaded real tokenizers. Valid UTF-8
// must encode; invalid UTF-8 must be a clean InvalidArgument; nothing may
// crash. The tokenizers are the shared reference files (read by path; those
// missing are skipped) plus two tiny built-in ones, so the target runs
// anywhere.
//
// Input layout: byte 0 picks the tokenizer (byte % count) and the options
// (bit 7: no special tokens, bit 6: no tokens, bit 5: truncate to 1..16
// tokens given by byte 1, bit 4: offsets); the text is the remaining bytes.
#include <memory>

#include "fuzz_common.h"
#include "tokrec/core/utf8.h"

namespace {

using tokrec::tokenize::Tokenizer;

constexpr const char* kTinyWordPiece = R"({"normalizer": {"type": "BertNormalizer"},
  "pre_tokenizer": {"type": "BertPreTokenizer"},
  "model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab":
    {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "a": 3, "##b": 4, "ab": 5, "中": 6}},
  "post_processor": {"type": "BertProcessing", "cls": ["[CLS]", 1], "sep": ["[SEP]", 2]},
  "decoder": {"type": "WordPiece"}})";

constexpr const char* kTinyByteBpe = R"({"pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false},
  "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "Ġ": 3, "Ġa": 4},
            "merges": ["a b", "Ġ a"]},
  "decoder": {"type": "ByteLevel"}})";

std::vector<std::shared_ptr<const Tokenizer>> load_all() {
  std::vector<std::shared_ptr<const Tokenizer>> out;
  for (const char* json : {kTinyWordPiece, kTinyByteBpe}) {
    auto t = Tokenizer::from_json(json);
    if (!t.is_ok()) {
      std::fprintf(stderr, "built-in tokenizer: %s\n", t.status().to_string().c_str());
      std::abort();
    }
    out.push_back(std::move(t).value());
  }
  const std::string base = tokrec::fuzz::shared_data() + "/tokenizers/";
  for (const char* rel : {"bert-base-uncased/tokenizer.json", "gpt2/tokenizer.json",
                          "roberta-base", "tiktoken/o200k_base.tiktoken",
                          "tiktoken/cl100k_base.tiktoken", "llama2/tokenizer.json",
                          "phi-3/tokenizer.json", "t5-small/tokenizer.json",
                          "bert-base-chinese/tokenizer.json", "llama2/tokenizer.model",
                          "bytepiece/bytepiece_80k.zip"}) {
    auto t = Tokenizer::load(base + rel);
    if (t.is_ok()) {
      out.push_back(std::move(t).value());
    } else if (std::getenv("TOKREC_FUZZ_VERBOSE")) {
      std::fprintf(stderr, "fuzz_encode: skipping %s: %s\n", rel, t.status().to_string().c_str());
    }
  }
  return out;
}

const std::vector<std::shared_ptr<const Tokenizer>>& tokenizers() {
  static const auto all = load_all();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)tokenizers();  // load once, outside the timed runs
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace tokrec;
  if (size == 0) return 0;
  const auto& all = tokenizers();
  const uint8_t mode = data[0];
  const Tokenizer& tok = *all[mode % all.size()];
  tokenize::EncodeOptions o;
  o.add_special_tokens = !(mode & 0x80);
  o.with_tokens = !(mode & 0x40);
  if ((mode & 0x20) && size > 1) o.max_length = static_cast<size_t>(data[1] % 16) + 1;
  o.with_offsets = (mode & 0x10) != 0;
  const std::string_view text = fuzz::as_text(data + 1, size - 1);
  auto enc = tok.encode(text, o);
  if (!utf8::is_valid(text)) {
    TOKREC_FUZZ_CHECK(!enc.is_ok());
    TOKREC_FUZZ_CHECK(enc.status().code() == StatusCode::kInvalidArgument);
    TOKREC_FUZZ_CHECK(enc.status().message().find("UTF-8") != std::string::npos);
    return 0;
  }
  if (!enc.is_ok()) {
    std::fprintf(stderr, "valid text refused: %s\n", enc.status().to_string().c_str());
    std::abort();
  }
  TOKREC_FUZZ_CHECK(enc->ids.size() == enc->attention_mask.size());
  TOKREC_FUZZ_CHECK(o.with_tokens ? enc->tokens.size() == enc->ids.size() : enc->tokens.empty());
  for (int32_t id : enc->ids) TOKREC_FUZZ_CHECK(id >= 0 && !tok.id_to_token(id).empty());
  if (o.with_offsets) {
    TOKREC_FUZZ_CHECK(enc->offsets.size() == enc->ids.size());
    for (const auto& [begin, end] : enc->offsets) TOKREC_FUZZ_CHECK(begin <= end && end <= text.size());
  }
  const std::string back = tok.decode(enc->ids, mode & 1);
  (void)back;
  return 0;
}
