#include "tokenize/wordpiece.h"

#include <algorithm>
#include <array>

#include "tokenize/vocab_map.h"
#include "tokenize/word_cache.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

inline bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// The tokens of one WordPiece map as a byte trie, for the greedy longest
// match: one walk along the word finds the longest token it starts with
// (LinMaxMatch's idea without the failure links), where probing the hash
// map with every shorter prefix costs a hash of each (quadratic in the
// word's length for words that are not tokens, like long numbers). Root
// edges are a direct array; deeper edges one open-addressing table keyed by
// (node, byte), 8 bytes an edge.
class ByteTrie {
 public:
  ByteTrie() { root_.fill(-1); }

  // Keeps the first id given for a key (as VocabMap::insert does).
  void insert(std::string_view key, int32_t id) {
    if (key.empty()) return;
    int32_t node = root_[static_cast<unsigned char>(key[0])];
    if (node < 0) node = root_[static_cast<unsigned char>(key[0])] = new_node();
    for (size_t i = 1; i < key.size(); ++i) {
      int32_t next = child(node, static_cast<unsigned char>(key[i]));
      if (next < 0) {
        next = new_node();
        add_edge(node, static_cast<unsigned char>(key[i]), next);
      }
      node = next;
    }
    if (ids_[static_cast<size_t>(node)] < 0) ids_[static_cast<size_t>(node)] = id;
  }

  // The longest key that `word` starts with at `start` and that ends on a
  // char boundary of `word`: its id, and its end in `end`; -1 if none.
  int32_t longest(std::string_view word, size_t start, size_t& end) const {
    const size_t n = word.size();
    int32_t node = root_[static_cast<unsigned char>(word[start])];
    int32_t found = -1;
    for (size_t i = start + 1; node >= 0; ++i) {
      const int32_t id = ids_[static_cast<size_t>(node)];
      if (id >= 0 && (i == n || !is_continuation_byte(word[i]))) {
        found = id;
        end = i;
      }
      if (i == n) break;
      node = child(node, static_cast<unsigned char>(word[i]));
    }
    return found;
  }

 private:
  static constexpr uint32_t kEmpty = ~uint32_t{0};
  struct Edge {
    uint32_t key = kEmpty;  // node << 8 | byte
    int32_t child = -1;
  };

  int32_t new_node() {
    ids_.push_back(-1);
    return static_cast<int32_t>(ids_.size() - 1);
  }
  size_t slot_of(uint32_t key) const {
    return static_cast<size_t>((static_cast<uint64_t>(key) * 0x9E3779B97F4A7C15ULL) >> shift_);
  }
  int32_t child(int32_t node, unsigned char byte) const {
    if (edges_.empty()) return -1;
    const uint32_t key = static_cast<uint32_t>(node) << 8 | byte;
    const size_t mask = edges_.size() - 1;
    for (size_t i = slot_of(key);; i = (i + 1) & mask) {
      const Edge& e = edges_[i];
      if (e.key == key) return e.child;
      if (e.key == kEmpty) return -1;
    }
  }
  void add_edge(int32_t node, unsigned char byte, int32_t next) {
    if ((edge_count_ + 1) * 2 > edges_.size()) grow();
    place(Edge{static_cast<uint32_t>(node) << 8 | byte, next});
    ++edge_count_;
  }
  void place(const Edge& edge) {
    const size_t mask = edges_.size() - 1;
    size_t i = slot_of(edge.key);
    while (edges_[i].key != kEmpty) i = (i + 1) & mask;
    edges_[i] = edge;
  }
  void grow() {
    std::vector<Edge> old;
    old.swap(edges_);
    edges_.assign(old.empty() ? 1024 : old.size() * 2, Edge{});
    shift_ = 64;
    for (size_t cap = edges_.size(); cap > 1; cap >>= 1) --shift_;
    for (const Edge& e : old)
      if (e.key != kEmpty) place(e);
  }

  std::array<int32_t, 256> root_;
  std::vector<int32_t> ids_;  // per node: token id or -1
  std::vector<Edge> edges_;
  size_t edge_count_ = 0;
  int shift_ = 64;
};

class WordPiece final : public Model {
 public:
  WordPiece(const WordPieceConfig& config, int32_t unk_id, VocabMap words, ByteTrie word_trie,
            ByteTrie continuation_trie, std::vector<std::string> id_to_token, size_t count)
      : config_(config),
        unk_id_(unk_id),
        words_(std::move(words)),
        word_trie_(std::move(word_trie)),
        continuation_trie_(std::move(continuation_trie)),
        id_to_token_(std::move(id_to_token)),
        count_(count) {
    // HF loads a WordPiece whose unk token is not in the vocabulary and fails
    // only on a word that needs it: such a model goes through tokenize_checked.
    may_fail_ = unk_id_ < 0;
  }

  // Repeated words (most of a catalogue's) come from the per-thread word
  // cache: one hash and one compare instead of the probes of the greedy match.
  void tokenize(std::string_view word, std::vector<int32_t>& ids) const override {
    cached_tokenize(cache_owner_, word, ids,
                    [this](std::string_view w, std::vector<int32_t>& out) { greedy(w, out); });
  }

  Status tokenize_checked(std::string_view word, std::vector<int32_t>& ids) const override {
    if (greedy(word, ids)) return Status::ok();
    return Status::invalid_argument("WordPiece: the word '" + std::string(word) + "' needs the unk token '" +
                                    config_.unk_token + "', which is not in the vocabulary");
  }

  // HF's greedy longest-match-first on one word, appended to `ids`. False
  // when the word needed the unk token and the vocabulary lacks it (then
  // nothing is appended).
  bool greedy(std::string_view word, std::vector<int32_t>& ids) const {
    // Bytes bound chars from above, so count chars only for long words.
    if (word.size() > config_.max_input_chars_per_word &&
        utf8::length(word) > config_.max_input_chars_per_word) {
      if (unk_id_ < 0) return false;
      ids.push_back(unk_id_);
      return true;
    }
    const size_t first = ids.size();
    size_t start = 0;
    const size_t n = word.size();
    while (start < n) {
      // Pieces after the first are looked up without their prefix in a trie
      // of prefixed tokens stripped of it: same answer as HF's
      // vocab.contains(prefix + piece), without building the string.
      const ByteTrie& trie = start == 0 ? word_trie_ : continuation_trie_;
      size_t end = start;
      const int32_t found = trie.longest(word, start, end);
      if (found < 0) {
        ids.resize(first);
        if (unk_id_ < 0) return false;
        ids.push_back(unk_id_);
        return true;
      }
      ids.push_back(found);
      start = end;
    }
    return true;
  }

  std::optional<int32_t> token_to_id(std::string_view token) const override {
    int32_t id = words_.find(token);
    if (id < 0) return std::nullopt;
    return id;
  }

  std::string_view id_to_token(int32_t id) const override {
    if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size()) return {};
    return id_to_token_[static_cast<size_t>(id)];
  }

  size_t vocab_size() const override { return count_; }
  size_t id_bound() const override { return id_to_token_.size(); }
  std::string_view type() const override { return "WordPiece"; }
  Surface surface() const override {
    Surface s;
    s.continuing_prefix = config_.continuing_subword_prefix;
    s.unk_id = unk_id_;
    return s;
  }

 private:
  WordPieceConfig config_;
  int32_t unk_id_;
  VocabMap words_;              // every token, as written
  ByteTrie word_trie_;          // the same, for the greedy match
  ByteTrie continuation_trie_;  // tokens starting with the prefix, prefix removed
  std::vector<std::string> id_to_token_;
  size_t count_;
  const uint32_t cache_owner_ = new_word_cache_owner();
};

}  // namespace

Result<std::unique_ptr<Model>> make_wordpiece(const std::vector<std::pair<std::string, int32_t>>& vocab,
                                              const WordPieceConfig& config) {
  VocabMap words;
  ByteTrie word_trie, continuation_trie;
  std::vector<std::string> id_to_token;
  const std::string& prefix = config.continuing_subword_prefix;
  for (const auto& [token, id] : vocab) {
    if (id < 0) return Status::parse_error("WordPiece: negative id " + std::to_string(id) + " for token '" + token + "'");
    if (id > kMaxTokenId)
      return Status::parse_error("WordPiece: id " + std::to_string(id) + " of token '" + token +
                                 "' is out of range (at most " + std::to_string(kMaxTokenId) + ")");
    if (!words.insert(token, id)) return Status::parse_error("WordPiece: duplicate token '" + token + "'");
    word_trie.insert(token, id);
    if (static_cast<size_t>(id) >= id_to_token.size()) id_to_token.resize(static_cast<size_t>(id) + 1);
    // With two tokens on one id, HF's reverse map keeps one of them; keep the first.
    if (id_to_token[static_cast<size_t>(id)].empty()) id_to_token[static_cast<size_t>(id)] = token;
    if (token.size() > prefix.size() && token.compare(0, prefix.size(), prefix) == 0)
      continuation_trie.insert(std::string_view(token).substr(prefix.size()), id);
  }
  if (prefix.empty()) continuation_trie = word_trie;
  // With allow_missing_unk, a unk token missing from the vocabulary is an
  // error only on a word that needs it (tokenize_checked), as in HF.
  const int32_t unk = words.find(config.unk_token);
  if (unk < 0 && !config.allow_missing_unk)
    return Status::parse_error("WordPiece: unk token '" + config.unk_token + "' is not in the vocabulary");
  const size_t count = words.size();
  return std::unique_ptr<Model>(std::make_unique<WordPiece>(config, unk, std::move(words),
                                                            std::move(word_trie), std::move(continuation_trie),
                                                            std::move(id_to_token), count));
}

}  // namespace tokrec::tokenize
