// sentencepiece's BPE model (bpe_model.cc, Encode without sampling) and
// spm_decode (see sentencepiece.h).
#include <array>
#include <queue>
#include <unordered_map>

#include "tokenize/piece_trie.h"
#include "tokenize/sentencepiece.h"
#include "tokenize/byte_pieces.h"
#include "tokenize/vocab_map.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {

namespace {

inline size_t one_char_len(unsigned char lead) {
  return lead < 0xC0 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

// (left id, right id) -> merged piece id, open addressing. Built at load
// time from every piece that splits into two pieces, so that merging looks up
// two integers instead of hashing the concatenated string.
class PairTable {
 public:
  void build(const std::vector<std::pair<uint64_t, int32_t>>& entries) {
    size_t cap = 16;
    while (cap < entries.size() * 2) cap <<= 1;
    keys_.assign(cap, kEmpty);
    vals_.assign(cap, -1);
    mask_ = cap - 1;
    shift_ = 64;
    for (size_t c = cap; c > 1; c >>= 1) --shift_;
    for (const auto& [key, val] : entries) {
      size_t i = slot(key);
      while (keys_[i] != kEmpty && keys_[i] != key) i = (i + 1) & mask_;
      keys_[i] = key;
      vals_[i] = val;
    }
  }
  int32_t find(int32_t a, int32_t b) const {
    const uint64_t key = (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return vals_[i];
      if (keys_[i] == kEmpty) return -1;
    }
  }
  static uint64_t key_of(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  // Fibonacci hashing: the top bits of the product depend on every key bit.
  size_t slot(uint64_t key) const { return static_cast<size_t>((key * 0x9E3779B97F4A7C15ULL) >> shift_); }
  std::vector<uint64_t> keys_;
  std::vector<int32_t> vals_;
  size_t mask_ = 0;
  unsigned shift_ = 60;
};

class SentencePieceBpe final : public Model {
 public:
  SentencePieceBpe(std::vector<ScoredPiece> pieces, int32_t unk_id, bool byte_fallback)
      : pieces_(std::move(pieces)), unk_id_(unk_id), byte_fallback_(byte_fallback) {}

  Status init() {
    if (pieces_.empty()) return Status::invalid_argument("BPE vocabulary is empty");
    if (unk_id_ < 0 || static_cast<size_t>(unk_id_) >= pieces_.size())
      return Status::invalid_argument("unk id " + std::to_string(unk_id_) + " is outside the vocabulary");
    scores_.resize(pieces_.size());
    for (size_t i = 0; i < pieces_.size(); ++i) {
      const ScoredPiece& p = pieces_[i];
      const auto id = static_cast<int32_t>(i);
      scores_[i] = static_cast<float>(p.score);
      if (p.piece.empty()) return Status::invalid_argument("piece " + std::to_string(i) + " is empty");
      const bool normal = p.type == PieceType::kNormal || p.type == PieceType::kUserDefined ||
                          p.type == PieceType::kUnused;
      if (!(normal ? normal_ : reserved_).insert(p.piece, id))
        return Status::invalid_argument("piece " + std::to_string(i) + " '" + p.piece + "' is already defined");
      if (p.type == PieceType::kUserDefined) user_.insert(p.piece, id);
      if (p.type == PieceType::kUnused) has_unused_ = true;
    }
    user_.freeze();
    // Every split of a normal piece into two normal pieces is a merge.
    std::vector<std::pair<uint64_t, int32_t>> merges;
    emit_id_.resize(pieces_.size());
    for (size_t i = 0; i < pieces_.size(); ++i) {
      const std::string& w = pieces_[i].piece;
      emit_id_[i] = piece_to_id(w);  // reserved pieces shadow normal ones, as in sentencepiece
      if (normal_.find(w) != static_cast<int32_t>(i)) continue;
      for (size_t cut = 1; cut < w.size(); ++cut) {
        const int32_t a = normal_.find(std::string_view(w).substr(0, cut));
        if (a < 0) continue;
        const int32_t b = normal_.find(std::string_view(w).substr(cut));
        if (b >= 0) merges.emplace_back(PairTable::key_of(a, b), static_cast<int32_t>(i));
      }
    }
    pairs_.build(merges);
    // Chars that occur inside a piece without being a piece themselves: only
    // these can merge by string (a char that is no piece and occurs in none
    // never merges, which spares a lookup per unknown char).
    for (size_t i = 0; i < pieces_.size(); ++i) {
      const std::string& w = pieces_[i].piece;
      if (normal_.find(w) != static_cast<int32_t>(i)) continue;
      for (size_t pos = 0; pos < w.size();) {
        const size_t len = std::min(one_char_len(static_cast<unsigned char>(w[pos])), w.size() - pos);
        const std::string_view ch = std::string_view(w).substr(pos, len);
        if (normal_.find(ch) < 0) orphans_.insert(ch, 0);
        pos += len;
      }
    }
    ascii_ids_.fill(-1);
    for (int c = 0; c < 128; ++c) ascii_ids_[static_cast<size_t>(c)] = normal_.find(std::string(1, static_cast<char>(c)));
    byte_ids_ = byte_piece_ids([this](std::string_view p) { return piece_to_id(p); });
    return Status::ok();
  }

  void tokenize(std::string_view text, std::vector<int32_t>& ids) const override {
    if (text.empty()) return;
    Scratch& s = scratch();
    s.symbols.clear();
    s.rev_merge.clear();
    // Initial symbols: a whole user-defined piece (frozen) or one char, with
    // its normal-piece id (-1 when the char is not a piece).
    const bool has_user = !user_.empty();
    for (size_t pos = 0; pos < text.size();) {
      size_t len = 0;
      if (has_user)
        user_.common_prefixes(text.substr(pos), [&](size_t l, int32_t) {
          len = l;
          return true;
        });
      const bool freeze = len > 0;
      const auto lead = static_cast<unsigned char>(text[pos]);
      int32_t id;
      if (freeze) {
        id = normal_.find(text.substr(pos, len));
      } else if (lead < 0x80) {
        len = 1;
        id = ascii_ids_[lead];
      } else {
        len = std::min(one_char_len(lead), text.size() - pos);
        id = normal_.find(text.substr(pos, len));
      }
      if (id < 0 && !freeze && orphans_.find(text.substr(pos, len)) < 0) id = kNeverMerges;
      const int idx = static_cast<int>(s.symbols.size());
      s.symbols.push_back(
          Symbol{idx - 1, idx + 1, id, freeze, static_cast<uint32_t>(pos), static_cast<uint32_t>(len)});
      pos += len;
    }
    s.symbols.back().next = -1;
    Agenda& agenda = s.agenda;  // empty between calls; keeps its capacity
    auto maybe_add = [&](int left, int right) {
      if (left < 0 || right < 0) return;
      const Symbol& l = s.symbols[static_cast<size_t>(left)];
      const Symbol& r = s.symbols[static_cast<size_t>(right)];
      if (l.freeze || r.freeze) return;
      int32_t id;
      if (l.id >= 0 && r.id >= 0) {
        id = pairs_.find(l.id, r.id);
      } else if (l.id == kNeverMerges || r.id == kNeverMerges) {
        return;
      } else {
        id = normal_.find(text.substr(l.begin, l.len + r.len));  // a char that is no piece
      }
      if (id < 0) return;
      agenda.push(Pair{scores_[static_cast<size_t>(id)], left, right, l.len + r.len, id});
      if (has_unused_ && pieces_[static_cast<size_t>(id)].type == PieceType::kUnused)
        s.rev_merge[text.substr(l.begin, l.len + r.len)] = {text.substr(l.begin, l.len), text.substr(r.begin, r.len)};
    };
    for (size_t i = 1; i < s.symbols.size(); ++i) maybe_add(static_cast<int>(i - 1), static_cast<int>(i));
    while (!agenda.empty()) {
      const Pair top = agenda.top();
      agenda.pop();
      Symbol& l = s.symbols[static_cast<size_t>(top.left)];
      Symbol& r = s.symbols[static_cast<size_t>(top.right)];
      if (l.len == 0 || r.len == 0 || l.len + r.len != top.size) continue;  // stale
      l.len += r.len;
      l.id = top.id;
      l.next = r.next;
      if (r.next >= 0) s.symbols[static_cast<size_t>(r.next)].prev = top.left;
      r.len = 0;
      maybe_add(l.prev, top.left);
      maybe_add(top.left, l.next);
    }
    // Emit, fusing runs of unknown symbols.
    Emitter e{text, ids};
    for (int i = 0; i != -1; i = s.symbols[static_cast<size_t>(i)].next) {
      const Symbol& sym = s.symbols[static_cast<size_t>(i)];
      const std::string_view w = text.substr(sym.begin, sym.len);
      int32_t id;
      if (sym.id >= 0) {
        id = emit_id_[static_cast<size_t>(sym.id)];
      } else {  // not a normal piece: a reserved one (PieceToId's first map) or unk
        id = reserved_.find(w);
        if (id < 0) id = unk_id_;
      }
      emit(w, id, s, e);
    }
    flush_unk(e);
  }

  std::optional<int32_t> token_to_id(std::string_view token) const override {
    int32_t id = reserved_.find(token);
    if (id < 0) id = normal_.find(token);
    if (id < 0) return std::nullopt;
    return id;
  }
  std::string_view id_to_token(int32_t id) const override {
    if (id < 0 || static_cast<size_t>(id) >= pieces_.size()) return {};
    return pieces_[static_cast<size_t>(id)].piece;
  }
  size_t vocab_size() const override { return pieces_.size(); }
  size_t id_bound() const override { return pieces_.size(); }
  std::string_view type() const override { return "BPE (sentencepiece)"; }

 private:
  struct Symbol {
    int prev, next;
    int32_t id;  // normal piece id; -1 no piece; kNeverMerges no piece and in none
    bool freeze;
    uint32_t begin, len;
  };
  struct Pair {
    float score;
    int left, right;
    uint32_t size;
    int32_t id;
  };
  // priority_queue top = highest score, then leftmost.
  struct PairLess {
    bool operator()(const Pair& a, const Pair& b) const {
      return a.score < b.score || (a.score == b.score && a.left > b.left);
    }
  };
  using Agenda = std::priority_queue<Pair, std::vector<Pair>, PairLess>;
  struct Scratch {
    std::vector<Symbol> symbols;
    Agenda agenda;
    std::unordered_map<std::string_view, std::pair<std::string_view, std::string_view>> rev_merge;
  };
  static Scratch& scratch() {
    thread_local Scratch s;
    return s;
  }
  struct Emitter {
    std::string_view text;
    std::vector<int32_t>& ids;
    size_t unk_begin = 0, unk_end = 0;
    bool in_unk = false;
  };

  // sentencepiece PieceToId: reserved pieces first, then normal, else unk.
  int32_t piece_to_id(std::string_view piece) const {
    int32_t id = reserved_.find(piece);
    if (id >= 0) return id;
    id = normal_.find(piece);
    return id >= 0 ? id : unk_id_;
  }

  void flush_unk(Emitter& e) const {
    if (!e.in_unk) return;
    e.in_unk = false;
    if (byte_fallback_) {
      for (size_t i = e.unk_begin; i < e.unk_end; ++i) {
        const int32_t b = byte_ids_[static_cast<unsigned char>(e.text[i])];
        e.ids.push_back(b >= 0 ? b : unk_id_);
      }
    } else {
      e.ids.push_back(unk_id_);
    }
  }

  // One final symbol: UNUSED pieces re-split into the halves they were
  // merged from; runs of unknown symbols collected for flush_unk.
  void emit(std::string_view w, int32_t id, const Scratch& s, Emitter& e) const {
    if (has_unused_ && pieces_[static_cast<size_t>(id)].type == PieceType::kUnused) {
      auto it = s.rev_merge.find(w);
      if (it != s.rev_merge.end()) {
        emit(it->second.first, piece_to_id(it->second.first), s, e);
        emit(it->second.second, piece_to_id(it->second.second), s, e);
        return;
      }
    }
    if (id == unk_id_) {
      const auto b = static_cast<size_t>(w.data() - e.text.data());
      if (!e.in_unk) e.unk_begin = b;
      e.unk_end = b + w.size();
      e.in_unk = true;
      return;
    }
    flush_unk(e);
    e.ids.push_back(id);
  }

  std::vector<ScoredPiece> pieces_;
  int32_t unk_id_;
  bool byte_fallback_;
  std::vector<float> scores_;
  VocabMap normal_;
  VocabMap reserved_;
  PieceTrie user_;
  PairTable pairs_;
  std::vector<int32_t> emit_id_;
  std::array<int32_t, 128> ascii_ids_{};
  VocabMap orphans_;
  static constexpr int32_t kNeverMerges = -2;
  bool has_unused_ = false;
  std::array<int32_t, 256> byte_ids_{};
};

class SentencePieceDecoder final : public Decoder {
 public:
  explicit SentencePieceDecoder(SentencePieceDecoderSpec spec) : spec_(std::move(spec)) {
    for (size_t i = 0; i < spec_.pieces.size(); ++i) {
      const ScoredPiece& p = spec_.pieces[i];
      map_.insert(p.piece, static_cast<int32_t>(i));
      if (p.type == PieceType::kUnknown && unk_piece_.empty()) unk_piece_ = p.piece;
    }
  }

  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string text;
    std::string bytes;
    bool is_bos_ws = true;
    bool bos_ws_seen = false;
    auto flush_bytes = [&] {
      if (bytes.empty()) return;
      text += utf8_lossy_bytes(bytes);
      bytes.clear();
    };
    for (const std::string& tok : tokens) {
      const int32_t id = map_.find(tok);
      const PieceType type = id >= 0 ? spec_.pieces[static_cast<size_t>(id)].type : PieceType::kNormal;
      if (type == PieceType::kByte) {
        const int v = byte_piece_value(tok);
        if (v >= 0) bytes.push_back(static_cast<char>(v));
        continue;
      }
      flush_bytes();
      if (bos_ws_seen || !text.empty()) is_bos_ws = false;
      bos_ws_seen = false;
      if (type == PieceType::kControl) continue;
      if (type == PieceType::kUnknown) {
        text += tok == unk_piece_ ? spec_.unk_surface : tok;
        continue;
      }
      std::string_view piece = tok;
      if (is_bos_ws && (spec_.add_dummy_prefix || spec_.remove_extra_whitespaces)) {
        if (piece.substr(0, 3) == "\xE2\x96\x81") {
          piece.remove_prefix(3);
          bos_ws_seen = !spec_.remove_extra_whitespaces;
        }
      }
      for (size_t i = 0; i < piece.size();) {
        if (piece.compare(i, 3, "\xE2\x96\x81") == 0) {
          text.push_back(' ');
          i += 3;
        } else {
          text.push_back(piece[i++]);
        }
      }
    }
    flush_bytes();
    tokens.assign(1, std::move(text));
  }
  std::string describe() const override { return "SentencePiece"; }

 private:
  // Each invalid byte -> U+FFFD (sentencepiece maps bytes one char at a time).
  static std::string utf8_lossy_bytes(std::string_view b) {
    std::string out;
    size_t pos = 0;
    while (pos < b.size()) {
      const size_t bad = utf8::first_invalid_offset(b.substr(pos));
      out.append(b.substr(pos, bad));
      pos += bad;
      if (pos < b.size()) {
        out += "\xEF\xBF\xBD";
        ++pos;
      }
    }
    return out;
  }

  SentencePieceDecoderSpec spec_;
  VocabMap map_;
  std::string unk_piece_;
};

}  // namespace

Result<std::unique_ptr<Model>> make_sentencepiece_bpe(std::vector<ScoredPiece> pieces, int32_t unk_id,
                                                      bool byte_fallback) {
  auto model = std::make_unique<SentencePieceBpe>(std::move(pieces), unk_id, byte_fallback);
  TOKREC_RETURN_IF_ERROR(model->init());
  return std::unique_ptr<Model>(std::move(model));
}

std::unique_ptr<Decoder> make_sentencepiece_decoder(SentencePieceDecoderSpec spec) {
  return std::make_unique<SentencePieceDecoder>(std::move(spec));
}

}  // namespace tokrec::tokenize
