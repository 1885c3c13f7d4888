// jieba.posseg: POSTokenizer.__cut_internal and its joint BMES x tag Viterbi
// (posseg/viterbi.py), with the same tie-breaking (max over (prob, state)
// tuples: equal probabilities go to the larger (position, tag) tuple).
#include "tokrec/segment/pos_tagger.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "segment/cut.h"
#include "segment/internal.h"
#include "tokrec/core/utf8.h"

namespace tokrec::segment {
namespace detail {

struct PosModel {
  struct State {
    char pos;  // B, E, M or S
    std::string tag;
  };
  std::vector<State> states;       // all_states = prob_trans keys, in file order
  std::vector<uint32_t> rank;      // order of (pos, tag) tuples, for ties
  std::vector<double> start;       // per state
  std::vector<double> trans;       // S x S, -inf where absent (MIN_INF)
  std::vector<std::vector<uint16_t>> next;  // trans_p[x].keys()
  std::unordered_map<uint64_t, double> emit;  // (state << 21 | char) -> log prob
  std::unordered_map<char32_t, std::vector<uint16_t>> char_states;
  std::vector<uint16_t> all;

  double emit_of(size_t s, char32_t c) const {
    auto it = emit.find((static_cast<uint64_t>(s) << 21) | c);
    return it == emit.end() ? kMinFloat : it->second;
  }
  const std::vector<uint16_t>& states_of(char32_t c) const {
    auto it = char_states.find(c);
    return it == char_states.end() ? all : it->second;
  }
};

namespace {

Result<PosModel> load_pos_model(const std::string& dir) {
  TOKREC_ASSIGN_OR_RETURN(PyValue trans, load_py_table(dir + "/prob_trans.py"));
  TOKREC_ASSIGN_OR_RETURN(PyValue start, load_py_table(dir + "/prob_start.py"));
  TOKREC_ASSIGN_OR_RETURN(PyValue emit, load_py_table(dir + "/prob_emit.py"));
  TOKREC_ASSIGN_OR_RETURN(PyValue tab, load_py_table(dir + "/char_state_tab.py"));
  PosModel m;
  std::unordered_map<std::string, uint16_t> index;
  auto key_of = [](const PyValue& v, std::string& key, PosModel::State& st) {
    if (v.kind != PyValue::Kind::kTuple || v.items.size() != 2 || v.items[0].str.size() != 1)
      return false;
    st.pos = static_cast<char>(v.items[0].str[0]);
    st.tag = utf8::from_u32(v.items[1].str);
    key = std::string(1, st.pos) + "\t" + st.tag;
    return true;
  };
  auto bad = [&](const char* f) {
    return Status::parse_error(dir + "/" + f + ": not a posseg table");
  };
  auto lookup = [&](const PyValue& v, uint16_t& id) {
    std::string key;
    PosModel::State st;
    if (!key_of(v, key, st)) return false;
    auto it = index.find(key);
    if (it == index.end()) return false;
    id = it->second;
    return true;
  };
  if (trans.kind != PyValue::Kind::kDict) return bad("prob_trans.py");
  for (size_t i = 0; i + 1 < trans.items.size(); i += 2) {
    std::string key;
    PosModel::State st;
    if (!key_of(trans.items[i], key, st)) return bad("prob_trans.py");
    index.emplace(key, static_cast<uint16_t>(m.states.size()));
    m.states.push_back(st);
  }
  const size_t n = m.states.size();
  if (n == 0 || n > 4096) return bad("prob_trans.py");
  m.trans.assign(n * n, -std::numeric_limits<double>::infinity());
  m.next.resize(n);
  for (size_t i = 0; i + 1 < trans.items.size(); i += 2) {
    const PyValue& row = trans.items[i + 1];
    if (row.kind != PyValue::Kind::kDict) return bad("prob_trans.py");
    for (size_t j = 0; j + 1 < row.items.size(); j += 2) {
      uint16_t to = 0;
      if (!lookup(row.items[j], to)) return bad("prob_trans.py");
      m.trans[(i / 2) * n + to] = row.items[j + 1].num;
      m.next[i / 2].push_back(to);
    }
  }
  m.start.assign(n, kMinFloat);
  if (start.kind != PyValue::Kind::kDict) return bad("prob_start.py");
  for (size_t i = 0; i + 1 < start.items.size(); i += 2) {
    uint16_t s = 0;
    if (!lookup(start.items[i], s)) return bad("prob_start.py");
    m.start[s] = start.items[i + 1].num;
  }
  if (emit.kind != PyValue::Kind::kDict) return bad("prob_emit.py");
  for (size_t i = 0; i + 1 < emit.items.size(); i += 2) {
    uint16_t s = 0;
    const PyValue& row = emit.items[i + 1];
    if (!lookup(emit.items[i], s) || row.kind != PyValue::Kind::kDict) return bad("prob_emit.py");
    for (size_t j = 0; j + 1 < row.items.size(); j += 2) {
      if (row.items[j].str.size() != 1) return bad("prob_emit.py");
      m.emit[(static_cast<uint64_t>(s) << 21) | row.items[j].str[0]] = row.items[j + 1].num;
    }
  }
  if (tab.kind != PyValue::Kind::kDict) return bad("char_state_tab.py");
  for (size_t i = 0; i + 1 < tab.items.size(); i += 2) {
    const PyValue& states = tab.items[i + 1];
    if (tab.items[i].str.size() != 1 || states.kind != PyValue::Kind::kTuple)
      return bad("char_state_tab.py");
    auto& list = m.char_states[tab.items[i].str[0]];
    for (const auto& st : states.items) {
      uint16_t s = 0;
      if (!lookup(st, s)) return bad("char_state_tab.py");
      list.push_back(s);
    }
  }
  for (size_t s = 0; s < n; ++s) m.all.push_back(static_cast<uint16_t>(s));
  std::vector<uint16_t> order = m.all;
  std::sort(order.begin(), order.end(), [&](uint16_t a, uint16_t b) {
    if (m.states[a].pos != m.states[b].pos) return m.states[a].pos < m.states[b].pos;
    return m.states[a].tag < m.states[b].tag;  // UTF-8 byte order = code point order
  });
  m.rank.resize(n);
  for (size_t r = 0; r < n; ++r) m.rank[order[r]] = static_cast<uint32_t>(r);
  return m;
}

// posseg/viterbi.py; returns the state of each character.
void pos_viterbi(const PosModel& m, const char32_t* obs, size_t len, std::vector<uint16_t>& route) {
  const size_t n = m.states.size();
  std::vector<double> v_prev(n), v_cur(n);
  std::vector<std::vector<int32_t>> back(len, std::vector<int32_t>());
  std::vector<uint16_t> present, next_present;
  std::vector<char> expect(n);
  for (uint16_t y : m.states_of(obs[0])) {
    v_prev[y] = m.start[y] + m.emit_of(y, obs[0]);
    present.push_back(y);
  }
  std::vector<uint16_t> prev, cand;
  for (size_t t = 1; t < len; ++t) {
    prev.clear();
    for (uint16_t x : present)
      if (!m.next[x].empty()) prev.push_back(x);
    if (prev.empty()) prev = present;  // Python would fail on max([]); stay defined
    std::fill(expect.begin(), expect.end(), 0);
    bool any_expect = false;
    for (uint16_t x : prev)
      for (uint16_t y : m.next[x]) expect[y] = 1, any_expect = true;
    cand.clear();
    for (uint16_t y : m.states_of(obs[t]))
      if (expect[y]) cand.push_back(y);
    if (cand.empty()) {
      if (any_expect) {
        for (size_t y = 0; y < n; ++y)
          if (expect[y]) cand.push_back(static_cast<uint16_t>(y));
      } else {
        cand = m.all;
      }
    }
    std::sort(cand.begin(), cand.end());
    cand.erase(std::unique(cand.begin(), cand.end()), cand.end());
    back[t].assign(n, -1);
    next_present.clear();
    for (uint16_t y : cand) {
      double em = m.emit_of(y, obs[t]);
      double best = 0;
      int32_t best_s = -1;
      for (uint16_t y0 : prev) {
        double p = v_prev[y0] + m.trans[y0 * n + y] + em;
        if (best_s < 0 || p > best ||
            (p == best && m.rank[y0] > m.rank[static_cast<size_t>(best_s)])) {
          best = p;
          best_s = y0;
        }
      }
      v_cur[y] = best;
      back[t][y] = best_s;
      next_present.push_back(y);
    }
    std::swap(v_prev, v_cur);
    std::swap(present, next_present);
  }
  double best = 0;
  int32_t last = -1;
  for (uint16_t y : present) {
    if (last < 0 || v_prev[y] > best ||
        (v_prev[y] == best && m.rank[y] > m.rank[static_cast<size_t>(last)])) {
      best = v_prev[y];
      last = y;
    }
  }
  route.assign(len, 0);
  for (size_t t = len; t-- > 0;) {
    route[t] = static_cast<uint16_t>(last);
    if (t > 0) last = back[t][static_cast<size_t>(last)];
  }
}

class PosCutter {
 public:
  PosCutter(const Dictionary& d, const PosModel& m, const Decoded& text,
            std::string_view raw, std::vector<TaggedWord>& out)
      : d_(d), m_(m), c_(text.cps.data()), off_(text.off), raw_(raw), out_(out) {}

  void emit(size_t a, size_t b, std::string_view tag) {
    out_.push_back({std::string(raw_.substr(off_[a], off_[b] - off_[a])), std::string(tag)});
  }
  // word_tag_tab.get(word, 'x')
  std::string_view tag_of(size_t a, size_t b) const {
    uint32_t node = d_.trie.find(c_ + a, b - a);
    if (node == Trie::kNone || d_.trie.tag(node) == 0) return "x";
    return d_.tag_names[d_.trie.tag(node)];
  }

  void gap(size_t a, size_t b) {
    for (size_t p = a; p < b;) {
      size_t w = (c_[p] == U'\r' && p + 1 < b && c_[p + 1] == U'\n') ? 2 : 1;
      emit(p, p + w, "x");
      p += w;
    }
  }

  void block(size_t a, size_t b, bool hmm) {
    size_t n = b - a;
    calc_route(d_, c_ + a, n, route_);
    size_t x = 0, buf = SIZE_MAX;
    while (x < n) {
      size_t y = route_[x].end + 1;
      bool single = y - x == 1;
      bool buffered = hmm ? single : (single && is_ascii_alnum(c_[a + x]));
      if (buffered) {
        if (buf == SIZE_MAX) buf = x;
      } else {
        if (buf != SIZE_MAX) {
          flush(a + buf, a + x, hmm);
          buf = SIZE_MAX;
        }
        emit(a + x, a + y, tag_of(a + x, a + y));
      }
      x = y;
    }
    if (buf != SIZE_MAX) flush(a + buf, a + n, hmm);
  }

  void flush(size_t a, size_t b, bool hmm) {
    if (!hmm) {
      emit(a, b, "eng");
    } else if (b - a == 1) {
      emit(a, b, tag_of(a, b));
    } else if (!d_.is_word(c_ + a, b - a)) {
      split_blocks(
          c_ + a, b - a, is_han, [&](size_t i, size_t j) { han(a + i, a + j); },
          [&](size_t i, size_t j) { detail_skip(a + i, a + j); });
    } else {
      for (size_t p = a; p < b; ++p) emit(p, p + 1, tag_of(p, p + 1));
    }
  }

  // POSTokenizer.__cut
  void han(size_t a, size_t b) {
    pos_viterbi(m_, c_ + a, b - a, states_);
    size_t begin = 0, next = 0, n = b - a;
    for (size_t i = 0; i < n; ++i) {
      const auto& st = m_.states[states_[i]];
      if (st.pos == 'B') {
        begin = i;
      } else if (st.pos == 'E') {
        emit(a + begin, a + i + 1, st.tag);
        next = i + 1;
      } else if (st.pos == 'S') {
        emit(a + i, a + i + 1, st.tag);
        next = i + 1;
      }
    }
    if (next < n) emit(a + next, b, m_.states[states_[next]].tag);
  }

  // re_skip_detail = ([\.0-9]+|[a-zA-Z0-9]+); pieces tagged m / eng / x.
  void detail_skip(size_t a, size_t b) {
    auto num = [](char32_t c) { return c == U'.' || is_ascii_digit(c); };
    auto piece = [&](size_t i, size_t j) {
      emit(i, j, num(c_[i]) ? "m" : is_ascii_alnum(c_[i]) ? "eng" : "x");
    };
    size_t pending = a, p = a;
    while (p < b) {
      size_t q = p;
      if (num(c_[p])) {
        while (q < b && num(c_[q])) ++q;
      } else if (is_ascii_alnum(c_[p])) {
        while (q < b && is_ascii_alnum(c_[q])) ++q;
      } else {
        ++p;
        continue;
      }
      if (pending < p) piece(pending, p);
      piece(p, q);
      p = pending = q;
    }
    if (pending < b) piece(pending, b);
  }

 private:
  const Dictionary& d_;
  const PosModel& m_;
  const char32_t* c_;
  const std::vector<uint32_t>& off_;
  std::string_view raw_;
  std::vector<TaggedWord>& out_;
  std::vector<RouteStep> route_;
  std::vector<uint16_t> states_;
};

}  // namespace
}  // namespace detail

PosTagger::PosTagger(std::shared_ptr<const Segmenter> segmenter,
                     std::shared_ptr<const detail::PosModel> model)
    : segmenter_(std::move(segmenter)), model_(std::move(model)) {}

Result<std::shared_ptr<const PosTagger>> PosTagger::load(std::shared_ptr<const Segmenter> segmenter,
                                                         const std::string& pos_dir) {
  if (!segmenter) return Status::invalid_argument("PosTagger needs a segmenter");
  TOKREC_ASSIGN_OR_RETURN(detail::PosModel m, detail::load_pos_model(pos_dir));
  auto model = std::make_shared<const detail::PosModel>(std::move(m));
  return std::shared_ptr<const PosTagger>(
      std::make_shared<PosTagger>(std::move(segmenter), std::move(model)));
}

std::shared_ptr<const PosTagger> PosTagger::with_segmenter(
    std::shared_ptr<const Segmenter> segmenter) const {
  return std::make_shared<PosTagger>(std::move(segmenter), model_);
}

Result<std::vector<TaggedWord>> PosTagger::cut(std::string_view text, bool hmm) const {
  if (!utf8::is_valid(text))
    return Status::invalid_argument("input is not valid UTF-8 (byte " +
                                    std::to_string(utf8::first_invalid_offset(text)) + ")");
  detail::Decoded d;
  detail::decode(text, d);
  std::vector<TaggedWord> out;
  detail::PosCutter cutter(segmenter_->dictionary(), *model_, d, text, out);
  detail::split_blocks(
      d.cps.data(), d.cps.size(), detail::is_pos_block_char,
      [&](size_t a, size_t b) { cutter.block(a, b, hmm); },
      [&](size_t a, size_t b) { cutter.gap(a, b); });
  return out;
}

}  // namespace tokrec::segment
