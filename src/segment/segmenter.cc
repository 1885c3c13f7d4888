// Segmenter: loading jieba's dictionary and user dictionaries, dictionary
// edits (each producing a new immutable Segmenter), cut and tokenize.
#include "tokrec/segment/segmenter.h"

#include <charconv>
#include <cstdlib>

#include "segment/cut.h"
#include "segment/internal.h"
#include "tokrec/core/utf8.h"
#include "tokrec/io/file.h"

namespace tokrec::segment {
namespace {

using detail::Dictionary;

bool is_ascii_space_byte(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// bytes.strip(): ASCII whitespace only.
std::string_view strip_bytes(std::string_view s) {
  while (!s.empty() && is_ascii_space_byte(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ascii_space_byte(s.back())) s.remove_suffix(1);
  return s;
}

// Python's int() on a field of ASCII digits with an optional sign.
bool parse_int(std::string_view s, int64_t& v) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

// Tokenizer.gen_pfdict plus posseg's load_word_tag on the same file.
Status load_main_dict(const std::string& path, Dictionary& d) {
  TOKREC_ASSIGN_OR_RETURN(std::string text, io::read_file(path));
  if (!utf8::is_valid(text)) return Status::parse_error(path + ": dictionary is not UTF-8");
  size_t lineno = 0;
  std::u32string word;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view line = strip_bytes(std::string_view(text).substr(pos, nl - pos));
    pos = nl + 1;
    ++lineno;
    auto fields = io::split(line, ' ');
    int64_t freq = 0;
    if (fields.size() < 2 || !parse_int(fields[1], freq))
      return Status::parse_error("invalid dictionary entry in " + path + " at line " +
                                 std::to_string(lineno) + ": " + std::string(line));
    word = utf8::to_u32(fields[0]);
    uint32_t node = d.trie.insert(word.data(), word.size());
    d.trie.set_freq(node, freq);
    d.total += freq;
    if (fields.size() == 3) d.trie.set_tag(node, d.tag_id(std::string(fields[2])));
  }
  d.log_total = std::log(static_cast<double>(d.total));
  return Status::ok();
}

// FREQ.get(word, fallback).
int64_t freq_or(const Dictionary& d, const std::u32string& w, int64_t fallback) {
  uint32_t node = d.trie.find(w.data(), w.size());
  return node == detail::Trie::kNone ? fallback : d.trie.freq(node);
}

// suggest_freq(word): keep the word whole.
int64_t suggest_whole(const Dictionary& d, const std::u32string& word) {
  detail::Decoded dec;
  dec.cps = word;
  dec.off.assign(word.size() + 1, 0);
  detail::CutOutput out;
  detail::cut_decoded(d, nullptr, dec, Mode::kAccurate, false, out);
  const double ftotal = static_cast<double>(d.total);
  double freq = 1;
  for (const auto& s : out.spans) {
    std::u32string seg = word.substr(s.a, s.b - s.a);
    freq *= static_cast<double>(freq_or(d, seg, 1)) / ftotal;
  }
  auto scaled = static_cast<int64_t>(freq * static_cast<double>(d.total)) + 1;
  return std::max(scaled, freq_or(d, word, 1));
}

// re_userdict = ^(.+?)( [0-9]+)?( [a-z]+)?$ on one stripped line.
bool parse_user_line(const std::u32string& line, std::u32string& word, std::optional<int64_t>& freq,
                     std::string& tag) {
  auto letters_to_end = [&](size_t i) {  // " [a-z]+" up to the end
    if (i >= line.size() || line[i] != U' ' || i + 1 >= line.size()) return false;
    for (size_t k = i + 1; k < line.size(); ++k)
      if (line[k] < U'a' || line[k] > U'z') return false;
    return true;
  };
  for (size_t len = 1; len <= line.size(); ++len) {
    size_t i = len;
    freq.reset();
    tag.clear();
    bool ok = false;
    if (i == line.size()) {
      ok = true;
    } else if (line[i] == U' ' && i + 1 < line.size() && line[i + 1] >= U'0' && line[i + 1] <= U'9') {
      size_t j = i + 1;
      while (j < line.size() && line[j] >= U'0' && line[j] <= U'9') ++j;
      if (j == line.size() || letters_to_end(j)) {
        std::string digits = utf8::from_u32(line.substr(i + 1, j - i - 1));
        int64_t v = 0;
        if (!parse_int(digits, v)) return false;
        freq = v;
        if (j < line.size()) tag = utf8::from_u32(line.substr(j + 1));
        ok = true;
      }
    }
    if (!ok && letters_to_end(i)) {
      tag = utf8::from_u32(line.substr(i + 1));
      ok = true;
    }
    if (ok) {
      word = line.substr(0, len);
      return true;
    }
  }
  return false;
}

Status apply_edit(Dictionary& d, const std::u32string& word, std::optional<int64_t> freq,
                  const std::string& tag) {
  int64_t f = freq ? *freq : suggest_whole(d, word);
  d.add_word(word, f, tag);
  return Status::ok();
}

Status load_user_dict_into(const std::string& path, Dictionary& d) {
  TOKREC_ASSIGN_OR_RETURN(std::string text, io::read_file(path));
  size_t lineno = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string_view raw = strip_bytes(std::string_view(text).substr(pos, nl - pos));
    pos = nl + 1;
    ++lineno;
    if (!utf8::is_valid(raw)) return Status::parse_error("dictionary file " + path + " must be utf-8");
    std::u32string line = utf8::to_u32(raw);
    size_t bom = 0;
    while (bom < line.size() && line[bom] == 0xFEFF) ++bom;
    line.erase(0, bom);
    if (line.empty()) continue;
    std::u32string word;
    std::optional<int64_t> freq;
    std::string tag;
    if (!parse_user_line(line, word, freq, tag))
      return Status::parse_error("user dictionary " + path + " line " + std::to_string(lineno) +
                                 ": bad frequency");
    TOKREC_RETURN_IF_ERROR(apply_edit(d, word, freq, tag));
  }
  return Status::ok();
}

}  // namespace

Result<Mode> parse_mode(std::string_view name) {
  if (name == "accurate") return Mode::kAccurate;
  if (name == "full") return Mode::kFull;
  if (name == "search") return Mode::kSearch;
  return Status::invalid_argument("unknown mode '" + std::string(name) +
                                  "' (expected accurate, full or search)");
}

SegmenterOptions SegmenterOptions::from_dir(const std::string& dir) {
  SegmenterOptions o;
  o.dict_path = dir + "/dict.txt";
  o.hmm_dir = dir + "/finalseg";
  return o;
}

Segmenter::Segmenter(std::shared_ptr<const detail::Dictionary> dict,
                     std::shared_ptr<const detail::HmmModel> hmm)
    : dict_(std::move(dict)), hmm_(std::move(hmm)) {}

Result<std::shared_ptr<const Segmenter>> Segmenter::load(const SegmenterOptions& options) {
  if (options.dict_path.empty()) return Status::invalid_argument("no dictionary path given");
  auto dict = std::make_shared<Dictionary>();
  TOKREC_RETURN_IF_ERROR(load_main_dict(options.dict_path, *dict));
  std::shared_ptr<const detail::HmmModel> hmm;
  if (!options.hmm_dir.empty()) {
    TOKREC_ASSIGN_OR_RETURN(detail::HmmModel m, detail::load_hmm(options.hmm_dir));
    hmm = std::make_shared<const detail::HmmModel>(std::move(m));
  }
  for (const auto& path : options.user_dict_paths)
    TOKREC_RETURN_IF_ERROR(load_user_dict_into(path, *dict));
  return std::shared_ptr<const Segmenter>(std::make_shared<Segmenter>(std::move(dict), hmm));
}

Result<std::vector<std::string>> Segmenter::cut(std::string_view text, Mode mode, bool hmm) const {
  if (!utf8::is_valid(text))
    return Status::invalid_argument("input is not valid UTF-8 (byte " +
                                    std::to_string(utf8::first_invalid_offset(text)) + ")");
  if (hmm && mode != Mode::kFull && !hmm_)
    return Status::invalid_argument("HMM requested but no HMM tables were loaded");
  detail::Decoded d;
  detail::decode(text, d);
  detail::CutOutput out;
  detail::cut_decoded(*dict_, hmm_.get(), d, mode, hmm, out);
  std::vector<std::string> words;
  words.reserve(out.spans.size());
  for (const auto& s : out.spans) {
    if (s.owned >= 0) {
      words.push_back(std::move(out.owned[static_cast<size_t>(s.owned)]));
    } else {
      words.emplace_back(text.substr(d.off[s.a], d.off[s.b] - d.off[s.a]));
    }
  }
  return words;
}

Result<std::vector<Token>> Segmenter::tokenize(std::string_view text, Mode mode, bool hmm) const {
  if (mode == Mode::kFull) return Status::invalid_argument("tokenize has no full mode (as jieba)");
  TOKREC_ASSIGN_OR_RETURN(std::vector<std::string> words, cut(text, Mode::kAccurate, hmm));
  std::vector<Token> tokens;
  tokens.reserve(words.size());
  size_t start = 0, byte = 0;
  detail::Decoded d;
  for (auto& w : words) {
    detail::decode(w, d);
    size_t width = d.cps.size();
    if (mode == Mode::kSearch) {
      auto gram = [&](size_t i, size_t n) {
        if (!dict_->is_word(d.cps.data() + i, n)) return;
        tokens.push_back({w.substr(d.off[i], d.off[i + n] - d.off[i]), start + i, start + i + n,
                          byte + d.off[i], byte + d.off[i + n]});
      };
      if (width > 2)
        for (size_t i = 0; i + 1 < width; ++i) gram(i, 2);
      if (width > 3)
        for (size_t i = 0; i + 2 < width; ++i) gram(i, 3);
    }
    size_t bytes = w.size();
    tokens.push_back({std::move(w), start, start + width, byte, byte + bytes});
    start += width;
    byte += bytes;
  }
  return tokens;
}

Result<std::shared_ptr<const Segmenter>> Segmenter::add_words(
    const std::vector<WordEdit>& edits) const {
  auto dict = std::make_shared<Dictionary>(*dict_);
  for (const auto& e : edits) {
    if (!utf8::is_valid(e.word)) return Status::invalid_argument("word is not valid UTF-8");
    TOKREC_RETURN_IF_ERROR(apply_edit(*dict, utf8::to_u32(e.word), e.freq, e.tag));
  }
  return std::shared_ptr<const Segmenter>(std::make_shared<Segmenter>(std::move(dict), hmm_));
}

Result<std::shared_ptr<const Segmenter>> Segmenter::add_word(std::string_view word,
                                                             std::optional<int64_t> freq,
                                                             std::string_view tag) const {
  return add_words({WordEdit{std::string(word), freq, std::string(tag)}});
}

Result<std::shared_ptr<const Segmenter>> Segmenter::del_word(std::string_view word) const {
  return add_word(word, 0);
}

Result<std::shared_ptr<const Segmenter>> Segmenter::load_user_dict(const std::string& path) const {
  auto dict = std::make_shared<Dictionary>(*dict_);
  TOKREC_RETURN_IF_ERROR(load_user_dict_into(path, *dict));
  return std::shared_ptr<const Segmenter>(std::make_shared<Segmenter>(std::move(dict), hmm_));
}

Result<int64_t> Segmenter::suggest_freq(std::string_view word) const {
  if (!utf8::is_valid(word)) return Status::invalid_argument("word is not valid UTF-8");
  return suggest_whole(*dict_, utf8::to_u32(word));
}

Result<int64_t> Segmenter::suggest_freq(const std::vector<std::string>& segments) const {
  const double ftotal = static_cast<double>(dict_->total);
  double freq = 1;
  std::string word;
  for (const auto& s : segments) {
    if (!utf8::is_valid(s)) return Status::invalid_argument("segment is not valid UTF-8");
    freq *= static_cast<double>(freq_or(*dict_, utf8::to_u32(s), 1)) / ftotal;
    word += s;
  }
  auto scaled = static_cast<int64_t>(freq * static_cast<double>(dict_->total));
  return std::min(scaled, freq_or(*dict_, utf8::to_u32(word), 0));
}

std::optional<int64_t> Segmenter::frequency(std::string_view word) const {
  if (!utf8::is_valid(word) || word.empty()) return std::nullopt;
  std::u32string w = utf8::to_u32(word);
  uint32_t node = dict_->trie.find(w.data(), w.size());
  if (node == detail::Trie::kNone) return std::nullopt;
  return dict_->trie.freq(node);
}

int64_t Segmenter::total() const { return dict_->total; }

std::string default_jieba_dir() {
  std::vector<std::string> dirs;
  if (const char* e = std::getenv("TOKREC_JIEBA_DIR")) dirs.emplace_back(e);
  if (const char* e = std::getenv("TOKREC_CACHE_DATA")) dirs.push_back(std::string(e) + "/zh/jieba");
  dirs.emplace_back("data/cache/zh/jieba");
  dirs.emplace_back("/usr/lib/python3/dist-packages/jieba");
  for (const auto& d : dirs)
    if (io::file_exists(d + "/dict.txt")) return d;
  return "";
}

bool is_blank(std::string_view word) {
  size_t pos = 0;
  while (pos < word.size()) {
    size_t before = pos;
    char32_t c = utf8::decode(word, pos);
    if (pos == before || !detail::is_py_space(c)) return false;
  }
  return true;
}

std::vector<std::string> jieba_words(const Segmenter& segmenter, std::string_view text, bool hmm) {
  auto words = segmenter.cut(text, Mode::kAccurate, hmm && segmenter.has_hmm());
  std::vector<std::string> out;
  if (!words.is_ok()) return out;
  for (auto& w : *words)
    if (!is_blank(w)) out.push_back(std::move(w));
  return out;
}

}  // namespace tokrec::segment
