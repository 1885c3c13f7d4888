// SentencePiece precompiled_charsmap reader and HF's Precompiled normalizer.
// The trie is read unit by unit with bounds checks: a corrupt blob makes a
// lookup fail (no rule), never an out-of-range read.
#include "tokenize/precompiled.h"

#include <utf8proc.h>

#include <cstring>

#include "tokenize/normalizer.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

// darts-clone DoubleArrayUnit fields.
inline bool unit_has_leaf(uint32_t u) { return ((u >> 8) & 1) == 1; }
inline uint32_t unit_value(uint32_t u) { return u & ((1U << 31) - 1); }
inline uint32_t unit_label(uint32_t u) { return u & ((1U << 31) | 0xFF); }
inline uint32_t unit_offset(uint32_t u) { return (u >> 10) << ((u & (1U << 9)) >> 6); }

}  // namespace

Result<std::shared_ptr<const PrecompiledCharsmap>> PrecompiledCharsmap::parse(std::string_view blob) {
  auto out = std::make_shared<PrecompiledCharsmap>();
  if (blob.empty()) return std::shared_ptr<const PrecompiledCharsmap>(out);  // no rules
  if (blob.size() < 4) return Status::parse_error("precompiled_charsmap shorter than its 4-byte header");
  const auto* b = reinterpret_cast<const unsigned char*>(blob.data());
  const uint32_t trie_size = static_cast<uint32_t>(b[0]) | (static_cast<uint32_t>(b[1]) << 8) |
                             (static_cast<uint32_t>(b[2]) << 16) | (static_cast<uint32_t>(b[3]) << 24);
  if (trie_size > blob.size() - 4 || trie_size % 4 != 0)
    return Status::parse_error("precompiled_charsmap declares a trie of " + std::to_string(trie_size) +
                               " bytes but holds " + std::to_string(blob.size() - 4));
  out->units_.resize(trie_size / 4);
  for (size_t i = 0; i < out->units_.size(); ++i) {
    const unsigned char* p = b + 4 + 4 * i;
    out->units_[i] = static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
                     (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
  }
  out->strings_.assign(blob.substr(4 + trie_size));
  return std::shared_ptr<const PrecompiledCharsmap>(out);
}

template <typename F>
void PrecompiledCharsmap::walk(std::string_view key, F&& on_match) const {
  if (units_.empty()) return;
  const size_t n = units_.size();
  size_t pos = unit_offset(units_[0]);
  for (size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c == 0) return;
    pos ^= c;
    if (pos >= n) return;
    const uint32_t unit = units_[pos];
    if (unit_label(unit) != c) return;
    pos ^= unit_offset(unit);
    if (pos >= n) return;
    if (unit_has_leaf(unit) && !on_match(i + 1, unit_value(units_[pos]))) return;
  }
}

std::string_view PrecompiledCharsmap::replacement_at(uint32_t offset) const {
  if (offset >= strings_.size()) return {};
  const char* start = strings_.data() + offset;
  const void* nul = std::memchr(start, 0, strings_.size() - offset);
  const size_t len = nul ? static_cast<size_t>(static_cast<const char*>(nul) - start)
                         : strings_.size() - offset;
  return {start, len};
}

std::optional<std::string_view> PrecompiledCharsmap::shortest_prefix(std::string_view chunk) const {
  std::optional<std::string_view> found;
  walk(chunk, [&](size_t, uint32_t value) {
    found = replacement_at(value);
    return false;  // the first match is the one
  });
  return found;
}

size_t PrecompiledCharsmap::longest_prefix(std::string_view input, std::string_view* replacement) const {
  size_t best = 0;
  uint32_t best_value = 0;
  walk(input, [&](size_t length, uint32_t value) {
    best = length;
    best_value = value;
    return true;
  });
  if (best && replacement) *replacement = replacement_at(best_value);
  return best;
}

namespace {

class PrecompiledNormalizer final : public Normalizer {
 public:
  explicit PrecompiledNormalizer(std::shared_ptr<const PrecompiledCharsmap> map) : map_(std::move(map)) {}

  void normalize(std::string_view in, std::string& out) const override {
    out.clear();
    out.reserve(in.size());
    for_each_cluster(in, [&](std::string_view g) { emit_cluster(g, out); });
  }

  // HF's Precompiled::normalize builds a list of (char, change) steps per
  // grapheme (its `replace`: a replacement's chars are 0, the last extra
  // ones +1, and a shorter replacement adds its deficit to the step
  // BEFORE it, even one of an earlier grapheme, or to nothing at the
  // start) and NormalizedString::transform then consumes the input chars
  // positionally. So offsets drift where a char maps to nothing at the
  // start of a piece (e.g. a control char): HF-exact, kept.
  void normalize_aligned(std::string_view in, std::string& out, std::vector<Align>& align) const override {
    struct Step {
      uint32_t begin, end;  // the output char's bytes in `out`
      int change;
    };
    std::vector<Step> steps;
    out.clear();
    bool modified = false;
    const auto push_replacement = [&](std::string_view old_part, std::string_view new_part) {
      modified = true;
      const size_t first = steps.size();
      size_t k = 0;
      while (k < new_part.size()) {
        const size_t b = k;
        utf8::decode(new_part, k);
        const auto at = static_cast<uint32_t>(out.size());
        out.append(new_part.substr(b, k - b));
        steps.push_back({at, static_cast<uint32_t>(out.size()), 0});
      }
      const auto new_count = static_cast<long>(steps.size() - first);
      const auto diff = new_count - static_cast<long>(utf8::length(old_part));
      if (diff > 0) {
        for (size_t i = steps.size() - static_cast<size_t>(diff); i < steps.size(); ++i) steps[i].change = 1;
      } else if (diff < 0 && !steps.empty()) {
        steps.back().change += static_cast<int>(diff);
      }
    };
    const auto keep = [&](std::string_view ch) {
      const auto at = static_cast<uint32_t>(out.size());
      out.append(ch);
      steps.push_back({at, static_cast<uint32_t>(out.size()), 0});
    };
    for_each_cluster(in, [&](std::string_view g) { map_cluster(g, push_replacement, keep); });
    align.clear();
    if (!modified) {
      out.assign(in);
      append_identity_alignment(in, 0, align);
      return;
    }
    // NormalizedString::transform, positionally over the input chars.
    const auto char_at = [&](size_t idx) {
      size_t e = idx;
      utf8::decode(in, e);
      return Align{static_cast<uint32_t>(idx), static_cast<uint32_t>(e)};
    };
    const auto char_before = [&](size_t idx) {
      size_t b = idx - 1;
      while (b > 0 && (static_cast<unsigned char>(in[b]) & 0xC0) == 0x80) --b;
      return Align{static_cast<uint32_t>(b), static_cast<uint32_t>(idx)};
    };
    size_t idx = 0;
    Align last{0, 0};
    for (const Step& st : steps) {
      Align a;
      if (st.change > 0) {
        a = idx < 1 ? Align{0, 0} : char_before(idx);
      } else if (idx < in.size()) {
        a = char_at(idx);
        idx = a.end;
        for (int k = 0; k < -st.change && idx < in.size(); ++k) idx = char_at(idx).end;
      } else {
        a = last;  // past the input (HF would fail here)
      }
      last = a;
      align.insert(align.end(), st.end - st.begin, a);
    }
  }

 private:
  // Calls `f` on each extended grapheme cluster of `in` (UAX #29,
  // utf8proc's stateful break).
  template <typename F>
  static void for_each_cluster(std::string_view in, F&& f) {
    size_t pos = 0;
    utf8proc_int32_t state = 0;
    utf8proc_int32_t prev = -1;
    size_t cluster_start = 0;
    while (pos < in.size()) {
      const size_t char_start = pos;
      const auto c = static_cast<utf8proc_int32_t>(utf8::decode(in, pos));
      if (prev >= 0 && utf8proc_grapheme_break_stateful(prev, c, &state)) {
        f(in.substr(cluster_start, char_start - cluster_start));
        cluster_start = char_start;
      }
      prev = c;
    }
    if (cluster_start < in.size()) f(in.substr(cluster_start));
  }

  // The charsmap's rule for one grapheme cluster: the whole cluster's
  // replacement when it is under 6 bytes and mapped, else each char's own;
  // replace(old, new) for a mapped part, keep(ch) for an unmapped char.
  template <typename Replace, typename Keep>
  void map_cluster(std::string_view g, Replace&& replace, Keep&& keep) const {
    if (g.size() < 6) {
      if (auto r = map_->shortest_prefix(g)) {
        replace(g, *r);
        return;
      }
    }
    size_t pos = 0;
    while (pos < g.size()) {
      const size_t start = pos;
      utf8::decode(g, pos);
      const std::string_view ch = g.substr(start, pos - start);
      if (auto r = map_->shortest_prefix(ch)) {
        replace(ch, *r);
      } else {
        keep(ch);
      }
    }
  }

  void emit_cluster(std::string_view g, std::string& out) const {
    map_cluster(
        g, [&](std::string_view, std::string_view r) { out += r; }, [&](std::string_view ch) { out += ch; });
  }

  std::shared_ptr<const PrecompiledCharsmap> map_;
};

}  // namespace

std::unique_ptr<Normalizer> make_precompiled_normalizer(std::shared_ptr<const PrecompiledCharsmap> charsmap) {
  return std::make_unique<PrecompiledNormalizer>(std::move(charsmap));
}

}  // namespace tokrec::tokenize
