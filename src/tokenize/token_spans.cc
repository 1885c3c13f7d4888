// Model::token_lengths' default: where each token of a word lies in it,
// derived from the token strings alone (contract in model.h).
#include <string>

#include "tokenize/byte_level.h"
#include "tokenize/byte_pieces.h"
#include "tokenize/model.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

// The text token `id` stands for at word position `pos` of a word of
// `size` bytes (prefix/suffix stripped, byte alphabet decoded).
std::string surface_text(const Model& m, const Model::Surface& s, int32_t id, size_t pos,
                         bool last) {
  std::string_view t = m.id_to_token(id);
  if (pos > 0 && !s.continuing_prefix.empty() && t.substr(0, s.continuing_prefix.size()) == s.continuing_prefix)
    t.remove_prefix(s.continuing_prefix.size());
  if (last && !s.end_of_word_suffix.empty() && t.size() >= s.end_of_word_suffix.size() &&
      t.substr(t.size() - s.end_of_word_suffix.size()) == s.end_of_word_suffix)
    t.remove_suffix(s.end_of_word_suffix.size());
  if (!s.byte_level) return std::string(t);
  std::string raw;
  if (!byte_level::decode(t, raw)) return std::string(t);
  return raw;
}

// Bytes token `id` covers at `pos`, or 0 when it does not match there.
size_t match_length(const Model& m, const Model::Surface& s, std::string_view word, int32_t id,
                    size_t pos, bool last) {
  if (id == s.unk_id) return 0;
  const std::string text = surface_text(m, s, id, pos, last);
  if (!text.empty() && word.compare(pos, text.size(), text) == 0) return text.size();
  const int byte = byte_piece_value(m.id_to_token(id));
  if (byte >= 0 && pos < word.size() && static_cast<unsigned char>(word[pos]) == byte) return 1;
  return 0;
}

size_t next_char(std::string_view word, size_t pos) {
  size_t k = pos;
  if (k < word.size()) utf8::decode(word, k);
  return k;
}

// surface().drops_unknown: HF merges the symbols left once the unknown
// chars are dropped (a token may join chars a dropped one separated), so a
// token's length is its own text's (prefix/suffix stripped; a byte token
// one byte) and the running sums give HF's offsets. The first token keeps a
// continuing prefix unless the word's first char was dropped.
void lengths_dropping_unknown(const Model& m, const Model::Surface& s, std::string_view word,
                              const int32_t* ids, size_t n, std::vector<uint32_t>& lengths) {
  for (size_t i = 0; i < n; ++i) {
    const std::string_view token = m.id_to_token(ids[i]);
    size_t len = 1;
    if (byte_piece_value(token) < 0) {
      const bool word_start = i == 0 && word.substr(0, token.size()) == token;
      len = surface_text(m, s, ids[i], word_start ? 0 : 1, i + 1 == n).size();
    }
    lengths.push_back(static_cast<uint32_t>(len));
  }
}

// Start of the word's last token `id` when it ends the word at or after
// `from`, else npos.
size_t last_token_start(const Model& m, const Model::Surface& s, std::string_view word, int32_t id,
                        size_t from) {
  if (id == s.unk_id) return std::string_view::npos;
  for (size_t p = from; p < word.size(); p = next_char(word, p)) {
    const size_t len = match_length(m, s, word, id, p, true);
    if (len != 0 && p + len == word.size()) return p;
  }
  return std::string_view::npos;
}

}  // namespace

void Model::token_lengths(std::string_view word, const int32_t* ids, size_t n,
                          std::vector<uint32_t>& lengths) const {
  const Surface s = surface();
  if (s.drops_unknown) {
    lengths_dropping_unknown(*this, s, word, ids, n, lengths);
    return;
  }
  size_t pos = 0;
  for (size_t i = 0; i < n; ++i) {
    const bool last = i + 1 == n;
    size_t len = pos < word.size() ? match_length(*this, s, word, ids[i], pos, last) : 0;
    if (len == 0 && pos < word.size()) {
      if (last) {
        len = word.size() - pos;
      } else {
        // Unk: the chars up to where the next token matches.
        size_t end = next_char(word, pos);
        const size_t tail = i + 2 == n ? last_token_start(*this, s, word, ids[i + 1], end) : std::string_view::npos;
        if (tail != std::string_view::npos) {
          end = tail;
        } else if (match_length(*this, s, word, ids[i + 1], end, i + 2 == n) != 0 || ids[i + 1] == s.unk_id ||
            byte_piece_value(id_to_token(ids[i + 1])) >= 0) {
          // one char
        } else {
          while (end < word.size() && match_length(*this, s, word, ids[i + 1], end, i + 2 == n) == 0)
            end = next_char(word, end);
        }
        len = end - pos;
      }
    }
    lengths.push_back(static_cast<uint32_t>(len));
    pos += len;
  }
}

}  // namespace tokrec::tokenize
