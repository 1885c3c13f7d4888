#include "tokenize/byte_level.h"

#include <array>

#include "tokrec/core/utf8.h"

namespace tokrec::tokenize::byte_level {
namespace {

struct Tables {
  std::array<char32_t, 256> to_char{};
  std::array<int16_t, 324> to_byte{};  // code points < 324 only
  Tables() {
    to_byte.fill(-1);
    auto printable = [](int b) {
      return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    };
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const char32_t c = printable(b) ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++);
      to_char[static_cast<size_t>(b)] = c;
      to_byte[c] = static_cast<int16_t>(b);
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

char32_t byte_to_char(uint8_t b) { return tables().to_char[b]; }

int char_to_byte(char32_t c) { return c < 324 ? tables().to_byte[c] : -1; }

void encode(std::string_view raw, std::string& out) {
  for (char ch : raw) utf8::append(out, byte_to_char(static_cast<uint8_t>(ch)));
}

bool decode(std::string_view text, std::string& out) {
  size_t i = 0;
  while (i < text.size()) {
    const int b = char_to_byte(utf8::decode(text, i));
    if (b < 0) return false;
    out.push_back(static_cast<char>(b));
  }
  return true;
}

}  // namespace tokrec::tokenize::byte_level
