// jieba.analyse TF-IDF and TextRank, step for step (see keywords.h).
#include "tokrec/segment/keywords.h"

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <map>
#include <utf8proc.h>

#include "segment/internal.h"
#include "tokrec/core/utf8.h"
#include "tokrec/io/file.h"

namespace tokrec::segment {
namespace {

// dict with insertion order (what Python's dict iteration gives).
template <typename V>
class OrderedMap {
 public:
  V& operator[](const std::string& k) {
    auto [it, fresh] = index_.try_emplace(k, items_.size());
    if (fresh) items_.emplace_back(k, V{});
    return items_[it->second].second;
  }
  std::vector<std::pair<std::string, V>>& items() { return items_; }

 private:
  std::unordered_map<std::string, size_t> index_;
  std::vector<std::pair<std::string, V>> items_;
};

size_t cp_length(std::string_view s) { return utf8::length(s); }

std::vector<Keyword> rank_and_cut(std::vector<Keyword> tags, size_t top_k) {
  // sorted(..., reverse=True) is stable: ties keep their order.
  std::stable_sort(tags.begin(), tags.end(),
                   [](const Keyword& a, const Keyword& b) { return a.weight > b.weight; });
  if (top_k != 0 && tags.size() > top_k) tags.resize(top_k);
  return tags;
}

}  // namespace

std::string_view py_strip(std::string_view s) {
  size_t pos = 0, first = s.size();
  while (pos < s.size()) {
    size_t at = pos;
    if (!detail::is_py_space(utf8::decode(s, pos))) {
      first = at;
      break;
    }
  }
  if (first == s.size()) return {};
  size_t last_end = first;
  pos = first;
  while (pos < s.size()) {
    char32_t c = utf8::decode(s, pos);
    if (!detail::is_py_space(c)) last_end = pos;
  }
  return s.substr(first, last_end - first);
}

std::string py_lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  while (pos < s.size()) {
    char32_t c = utf8::decode(s, pos);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    } else if (c == 0x130) {
      out += "i\xCC\x87";  // Python: U+0130 lowers to "i" + U+0307
    } else {
      utf8::append(out, static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c))));
    }
  }
  return out;
}

const std::unordered_set<std::string>& KeywordExtractor::jieba_stop_words() {
  static const std::unordered_set<std::string> kWords = {
      "the", "of", "is", "and", "to", "in", "that", "we", "for", "an", "are",
      "by", "be", "as", "on", "with", "can", "if", "from", "which", "you", "it",
      "this", "then", "at", "have", "all", "not", "one", "has", "or"};
  return kWords;
}

KeywordExtractor::KeywordExtractor(std::shared_ptr<const PosTagger> tagger,
                                   std::shared_ptr<const std::unordered_map<std::string, double>> idf,
                                   double median_idf, std::unordered_set<std::string> stop_words)
    : tagger_(std::move(tagger)), idf_(std::move(idf)), median_idf_(median_idf),
      stop_words_(std::move(stop_words)) {}

Result<std::shared_ptr<const KeywordExtractor>> KeywordExtractor::load(
    std::shared_ptr<const PosTagger> tagger, const std::string& idf_path) {
  if (!tagger) return Status::invalid_argument("KeywordExtractor needs a POS tagger");
  TOKREC_ASSIGN_OR_RETURN(std::string text, io::read_file(idf_path));
  if (!utf8::is_valid(text)) return Status::parse_error(idf_path + ": not UTF-8");
  auto idf = std::make_shared<std::unordered_map<std::string, double>>();
  idf->reserve(300000);
  size_t lineno = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line = py_strip(std::string_view(text).substr(pos, nl - pos));
    pos = nl + 1;
    ++lineno;
    auto fields = io::split(line, ' ');
    double v = 0;
    if (fields.size() != 2 ||
        std::from_chars(fields[1].data(), fields[1].data() + fields[1].size(), v).ptr !=
            fields[1].data() + fields[1].size())
      return Status::parse_error(idf_path + " line " + std::to_string(lineno) +
                                 ": expected 'word idf'");
    (*idf)[std::string(fields[0])] = v;
  }
  if (idf->empty()) return Status::parse_error(idf_path + ": no idf entries");
  std::vector<double> values;
  values.reserve(idf->size());
  for (const auto& [w, v] : *idf) values.push_back(v);
  auto mid = values.begin() + static_cast<long>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  return std::shared_ptr<const KeywordExtractor>(
      std::make_shared<KeywordExtractor>(std::move(tagger), std::move(idf), *mid, jieba_stop_words()));
}

std::shared_ptr<const KeywordExtractor> KeywordExtractor::with_stop_words(
    std::unordered_set<std::string> stop_words) const {
  return std::make_shared<KeywordExtractor>(tagger_, idf_, median_idf_, std::move(stop_words));
}

bool KeywordExtractor::keep(std::string_view word) const {
  return cp_length(py_strip(word)) >= 2 && !stop_words_.count(py_lower(word));
}

Result<std::vector<Keyword>> KeywordExtractor::tfidf(std::string_view text, size_t top_k,
                                                     const std::vector<std::string>& allow_pos) const {
  OrderedMap<double> freq;
  if (!allow_pos.empty()) {
    TOKREC_ASSIGN_OR_RETURN(auto words, tagger_->cut(text, true));
    for (const auto& w : words) {
      if (std::find(allow_pos.begin(), allow_pos.end(), w.tag) == allow_pos.end()) continue;
      if (keep(w.word)) freq[w.word] += 1.0;
    }
  } else {
    const Segmenter& seg = tagger_->segmenter();
    TOKREC_ASSIGN_OR_RETURN(auto words, seg.cut(text, Mode::kAccurate, seg.has_hmm()));
    for (const auto& w : words)
      if (keep(w)) freq[w] += 1.0;
  }
  double total = 0;
  for (const auto& [w, c] : freq.items()) total += c;
  std::vector<Keyword> tags;
  tags.reserve(freq.items().size());
  for (const auto& [w, c] : freq.items()) {
    auto it = idf_->find(w);
    double idf = it == idf_->end() ? median_idf_ : it->second;
    tags.push_back({w, c * (idf / total)});
  }
  return rank_and_cut(std::move(tags), top_k);
}

Result<std::vector<Keyword>> KeywordExtractor::textrank(std::string_view text, size_t top_k,
                                                        const std::vector<std::string>& allow_pos) const {
  TOKREC_ASSIGN_OR_RETURN(auto words, tagger_->cut(text, true));
  std::vector<char> pass(words.size());
  for (size_t i = 0; i < words.size(); ++i)
    pass[i] = std::find(allow_pos.begin(), allow_pos.end(), words[i].tag) != allow_pos.end() &&
              keep(words[i].word);
  // Co-occurrence counts, keyed (w1, w2) in insertion order.
  std::map<std::pair<std::string, std::string>, size_t> cm_index;
  std::vector<std::pair<std::pair<std::string, std::string>, long>> cm;
  constexpr size_t kSpan = 5;
  for (size_t i = 0; i < words.size(); ++i) {
    if (!pass[i]) continue;
    for (size_t j = i + 1; j < i + kSpan && j < words.size(); ++j) {
      if (!pass[j]) continue;
      auto key = std::make_pair(words[i].word, words[j].word);
      auto [it, fresh] = cm_index.try_emplace(key, cm.size());
      if (fresh) cm.push_back({key, 0});
      ++cm[it->second].second;
    }
  }
  struct Edge {
    size_t end;
    long weight;
  };
  std::unordered_map<std::string, size_t> node_id;
  std::vector<std::string> nodes;
  std::vector<std::vector<Edge>> graph;
  auto id_of = [&](const std::string& w) {
    auto [it, fresh] = node_id.try_emplace(w, nodes.size());
    if (fresh) {
      nodes.push_back(w);
      graph.emplace_back();
    }
    return it->second;
  };
  for (const auto& [terms, w] : cm) {
    size_t a = id_of(terms.first);
    size_t b = id_of(terms.second);
    graph[a].push_back({b, w});
    graph[b].push_back({a, w});
  }
  const size_t n = nodes.size();
  const double d = 0.85;
  std::vector<double> ws(n, 1.0 / (n ? static_cast<double>(n) : 1.0)), out_sum(n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (const auto& e : graph[i]) out_sum[i] += static_cast<double>(e.weight);
  std::vector<size_t> sorted_keys(n);
  for (size_t i = 0; i < n; ++i) sorted_keys[i] = i;
  std::sort(sorted_keys.begin(), sorted_keys.end(),
            [&](size_t a, size_t b) { return nodes[a] < nodes[b]; });
  for (int iter = 0; iter < 10; ++iter) {
    for (size_t v : sorted_keys) {
      double s = 0;
      for (const auto& e : graph[v]) s += static_cast<double>(e.weight) / out_sum[e.end] * ws[e.end];
      ws[v] = (1 - d) + d * s;
    }
  }
  double min_rank = DBL_MAX, max_rank = DBL_MIN;
  for (double w : ws) {
    if (w < min_rank) min_rank = w;
    if (w > max_rank) max_rank = w;
  }
  std::vector<Keyword> tags;
  tags.reserve(n);
  for (size_t i = 0; i < n; ++i)
    tags.push_back({nodes[i], (ws[i] - min_rank / 10.0) / (max_rank - min_rank / 10.0)});
  return rank_and_cut(std::move(tags), top_k);
}

}  // namespace tokrec::segment
