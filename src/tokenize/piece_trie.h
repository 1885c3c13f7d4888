// A read-only byte trie over vocabulary pieces for common-prefix search
// (every piece that is a prefix of the input, shortest first), as the
// Unigram lattice and sentencepiece's user-defined-symbol matcher need.
// Built once at load time; the root has a direct 256-way table, deeper nodes
// keep their edges sorted by byte.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace tokrec::tokenize {

class PieceTrie {
 public:
  PieceTrie() { nodes_.push_back(Node{}); }

  // Later inserts of the same key overwrite its value.
  void insert(std::string_view key, int32_t value) {
    if (key.empty()) return;
    uint32_t node = 0;
    for (char ch : key) {
      const auto b = static_cast<uint8_t>(ch);
      auto& kids = build_[node];
      auto it = std::lower_bound(kids.begin(), kids.end(), b,
                                 [](const std::pair<uint8_t, uint32_t>& e, uint8_t v) { return e.first < v; });
      if (it != kids.end() && it->first == b) {
        node = it->second;
        continue;
      }
      const auto at = it - kids.begin();  // before build_ grows (kids dangles after)
      const auto child = static_cast<uint32_t>(nodes_.size());
      nodes_.push_back(Node{});
      build_.emplace_back();
      build_[node].insert(build_[node].begin() + at, {b, child});
      node = child;
    }
    nodes_[node].value = value;
    max_key_ = std::max(max_key_, key.size());
  }

  // Call once after the last insert: lays the edges out flat.
  void freeze() {
    root_.assign(256, 0);
    for (const auto& [b, child] : build_[0]) root_[b] = child;
    edges_.clear();
    for (size_t n = 0; n < nodes_.size(); ++n) {
      nodes_[n].edge_begin = static_cast<uint32_t>(edges_.size());
      nodes_[n].edge_count = static_cast<uint32_t>(build_[n].size());
      for (const auto& e : build_[n]) edges_.push_back(Edge{e.first, e.second});
    }
    build_.clear();
    build_.shrink_to_fit();
  }

  // Calls on_match(length, value) for each key that prefixes `text`, by
  // increasing length; stops early when on_match returns false.
  template <typename F>
  void common_prefixes(std::string_view text, F&& on_match) const {
    if (text.empty()) return;
    uint32_t node = root_[static_cast<uint8_t>(text[0])];
    if (node == 0) return;
    for (size_t i = 1;; ++i) {
      const Node& nd = nodes_[node];
      if (nd.value >= 0 && !on_match(i, nd.value)) return;
      if (i == text.size() || nd.edge_count == 0) return;
      const auto b = static_cast<uint8_t>(text[i]);
      const Edge* e = edges_.data() + nd.edge_begin;
      const Edge* end = e + nd.edge_count;
      if (nd.edge_count <= 8) {
        while (e != end && e->label < b) ++e;
      } else {
        e = std::lower_bound(e, end, b, [](const Edge& x, uint8_t v) { return x.label < v; });
      }
      if (e == end || e->label != b) return;
      node = e->child;
    }
  }

  size_t max_key_bytes() const { return max_key_; }
  bool empty() const { return nodes_.size() == 1; }

 private:
  struct Node {
    uint32_t edge_begin = 0;
    uint32_t edge_count = 0;
    int32_t value = -1;
  };
  struct Edge {
    uint8_t label;
    uint32_t child;
  };
  std::vector<Node> nodes_;
  std::vector<Edge> edges_;
  std::vector<uint32_t> root_;
  std::vector<std::vector<std::pair<uint8_t, uint32_t>>> build_{1};
  size_t max_key_ = 0;
};

}  // namespace tokrec::tokenize
