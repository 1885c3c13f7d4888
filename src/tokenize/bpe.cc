#include "tokenize/bpe.h"

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "tokenize/byte_level.h"
#include "tokenize/vocab_map.h"
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

// Per-thread direct-mapped cache of word -> ids for one model at a time.
struct WordCache {
  static constexpr size_t kSlots = 16384;
  static constexpr size_t kMaxWord = 64;
  struct Slot {
    std::string word;
    std::vector<int32_t> ids;
    bool used = false;
  };
  uint64_t owner = 0;
  std::vector<Slot> slots;
  Slot& slot(uint64_t serial, std::string_view word) {
    if (owner != serial || slots.empty()) {
      slots.assign(kSlots, Slot{});
      owner = serial;
    }
    return slots[hash_bytes(word) & (kSlots - 1)];
  }
};

WordCache& word_cache() {
  thread_local WordCache c;
  return c;
}

std::atomic<uint64_t> g_next_serial{1};

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
  Bpe(BpeConfig config, bool tiktoken) : config_(std::move(config)), tiktoken_(tiktoken) {}

  Status init_vocab(const Vocab& vocab) {
    int32_t max_id = -1;
    for (const auto& [token, id] : vocab) {
      if (id < 0) return Status::parse_error("token '" + token + "' has negative id");
      if (!vocab_.insert(token, id))
        return Status::parse_error("token '" + token + "' appears twice in the vocabulary");
      max_id = std::max(max_id, id);
    }
    tokens_.assign(static_cast<size_t>(max_id + 1), std::string());
    for (const auto& [token, id] : vocab) tokens_[static_cast<size_t>(id)] = token;
    count_ = vocab.size();
    if (config_.unk_token) unk_id_ = vocab_.find(*config_.unk_token);
    for (int b = 0; b < 256; ++b) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "<0x%02X>", b);
      fallback_ids_[b] = vocab_.find(buf);
    }
    if (config_.byte_level) {
      fast_bytes_ = config_.continuing_subword_prefix.empty() && config_.end_of_word_suffix.empty();
      for (int b = 0; b < 256; ++b) {
        std::string s;
        utf8::append(s, byte_level::byte_to_char(static_cast<uint8_t>(b)));
        byte_ids_[b] = vocab_.find(s);
        if (byte_ids_[b] < 0) fast_bytes_ = false;
      }
      std::string raw;
      for (const auto& [token, id] : vocab) {
        raw.clear();
        if (byte_level::decode(token, raw)) raw_vocab_.insert(raw, id);
      }
    }
    return Status::ok();
  }

  Status init_merges(const Merges& merges) {
    merges_.reserve(merges.size());
    const size_t prefix_len = config_.continuing_subword_prefix.size();
    std::string merged;
    for (size_t i = 0; i < merges.size(); ++i) {
      const auto& [a, b] = merges[i];
      auto where = [&](const std::string& what) {
        return Status::parse_error("merge " + std::to_string(i + 1) + " ('" + a + " " + b + "'): " + what);
      };
      const int32_t ia = vocab_.find(a), ib = vocab_.find(b);
      if (ia < 0) return where("'" + a + "' is not in the vocabulary");
      if (ib < 0) return where("'" + b + "' is not in the vocabulary");
      if (b.size() < prefix_len) return where("'" + b + "' lacks the continuing-subword prefix");
      merged.assign(a);
      merged.append(b, prefix_len);
      const int32_t im = vocab_.find(merged);
      if (im < 0) return where("merged token '" + merged + "' is not in the vocabulary");
      merges_.put(ia, ib, static_cast<int32_t>(i), im);
    }
    return Status::ok();
  }

  void tokenize(std::string_view word, std::vector<int32_t>& ids) const override {
    if (word.size() > WordCache::kMaxWord) {
      encode_word(word, ids);
      return;
    }
    WordCache::Slot& slot = word_cache().slot(serial_, word);
    if (slot.used && slot.word == word) {
      ids.insert(ids.end(), slot.ids.begin(), slot.ids.end());
      return;
    }
    const size_t before = ids.size();
    encode_word(word, ids);
    slot.word.assign(word);
    slot.ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(before), ids.end());
    slot.used = true;
  }

  std::optional<int32_t> token_to_id(std::string_view token) const override {
    const int32_t id = vocab_.find(token);
    if (id < 0) return std::nullopt;
    return id;
  }
  std::string_view id_to_token(int32_t id) const override {
    if (id < 0 || static_cast<size_t>(id) >= tokens_.size()) return {};
    return tokens_[static_cast<size_t>(id)];
  }
  size_t vocab_size() const override { return count_; }
  size_t id_bound() const override { return tokens_.size(); }
  std::string_view type() const override { return "BPE"; }

 private:
  void encode_word(std::string_view word, std::vector<int32_t>& ids) const {
    BpeScratch& s = bpe_scratch();
    if (config_.byte_level && fast_bytes_) {
      if (config_.ignore_merges) {
        const int32_t id = raw_vocab_.find(word);
        if (id >= 0) {
          ids.push_back(id);
          return;
        }
      }
      s.symbols.clear();
      for (size_t i = 0; i < word.size(); ++i) {
        const auto b = static_cast<uint8_t>(word[i]);
        add_symbol(s.symbols, byte_ids_[b], i, i + 1);
      }
      if (tiktoken_) {
        merge_all(s, [&](const Symbol& l, const Symbol& r, int32_t& rank, int32_t& id) {
          id = raw_vocab_.find(word.substr(l.start, r.end - l.start));
          rank = id;
          return id >= 0;
        });
      } else {
        merge_all(s, PairRank{merges_});
      }
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
    merge_all(s, PairRank{merges_});
    emit(s.symbols, ids);
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
  template <typename RankFn>
  static void merge_all(BpeScratch& s, RankFn rank_of) {
    std::vector<Symbol>& sym = s.symbols;
    if (sym.size() < 2) return;
    sym.back().next = -1;
    std::vector<HeapItem>& heap = s.heap;
    heap.clear();
    int32_t rank, id;
    for (size_t i = 0; i + 1 < sym.size(); ++i)
      if (rank_of(sym[i], sym[i + 1], rank, id)) heap.push_back({rank, static_cast<uint32_t>(i), id});
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
  bool tiktoken_;
  VocabMap vocab_;
  std::vector<std::string> tokens_;
  size_t count_ = 0;
  PairMap merges_;
  VocabMap raw_vocab_;  // byte-level: raw bytes -> id
  int32_t byte_ids_[256] = {};
  int32_t fallback_ids_[256] = {};
  bool fast_bytes_ = false;
  int32_t unk_id_ = -1;
  const uint64_t serial_ = g_next_serial.fetch_add(1);
};

}  // namespace

Result<std::unique_ptr<Model>> make_bpe(const Vocab& vocab, const Merges& merges,
                                        const BpeConfig& config) {
  auto model = std::make_unique<Bpe>(config, false);
  TOKREC_RETURN_IF_ERROR(model->init_vocab(vocab));
  TOKREC_RETURN_IF_ERROR(model->init_merges(merges));
  return std::unique_ptr<Model>(std::move(model));
}

std::optional<std::pair<std::string, std::string>> split_merge_line(
    std::string_view line, const std::unordered_set<std::string_view>& known) {
  const size_t first = line.find(' ');
  if (first == std::string_view::npos) return std::nullopt;
  if (line.find(' ', first + 1) == std::string_view::npos)
    return std::make_pair(std::string(line.substr(0, first)), std::string(line.substr(first + 1)));
  for (size_t k = first; k != std::string_view::npos; k = line.find(' ', k + 1)) {
    const std::string_view a = line.substr(0, k), b = line.substr(k + 1);
    if (known.count(a) && known.count(b)) return std::make_pair(std::string(a), std::string(b));
  }
  return std::nullopt;
}

Result<std::unique_ptr<Model>> make_tiktoken_bpe(const Vocab& ranks) {
  BpeConfig config;
  config.byte_level = true;
  config.ignore_merges = true;
  Vocab text_vocab;
  text_vocab.reserve(ranks.size());
  for (const auto& [raw, rank] : ranks) {
    std::string text;
    byte_level::encode(raw, text);
    text_vocab.emplace_back(std::move(text), rank);
  }
  auto model = std::make_unique<Bpe>(config, true);
  TOKREC_RETURN_IF_ERROR(model->init_vocab(text_vocab));
  for (int b = 0; b < 256; ++b) {
    std::string t;
    utf8::append(t, byte_level::byte_to_char(static_cast<uint8_t>(b)));
    if (!model->token_to_id(t)) return Status::parse_error("byte " + std::to_string(b) + " has no rank");
  }
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace tokrec::tokenize
