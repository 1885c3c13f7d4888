// The default Normalizer::normalize_aligned: alignments derived by
// re-running the normalizer on smaller pieces of the input (see the
// contract in normalizer.h). Only runs when offsets are asked for.
#include <string>
#include <vector>

#include "tokenize/normalizer.h"
#include "tokenize/unicode_props.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

using Align = Normalizer::Align;

// Aligns `out_piece` (the normalization of input chars `chars`, byte ranges
// in `in`) as unicode-normalization's alignments do: an output char equal
// to an unused input char takes it (the first such); another (composed,
// replaced) takes the first unused input char; when none is left it is an
// inserted char and takes the previous output char's alignment.
void align_run(std::string_view in, std::string_view out_piece, const std::vector<Align>& chars,
               std::vector<Align>& align) {
  thread_local std::vector<char> used;
  used.assign(chars.size(), 0);
  size_t k = 0, last = 0;
  while (k < out_piece.size()) {
    const size_t b = k;
    const char32_t c = utf8::decode(out_piece, k);
    size_t pick = chars.size();
    for (size_t j = 0; j < chars.size() && pick == chars.size(); ++j) {
      if (used[j]) continue;
      size_t at = chars[j].start;
      if (utf8::decode(in, at) == c) pick = j;
    }
    for (size_t j = 0; j < chars.size() && pick == chars.size(); ++j)
      if (!used[j]) pick = j;
    if (pick == chars.size()) {
      pick = last;
    } else {
      used[pick] = 1;
    }
    last = pick;
    align.insert(align.end(), k - b, chars[pick]);
  }
}

std::vector<Align> input_chars(std::string_view in) {
  std::vector<Align> chars;
  size_t i = 0;
  while (i < in.size()) {
    const size_t b = i;
    utf8::decode(in, i);
    chars.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(i)});
  }
  return chars;
}

// Normalizes each group of chars [groups[g], groups[g+1]) alone; true (and
// `align` filled) when the pieces concatenate to `out`.
bool by_groups(const Normalizer& n, std::string_view in, std::string_view out,
               const std::vector<Align>& chars, const std::vector<size_t>& groups,
               std::vector<Align>& align) {
  align.clear();
  std::string piece;
  size_t at = 0;
  for (size_t g = 0; g + 1 < groups.size(); ++g) {
    const size_t c0 = groups[g], c1 = groups[g + 1];
    const std::string_view text = in.substr(chars[c0].start, chars[c1 - 1].end - chars[c0].start);
    n.normalize(text, piece);
    if (out.compare(at, piece.size(), piece) != 0) return false;
    at += piece.size();
    const std::vector<Align> run(chars.begin() + static_cast<std::ptrdiff_t>(c0),
                                 chars.begin() + static_cast<std::ptrdiff_t>(c1));
    align_run(in, piece, run, align);
  }
  return at == out.size();
}

}  // namespace

void apply_positional_changes(std::string_view in, const std::vector<std::pair<char32_t, int>>& steps,
                              std::vector<Align>& align) {
  align.clear();
  const auto char_at = [&](size_t idx) {
    size_t e = idx;
    utf8::decode(in, e);
    return Align{static_cast<uint32_t>(idx), static_cast<uint32_t>(e)};
  };
  size_t idx = 0;
  Align last{0, 0};
  for (const auto& [c, change] : steps) {
    Align a;
    if (change > 0) {
      if (idx < 1) {
        a = Align{0, 0};
      } else {
        size_t b = idx - 1;
        while (b > 0 && (static_cast<unsigned char>(in[b]) & 0xC0) == 0x80) --b;
        a = Align{static_cast<uint32_t>(b), static_cast<uint32_t>(idx)};
      }
    } else if (idx < in.size()) {
      a = char_at(idx);
      idx = a.end;
      for (int k = 0; k < -change && idx < in.size(); ++k) idx = char_at(idx).end;
    } else {
      a = last;  // past the input (HF would fail here)
    }
    last = a;
    const size_t n = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    align.insert(align.end(), n, a);
  }
}

void append_identity_alignment(std::string_view text, uint32_t base, std::vector<Align>& align) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t b = i;
    utf8::decode(text, i);
    align.insert(align.end(), i - b,
                 Align{base + static_cast<uint32_t>(b), base + static_cast<uint32_t>(i)});
  }
}

void Normalizer::normalize_aligned(std::string_view in, std::string& out,
                                   std::vector<Align>& align) const {
  normalize(in, out);
  align.clear();
  if (out == in) {
    append_identity_alignment(in, 0, align);
    return;
  }
  const std::vector<Align> chars = input_chars(in);
  if (chars.empty()) return;
  std::vector<size_t> groups;
  for (size_t c = 0; c <= chars.size(); ++c) groups.push_back(c);
  if (by_groups(*this, in, out, chars, groups, align)) return;
  // Runs that start at a starter (combining class 0).
  groups.clear();
  for (size_t c = 0; c < chars.size(); ++c) {
    size_t k = chars[c].start;
    if (c == 0 || unicode::combining_class(utf8::decode(in, k)) == 0) groups.push_back(c);
  }
  groups.push_back(chars.size());
  if (by_groups(*this, in, out, chars, groups, align)) return;
  // Common prefix and suffix by chars, the middle as one block.
  align.clear();
  size_t p = 0;  // bytes of common prefix, on char boundaries
  {
    size_t i = 0;
    while (i < in.size() && i < out.size()) {
      size_t a = i, b = i;
      const char32_t x = utf8::decode(in, a);
      const char32_t y = utf8::decode(out, b);
      if (x != y) break;
      i = a;
    }
    p = i;
  }
  size_t s = 0;  // bytes of common suffix
  while (s < in.size() - p && s < out.size() - p && in[in.size() - 1 - s] == out[out.size() - 1 - s])
    ++s;
  while (s > 0 && (static_cast<unsigned char>(in[in.size() - s]) & 0xC0) == 0x80) --s;
  append_identity_alignment(in.substr(0, p), 0, align);
  const uint32_t mid_b = static_cast<uint32_t>(p), mid_e = static_cast<uint32_t>(in.size() - s);
  const Align block = mid_e > mid_b ? Align{mid_b, mid_e}
                      : mid_b > 0   ? align.back()
                                    : Align{0, 0};
  align.insert(align.end(), out.size() - p - s, block);
  append_identity_alignment(in.substr(in.size() - s), mid_e, align);
}

}  // namespace tokrec::tokenize
