// Metaspace pre-tokenizer and WordLevel model (see metaspace.h).
#include "tokenize/metaspace.h"

#include <algorithm>

#include "tokenize/model.h"
#include "tokenize/vocab_map.h"

namespace tokrec::tokenize {
namespace {

struct Origin {
  const char* begin = nullptr;
  bool at_start = true;
};
thread_local Origin t_origin;

// Output buffers of the last two Metaspace splits on this thread and, for
// each output byte, the input byte it comes from (offsets).
struct Buffers {
  std::string text[2];
  std::vector<const char*> source[2];
  int which = 0;
};
thread_local Buffers t_buffers;

class MetaspacePreTokenizer final : public PreTokenizer {
 public:
  MetaspacePreTokenizer(std::string replacement, PrependScheme scheme, bool split)
      : rep_(std::move(replacement)), scheme_(scheme), split_(split) {}

  void split(std::vector<std::string_view>& pieces) const override {
    // Two buffers: the input pieces may live in the one filled last time.
    Buffers& b = t_buffers;
    b.which ^= 1;
    std::string& buf = b.text[b.which];
    std::vector<const char*>& src = b.source[b.which];
    src.clear();
    size_t need = 0;
    for (std::string_view p : pieces)
      need += p.size() + rep_.size() + static_cast<size_t>(std::count(p.begin(), p.end(), ' ')) * rep_.size();
    buf.clear();
    buf.reserve(need);  // no reallocation below: views into buf stay valid
    std::vector<std::string_view> out;
    out.reserve(pieces.size() * 2);
    for (size_t k = 0; k < pieces.size(); ++k) {
      const std::string_view p = pieces[k];
      const size_t begin = buf.size();
      for (size_t i = 0; i < p.size(); ++i) {
        if (p[i] == ' ') {
          buf += rep_;
          src.insert(src.end(), rep_.size(), p.data() + i);
        } else {
          buf.push_back(p[i]);
          src.push_back(p.data() + i);
        }
      }
      std::string_view text(buf.data() + begin, buf.size() - begin);
      const bool starts = text.substr(0, rep_.size()) == rep_;
      bool prepend = false;
      if (scheme_ == PrependScheme::kAlways) {
        prepend = !starts;
      } else if (scheme_ == PrependScheme::kFirst) {
        const bool first = t_origin.begin ? (t_origin.at_start && p.data() == t_origin.begin) : k == 0;
        prepend = !starts && first;
      }
      if (prepend) {
        // HF: the prepended char takes the alignment of the first one.
        src.insert(src.begin() + static_cast<std::ptrdiff_t>(begin), rep_.size(), p.data());
        buf.insert(begin, rep_);
        text = std::string_view(buf.data() + begin, buf.size() - begin);
      }
      if (!split_) {
        if (!text.empty()) out.push_back(text);
        continue;
      }
      size_t start = 0;
      size_t pos = rep_.empty() ? std::string_view::npos : text.find(rep_, 1);
      while (pos != std::string_view::npos) {
        out.push_back(text.substr(start, pos - start));
        start = pos;
        pos = text.find(rep_, pos + rep_.size());
      }
      if (start < text.size()) out.push_back(text.substr(start));
    }
    pieces.swap(out);
  }

  std::string describe() const override {
    const char* scheme = scheme_ == PrependScheme::kAlways  ? "always"
                         : scheme_ == PrependScheme::kFirst ? "first"
                                                            : "never";
    return "Metaspace(replacement=" + rep_ + ", prepend_scheme=" + scheme + ", split=" +
           (split_ ? "true" : "false") + ")";
  }

 private:
  std::string rep_;
  PrependScheme scheme_;
  bool split_;
};

class WordLevel final : public Model {
 public:
  WordLevel(const std::vector<std::pair<std::string, int32_t>>& vocab, const std::string& unk) {
    for (const auto& [token, id] : vocab) {
      map_.insert(token, id);
      if (id >= 0) {
        if (static_cast<size_t>(id) >= tokens_.size()) tokens_.resize(static_cast<size_t>(id) + 1);
        tokens_[static_cast<size_t>(id)] = token;
      }
    }
    unk_id_ = map_.find(unk);
  }
  void tokenize(std::string_view word, std::vector<int32_t>& ids) const override {
    const int32_t id = map_.find(word);
    if (id >= 0) {
      ids.push_back(id);
    } else if (unk_id_ >= 0) {
      ids.push_back(unk_id_);
    }
  }
  std::optional<int32_t> token_to_id(std::string_view token) const override {
    const int32_t id = map_.find(token);
    if (id < 0) return std::nullopt;
    return id;
  }
  std::string_view id_to_token(int32_t id) const override {
    if (id < 0 || static_cast<size_t>(id) >= tokens_.size()) return {};
    return tokens_[static_cast<size_t>(id)];
  }
  size_t vocab_size() const override { return map_.size(); }
  size_t id_bound() const override { return tokens_.size(); }
  std::string_view type() const override { return "WordLevel"; }

 private:
  VocabMap map_;
  std::vector<std::string> tokens_;
  int32_t unk_id_ = -1;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_metaspace_pre_tokenizer(std::string replacement, PrependScheme scheme,
                                                           bool split) {
  return std::make_unique<MetaspacePreTokenizer>(std::move(replacement), scheme, split);
}

const char* const* metaspace_sources(std::string_view piece) {
  const Buffers& b = t_buffers;
  for (int k = 0; k < 2; ++k) {
    const std::string& buf = b.text[k];
    if (piece.empty() || buf.empty()) continue;
    if (piece.data() >= buf.data() && piece.data() + piece.size() <= buf.data() + buf.size() &&
        b.source[k].size() == buf.size())
      return b.source[k].data() + (piece.data() - buf.data());
  }
  return nullptr;
}

void set_metaspace_origin(const char* split_begin, bool at_text_start) {
  t_origin.begin = split_begin;
  t_origin.at_start = at_text_start;
}

std::unique_ptr<Model> make_word_level(const std::vector<std::pair<std::string, int32_t>>& vocab,
                                       const std::string& unk_token) {
  return std::make_unique<WordLevel>(vocab, unk_token);
}

}  // namespace tokrec::tokenize
