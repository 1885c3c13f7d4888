// Decoders (HF tokenizers' `decoder`): token strings -> text. Each one is a
// step of HF's decode_chain (tokens in, tokens out); the pipeline
// concatenates what the last step returns.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::tokenize {

class Regex;

class Decoder {
 public:
  virtual ~Decoder() = default;
  virtual void decode_chain(std::vector<std::string>& tokens) const = 0;
  virtual std::string describe() const = 0;
};

// GPT-2 alphabet -> bytes -> UTF-8 (invalid sequences become U+FFFD).
std::unique_ptr<Decoder> make_byte_level_decoder();
// "##" pieces glued to the previous token, others after a space; `cleanup`
// undoes the spaces BERT's tokenization put before punctuation.
std::unique_ptr<Decoder> make_wordpiece_decoder(std::string prefix, bool cleanup);
std::unique_ptr<Decoder> make_replace_decoder(std::string pattern, std::string content);
// HF Replace with a {"Regex"} pattern: every match in each token (empty
// matches included, as HF's find_matches yields them) becomes `content`.
std::unique_ptr<Decoder> make_regex_replace_decoder(std::shared_ptr<const Regex> pattern,
                                                    std::string content);
std::unique_ptr<Decoder> make_byte_fallback_decoder();
std::unique_ptr<Decoder> make_fuse_decoder();
std::unique_ptr<Decoder> make_strip_decoder(std::string content, size_t start, size_t stop);
// HF Metaspace: replacement char -> ' ', the first token's leading space
// dropped when prepend_scheme is not "never".
std::unique_ptr<Decoder> make_metaspace_decoder(std::string replacement, bool strip_first);
std::unique_ptr<Decoder> make_sequence_decoder(std::vector<std::unique_ptr<Decoder>> parts);

// Rust's String::from_utf8_lossy: each maximal invalid subpart -> U+FFFD.
std::string utf8_lossy(std::string_view bytes);

}  // namespace tokrec::tokenize
