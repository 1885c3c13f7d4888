// GPT-2's byte <-> unicode alphabet (HF ByteLevel's bytes_to_unicode): every
// byte gets a printable code point, so byte-level vocabularies can be stored
// as text ("Ġ" = 0x20).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tokrec::tokenize::byte_level {

// The code point standing for byte b.
char32_t byte_to_char(uint8_t b);
// The byte that code point c stands for, or -1.
int char_to_byte(char32_t c);
// Append the byte-level text of raw bytes.
void encode(std::string_view raw, std::string& out);
// Decode byte-level text to raw bytes; false (out partial) when a code point
// is outside the alphabet.
bool decode(std::string_view text, std::string& out);

}  // namespace tokrec::tokenize::byte_level
