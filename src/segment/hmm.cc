// finalseg: jieba's BMES HMM for runs of characters the dictionary cannot
// join. Tables are read from jieba's own prob_*.py files.
#include <string>

#include "segment/internal.h"

namespace tokrec::segment::detail {
namespace {

int state_index(const std::u32string& s) {
  if (s.size() != 1) return -1;
  switch (s[0]) {
    case U'B': return 0;
    case U'E': return 1;
    case U'M': return 2;
    case U'S': return 3;
    default: return -1;
  }
}

}  // namespace

Result<HmmModel> load_hmm(const std::string& dir) {
  HmmModel m;
  TOKREC_ASSIGN_OR_RETURN(PyValue start, load_py_table(dir + "/prob_start.py"));
  TOKREC_ASSIGN_OR_RETURN(PyValue trans, load_py_table(dir + "/prob_trans.py"));
  TOKREC_ASSIGN_OR_RETURN(PyValue emit, load_py_table(dir + "/prob_emit.py"));
  auto bad = [&](const char* file) {
    return Status::parse_error(dir + "/" + file + ": not a finalseg table (states B, E, M, S)");
  };
  if (start.kind != PyValue::Kind::kDict) return bad("prob_start.py");
  m.start.fill(kMinFloat);
  for (size_t i = 0; i + 1 < start.items.size(); i += 2) {
    int s = state_index(start.items[i].str);
    if (s < 0 || start.items[i + 1].kind != PyValue::Kind::kNum) return bad("prob_start.py");
    m.start[s] = start.items[i + 1].num;
  }
  if (trans.kind != PyValue::Kind::kDict) return bad("prob_trans.py");
  for (auto& row : m.trans) row.fill(kMinFloat);
  for (size_t i = 0; i + 1 < trans.items.size(); i += 2) {
    int from = state_index(trans.items[i].str);
    const PyValue& row = trans.items[i + 1];
    if (from < 0 || row.kind != PyValue::Kind::kDict) return bad("prob_trans.py");
    for (size_t j = 0; j + 1 < row.items.size(); j += 2) {
      int to = state_index(row.items[j].str);
      if (to < 0 || row.items[j + 1].kind != PyValue::Kind::kNum) return bad("prob_trans.py");
      m.trans[from][to] = row.items[j + 1].num;
    }
  }
  if (emit.kind != PyValue::Kind::kDict) return bad("prob_emit.py");
  for (size_t i = 0; i + 1 < emit.items.size(); i += 2) {
    int s = state_index(emit.items[i].str);
    const PyValue& row = emit.items[i + 1];
    if (s < 0 || row.kind != PyValue::Kind::kDict) return bad("prob_emit.py");
    for (size_t j = 0; j + 1 < row.items.size(); j += 2) {
      const PyValue& k = row.items[j];
      if (k.kind != PyValue::Kind::kStr || k.str.size() != 1 ||
          row.items[j + 1].kind != PyValue::Kind::kNum)
        return bad("prob_emit.py");
      auto [it, fresh] = m.emit.try_emplace(k.str[0]);
      if (fresh) it->second.fill(kMinFloat);
      it->second[s] = row.items[j + 1].num;
    }
  }
  return m;
}

void hmm_viterbi(const HmmModel& m, const char32_t* s, size_t n, std::vector<uint8_t>& states) {
  // PrevStatus of finalseg: the states allowed before each state.
  static constexpr int kPrev[4][2] = {{1, 3} /*B<-E,S*/, {0, 2} /*E<-B,M*/, {2, 0} /*M<-M,B*/,
                                      {3, 1} /*S<-S,E*/};
  static const std::array<double, 4> kUnseen = {kMinFloat, kMinFloat, kMinFloat, kMinFloat};
  auto emit_of = [&](char32_t c) -> const std::array<double, 4>& {
    auto it = m.emit.find(c);
    return it == m.emit.end() ? kUnseen : it->second;
  };
  std::vector<std::array<uint8_t, 4>> back(n);
  std::array<double, 4> v{};
  const auto& e0 = emit_of(s[0]);
  for (int y = 0; y < 4; ++y) v[y] = m.start[y] + e0[y];
  for (size_t t = 1; t < n; ++t) {
    const auto& e = emit_of(s[t]);
    std::array<double, 4> nv{};
    for (int y = 0; y < 4; ++y) {
      double best = 0;
      int best_s = -1;
      for (int y0 : kPrev[y]) {
        double p = v[y0] + m.trans[y0][y] + e[y];
        // max over (prob, state) tuples: ties go to the larger state letter.
        if (best_s < 0 || p > best || (p == best && y0 > best_s)) {
          best = p;
          best_s = y0;
        }
      }
      nv[y] = best;
      back[t][y] = static_cast<uint8_t>(best_s);
    }
    v = nv;
  }
  // Final state: E or S (a tie goes to S).
  int last = v[3] >= v[1] ? 3 : 1;
  states.resize(n);
  for (size_t t = n; t-- > 0;) {
    states[t] = static_cast<uint8_t>(last);
    if (t > 0) last = back[t][last];
  }
}

}  // namespace tokrec::segment::detail
