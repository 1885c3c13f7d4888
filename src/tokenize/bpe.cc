#include "tokenize/bpe.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <climits>
#include <cstring>
#include <mutex>

#include "tokenize/byte_level.h"
#include "tokenize/byte_pieces.h"
#include "tokenize/vocab_map.h"
#include "tokenize/word_cache.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

// (left id, right id) -> (rank, merged id), open addressing, read-only after load.
class PairMap {
 public:
  struct Entry {
    uint64_t key = kEmpty;
    int32_t rank = 0;
    int32_t id = 0;
  };
  static constexpr uint64_t kEmpty = ~uint64_t{0};

  void reserve(size_t n) {
    size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    slots_.assign(cap, Entry{});
    mask_ = cap - 1;
  }
  // Later entries replace earlier ones, as HF's HashMap::insert does.
  void put(int32_t a, int32_t b, int32_t rank, int32_t id) {
    const uint64_t key = make_key(a, b);
    size_t i = mix(key) & mask_;
    while (slots_[i].key != kEmpty && slots_[i].key != key) i = (i + 1) & mask_;
    slots_[i] = {key, rank, id};
  }
  const Entry* find(int32_t a, int32_t b) const {
    const uint64_t key = make_key(a, b);
    size_t i = mix(key) & mask_;
    while (true) {
      const Entry& e = slots_[i];
      if (e.key == key) return &e;
      if (e.key == kEmpty) return nullptr;
      i = (i + 1) & mask_;
    }
  }
  size_t memory() const { return slots_.size() * sizeof(Entry); }

 private:
  static uint64_t make_key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  static uint64_t mix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xFF51AFD7ED558CCDULL;
    k ^= k >> 33;
    return k;
  }
  std::vector<Entry> slots_;
  size_t mask_ = 0;
};

struct Symbol {
  int32_t id;
  uint32_t start, end;  // byte range in the word (tiktoken ranks read it)
  int32_t prev, next;
};

struct HeapItem {
  int32_t rank;
  uint32_t pos;
  int32_t id;
};
// std heap is a max-heap: "greater priority" = lower rank, then lower position.
inline bool heap_less(const HeapItem& a, const HeapItem& b) {
  return a.rank != b.rank ? a.rank > b.rank : a.pos > b.pos;
}

struct BpeScratch {
  std::vector<Symbol> symbols;
  std::vector<HeapItem> heap;
  std::string mapped;
  std::string piece;
};

BpeScratch& bpe_scratch() {
  thread_local BpeScratch s;
  return s;
}

// Words of at most this many symbols merge with a linear scan over an array
// on the stack (what tiktoken's byte_pair_merge does); longer ones use the
// heap of merge_all.
constexpr size_t kSmallWord = 48;
constexpr int32_t kNoRank = INT32_MAX;

// The merge of two bytes (Bpe::init_byte_pairs); rank kNoRank = none.
struct BytePair {
  int32_t rank = kNoRank;
  int32_t id = -1;
};

// Rank of merging two adjacent symbols, from the merges table.
struct PairRank {
  const PairMap& merges;
  bool operator()(const Symbol& l, const Symbol& r, int32_t& rank, int32_t& id) const {
    const PairMap::Entry* e = merges.find(l.id, r.id);
    if (e == nullptr) return false;
    rank = e->rank;
    id = e->id;
    return true;
  }
};

class Bpe final : public Model {
 public:
  explicit Bpe(BpeConfig config) : config_(std::move(config)) {}

  Status init_vocab(std::span<const TokenId> vocab) {
    int32_t max_id = -1;
    size_t bytes = 0;
    for (const TokenId& t : vocab) {
      if (t.id < 0) return Status::parse_error("token '" + std::string(t.token) + "' has negative id");
      if (t.id > kMaxTokenId)
        return Status::parse_error("token '" + std::string(t.token) + "' has id " + std::to_string(t.id) +
                                   ", out of range (at most " + std::to_string(kMaxTokenId) + ")");
      max_id = std::max(max_id, t.id);
      bytes += t.token.size();
    }
    vocab_.reserve(vocab.size(), bytes);
    // id -> where the token lies in vocab_ (no second copy of each token).
    tokens_.assign(static_cast<size_t>(max_id + 1), VocabMap::KeyRef{});
    for (const TokenId& t : vocab) {
      if (!vocab_.insert(t.token, t.id))
        return Status::parse_error("token '" + std::string(t.token) + "' appears twice in the vocabulary");
      tokens_[static_cast<size_t>(t.id)] = vocab_.last_key();
    }
    count_ = vocab.size();
    if (config_.unk_token) unk_id_ = vocab_.find(*config_.unk_token);
    fallback_ids_ = byte_piece_ids([this](std::string_view p) { return vocab_.find(p); });
    if (config_.byte_level) {
      fast_bytes_ = config_.continuing_subword_prefix.empty() && config_.end_of_word_suffix.empty();
      for (int b = 0; b < 256; ++b) {
        std::string s;
        utf8::append(s, byte_level::byte_to_char(static_cast<uint8_t>(b)));
        byte_ids_[b] = vocab_.find(s);
        if (byte_ids_[b] < 0) fast_bytes_ = false;
      }
      // Raw bytes -> id, for ignore_merges (a word that is a token) and
      // tiktoken's pairs; plain byte-level BPE never asks it.
      if (config_.ignore_merges) {
        raw_vocab_.reserve(vocab.size(), bytes);
        std::string raw;
        for (const TokenId& t : vocab) {
          raw.clear();
          if (byte_level::decode(t.token, raw)) raw_vocab_.insert(raw, t.id);
        }
      }
    }
    return Status::ok();
  }

  // Merges are resolved in groups, each group's lookups batched
  // (VocabMap::find_batch); errors still name the first bad merge.
  Status init_merges(std::span<const MergePair> merges) {
    merges_.reserve(merges.size());
    const size_t prefix_len = config_.continuing_subword_prefix.size();
    constexpr size_t kGroup = 256;
    std::vector<std::string_view> keys;
    std::vector<int32_t> ids;
    std::string merged;
    std::vector<size_t> merged_end;
    for (size_t base = 0; base < merges.size(); base += kGroup) {
      const std::span<const MergePair> group = merges.subspan(base, std::min(kGroup, merges.size() - base));
      const size_t n = group.size();
      keys.clear();
      for (const MergePair& m : group) keys.push_back(m.a);
      for (const MergePair& m : group) keys.push_back(m.b);
      merged.clear();
      merged_end.clear();
      for (const MergePair& m : group) {
        if (m.b.size() >= prefix_len) {
          merged.append(m.a);
          merged.append(m.b.substr(prefix_len));
        }
        merged_end.push_back(merged.size());
      }
      for (size_t i = 0, start = 0; i < n; start = merged_end[i++])
        keys.push_back(std::string_view(merged).substr(start, merged_end[i] - start));
      ids.resize(keys.size());
      vocab_.find_batch(keys, ids);
      for (size_t g = 0; g < n; ++g) {
        const size_t i = base + g;
        const std::string_view a = group[g].a, b = group[g].b;
        auto where = [&](const std::string& what) {
          return Status::parse_error("merge " + std::to_string(i + 1) + " ('" + std::string(a) + " " +
                                     std::string(b) + "'): " + what);
        };
        const int32_t ia = ids[g], ib = ids[n + g], im = ids[2 * n + g];
        if (ia < 0) return where("'" + std::string(a) + "' is not in the vocabulary");
        if (ib < 0) return where("'" + std::string(b) + "' is not in the vocabulary");
        if (b.size() < prefix_len) return where("'" + std::string(b) + "' lacks the continuing-subword prefix");
        if (im < 0) return where("merged token '" + std::string(keys[2 * n + g]) + "' is not in the vocabulary");
        merges_.put(ia, ib, static_cast<int32_t>(i), im);
      }
    }
    return Status::ok();
  }

  void tokenize(std::string_view word, std::vector<int32_t>& ids) const override {
    cached_tokenize(cache_owner_, word, ids, [this](std::string_view w, std::vector<int32_t>& out) {
      encode_word(w, out);
    });
  }

  // tiktoken: every split of a token into two tokens is a merge whose rank
  // is the token's rank. Parts of a word are always tokens (single bytes to
  // start with, then merge results), so this table answers exactly what
  // tiktoken's byte_pair_merge asks: the rank of two adjacent parts' bytes.
  void init_tiktoken_pairs(std::span<const TokenId> ranks) {
    std::vector<std::pair<uint64_t, int32_t>> pairs;
    // Tokens in groups: every prefix of the group's tokens looked up in one
    // batch, then the rest after each prefix that is a token in a second
    // (VocabMap::find_batch); pairs come out in the order of the plain
    // loop over tokens and split points.
    constexpr size_t kGroup = 64;
    struct Split {
      uint32_t token, at;
      int32_t left;
    };
    std::vector<Split> splits;
    std::vector<std::string_view> keys;
    std::vector<int32_t> ids;
    for (size_t base = 0; base < ranks.size(); base += kGroup) {
      const size_t end = std::min(base + kGroup, ranks.size());
      splits.clear();
      keys.clear();
      for (size_t t = base; t < end; ++t)
        for (size_t k = 1; k < ranks[t].token.size(); ++k) {
          splits.push_back({static_cast<uint32_t>(t), static_cast<uint32_t>(k), -1});
          keys.push_back(ranks[t].token.substr(0, k));
        }
      ids.resize(keys.size());
      raw_vocab_.find_batch(keys, ids);
      size_t hits = 0;
      keys.clear();
      for (size_t i = 0; i < splits.size(); ++i) {
        if (ids[i] < 0) continue;
        splits[hits] = splits[i];
        splits[hits].left = ids[i];
        keys.push_back(ranks[splits[i].token].token.substr(splits[i].at));
        ++hits;
      }
      ids.resize(hits);
      raw_vocab_.find_batch(keys, ids);
      for (size_t i = 0; i < hits; ++i) {
        if (ids[i] < 0) continue;
        pairs.emplace_back((static_cast<uint64_t>(static_cast<uint32_t>(splits[i].left)) << 32) |
                               static_cast<uint32_t>(ids[i]),
                           ranks[splits[i].token].id);
      }
    }
    merges_.reserve(pairs.size());
    for (const auto& [key, rank] : pairs)
      merges_.put(static_cast<int32_t>(key >> 32), static_cast<int32_t>(key & 0xFFFFFFFFu), rank, rank);
  }

  // Byte-level models: the merge of every two bytes, a dense 256 x 256
  // table (512 KiB, stays in cache) for the first look at each adjacent pair
  // of a word, which is most of the lookups; later ones go to merges_.
  void init_byte_pairs() {
    if (!config_.byte_level || !fast_bytes_) return;
    byte_pairs_.assign(256 * 256, BytePair{});
    for (size_t a = 0; a < 256; ++a)
      for (size_t b = 0; b < 256; ++b)
        if (const PairMap::Entry* e = merges_.find(byte_ids_[a], byte_ids_[b]))
          byte_pairs_[a << 8 | b] = BytePair{e->rank, e->id};
  }

  std::optional<int32_t> token_to_id(std::string_view token) const override {
    const int32_t id = vocab_.find(token);
    if (id < 0) return std::nullopt;
    return id;
  }
  std::string_view id_to_token(int32_t id) const override {
    if (id < 0 || static_cast<size_t>(id) >= tokens_.size()) return {};
    return vocab_.key(tokens_[static_cast<size_t>(id)]);
  }
  size_t vocab_size() const override { return count_; }
  size_t id_bound() const override { return tokens_.size(); }
  std::string_view type() const override { return "BPE"; }
  // For offsets (model.h).
  Surface surface() const override {
    Surface s;
    s.continuing_prefix = config_.continuing_subword_prefix;
    s.end_of_word_suffix = config_.end_of_word_suffix;
    s.byte_level = config_.byte_level;
    s.unk_id = unk_id_;
    s.drops_unknown = !config_.unk_token.has_value() && !config_.byte_level;
    return s;
  }

 private:
  void encode_word(std::string_view word, std::vector<int32_t>& ids) const {
    BpeScratch& s = bpe_scratch();
    if (config_.byte_level && fast_bytes_) {
      if (config_.ignore_merges && word.size() <= raw_vocab_.max_key_bytes()) {
        const int32_t id = raw_vocab_.find(word);
        if (id >= 0) {
          ids.push_back(id);
          return;
        }
      }
      if (word.size() <= kSmallWord) {
        int32_t buf[kSmallWord];
        for (size_t i = 0; i < word.size(); ++i) buf[i] = byte_ids_[static_cast<uint8_t>(word[i])];
        const size_t n = merge_small(buf, word.size(), word.data());
        ids.insert(ids.end(), buf, buf + n);
        return;
      }
      s.symbols.clear();
      for (size_t i = 0; i < word.size(); ++i) {
        const auto b = static_cast<uint8_t>(word[i]);
        add_symbol(s.symbols, byte_ids_[b], i, i + 1);
      }
      merge_all(s, PairRank{merges_}, byte_pairs_.empty() ? nullptr : word.data(), byte_pairs_.data());
      emit(s.symbols, ids);
      return;
    }
    std::string_view text = word;
    if (config_.byte_level) {
      s.mapped.clear();
      byte_level::encode(word, s.mapped);
      text = s.mapped;
    }
    if (config_.ignore_merges) {
      const int32_t id = vocab_.find(text);
      if (id >= 0) {
        ids.push_back(id);
        return;
      }
    }
    init_chars(text, s);
    if (s.symbols.size() <= kSmallWord) {
      int32_t buf[kSmallWord];
      for (size_t i = 0; i < s.symbols.size(); ++i) buf[i] = s.symbols[i].id;
      const size_t n = merge_small(buf, s.symbols.size());
      ids.insert(ids.end(), buf, buf + n);
      return;
    }
    merge_all(s, PairRank{merges_});
    emit(s.symbols, ids);
  }

  // merge_all's result for n <= kSmallWord symbols, in place; returns the
  // new count. rank[i] belongs to the pair (ids[i], ids[i + 1]); the first
  // lowest rank merges, then only its two neighbouring pairs change.
  // `bytes` (byte-level words, ids[i] = byte_ids_[bytes[i]]): the first
  // ranks come from the byte-pair table instead of the pair hash map.
  size_t merge_small(int32_t* ids, size_t n, const char* bytes = nullptr) const {
    if (n < 2) return n;
    int32_t rank[kSmallWord], merged[kSmallWord];
    auto look = [&](size_t i) {
      const PairMap::Entry* e = merges_.find(ids[i], ids[i + 1]);
      rank[i] = e != nullptr ? e->rank : kNoRank;
      merged[i] = e != nullptr ? e->id : -1;
    };
    if (bytes != nullptr && !byte_pairs_.empty()) {
      for (size_t i = 0; i + 1 < n; ++i) {
        const BytePair& p = byte_pairs_[static_cast<size_t>(static_cast<uint8_t>(bytes[i])) << 8 |
                                        static_cast<uint8_t>(bytes[i + 1])];
        rank[i] = p.rank;
        merged[i] = p.id;
      }
    } else {
      for (size_t i = 0; i + 1 < n; ++i) look(i);
    }
    while (n > 1) {
      size_t best = 0;
      for (size_t i = 1; i + 1 < n; ++i)
        if (rank[i] < rank[best]) best = i;
      if (rank[best] == kNoRank) break;
      ids[best] = merged[best];
      // Drop symbol best + 1 and pair best + 1 (pair best is recomputed).
      for (size_t i = best + 1; i + 1 < n; ++i) {
        ids[i] = ids[i + 1];
        rank[i] = rank[i + 1];
        merged[i] = merged[i + 1];
      }
      --n;
      if (best + 1 < n) look(best);
      if (best > 0) look(best - 1);
    }
    return n;
  }

  static void add_symbol(std::vector<Symbol>& symbols, int32_t id, size_t start, size_t end) {
    const auto n = static_cast<int32_t>(symbols.size());
    symbols.push_back({id, static_cast<uint32_t>(start), static_cast<uint32_t>(end), n - 1, n + 1});
  }

  // HF BPE::merge_word: one symbol per char, with prefix/suffix, byte
  // fallback and (fused) unk.
  void init_chars(std::string_view w, BpeScratch& s) const {
    s.symbols.clear();
    const std::string& prefix = config_.continuing_subword_prefix;
    const std::string& suffix = config_.end_of_word_suffix;
    int32_t unk = -1;  // pending unk symbol's start, -1 = none
    size_t unk_start = 0, unk_end = 0;
    size_t i = 0;
    while (i < w.size()) {
      const size_t start = i;
      utf8::decode(w, i);
      std::string_view piece = w.substr(start, i - start);
      if ((start != 0 && !prefix.empty()) || (i == w.size() && !suffix.empty())) {
        s.piece.clear();
        if (start != 0) s.piece += prefix;
        s.piece += piece;
        if (i == w.size()) s.piece += suffix;
        piece = s.piece;
      }
      const int32_t id = vocab_.find(piece);
      if (id >= 0) {
        if (unk >= 0) {
          add_symbol(s.symbols, unk_id_, unk_start, unk_end);
          unk = -1;
        }
        add_symbol(s.symbols, id, start, i);
        continue;
      }
      if (config_.byte_fallback) {
        bool all = true;
        for (char c : piece) all = all && fallback_ids_[static_cast<uint8_t>(c)] >= 0;
        if (all) {
          for (char c : piece) add_symbol(s.symbols, fallback_ids_[static_cast<uint8_t>(c)], start, i);
          continue;
        }
      }
      if (unk_id_ >= 0) {
        if (unk >= 0 && config_.fuse_unk) {
          unk_end = i;
        } else {
          if (unk >= 0) add_symbol(s.symbols, unk_id_, unk_start, unk_end);
          unk = unk_id_;
          unk_start = start;
          unk_end = i;
        }
      }
    }
    if (unk >= 0) add_symbol(s.symbols, unk_id_, unk_start, unk_end);
  }

  // HF Word::merge_all (without dropout): lowest rank first, then leftmost.
  // `bytes` (one symbol per byte): the first ranks come from `byte_pairs`.
  template <typename RankFn>
  static void merge_all(BpeScratch& s, RankFn rank_of, const char* bytes = nullptr,
                        const BytePair* byte_pairs = nullptr) {
    std::vector<Symbol>& sym = s.symbols;
    if (sym.size() < 2) return;
    sym.back().next = -1;
    std::vector<HeapItem>& heap = s.heap;
    heap.clear();
    int32_t rank, id;
    if (bytes != nullptr) {
      for (size_t i = 0; i + 1 < sym.size(); ++i) {
        const BytePair& p = byte_pairs[static_cast<size_t>(static_cast<uint8_t>(bytes[i])) << 8 |
                                       static_cast<uint8_t>(bytes[i + 1])];
        if (p.rank != kNoRank) heap.push_back({p.rank, static_cast<uint32_t>(i), p.id});
      }
    } else {
      for (size_t i = 0; i + 1 < sym.size(); ++i)
        if (rank_of(sym[i], sym[i + 1], rank, id)) heap.push_back({rank, static_cast<uint32_t>(i), id});
    }
    std::make_heap(heap.begin(), heap.end(), heap_less);
    while (!heap.empty()) {
      std::pop_heap(heap.begin(), heap.end(), heap_less);
      const HeapItem top = heap.back();
      heap.pop_back();
      Symbol& cur = sym[top.pos];
      if (cur.id < 0 || cur.next < 0) continue;
      Symbol& right = sym[static_cast<size_t>(cur.next)];
      if (!rank_of(cur, right, rank, id) || id != top.id || rank != top.rank) continue;
      cur.id = top.id;
      cur.end = right.end;
      cur.next = right.next;
      right.id = -1;
      if (cur.next >= 0) sym[static_cast<size_t>(cur.next)].prev = static_cast<int32_t>(top.pos);
      if (cur.prev >= 0) {
        const Symbol& prev = sym[static_cast<size_t>(cur.prev)];
        if (rank_of(prev, cur, rank, id)) {
          heap.push_back({rank, static_cast<uint32_t>(cur.prev), id});
          std::push_heap(heap.begin(), heap.end(), heap_less);
        }
      }
      if (cur.next >= 0) {
        const Symbol& next = sym[static_cast<size_t>(cur.next)];
        if (rank_of(cur, next, rank, id)) {
          heap.push_back({rank, top.pos, id});
          std::push_heap(heap.begin(), heap.end(), heap_less);
        }
      }
    }
  }

  static void emit(const std::vector<Symbol>& symbols, std::vector<int32_t>& ids) {
    for (const Symbol& x : symbols)
      if (x.id >= 0) ids.push_back(x.id);
  }

  BpeConfig config_;
  VocabMap vocab_;
  std::vector<VocabMap::KeyRef> tokens_;  // by id, into vocab_
  size_t count_ = 0;
  PairMap merges_;
  std::vector<BytePair> byte_pairs_;  // see init_byte_pairs
  VocabMap raw_vocab_;  // byte-level: raw bytes -> id
  int32_t byte_ids_[256] = {};
  std::array<int32_t, 256> fallback_ids_{};
  bool fast_bytes_ = false;
  int32_t unk_id_ = -1;
  const uint32_t cache_owner_ = new_word_cache_owner();
};

}  // namespace

Result<std::unique_ptr<Model>> make_bpe(std::span<const TokenId> vocab, std::span<const MergePair> merges,
                                        const BpeConfig& config) {
  auto model = std::make_unique<Bpe>(config);
  TOKREC_RETURN_IF_ERROR(model->init_vocab(vocab));
  TOKREC_RETURN_IF_ERROR(model->init_merges(merges));
  model->init_byte_pairs();
  return std::unique_ptr<Model>(std::move(model));
}

Result<std::unique_ptr<Model>> make_bpe(const Vocab& vocab, const Merges& merges,
                                        const BpeConfig& config) {
  std::vector<TokenId> v;
  v.reserve(vocab.size());
  for (const auto& [token, id] : vocab) v.push_back({token, id});
  std::vector<MergePair> m;
  m.reserve(merges.size());
  for (const auto& [a, b] : merges) m.push_back({a, b});
  return make_bpe(std::span<const TokenId>(v), std::span<const MergePair>(m), config);
}

std::optional<std::pair<std::string, std::string>> split_merge_line(
    std::string_view line, const std::unordered_set<std::string_view>& known) {
  auto pair = split_merge_line_view(line, [&](std::string_view s) { return known.count(s) > 0; });
  if (!pair) return std::nullopt;
  return std::make_pair(std::string(pair->a), std::string(pair->b));
}

Result<std::unique_ptr<Model>> make_tiktoken_bpe(std::span<const TokenId> ranks) {
  BpeConfig config;
  config.byte_level = true;
  config.ignore_merges = true;
  // Byte-level text of every token, back to back in one buffer.
  std::string texts;
  std::vector<size_t> ends;
  ends.reserve(ranks.size());
  for (const TokenId& t : ranks) {
    byte_level::encode(t.token, texts);
    ends.push_back(texts.size());
  }
  std::vector<TokenId> text_vocab(ranks.size());
  for (size_t i = 0, start = 0; i < ranks.size(); start = ends[i++])
    text_vocab[i] = {std::string_view(texts).substr(start, ends[i] - start), ranks[i].id};
  auto model = std::make_unique<Bpe>(config);
  TOKREC_RETURN_IF_ERROR(model->init_vocab(text_vocab));
  model->init_tiktoken_pairs(ranks);
  model->init_byte_pairs();
  for (int b = 0; b < 256; ++b) {
    std::string t;
    utf8::append(t, byte_level::byte_to_char(static_cast<uint8_t>(b)));
    if (!model->token_to_id(t)) return Status::parse_error("byte " + std::to_string(b) + " has no rank");
  }
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace tokrec::tokenize
