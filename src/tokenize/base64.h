// Standard-alphabet base64, shared by the loaders whose files carry it:
// tiktoken rank files, BytePiece models and tokenizer.json's precompiled
// charsmap (each adds its own format rules around it).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tokrec::tokenize {

// Standard base64 (with or without padding) -> bytes; nullopt when malformed
// (a character outside the alphabet, '=' before the end, a lone final digit).
std::optional<std::string> decode_base64(std::string_view text);

// A character of the standard alphabet (A-Z a-z 0-9 + /); '=' is not.
bool is_base64_digit(char c);

}  // namespace tokrec::tokenize
