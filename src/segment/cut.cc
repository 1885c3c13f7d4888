// jieba 0.42.1 Tokenizer.cut, step by step (see segmenter.h for the outline).
// Comments name the jieba function each piece mirrors.
#include "segment/cut.h"

#include "tokrec/core/utf8.h"

namespace tokrec::segment::detail {
namespace {

class Cutter {
 public:
  Cutter(const Dictionary& dict, const HmmModel* hmm_model, const Decoded& d, CutOutput& out)
      : dict_(dict), hmm_(hmm_model), c_(d.cps.data()), out_(out) {}

  void span(size_t a, size_t b) {
    out_.spans.push_back({static_cast<uint32_t>(a), static_cast<uint32_t>(b)});
  }
  void owned(std::string s) {
    out_.spans.push_back({0, 0, static_cast<int32_t>(out_.owned.size())});
    out_.owned.push_back(std::move(s));
  }

  // Tokenizer.cut's handling of text between blocks (re_skip split).
  void gap(size_t a, size_t b, bool full) {
    size_t piece = a;
    for (size_t p = a; p < b;) {
      size_t w = 0;
      if (c_[p] == U'\r' && p + 1 < b && c_[p + 1] == U'\n') {
        w = 2;
      } else if (is_py_space(c_[p])) {
        w = 1;
      }
      if (w == 0) {
        if (!full) span(p, p + 1);  // accurate: every other character alone
        ++p;
        continue;
      }
      if (full) span(piece, p);  // may be empty: re.split leaves "" pieces
      span(p, p + w);
      p += w;
      piece = p;
    }
    if (full) span(piece, b);
  }

  // __cut_DAG (HMM) and __cut_DAG_NO_HMM.
  void block_route(size_t a, size_t b, bool hmm) {
    size_t n = b - a;
    calc_route(dict_, c_ + a, n, route_);
    size_t x = 0;
    size_t buf = SIZE_MAX;  // start of the pending run (HMM: single chars; no HMM: ASCII alnum)
    while (x < n) {
      size_t y = route_[x].end + 1;
      bool single = y - x == 1;
      bool buffered = hmm ? single : (single && is_ascii_alnum(c_[a + x]));
      if (buffered) {
        if (buf == SIZE_MAX) buf = x;
      } else {
        if (buf != SIZE_MAX) {
          hmm ? flush_hmm(a + buf, a + x) : span(a + buf, a + x);
          buf = SIZE_MAX;
        }
        span(a + x, a + y);
      }
      x = y;
    }
    if (buf != SIZE_MAX) hmm ? flush_hmm(a + buf, a + n) : span(a + buf, a + n);
  }

  void flush_hmm(size_t a, size_t b) {
    if (b - a == 1) {
      span(a, b);
    } else if (!dict_.is_word(c_ + a, b - a)) {
      finalseg_cut(a, b);
    } else {
      for (size_t p = a; p < b; ++p) span(p, p + 1);
    }
  }

  // finalseg.cut: Han runs through the Viterbi, the rest by re_skip.
  void finalseg_cut(size_t a, size_t b) {
    split_blocks(
        c_ + a, b - a, is_han, [&](size_t i, size_t j) { finalseg_han(a + i, a + j); },
        [&](size_t i, size_t j) { finalseg_skip(a + i, a + j); });
  }

  void finalseg_word(size_t a, size_t b) {
    if (b - a > 1 && !dict_.force_split.empty() &&
        dict_.force_split.count(std::u32string(c_ + a, b - a))) {
      for (size_t p = a; p < b; ++p) span(p, p + 1);
    } else {
      span(a, b);
    }
  }

  void finalseg_han(size_t a, size_t b) {
    hmm_viterbi(*hmm_, c_ + a, b - a, states_);
    size_t begin = 0, next = 0, n = b - a;
    for (size_t i = 0; i < n; ++i) {
      switch (states_[i]) {
        case 0: begin = i; break;  // B
        case 1:                    // E
          finalseg_word(a + begin, a + i + 1);
          next = i + 1;
          break;
        case 3:  // S
          finalseg_word(a + i, a + i + 1);
          next = i + 1;
          break;
        default: break;
      }
    }
    if (next < n) finalseg_word(a + next, b);
  }

  // re_skip = ([a-zA-Z0-9]+(?:\.\d+)?%?); non-empty split pieces are words.
  void finalseg_skip(size_t a, size_t b) {
    size_t pending = a;
    size_t p = a;
    while (p < b) {
      if (!is_ascii_alnum(c_[p])) {
        ++p;
        continue;
      }
      size_t q = p;
      while (q < b && is_ascii_alnum(c_[q])) ++q;
      if (q + 1 < b && c_[q] == U'.' && is_ascii_digit(c_[q + 1])) {
        q += 2;
        while (q < b && is_ascii_digit(c_[q])) ++q;
      }
      if (q < b && c_[q] == U'%') ++q;
      if (pending < p) span(pending, p);
      span(p, q);
      p = pending = q;
    }
    if (pending < b) span(pending, b);
  }

  // __cut_all.
  void block_full(size_t a, size_t b) {
    size_t n = b - a;
    long old_j = -1;
    bool eng_scan = false;
    std::string eng_buf;
    std::vector<uint32_t> ends;
    auto append = [&](std::string& to, size_t i, size_t j) {
      for (size_t p = i; p < j; ++p) utf8::append(to, c_[p]);
    };
    for (size_t k = 0; k < n; ++k) {
      ends.clear();  // get_DAG(k)
      uint32_t node = Trie::kRoot;
      for (size_t i = k; i < n; ++i) {
        node = dict_.trie.child(node, c_[a + i]);
        if (node == Trie::kNone) break;
        if (dict_.trie.freq(node) != 0) ends.push_back(static_cast<uint32_t>(i));
      }
      if (ends.empty()) ends.push_back(static_cast<uint32_t>(k));
      if (eng_scan && !is_ascii_alnum(c_[a + k])) {
        eng_scan = false;
        owned(eng_buf);
      }
      if (ends.size() == 1 && static_cast<long>(k) > old_j) {
        size_t e = ends[0] + 1;
        if (is_ascii_alnum(c_[a + k])) {
          if (!eng_scan) {
            eng_scan = true;
            eng_buf.clear();
          }
          append(eng_buf, a + k, a + e);
        }
        if (!eng_scan) span(a + k, a + e);
        old_j = ends[0];
      } else {
        for (uint32_t j : ends) {
          if (j > k) {
            span(a + k, a + j + 1);
            old_j = j;
          }
        }
      }
    }
    if (eng_scan) owned(eng_buf);
  }

 private:
  const Dictionary& dict_;
  const HmmModel* hmm_;
  const char32_t* c_;
  CutOutput& out_;
  std::vector<RouteStep> route_;
  std::vector<uint8_t> states_;
};

}  // namespace

void decode(std::string_view text, Decoded& d) {
  d.cps.clear();
  d.off.clear();
  d.cps.reserve(text.size());
  d.off.reserve(text.size() + 1);
  size_t pos = 0;
  while (pos < text.size()) {
    d.off.push_back(static_cast<uint32_t>(pos));
    d.cps.push_back(utf8::decode(text, pos));
  }
  d.off.push_back(static_cast<uint32_t>(text.size()));
}

void cut_decoded(const Dictionary& dict, const HmmModel* hmm_model, const Decoded& d, Mode mode,
                 bool hmm, CutOutput& out) {
  Cutter cutter(dict, hmm_model, d, out);
  const bool full = mode == Mode::kFull;
  size_t first = out.spans.size();
  split_blocks(
      d.cps.data(), d.cps.size(), is_block_char,
      [&](size_t a, size_t b) { full ? cutter.block_full(a, b) : cutter.block_route(a, b, hmm); },
      [&](size_t a, size_t b) { cutter.gap(a, b, full); });
  if (mode != Mode::kSearch) return;
  // cut_for_search: dictionary 2-grams, then 3-grams, then the word itself.
  std::vector<Span> words(out.spans.begin() + static_cast<long>(first), out.spans.end());
  out.spans.resize(first);
  const char32_t* c = d.cps.data();
  for (const Span& w : words) {
    size_t len = w.b - w.a;
    if (len > 2)
      for (size_t i = 0; i + 1 < len; ++i)
        if (dict.is_word(c + w.a + i, 2)) out.spans.push_back({w.a + uint32_t(i), w.a + uint32_t(i) + 2});
    if (len > 3)
      for (size_t i = 0; i + 2 < len; ++i)
        if (dict.is_word(c + w.a + i, 3)) out.spans.push_back({w.a + uint32_t(i), w.a + uint32_t(i) + 3});
    out.spans.push_back(w);
  }
}

}  // namespace tokrec::segment::detail
