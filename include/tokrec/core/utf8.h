// UTF-8 decoding and encoding. Every text entry point validates its input
// with is_valid_utf8() first, so the decoders below may assume valid input.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::utf8 {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid(std::string_view s);

// Byte offset of the first invalid sequence, or s.size() when valid.
size_t first_invalid_offset(std::string_view s);

// Decode the code point starting at s[pos]; advances pos. Input must be valid.
char32_t decode(std::string_view s, size_t& pos);

// Append the UTF-8 encoding of `cp` to `out`.
void append(std::string& out, char32_t cp);

std::u32string to_u32(std::string_view s);
std::string from_u32(std::u32string_view s);

// Number of code points in valid UTF-8.
size_t length(std::string_view s);

}  // namespace tokrec::utf8
