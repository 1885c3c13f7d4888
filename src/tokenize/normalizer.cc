#include "tokenize/normalizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <optional>

#include "tokenize/unicode_props.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

void append_lowercase_utf8(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    return;
  }
  std::u32string tmp;
  unicode::append_lowercase(tmp, c);
  for (char32_t d : tmp) utf8::append(out, d);
}

// HF BertNormalizer: clean_text -> handle_chinese_chars -> strip_accents (NFD,
// drop Mn) -> lowercase, all fused into one pass over the code points. The
// NFD step keeps a run of non-starters so canonical ordering stays exact.
class BertNormalizer final : public Normalizer {
 public:
  explicit BertNormalizer(const BertNormalizerConfig& c)
      : clean_text_(c.clean_text),
        handle_chinese_(c.handle_chinese_chars),
        strip_accents_(c.strip_accents.value_or(c.lowercase)),
        lowercase_(c.lowercase) {}

  void normalize(std::string_view in, std::string& out) const override {
    out.clear();
    out.reserve(in.size() + 16);
    std::u32string run;  // pending non-starters (only with strip_accents)
    std::u32string decomposed;
    size_t i = 0;
    const size_t n = in.size();
    while (i < n) {
      const auto b = static_cast<unsigned char>(in[i]);
      if (b < 0x80) {  // ASCII fast path: never decomposes, never a mark
        ++i;
        if (!run.empty()) flush_run(run, out);
        if (clean_text_ && (b < 0x20 || b == 0x7F)) {
          if (b == '\t' || b == '\n' || b == '\r') out.push_back(' ');
          continue;  // other C0 controls and DEL are dropped
        }
        out.push_back(static_cast<char>(lowercase_ && b >= 'A' && b <= 'Z' ? b + 32 : b));
        continue;
      }
      char32_t c = utf8::decode(in, i);
      if (clean_text_) {
        if (c == 0xFFFD || unicode::is_other(c)) continue;
        if (unicode::is_white_space(c)) c = ' ';
      }
      const bool pad = handle_chinese_ && unicode::is_chinese_char(c);
      if (pad) {
        if (!run.empty()) flush_run(run, out);
        out.push_back(' ');
      }
      if (strip_accents_) {
        decomposed.clear();
        if (!unicode::append_canonical_decomposition(decomposed, c)) decomposed.push_back(c);
        for (char32_t d : decomposed) {
          if (unicode::combining_class(d) != 0) {
            run.push_back(d);
          } else {
            if (!run.empty()) flush_run(run, out);
            emit(d, out);
          }
        }
      } else {
        emit(c, out);
      }
      if (pad) out.push_back(' ');
    }
    if (!run.empty()) flush_run(run, out);
  }

 private:
  // Final per-char steps: drop Mn (strip_accents), then lowercase.
  void emit(char32_t c, std::string& out) const {
    if (strip_accents_ && unicode::is_mark_nonspacing(c)) return;
    if (lowercase_) {
      append_lowercase_utf8(out, c);
    } else {
      utf8::append(out, c);
    }
  }

  void flush_run(std::u32string& run, std::string& out) const {
    unicode::canonical_order(run);
    for (char32_t d : run) emit(d, out);
    run.clear();
  }

  bool clean_text_, handle_chinese_, strip_accents_, lowercase_;
};

class LowercaseNormalizer final : public Normalizer {
 public:
  void normalize(std::string_view in, std::string& out) const override {
    out.clear();
    out.reserve(in.size());
    size_t i = 0;
    while (i < in.size()) append_lowercase_utf8(out, utf8::decode(in, i));
  }
};

// HF StripAccents drops every combining mark (unicode-normalization's
// is_combining_mark: Mn, Mc and Me, e.g. Devanagari vowel signs), unlike
// BertNormalizer's strip_accents (Mn only); it does not decompose (pair it
// with NFD).
bool is_combining_mark(char32_t c) {
  if (c < 0x300) return false;
  const auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat == UTF8PROC_CATEGORY_MN || cat == UTF8PROC_CATEGORY_MC || cat == UTF8PROC_CATEGORY_ME;
}

class StripAccentsNormalizer final : public Normalizer {
 public:
  void normalize(std::string_view in, std::string& out) const override {
    out.clear();
    out.reserve(in.size());
    size_t i = 0;
    while (i < in.size()) {
      char32_t c = utf8::decode(in, i);
      if (!is_combining_mark(c)) utf8::append(out, c);
    }
  }
};

// The primary composite of (a, b), or 0: NFC of the pair when it is one char.
char32_t compose_pair(char32_t a, char32_t b) {
  std::string pair;
  utf8::append(pair, a);
  utf8::append(pair, b);
  const std::string c = unicode::normalize_form(pair, 1);
  size_t k = 0;
  const char32_t r = utf8::decode(c, k);
  return k == c.size() ? r : 0;
}

class UnicodeFormNormalizer final : public Normalizer {
 public:
  explicit UnicodeFormNormalizer(int form) : form_(form) {}
  void normalize(std::string_view in, std::string& out) const override {
    out = unicode::normalize_form(std::string(in), form_);
  }

  // HF runs the unicode-normalization-alignments crate, which yields each
  // output char with a `change`: decomposition gives a char's first atom 0
  // and the others +1; canonical reordering carries the changes along
  // (stable sort by combining class); composition gives the composite
  // composee.change + mark.change - 1. NormalizedString::transform then
  // consumes the input chars POSITIONALLY (a char with change <= 0 takes
  // the next input char and skips -change more; +1 takes the input char
  // before the current position). So a reordered or composed mark can take
  // its neighbour's offsets: HF-exact, reproduced here. Falls back to the
  // default alignment should the replay not give normalize()'s text.
  void normalize_aligned(std::string_view in, std::string& out, std::vector<Align>& align) const override {
    normalize(in, out);
    align.clear();
    if (out == in) {
      append_identity_alignment(in, 0, align);
      return;
    }
    const bool compat = form_ >= 2, compose = form_ == 1 || form_ == 3;
    struct Atom {
      char32_t c;
      int ccc;
      int change;
    };
    std::vector<Atom> atoms;
    std::u32string dec;
    size_t i = 0;
    while (i < in.size()) {
      const char32_t c = utf8::decode(in, i);
      dec.clear();
      const bool has = compat ? unicode::append_compat_decomposition(dec, c)
                              : unicode::append_canonical_decomposition(dec, c);
      if (!has) dec.assign(1, c);
      for (size_t k = 0; k < dec.size(); ++k)
        atoms.push_back({dec[k], unicode::combining_class(dec[k]), k == 0 ? 0 : 1});
    }
    // Canonical ordering of each run of non-starters, changes travelling along.
    for (size_t a = 0; a < atoms.size();) {
      if (atoms[a].ccc == 0) {
        ++a;
        continue;
      }
      size_t b = a;
      while (b < atoms.size() && atoms[b].ccc != 0) ++b;
      std::stable_sort(atoms.begin() + static_cast<std::ptrdiff_t>(a), atoms.begin() + static_cast<std::ptrdiff_t>(b),
                       [](const Atom& x, const Atom& y) { return x.ccc < y.ccc; });
      a = b;
    }
    std::vector<std::pair<char32_t, int>> steps;
    if (!compose) {
      for (const Atom& a : atoms) steps.emplace_back(a.c, a.change);
    } else {
      // The crate's Recompositions.
      std::optional<std::pair<char32_t, int>> composee;
      std::vector<std::pair<char32_t, int>> buffer;
      int last_ccc = -1;
      const auto flush = [&] {
        for (const auto& x : buffer) steps.push_back(x);
        buffer.clear();
      };
      for (const Atom& a : atoms) {
        if (!composee) {
          if (a.ccc != 0) {
            steps.emplace_back(a.c, a.change);
            continue;
          }
          composee = std::make_pair(a.c, a.change);
          continue;
        }
        if (last_ccc < 0) {
          if (const char32_t r = compose_pair(composee->first, a.c)) {
            composee = std::make_pair(r, composee->second + a.change - 1);
            continue;
          }
          if (a.ccc == 0) {
            steps.push_back(*composee);
            composee = std::make_pair(a.c, a.change);
            continue;
          }
          buffer.emplace_back(a.c, a.change);
          last_ccc = a.ccc;
          continue;
        }
        if (last_ccc >= a.ccc) {
          if (a.ccc == 0) {
            steps.push_back(*composee);
            flush();
            composee = std::make_pair(a.c, a.change);
            last_ccc = -1;
            continue;
          }
          buffer.emplace_back(a.c, a.change);
          last_ccc = a.ccc;
          continue;
        }
        if (const char32_t r = compose_pair(composee->first, a.c)) {
          composee = std::make_pair(r, composee->second + a.change - 1);
          continue;
        }
        buffer.emplace_back(a.c, a.change);
        last_ccc = a.ccc;
      }
      if (composee) steps.push_back(*composee);
      flush();
    }
    std::string replay;
    for (const auto& st : steps) utf8::append(replay, st.first);
    if (replay != out) {
      Normalizer::normalize_aligned(in, out, align);
      return;
    }
    apply_positional_changes(in, steps, align);
  }

 private:
  int form_;
};

class SequenceNormalizer final : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> parts)
      : parts_(std::move(parts)) {}
  void normalize(std::string_view in, std::string& out) const override {
    out.assign(in);
    std::string tmp;
    for (const auto& p : parts_) {
      p->normalize(out, tmp);
      out.swap(tmp);
    }
  }
  // Each step's alignment points into the previous step's output: compose
  // them back to the input (HF keeps the first byte's original alignment).
  void normalize_aligned(std::string_view in, std::string& out,
                         std::vector<Align>& align) const override {
    out.assign(in);
    align.clear();
    append_identity_alignment(in, 0, align);
    std::string tmp;
    std::vector<Align> step;
    for (const auto& p : parts_) {
      p->normalize_aligned(out, tmp, step);
      for (Align& a : step) {
        if (a.start < align.size()) {
          a = align[a.start];
        } else {
          a = align.empty() ? Align{0, 0} : Align{align.back().end, align.back().end};
        }
      }
      out.swap(tmp);
      align.swap(step);
    }
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> parts_;
};

}  // namespace

std::unique_ptr<Normalizer> make_bert_normalizer(const BertNormalizerConfig& config) {
  return std::make_unique<BertNormalizer>(config);
}
std::unique_ptr<Normalizer> make_lowercase_normalizer() {
  return std::make_unique<LowercaseNormalizer>();
}
std::unique_ptr<Normalizer> make_strip_accents_normalizer() {
  return std::make_unique<StripAccentsNormalizer>();
}
std::unique_ptr<Normalizer> make_unicode_form_normalizer(std::string_view form) {
  if (form == "NFD") return std::make_unique<UnicodeFormNormalizer>(0);
  if (form == "NFC") return std::make_unique<UnicodeFormNormalizer>(1);
  if (form == "NFKD") return std::make_unique<UnicodeFormNormalizer>(2);
  if (form == "NFKC") return std::make_unique<UnicodeFormNormalizer>(3);
  return nullptr;
}
std::unique_ptr<Normalizer> make_sequence_normalizer(std::vector<std::unique_ptr<Normalizer>> parts) {
  return std::make_unique<SequenceNormalizer>(std::move(parts));
}

}  // namespace tokrec::tokenize
