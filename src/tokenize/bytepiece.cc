// BytePiece model, normalizer, pre-tokenizer and decoder (see bytepiece.h).
#include "tokenize/bytepiece.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "tokenize/unicode_props.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
// Ids beyond this many times the vocabulary are refused: a corrupt id must
// not size a huge id table.
constexpr size_t kMaxIdSpread = 16;

// Length of the well-formed UTF-8 sequence at s[i], or 0 when the bytes
// there are not one (Unicode's "maximal subpart" rules, as Python's decoder).
size_t valid_sequence_length(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  return len;
}

std::string display_form(std::string_view bytes) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (size_t i = 0; i < bytes.size();) {
    const size_t len = valid_sequence_length(bytes, i);
    if (len > 0) {
      out.append(bytes.substr(i, len));
      i += len;
    } else {
      const auto c = static_cast<unsigned char>(bytes[i]);
      out += "<0x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      out.push_back('>');
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string message_form(std::string_view bytes, size_t max_bytes) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  size_t i = 0;
  while (i < bytes.size() && i < max_bytes) {
    const size_t len = valid_sequence_length(bytes, i);
    const auto c = static_cast<unsigned char>(bytes[i]);
    if (len == 0) {
      out += "<0x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
      out.push_back('>');
      ++i;
      continue;
    }
    // C0, DEL (one byte) and C1 (U+0080-U+009F: 0xC2 0x80-0x9F).
    const bool control = c < 0x20 || c == 0x7F || (c == 0xC2 && static_cast<unsigned char>(bytes[i + 1]) < 0xA0);
    if (control) {
      const unsigned cp = c == 0xC2 ? static_cast<unsigned char>(bytes[i + 1]) : c;
      out += "<U+00";
      out.push_back(kHex[cp >> 4]);
      out.push_back(kHex[cp & 15]);
      out.push_back('>');
    } else {
      out.append(bytes.substr(i, len));
    }
    i += len;
  }
  if (i < bytes.size()) out += "...";
  return out;
}

namespace {

// Per-thread Viterbi buffers, reused across calls.
struct ViterbiScratch {
  std::vector<double> score;
  std::vector<int32_t> from;
  std::vector<int32_t> id;
  std::vector<int32_t> reversed;
};

ViterbiScratch& viterbi_scratch() {
  thread_local ViterbiScratch s;
  return s;
}

}  // namespace

std::string utf8_ignore_invalid(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  for (size_t i = 0; i < bytes.size();) {
    const size_t len = valid_sequence_length(bytes, i);
    // Dropping one byte at a time drops exactly Python's maximal invalid
    // subparts: their continuation bytes are never valid starts either.
    if (len == 0) {
      ++i;
      continue;
    }
    out.append(bytes.substr(i, len));
    i += len;
  }
  return out;
}

Result<std::unique_ptr<BytePieceModel>> BytePieceModel::build(std::vector<Piece> pieces,
                                                              std::optional<uint64_t> exact_total,
                                                              const std::string& source) {
  auto fail = [&](const std::string& what) { return Status::parse_error(source + ": " + what); };
  if (pieces.empty()) return fail("no pieces");
  std::unique_ptr<BytePieceModel> m(new BytePieceModel());
  m->num_pieces_ = pieces.size();

  // Ids.
  int64_t max_id = 2;
  for (const Piece& p : pieces) {
    if (p.id < 3)
      return fail("piece '" + message_form(p.bytes) + "' has id " + std::to_string(p.id) +
                  " (ids 0-2 are reserved for <pad>, <bos>, <eos>)");
    max_id = std::max<int64_t>(max_id, p.id);
  }
  if (static_cast<size_t>(max_id) > kMaxIdSpread * (pieces.size() + 3) + 1024)
    return fail("id " + std::to_string(max_id) + " is far beyond the " + std::to_string(pieces.size()) +
                " pieces (corrupt ids?)");
  m->by_id_.assign(static_cast<size_t>(max_id) + 1, -1);

  // Log-probabilities as the reference computes them: log(count) - log(total).
  double total = 0;
  if (exact_total) {
    total = static_cast<double>(*exact_total);
  } else {
    for (const Piece& p : pieces) total += p.count;
  }
  if (!(total > 0) || !std::isfinite(total)) return fail("the piece counts sum to " + std::to_string(total));
  const double log_total = std::log(total);

  // Pieces sorted by bytes: duplicates become neighbours, and the trie is
  // built level by level from sorted ranges.
  std::vector<uint32_t> order(pieces.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return pieces[a].bytes < pieces[b].bytes; });
  bool has_byte[256] = {};
  for (size_t k = 0; k < order.size(); ++k) {
    const Piece& p = pieces[order[k]];
    if (p.bytes.empty()) return fail("empty piece (id " + std::to_string(p.id) + ")");
    if (k > 0 && pieces[order[k - 1]].bytes == p.bytes)
      return fail("duplicate piece '" + message_form(p.bytes) + "' (ids " +
                  std::to_string(pieces[order[k - 1]].id) + " and " + std::to_string(p.id) + ")");
    if (!(p.count >= 0) || !std::isfinite(p.count))
      return fail("piece '" + message_form(p.bytes) + "' has a negative or invalid count");
    if (p.bytes.size() == 1 && p.count > 0) has_byte[static_cast<unsigned char>(p.bytes[0])] = true;
  }
  for (int b = 0; b < 256; ++b)
    if (!has_byte[b]) {
      static const char* kHex = "0123456789ABCDEF";
      return fail(std::string("the single byte <0x") + kHex[b >> 4] + kHex[b & 15] +
                  "> is not a piece with a positive count (every byte must be one)");
    }

  m->pieces_.resize(pieces.size());
  m->display_.resize(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i) {
    const int32_t id = pieces[i].id;
    if (m->by_id_[static_cast<size_t>(id)] >= 0)
      return fail("duplicate id " + std::to_string(id) + " (pieces '" +
                  message_form(m->pieces_[static_cast<size_t>(m->by_id_[static_cast<size_t>(id)])]) +
                  "' and '" + message_form(pieces[i].bytes) + "')");
    m->by_id_[static_cast<size_t>(id)] = static_cast<int32_t>(i);
    m->display_[i] = display_form(pieces[i].bytes);
    m->max_piece_length_ = std::max(m->max_piece_length_, pieces[i].bytes.size());
    m->pieces_[i] = pieces[i].bytes;
  }
  // Text pieces win over the <0xXX> forms of byte pieces on a (theoretical)
  // clash: insert the valid-UTF-8 pieces first.
  m->token_ids_.reserve(pieces.size() + 3);
  for (int pass = 0; pass < 2; ++pass)
    for (size_t i = 0; i < pieces.size(); ++i)
      if ((m->display_[i] == m->pieces_[i]) == (pass == 0))
        m->token_ids_.emplace(m->display_[i], pieces[i].id);
  m->token_ids_.emplace("<pad>", 0);
  m->token_ids_.emplace("<bos>", 1);
  m->token_ids_.emplace("<eos>", 2);

  // A plain trie first, breadth first: each queue item is a node and the
  // range of `order` whose pieces share its prefix of length `depth`; the
  // children of a node are contiguous.
  struct TrieNode {
    uint32_t first = 0;
    uint32_t count = 0;
    int32_t term = -1;  // index into `pieces`
    unsigned char label = 0;
  };
  struct Item {
    uint32_t node;
    size_t lo, hi, depth;
  };
  std::vector<TrieNode> trie(1);
  std::vector<Item> queue{{0, 0, order.size(), 0}};
  for (size_t q = 0; q < queue.size(); ++q) {
    Item it = queue[q];
    if (pieces[order[it.lo]].bytes.size() == it.depth) {  // sorted: the prefix itself comes first
      trie[it.node].term = static_cast<int32_t>(order[it.lo]);
      ++it.lo;
    }
    trie[it.node].first = static_cast<uint32_t>(trie.size());
    for (size_t lo = it.lo; lo < it.hi;) {
      const char c = pieces[order[lo]].bytes[it.depth];
      size_t hi = lo + 1;
      while (hi < it.hi && pieces[order[hi]].bytes[it.depth] == c) ++hi;
      queue.push_back({static_cast<uint32_t>(trie.size()), lo, hi, it.depth + 1});
      trie.push_back({0, 0, -1, static_cast<unsigned char>(c)});
      ++trie[it.node].count;
      lo = hi;
    }
  }
  std::vector<Item>().swap(queue);

  // Then the double array. Free slots form a doubly linked list so that the
  // search for a base visits only free slots.
  std::vector<Unit>& units = m->units_;
  std::vector<int32_t> next_free, prev_free;
  auto grow = [&](size_t size) {
    const size_t old = units.size();
    if (size <= old) return;
    size = std::max(size, old * 2);
    units.resize(size);
    next_free.resize(size);
    prev_free.resize(size);
    // Append [old, size) to the free list; slot 0 (the root) is never free and
    // heads the list.
    int32_t tail = prev_free.empty() || old == 0 ? 0 : prev_free[0];
    for (size_t i = std::max<size_t>(old, 1); i < size; ++i) {
      next_free[static_cast<size_t>(tail)] = static_cast<int32_t>(i);
      prev_free[i] = tail;
      tail = static_cast<int32_t>(i);
    }
    next_free[static_cast<size_t>(tail)] = 0;
    prev_free[0] = tail;
  };
  auto take = [&](int32_t slot) {
    next_free[static_cast<size_t>(prev_free[static_cast<size_t>(slot)])] = next_free[static_cast<size_t>(slot)];
    prev_free[static_cast<size_t>(next_free[static_cast<size_t>(slot)])] = prev_free[static_cast<size_t>(slot)];
  };
  grow(1024);
  units[0].check = -2;  // the root: used, nobody's child
  auto set_term = [&](int32_t slot, int32_t term) {
    if (term < 0) return;
    const Piece& p = pieces[static_cast<size_t>(term)];
    units[static_cast<size_t>(slot)].term = static_cast<int32_t>(m->terms_.size());
    m->terms_.push_back({std::log(p.count) - log_total, p.id});
  };
  set_term(0, trie[0].term);
  int32_t max_used = 0;
  std::vector<std::pair<uint32_t, int32_t>> work{{0, 0}};  // (trie node, slot)
  int32_t max_base = 0;
  for (size_t w = 0; w < work.size(); ++w) {
    const auto [tn, slot] = work[w];
    const TrieNode& node = trie[tn];
    if (node.count == 0) continue;
    const int c0 = trie[node.first].label;
    int32_t base = 0;
    for (int32_t f = next_free[0];; f = next_free[static_cast<size_t>(f)]) {
      if (f == 0) {  // list exhausted: grow and continue from the new slots
        const size_t old = units.size();
        grow(old + 512);
        f = static_cast<int32_t>(old);
      }
      base = f - c0;
      if (base < 1) continue;
      grow(static_cast<size_t>(base) + 256);
      bool fits = true;
      for (uint32_t k = 1; k < node.count && fits; ++k)
        fits = units[static_cast<size_t>(base) + trie[node.first + k].label].check == -1;
      if (fits) break;
    }
    units[static_cast<size_t>(slot)].base = base;
    max_base = std::max(max_base, base);
    for (uint32_t k = 0; k < node.count; ++k) {
      const TrieNode& ch = trie[node.first + k];
      const int32_t t = base + ch.label;
      take(t);
      units[static_cast<size_t>(t)].check = slot;
      set_term(t, ch.term);
      max_used = std::max(max_used, t);
      work.emplace_back(node.first + k, t);
    }
  }
  // Every base + byte must index the array (free slots have check -1).
  units.resize(static_cast<size_t>(std::max(max_used + 1, max_base + 256)));
  units.shrink_to_fit();
  return m;
}

void BytePieceModel::tokenize(std::string_view chunk, std::vector<int32_t>& ids) const {
  const size_t n = chunk.size();
  if (n == 0) return;
  ViterbiScratch& s = viterbi_scratch();
  s.score.assign(n + 1, kNegInf);
  s.from.resize(n + 1);
  s.id.resize(n + 1);
  s.score[0] = 0;
  const auto* text = reinterpret_cast<const unsigned char*>(chunk.data());
  double* score = s.score.data();
  const Unit* units = units_.data();
  // Forward: from each reachable start, every piece that begins there. The
  // candidates of an end position arrive in increasing start order (longest
  // piece first) and only a strictly better score replaces the best so far,
  // exactly as in the reference (see bytepiece.h).
  for (size_t start = 0; start < n; ++start) {
    const double base = score[start];
    if (base == kNegInf) continue;
    int32_t node = 0;
    for (size_t p = start; p < n; ++p) {
      const int32_t t = units[node].base + text[p];
      if (units[t].check != node) break;
      node = t;
      const int32_t term = units[t].term;
      if (term < 0) continue;
      const Term& piece = terms_[static_cast<size_t>(term)];
      const double cand = base + piece.logp;
      if (cand > score[p + 1]) {
        score[p + 1] = cand;
        s.from[p + 1] = static_cast<int32_t>(start);
        s.id[p + 1] = piece.id;
      }
    }
  }
  // Every byte is a piece (checked when loading), so the end is reachable.
  s.reversed.clear();
  for (size_t e = n; e > 0; e = static_cast<size_t>(s.from[e])) s.reversed.push_back(s.id[e]);
  ids.insert(ids.end(), s.reversed.rbegin(), s.reversed.rend());
}

std::optional<int32_t> BytePieceModel::token_to_id(std::string_view token) const {
  const auto it = token_ids_.find(token);
  if (it == token_ids_.end()) return std::nullopt;
  return it->second;
}

std::string_view BytePieceModel::id_to_token(int32_t id) const {
  switch (id) {
    case 0: return "<pad>";
    case 1: return "<bos>";
    case 2: return "<eos>";
    default: break;
  }
  if (id < 0 || static_cast<size_t>(id) >= by_id_.size() || by_id_[static_cast<size_t>(id)] < 0) return {};
  return display_[static_cast<size_t>(by_id_[static_cast<size_t>(id)])];
}

std::string_view BytePieceModel::piece_bytes(int32_t id) const {
  if (id < 3 || static_cast<size_t>(id) >= by_id_.size() || by_id_[static_cast<size_t>(id)] < 0) return {};
  return pieces_[static_cast<size_t>(by_id_[static_cast<size_t>(id)])];
}

namespace {

// Code points that NFC never changes, whatever surrounds them: canonical
// combining class 0, NFC_Quick_Check=Yes, and not the second character of
// any canonical composition (checked against Python's unicodedata and
// utf8proc; see bytepiece_test.cc).
bool nfc_inert(char32_t c) {
  if (c < 0x300) return true;
  if (c >= 0x4E00 && c < 0xA000) return true;  // CJK unified ideographs
  if (c >= 0x3000 && c < 0x3100) return c < 0x302A || (c >= 0x3030 && c != 0x3099 && c != 0x309A);
  if (c >= 0xAC00 && c < 0xD7A4) return true;  // Hangul syllables
  if (c >= 0xFF01 && c < 0xFF9E) return true;  // fullwidth forms
  if (c >= 0x2010 && c < 0x2028) return true;  // dashes, quotes
  return false;
}

class BytePieceNormalizer final : public Normalizer {
 public:
  void normalize(std::string_view in, std::string& out) const override {
    size_t pos = 0;
    while (pos < in.size()) {
      const auto c = static_cast<unsigned char>(in[pos]);
      if (c < 0x80) {
        ++pos;
        continue;
      }
      if (!nfc_inert(utf8::decode(in, pos))) {
        out = unicode::normalize_form(std::string(in), 1);
        return;
      }
    }
    out.assign(in);
  }
};

class BytePiecePreTokenizer final : public PreTokenizer {
 public:
  void split(std::vector<std::string_view>& pieces) const override {
    thread_local std::vector<std::string_view> out;  // swapped with the caller's scratch
    out.clear();
    for (std::string_view piece : pieces) {
      size_t start = 0, p = 0;
      while (p < piece.size()) {
        if (piece[p] != '\n') {
          ++p;
          continue;
        }
        while (p < piece.size() && piece[p] == '\n') ++p;
        out.push_back(piece.substr(start, p - start));
        start = p;
      }
      if (start < piece.size()) out.push_back(piece.substr(start));
    }
    pieces.swap(out);
  }
  std::string describe() const override { return "BytePiece(split after each run of \\n)"; }
};

class BytePieceDecoder final : public Decoder {
 public:
  explicit BytePieceDecoder(const BytePieceModel* model) : model_(model) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const std::string& t : tokens) {
      const std::optional<int32_t> id = model_->token_to_id(t);
      if (!id) {
        bytes += t;  // not a vocabulary form: keep the text
      } else if (*id > 2) {
        bytes += model_->piece_bytes(*id);
      }
    }
    tokens.assign(1, utf8_ignore_invalid(bytes));
  }
  std::string describe() const override { return "BytePiece(bytes, invalid UTF-8 ignored)"; }

 private:
  const BytePieceModel* model_;
};

}  // namespace

std::unique_ptr<Normalizer> make_bytepiece_normalizer() { return std::make_unique<BytePieceNormalizer>(); }
std::unique_ptr<PreTokenizer> make_bytepiece_pre_tokenizer() {
  return std::make_unique<BytePiecePreTokenizer>();
}
std::unique_ptr<Decoder> make_bytepiece_decoder(const BytePieceModel* model) {
  return std::make_unique<BytePieceDecoder>(model);
}

}  // namespace tokrec::tokenize
