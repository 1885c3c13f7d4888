#include "tokenize/pre_tokenizer.h"

#include <array>

#include "tokenize/unicode_props.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

enum CharClass : unsigned char { kWord = 0, kSpace = 1, kPunct = 2 };

constexpr std::array<unsigned char, 128> make_ascii_classes() {
  std::array<unsigned char, 128> t{};
  for (int c = 0; c < 128; ++c) {
    if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
      t[static_cast<size_t>(c)] = kSpace;
    } else if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
               (c >= 123 && c <= 126)) {
      t[static_cast<size_t>(c)] = kPunct;
    }
  }
  return t;
}
constexpr std::array<unsigned char, 128> kAsciiClasses = make_ascii_classes();

// Scan one piece, classifying each char; `with_punct` isolates punctuation.
template <bool kWithPunct>
void split_piece(std::string_view s, std::vector<std::string_view>& out) {
  size_t word_start = 0;
  bool in_word = false;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const size_t start = i;
    const auto b = static_cast<unsigned char>(s[i]);
    unsigned char cls;
    if (b < 0x80) {
      cls = kAsciiClasses[b];
      if (!kWithPunct && cls == kPunct) cls = kWord;
      ++i;
    } else {
      char32_t c = utf8::decode(s, i);
      cls = unicode::is_white_space(c)                  ? kSpace
            : (kWithPunct && unicode::is_bert_punct(c)) ? kPunct
                                                        : kWord;
    }
    if (cls == kWord) {
      if (!in_word) {
        word_start = start;
        in_word = true;
      }
      continue;
    }
    if (in_word) {
      out.push_back(s.substr(word_start, start - word_start));
      in_word = false;
    }
    if (cls == kPunct) out.push_back(s.substr(start, i - start));
  }
  if (in_word) out.push_back(s.substr(word_start));
}

template <bool kWithPunct>
class SplitPreTokenizer final : public PreTokenizer {
 public:
  void split(std::vector<std::string_view>& pieces) const override {
    if (pieces.size() == 1) {  // the usual case: avoid a second vector
      std::string_view only = pieces[0];
      pieces.clear();
      split_piece<kWithPunct>(only, pieces);
      return;
    }
    std::vector<std::string_view> out;
    out.reserve(pieces.size() * 2);
    for (std::string_view p : pieces) split_piece<kWithPunct>(p, out);
    pieces.swap(out);
  }
  std::string describe() const override {
    return kWithPunct ? "BertPreTokenizer" : "WhitespaceSplit";
  }
};

class SequencePreTokenizer final : public PreTokenizer {
 public:
  explicit SequencePreTokenizer(std::vector<std::unique_ptr<PreTokenizer>> parts)
      : parts_(std::move(parts)) {}
  void split(std::vector<std::string_view>& pieces) const override {
    for (const auto& p : parts_) p->split(pieces);
  }
  bool byte_level() const override {
    for (const auto& p : parts_)
      if (p->byte_level()) return true;
    return false;
  }
  bool add_prefix_space() const override {
    for (const auto& p : parts_)
      if (p->add_prefix_space()) return true;
    return false;
  }
  std::string describe() const override {
    std::string s = "Sequence[";
    for (size_t i = 0; i < parts_.size(); ++i) {
      if (i) s += ", ";
      s += parts_[i]->describe();
    }
    return s + "]";
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> parts_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_bert_pre_tokenizer() {
  return std::make_unique<SplitPreTokenizer<true>>();
}
std::unique_ptr<PreTokenizer> make_whitespace_split_pre_tokenizer() {
  return std::make_unique<SplitPreTokenizer<false>>();
}
std::unique_ptr<PreTokenizer> make_sequence_pre_tokenizer(
    std::vector<std::unique_ptr<PreTokenizer>> parts) {
  return std::make_unique<SequencePreTokenizer>(std::move(parts));
}

}  // namespace tokrec::tokenize
