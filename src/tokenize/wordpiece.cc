#include "tokenize/wordpiece.h"

#include <algorithm>

#include "tokenize/vocab_map.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

inline bool is_continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

class WordPiece final : public Model {
 public:
  WordPiece(const WordPieceConfig& config, int32_t unk_id, VocabMap words, VocabMap continuations,
            std::vector<std::string> id_to_token, size_t count)
      : config_(config),
        unk_id_(unk_id),
        words_(std::move(words)),
        continuations_(std::move(continuations)),
        id_to_token_(std::move(id_to_token)),
        count_(count) {}

  void tokenize(std::string_view word, std::vector<int32_t>& ids) const override {
    // Bytes bound chars from above, so count chars only for long words.
    if (word.size() > config_.max_input_chars_per_word &&
        utf8::length(word) > config_.max_input_chars_per_word) {
      ids.push_back(unk_id_);
      return;
    }
    const size_t first = ids.size();
    size_t start = 0;
    const size_t n = word.size();
    while (start < n) {
      // Pieces after the first are looked up without their prefix in a map of
      // prefixed tokens stripped of it: same answer as HF's
      // vocab.contains(prefix + piece), without building the string.
      const VocabMap& map = start == 0 ? words_ : continuations_;
      size_t end = std::min(n, start + map.max_key_bytes());
      while (end > start && end < n && is_continuation_byte(word[end])) --end;
      int32_t found = -1;
      while (end > start) {
        found = map.find(word.substr(start, end - start));
        if (found >= 0) break;
        do {
          --end;
        } while (end > start && is_continuation_byte(word[end]));
      }
      if (found < 0) {
        ids.resize(first);
        ids.push_back(unk_id_);
        return;
      }
      ids.push_back(found);
      start = end;
    }
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
  VocabMap words_;          // every token, as written
  VocabMap continuations_;  // tokens starting with the prefix, prefix removed
  std::vector<std::string> id_to_token_;
  size_t count_;
};

}  // namespace

Result<std::unique_ptr<Model>> make_wordpiece(const std::vector<std::pair<std::string, int32_t>>& vocab,
                                              const WordPieceConfig& config) {
  VocabMap words, continuations;
  std::vector<std::string> id_to_token;
  const std::string& prefix = config.continuing_subword_prefix;
  for (const auto& [token, id] : vocab) {
    if (id < 0) return Status::parse_error("WordPiece: negative id " + std::to_string(id) + " for token '" + token + "'");
    if (id > kMaxTokenId)
      return Status::parse_error("WordPiece: id " + std::to_string(id) + " of token '" + token +
                                 "' is out of range (at most " + std::to_string(kMaxTokenId) + ")");
    if (!words.insert(token, id)) return Status::parse_error("WordPiece: duplicate token '" + token + "'");
    if (static_cast<size_t>(id) >= id_to_token.size()) id_to_token.resize(static_cast<size_t>(id) + 1);
    // With two tokens on one id, HF's reverse map keeps one of them; keep the first.
    if (id_to_token[static_cast<size_t>(id)].empty()) id_to_token[static_cast<size_t>(id)] = token;
    if (token.size() > prefix.size() && token.compare(0, prefix.size(), prefix) == 0)
      continuations.insert(std::string_view(token).substr(prefix.size()), id);
  }
  if (prefix.empty()) continuations = words;
  const int32_t unk = words.find(config.unk_token);
  if (unk < 0)
    return Status::parse_error("WordPiece: unk token '" + config.unk_token + "' is not in the vocabulary");
  const size_t count = words.size();
  return std::unique_ptr<Model>(std::make_unique<WordPiece>(config, unk, std::move(words),
                                                            std::move(continuations),
                                                            std::move(id_to_token), count));
}

}  // namespace tokrec::tokenize
