// sentencepiece's Normalizer (normalizer.cc, Normalize + NormalizePrefix).
#include <algorithm>

#include "tokenize/piece_trie.h"
#include "tokenize/sentencepiece.h"

namespace tokrec::tokenize {
namespace {

constexpr std::string_view kSpaceSymbol = "\xE2\x96\x81";

inline size_t one_char_len(unsigned char lead) {
  return lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

class SentencePieceNormalizer final : public Normalizer {
 public:
  explicit SentencePieceNormalizer(SentencePieceNormalizerSpec spec) : spec_(std::move(spec)) {
    for (size_t i = 0; i < spec_.user_defined.size(); ++i)
      user_.insert(spec_.user_defined[i], static_cast<int32_t>(i));
    user_.freeze();
    if (spec_.charsmap && spec_.charsmap->num_units() == 0) spec_.charsmap.reset();
  }

  void normalize(std::string_view in, std::string& out) const override {
    out.clear();
    if (in.empty()) return;
    size_t pos = 0;
    const size_t n = in.size();
    std::string_view piece;
    if (spec_.remove_extra_whitespaces) {
      while (pos < n) {
        const size_t used = prefix(in.substr(pos), &piece);
        if (piece != " ") break;
        pos += used;
      }
    }
    if (pos == n) return;
    out.reserve((n - pos) * 3);
    if (!spec_.treat_whitespace_as_suffix && spec_.add_dummy_prefix) add_ws(out);
    bool prev_space = spec_.remove_extra_whitespaces;
    while (pos < n) {
      const size_t used = prefix(in.substr(pos), &piece);
      if (prev_space)
        while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
      if (!piece.empty()) {
        for (char c : piece) {
          if (c == ' ' && spec_.escape_whitespaces) {
            out += kSpaceSymbol;
          } else {
            out.push_back(c);
          }
        }
        prev_space = piece.back() == ' ';
      }
      pos += used;
      if (!spec_.remove_extra_whitespaces) prev_space = false;
    }
    if (spec_.remove_extra_whitespaces) {
      const std::string_view space = spec_.escape_whitespaces ? kSpaceSymbol : std::string_view(" ");
      while (out.size() >= space.size() && std::string_view(out).substr(out.size() - space.size()) == space)
        out.resize(out.size() - space.size());
    }
    if (spec_.treat_whitespace_as_suffix && spec_.add_dummy_prefix) add_ws(out);
  }

 private:
  void add_ws(std::string& out) const {
    if (spec_.escape_whitespaces) {
      out += kSpaceSymbol;
    } else {
      out.push_back(' ');
    }
  }

  // NormalizePrefix: bytes consumed and their normalized form.
  size_t prefix(std::string_view input, std::string_view* piece) const {
    size_t user_len = 0;
    user_.common_prefixes(input, [&](size_t len, int32_t) {
      user_len = len;
      return true;
    });
    if (user_len) {
      *piece = input.substr(0, user_len);
      return user_len;
    }
    if (spec_.charsmap) {
      std::string_view rep;
      const size_t len = spec_.charsmap->longest_prefix(input, &rep);
      if (len) {
        *piece = rep;
        return len;
      }
    }
    // Input is valid UTF-8 (checked by the pipeline).
    const size_t len = std::min(one_char_len(static_cast<unsigned char>(input[0])), input.size());
    *piece = input.substr(0, len);
    return len;
  }

  SentencePieceNormalizerSpec spec_;
  PieceTrie user_;
};

}  // namespace

std::unique_ptr<Normalizer> make_sentencepiece_normalizer(SentencePieceNormalizerSpec spec) {
  return std::make_unique<SentencePieceNormalizer>(std::move(spec));
}

}  // namespace tokrec::tokenize
