// Unigram model (see unigram.h for the semantics of both flavours).
#include "tokenize/unigram.h"

#include <algorithm>
#include <array>
#include <cfloat>
#include <cstdio>
#include <limits>

#include "tokenize/byte_pieces.h"
#include "tokenize/piece_trie.h"
#include "tokenize/vocab_map.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

// Bytes of the UTF-8 char starting with `lead` (input is valid UTF-8).
inline size_t char_len(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

template <typename Score>
struct BestNode {
  Score score = 0;
  int32_t start = -1;  // -1: no path ends here yet
  int32_t id = -1;
};

class Unigram final : public Model {
 public:
  Unigram(std::vector<ScoredPiece> pieces, const UnigramConfig& config)
      : pieces_(std::move(pieces)), config_(config) {}

  Status init() {
    if (pieces_.empty()) return Status::invalid_argument("Unigram vocabulary is empty");
    if (config_.unk_id && (*config_.unk_id < 0 || static_cast<size_t>(*config_.unk_id) >= pieces_.size()))
      return Status::invalid_argument("Unigram unk_id " + std::to_string(*config_.unk_id) +
                                      " is outside the vocabulary of " + std::to_string(pieces_.size()));
    scores_f_.resize(pieces_.size());
    scores_d_.resize(pieces_.size());
    double min_all = std::numeric_limits<double>::infinity();
    float min_normal = FLT_MAX;
    max_normal_ = FLT_MIN;  // sentencepiece's initial value (smallest positive float)
    for (size_t i = 0; i < pieces_.size(); ++i) {
      const ScoredPiece& p = pieces_[i];
      const auto id = static_cast<int32_t>(i);
      scores_d_[i] = p.score;
      scores_f_[i] = static_cast<float>(p.score);
      if (config_.sentencepiece) {
        if (p.piece.empty()) return Status::invalid_argument("piece " + std::to_string(i) + " is empty");
        if (token_map_.find(p.piece) >= 0)
          return Status::invalid_argument("piece " + std::to_string(i) + " '" + p.piece + "' is already defined");
        token_map_.insert(p.piece, id);
        const bool in_lattice = p.type == PieceType::kNormal || p.type == PieceType::kUserDefined ||
                                p.type == PieceType::kUnused;
        if (in_lattice) trie_.insert(p.piece, id);
        if (p.type == PieceType::kNormal) {
          min_normal = std::min(min_normal, scores_f_[i]);
          max_normal_ = std::max(max_normal_, scores_f_[i]);
        }
      } else {
        // HF: a repeated token maps to its last id; every entry is in the lattice.
        if (!token_map_.insert(p.piece, id)) has_repeats_ = true;
        trie_.insert(p.piece, id);
        min_all = std::min(min_all, p.score);
      }
    }
    // VocabMap keeps the first id of a repeated token, HF the last: rebuild
    // from the end.
    if (has_repeats_) {
      VocabMap fixed;
      for (size_t i = pieces_.size(); i-- > 0;) fixed.insert(pieces_[i].piece, static_cast<int32_t>(i));
      token_map_ = std::move(fixed);
    }
    trie_.freeze();
    unk_score_d_ = min_all - 10.0;
    unk_score_f_ = min_normal - 10.0f;
    byte_ids_.fill(-1);
    if (config_.byte_fallback) byte_ids_ = byte_piece_ids([this](std::string_view p) { return token_map_.find(p); });
    byte_runs_share_span_ = config_.byte_fallback && !config_.sentencepiece;
    // HF fails on an unknown char without unk_id ("Encountered an unknown
    // token but `unk_id` is missing"); sentencepiece files always have one.
    may_fail_ = !config_.unk_id.has_value() && !config_.sentencepiece;
    return Status::ok();
  }

  void tokenize(std::string_view word, std::vector<int32_t>& ids) const override {
    if (config_.sentencepiece) {
      viterbi<float>(word, ids);
    } else {
      viterbi<double>(word, ids);
    }
  }

  Status tokenize_checked(std::string_view word, std::vector<int32_t>& ids) const override {
    const size_t dropped = config_.sentencepiece ? viterbi<float>(word, ids) : viterbi<double>(word, ids);
    if (dropped == std::string_view::npos) return Status::ok();
    size_t end = dropped;
    const char32_t c = utf8::decode(word, end);
    char code[16];
    std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
    return Status::invalid_argument("Unigram: unknown character " + std::string(code) + " '" +
                                    std::string(word.substr(dropped, end - dropped)) + "' at byte " +
                                    std::to_string(dropped) + " of the word and the model has no unk_id");
  }

  std::optional<int32_t> token_to_id(std::string_view token) const override {
    const int32_t id = token_map_.find(token);
    if (id < 0) return std::nullopt;
    return id;
  }
  std::string_view id_to_token(int32_t id) const override {
    if (id < 0 || static_cast<size_t>(id) >= pieces_.size()) return {};
    return pieces_[static_cast<size_t>(id)].piece;
  }
  size_t vocab_size() const override { return pieces_.size(); }
  size_t id_bound() const override { return pieces_.size(); }
  std::string_view type() const override { return "Unigram"; }

 private:
  // Returns where the first run of unknown chars that no token covers (no
  // unk_id) starts in `text`, else npos; such runs are dropped.
  template <typename Score>
  size_t viterbi(std::string_view text, std::vector<int32_t>& ids) const {
    size_t dropped = std::string_view::npos;
    if (text.empty()) return dropped;
    thread_local std::vector<BestNode<Score>> best;
    thread_local std::vector<BestNode<Score>> path;
    const size_t n = text.size();
    best.assign(n + 1, BestNode<Score>{});
    best[0].start = 0;
    const bool spm = config_.sentencepiece;
    const Score unk_score = spm ? static_cast<Score>(unk_score_f_) : static_cast<Score>(unk_score_d_);
    const int32_t unk_id = config_.unk_id.value_or(-1);
    size_t start = 0;
    while (start < n) {
      const Score till_here = best[start].score;
      const size_t mblen = std::min(char_len(static_cast<unsigned char>(text[start])), n - start);
      bool has_single = false;
      trie_.common_prefixes(text.substr(start), [&](size_t len, int32_t id) {
        const size_t i = static_cast<size_t>(id);
        BestNode<Score>& target = best[start + len];
        double cand;
        if (spm) {
          const PieceType t = pieces_[i].type;
          if (t == PieceType::kUnused) return true;
          // sentencepiece's `score` is a double (the user-defined branch of
          // its ?: makes it one), so the sum and the comparison are done in
          // double and only the stored best is a float. Ties between
          // segmentations are decided by exactly this rounding.
          cand = (t == PieceType::kUserDefined
                      ? static_cast<double>(len) * static_cast<double>(max_normal_) - 0.1
                      : static_cast<double>(scores_f_[i])) +
                 static_cast<double>(till_here);
        } else {
          cand = scores_d_[i] + static_cast<double>(till_here);
        }
        if (target.start < 0 || cand > static_cast<double>(target.score)) {
          target.score = static_cast<Score>(cand);
          target.start = static_cast<int32_t>(start);
          target.id = id;
        }
        if (len == mblen) has_single = true;
        return true;
      });
      if (!has_single) {
        BestNode<Score>& target = best[start + mblen];
        const Score cand = unk_score + till_here;
        if (target.start < 0 || cand > target.score) {
          target.score = cand;
          target.start = static_cast<int32_t>(start);
          target.id = unk_id;  // -1 when the model has none (HF fails; the chars are dropped)
        }
      }
      start += mblen;
    }
    // Backtrack (end -> start), then emit in order.
    path.clear();
    for (size_t end = n; end > 0;) {
      const BestNode<Score>& node = best[end];
      path.push_back(BestNode<Score>{0, node.start, node.id});
      path.back().score = static_cast<Score>(end);  // reuse: end offset
      end = static_cast<size_t>(node.start);
    }
    for (size_t k = path.size(); k-- > 0;) {
      const int32_t id = path[k].id;
      const auto begin = static_cast<size_t>(path[k].start);
      if (id >= 0 && id != unk_id) {
        ids.push_back(id);
        continue;
      }
      // A run of unknown nodes (all unk_id, or all dropped when there is none).
      size_t end = static_cast<size_t>(path[k].score);
      while (k > 0 && path[k - 1].id == id) {
        --k;
        end = static_cast<size_t>(path[k].score);
      }
      if (!emit_unknown(text.substr(begin, end - begin), ids) && dropped == std::string_view::npos) dropped = begin;
    }
    return dropped;
  }

  // False when the run is dropped (no unk_id and nothing else covers it).
  bool emit_unknown(std::string_view run, std::vector<int32_t>& ids) const {
    const int32_t unk_id = config_.unk_id.value_or(-1);
    if (!config_.sentencepiece) {
      const int32_t direct = token_map_.find(run);
      if (direct >= 0) {
        ids.push_back(direct);
        return true;
      }
    }
    if (config_.byte_fallback) {
      bool all = true;
      for (char c : run) all = all && byte_ids_[static_cast<unsigned char>(c)] >= 0;
      if (all) {
        for (char c : run) ids.push_back(byte_ids_[static_cast<unsigned char>(c)]);
        return true;
      }
    }
    if (unk_id < 0) return false;
    ids.push_back(unk_id);
    return true;
  }

  std::vector<ScoredPiece> pieces_;
  UnigramConfig config_;
  std::vector<float> scores_f_;
  std::vector<double> scores_d_;
  VocabMap token_map_;
  bool has_repeats_ = false;
  PieceTrie trie_;
  double unk_score_d_ = 0;
  float unk_score_f_ = 0;
  float max_normal_ = FLT_MIN;
  std::array<int32_t, 256> byte_ids_{};
};

}  // namespace

Result<std::unique_ptr<Model>> make_unigram(std::vector<ScoredPiece> pieces, const UnigramConfig& config) {
  auto model = std::make_unique<Unigram>(std::move(pieces), config);
  TOKREC_RETURN_IF_ERROR(model->init());
  return std::unique_ptr<Model>(std::move(model));
}

}  // namespace tokrec::tokenize
