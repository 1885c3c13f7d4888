// Byte-fallback pieces "<0x00>" ... "<0xFF>" (SentencePiece, and HF BPE /
// Unigram with byte_fallback): a byte no other piece covers is written as the
// piece naming it.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace tokrec::tokenize {

// "<0xAB>" -> 0xAB (either case of hex digit), else -1.
int byte_piece_value(std::string_view piece);

// The id of each byte's piece, looked up by `find` (piece -> id, negative
// when the vocabulary lacks it); -1 for bytes without a piece.
template <typename Find>
std::array<int32_t, 256> byte_piece_ids(Find&& find) {
  std::array<int32_t, 256> ids{};
  char name[8];
  for (int b = 0; b < 256; ++b) {
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    const int32_t id = find(std::string_view(name, 6));
    ids[static_cast<size_t>(b)] = id >= 0 ? id : -1;
  }
  return ids;
}

}  // namespace tokrec::tokenize
