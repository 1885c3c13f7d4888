// The prefix dictionary (jieba's FREQ) as a trie in one hash table.
#include <cmath>

#include "segment/internal.h"

namespace tokrec::segment::detail {

Trie::Trie() : root_(kRootDirect, kNone), slots_(1 << 10, Slot{0, 0}) {
  freq_.push_back(0);  // the root: the empty string, never a word
  log_freq_.push_back(0.0);
  tag_.push_back(0);
}

void Trie::grow() {
  std::vector<Slot> old(slots_.size() * 2, Slot{0, 0});
  old.swap(slots_);
  size_t mask = slots_.size() - 1;
  for (const Slot& sl : old) {
    if (sl.key == 0) continue;
    size_t i = hash(sl.key) & mask;
    while (slots_[i].key != 0) i = (i + 1) & mask;
    slots_[i] = sl;
  }
}

uint32_t Trie::insert(const char32_t* s, size_t n) {
  uint32_t node = kRoot;
  for (size_t p = 0; p < n; ++p) {
    uint32_t next = child(node, s[p]);
    if (next != kNone) {
      node = next;
      continue;
    }
    next = static_cast<uint32_t>(freq_.size());
    freq_.push_back(0);
    log_freq_.push_back(0.0);
    tag_.push_back(0);
    if (node == kRoot && s[p] < kRootDirect) {
      root_[s[p]] = next;
    } else {
      uint64_t key = make_key(node, s[p]);
      size_t mask = slots_.size() - 1;
      size_t i = hash(key) & mask;
      while (slots_[i].key != 0) i = (i + 1) & mask;
      slots_[i] = Slot{key, next};
      if (++used_ * 2 > slots_.size()) grow();
    }
    node = next;
  }
  return node;
}

uint16_t Dictionary::tag_id(const std::string& tag) {
  for (size_t i = 1; i < tag_names.size(); ++i)
    if (tag_names[i] == tag) return static_cast<uint16_t>(i);
  tag_names.push_back(tag);
  return static_cast<uint16_t>(tag_names.size() - 1);
}

void Dictionary::add_word(const std::u32string& word, int64_t freq, const std::string& tag) {
  uint32_t node = trie.insert(word.data(), word.size());
  trie.set_freq(node, freq);
  total += freq;
  log_total = std::log(static_cast<double>(total));
  if (!tag.empty()) trie.set_tag(node, tag_id(tag));
  if (freq == 0) force_split.insert(word);
}

void calc_route(const Dictionary& d, const char32_t* s, size_t n, std::vector<RouteStep>& route) {
  route.resize(n + 1);
  route[n] = {0.0, 0};
  const Trie& t = d.trie;
  for (size_t idx = n; idx-- > 0;) {
    bool found = false;
    double best = 0;
    uint32_t best_end = 0;
    uint32_t node = Trie::kRoot;
    for (size_t i = idx; i < n; ++i) {
      node = t.child(node, s[i]);
      if (node == Trie::kNone) break;
      if (t.freq(node) == 0) continue;
      double score = (t.log_freq(node) - d.log_total) + route[i + 1].score;
      // max over (score, end) tuples: a tie goes to the larger end.
      if (!found || score >= best) {
        best = score;
        best_end = static_cast<uint32_t>(i);
        found = true;
      }
    }
    if (!found) {  // DAG[idx] = [idx]: a character that is no word scores log(1)
      best = (0.0 - d.log_total) + route[idx + 1].score;
      best_end = static_cast<uint32_t>(idx);
    }
    route[idx] = {best, best_end};
  }
}

}  // namespace tokrec::segment::detail
