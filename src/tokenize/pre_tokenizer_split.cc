// Regex- and predicate-driven pre-tokenizers (HF Split, ByteLevel, Digits,
// Punctuation, Whitespace), all built on HF's NormalizedString::split: the
// text is cut into (span, is_match) segments covering it, then the segments
// are combined per SplitDelimiterBehavior and empty pieces dropped.
#include <utf8proc.h>

#include "tokenize/pre_tokenizer.h"
#include "tokenize/regex.h"
#include "tokenize/unicode_props.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {

const char* const kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

namespace {

struct Segment {
  size_t begin, end;
  bool is_match;
};

struct SplitScratch {
  std::vector<std::pair<size_t, size_t>> matches;
  std::vector<Segment> segments;
  std::vector<Segment> combined;
  std::vector<std::string_view> out;
};

SplitScratch& split_scratch() {
  thread_local SplitScratch s;
  return s;
}

// HF Pattern::find_matches for a regex: matches plus the gaps between them.
void regex_segments(const Regex& re, std::string_view text, bool invert, SplitScratch& s) {
  s.matches.clear();
  s.segments.clear();
  re.find_all(text, s.matches);
  size_t prev = 0;
  for (const auto& [b, e] : s.matches) {
    if (prev != b) s.segments.push_back({prev, b, invert});
    s.segments.push_back({b, e, !invert});
    prev = e;
  }
  if (prev != text.size()) s.segments.push_back({prev, text.size(), invert});
}

// HF Pattern::find_matches for a char predicate: every matching char alone.
template <typename Pred>
void char_segments(std::string_view text, Pred pred, SplitScratch& s) {
  s.segments.clear();
  size_t last = 0;
  size_t i = 0;
  while (i < text.size()) {
    const size_t b = i;
    const char32_t c = utf8::decode(text, i);
    if (pred(c)) {
      if (last < b) s.segments.push_back({last, b, false});
      s.segments.push_back({b, i, true});
      last = i;
    }
  }
  if (text.size() > last) s.segments.push_back({last, text.size(), false});
}

// HF NormalizedString::split's behaviour step, then the non-empty pieces.
void combine(std::string_view text, SplitBehavior behavior, SplitScratch& s,
             std::vector<std::string_view>& out) {
  auto push = [&](size_t b, size_t e) {
    if (e > b) out.push_back(text.substr(b, e - b));
  };
  std::vector<Segment>& acc = s.combined;
  acc.clear();
  switch (behavior) {
    case SplitBehavior::kIsolated:
      for (const Segment& g : s.segments) push(g.begin, g.end);
      return;
    case SplitBehavior::kRemoved:
      for (const Segment& g : s.segments)
        if (!g.is_match) push(g.begin, g.end);
      return;
    case SplitBehavior::kMergedWithPrevious: {
      bool previous_match = false;
      for (const Segment& g : s.segments) {
        if (g.is_match && !previous_match && !acc.empty()) {
          acc.back().end = g.end;
        } else {
          acc.push_back(g);
        }
        previous_match = g.is_match;
      }
      break;
    }
    case SplitBehavior::kMergedWithNext: {
      bool previous_match = false;
      for (size_t k = s.segments.size(); k-- > 0;) {
        const Segment& g = s.segments[k];
        if (g.is_match && !previous_match && !acc.empty()) {
          acc.back().begin = g.begin;
        } else {
          acc.push_back(g);
        }
        previous_match = g.is_match;
      }
      for (size_t k = acc.size(); k-- > 0;) push(acc[k].begin, acc[k].end);
      return;
    }
    case SplitBehavior::kContiguous: {
      bool previous_match = false;
      for (const Segment& g : s.segments) {
        if (g.is_match == previous_match && !acc.empty()) {
          acc.back().end = g.end;
        } else {
          acc.push_back(g);
        }
        previous_match = g.is_match;
      }
      break;
    }
  }
  for (const Segment& g : acc) push(g.begin, g.end);
}

// Applies `cut(piece, out)` to every piece, in order.
template <typename Cut>
void for_each_piece(std::vector<std::string_view>& pieces, Cut cut) {
  SplitScratch& s = split_scratch();
  if (pieces.size() == 1) {
    const std::string_view only = pieces[0];
    pieces.clear();
    cut(only, s, pieces);
    return;
  }
  std::vector<std::string_view> out;
  out.reserve(pieces.size() * 2);
  for (std::string_view p : pieces) cut(p, s, out);
  pieces.swap(out);
}

const char* behavior_name(SplitBehavior b) {
  switch (b) {
    case SplitBehavior::kRemoved: return "removed";
    case SplitBehavior::kIsolated: return "isolated";
    case SplitBehavior::kMergedWithPrevious: return "merged_with_previous";
    case SplitBehavior::kMergedWithNext: return "merged_with_next";
    case SplitBehavior::kContiguous: return "contiguous";
  }
  return "?";
}

class SplitPreTokenizer final : public PreTokenizer {
 public:
  SplitPreTokenizer(std::shared_ptr<const Regex> re, SplitBehavior behavior, bool invert,
                    std::string description)
      : re_(std::move(re)), behavior_(behavior), invert_(invert), description_(std::move(description)) {}
  void split(std::vector<std::string_view>& pieces) const override {
    for_each_piece(pieces, [this](std::string_view p, SplitScratch& s, std::vector<std::string_view>& out) {
      regex_segments(*re_, p, invert_, s);
      combine(p, behavior_, s, out);
    });
  }
  std::string describe() const override {
    return "Split(" + description_ + ", " + behavior_name(behavior_) + (invert_ ? ", invert" : "") + ")";
  }

 private:
  std::shared_ptr<const Regex> re_;
  SplitBehavior behavior_;
  bool invert_;
  std::string description_;
};

class ByteLevelPreTokenizer final : public PreTokenizer {
 public:
  ByteLevelPreTokenizer(bool add_prefix_space, bool use_regex, std::shared_ptr<const Regex> re)
      : add_prefix_space_(add_prefix_space), use_regex_(use_regex), re_(std::move(re)) {}
  void split(std::vector<std::string_view>& pieces) const override {
    if (!use_regex_) return;
    for_each_piece(pieces, [this](std::string_view p, SplitScratch& s, std::vector<std::string_view>& out) {
      regex_segments(*re_, p, false, s);
      combine(p, SplitBehavior::kIsolated, s, out);
    });
  }
  bool byte_level() const override { return true; }
  bool add_prefix_space() const override { return add_prefix_space_; }
  std::string describe() const override {
    return std::string("ByteLevel(add_prefix_space=") + (add_prefix_space_ ? "true" : "false") +
           ", use_regex=" + (use_regex_ ? "true" : "false") + ")";
  }

 private:
  bool add_prefix_space_;
  bool use_regex_;
  std::shared_ptr<const Regex> re_;
};

bool is_numeric(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO;
}

class DigitsPreTokenizer final : public PreTokenizer {
 public:
  explicit DigitsPreTokenizer(bool individual) : individual_(individual) {}
  void split(std::vector<std::string_view>& pieces) const override {
    for_each_piece(pieces, [this](std::string_view p, SplitScratch& s, std::vector<std::string_view>& out) {
      char_segments(p, is_numeric, s);
      combine(p, individual_ ? SplitBehavior::kIsolated : SplitBehavior::kContiguous, s, out);
    });
  }
  std::string describe() const override {
    return std::string("Digits(individual_digits=") + (individual_ ? "true" : "false") + ")";
  }

 private:
  bool individual_;
};

class PunctuationPreTokenizer final : public PreTokenizer {
 public:
  explicit PunctuationPreTokenizer(SplitBehavior behavior) : behavior_(behavior) {}
  void split(std::vector<std::string_view>& pieces) const override {
    for_each_piece(pieces, [this](std::string_view p, SplitScratch& s, std::vector<std::string_view>& out) {
      char_segments(p, unicode::is_bert_punct, s);
      combine(p, behavior_, s, out);
    });
  }
  std::string describe() const override {
    return std::string("Punctuation(") + behavior_name(behavior_) + ")";
  }

 private:
  SplitBehavior behavior_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_split_pre_tokenizer(std::shared_ptr<const Regex> pattern,
                                                       SplitBehavior behavior, bool invert,
                                                       std::string description) {
  return std::make_unique<SplitPreTokenizer>(std::move(pattern), behavior, invert,
                                             std::move(description));
}

std::unique_ptr<PreTokenizer> make_byte_level_pre_tokenizer(bool add_prefix_space, bool use_regex,
                                                            std::shared_ptr<const Regex> gpt2) {
  return std::make_unique<ByteLevelPreTokenizer>(add_prefix_space, use_regex, std::move(gpt2));
}

std::unique_ptr<PreTokenizer> make_digits_pre_tokenizer(bool individual_digits) {
  return std::make_unique<DigitsPreTokenizer>(individual_digits);
}

std::unique_ptr<PreTokenizer> make_punctuation_pre_tokenizer(SplitBehavior behavior) {
  return std::make_unique<PunctuationPreTokenizer>(behavior);
}

std::unique_ptr<PreTokenizer> make_whitespace_pre_tokenizer(std::shared_ptr<const Regex> words) {
  // HF: split(Invert(\w+|[^\w\s]+), Removed), i.e. keep the matches.
  return std::make_unique<SplitPreTokenizer>(std::move(words), SplitBehavior::kRemoved, true,
                                             "Whitespace");
}

}  // namespace tokrec::tokenize
