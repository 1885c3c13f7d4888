// Cleaning stages and stop words around the jieba segmenter (see clean.h).
#include "tokrec/segment/clean.h"

#include <utf8proc.h>

#include "segment/internal.h"
#include "tokrec/core/utf8.h"
#include "tokrec/io/file.h"
#include "tokrec/segment/keywords.h"

namespace tokrec::segment {
namespace {

bool is_emoji_modifier(char32_t c) {
  return (c >= 0x1F3FB && c <= 0x1F3FF) || c == 0xFE0F || c == 0x200D || c == 0x20E3 ||
         (c >= 0xE0020 && c <= 0xE007F);
}

bool starts_url(const std::u32string& s, size_t i) {
  auto at = [&](const char* p) {
    for (size_t k = 0; p[k]; ++k)
      if (i + k >= s.size() || s[i + k] != static_cast<char32_t>(p[k])) return false;
    return true;
  };
  if (i > 0 && s[i - 1] < 0x80 && (std::isalnum(static_cast<int>(s[i - 1])) != 0)) return false;
  return at("http://") || at("https://") || at("www.");
}

bool url_char(char32_t c) { return c > 0x20 && c < 0x7F && c != '"' && c != '<' && c != '>'; }

void apply(std::string& out, SpanAction action, const std::string& replacement,
           const std::u32string& s, size_t a, size_t b) {
  if (action == SpanAction::kKeep) {
    for (size_t k = a; k < b; ++k) utf8::append(out, s[k]);
  } else if (action == SpanAction::kReplace) {
    out += replacement;
  }
}

}  // namespace

bool is_emoji(char32_t c) {
  if (c >= 0x1F1E6 && c <= 0x1F1FF) return true;  // regional indicators
  if (c < 0x2000) return c == 0xA9 || c == 0xAE;
  auto prop = utf8proc_get_property(static_cast<utf8proc_int32_t>(c));
  // utf8proc exposes Extended_Pictographic through its grapheme boundary class.
  return prop->boundclass == UTF8PROC_BOUNDCLASS_EXTENDED_PICTOGRAPHIC;
}

std::string fold_fullwidth(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  size_t pos = 0;
  while (pos < utf8.size()) {
    char32_t c = utf8::decode(utf8, pos);
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    else if (c == 0x3000) c = U' ';
    utf8::append(out, c);
  }
  return out;
}

Result<std::string> clean_text(std::string_view text, const CleanOptions& o) {
  if (!utf8::is_valid(text)) return Status::invalid_argument("input is not valid UTF-8");
  std::string folded = o.fold_fullwidth ? fold_fullwidth(text) : std::string(text);
  if (o.urls == SpanAction::kKeep && o.emoji == SpanAction::kKeep) return folded;
  std::u32string s = utf8::to_u32(folded);
  std::string out;
  out.reserve(folded.size());
  for (size_t i = 0; i < s.size();) {
    if (o.urls != SpanAction::kKeep && starts_url(s, i)) {
      size_t j = i;
      while (j < s.size() && url_char(s[j])) ++j;
      apply(out, o.urls, o.url_replacement, s, i, j);
      i = j;
    } else if (o.emoji != SpanAction::kKeep && is_emoji(s[i])) {
      size_t j = i + 1;
      for (;;) {  // modifiers, ZWJ sequences, flag pairs
        if (j < s.size() && is_emoji_modifier(s[j])) {
          bool zwj = s[j] == 0x200D;
          ++j;
          if (zwj && j < s.size() && is_emoji(s[j])) ++j;
        } else if (j < s.size() && s[j - 1] >= 0x1F1E6 && s[j - 1] <= 0x1F1FF && s[j] >= 0x1F1E6 &&
                   s[j] <= 0x1F1FF && (j - i) % 2 == 1) {
          ++j;
        } else {
          break;
        }
      }
      apply(out, o.emoji, o.emoji_replacement, s, i, j);
      i = j;
    } else {
      utf8::append(out, s[i++]);
    }
  }
  return out;
}

Result<StopWords> StopWords::load(const std::string& path) {
  TOKREC_ASSIGN_OR_RETURN(auto lines, io::read_lines(path));
  std::unordered_set<std::string> words;
  for (const auto& l : lines) {
    if (!utf8::is_valid(l)) return Status::parse_error(path + ": stop-word list is not UTF-8");
    std::string_view w = py_strip(l);
    if (!w.empty()) words.emplace(w);
  }
  return StopWords(std::move(words));
}

StopWords StopWords::english() {
  static const char* const kWords[] = {
      "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
      "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
      "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for",
      "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself",
      "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
      "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once",
      "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she",
      "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them",
      "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too",
      "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which",
      "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
      "yourselves"};
  return StopWords(std::unordered_set<std::string>(std::begin(kWords), std::end(kWords)));
}

StopWords StopWords::jieba_analyse() { return StopWords(KeywordExtractor::jieba_stop_words()); }

StopWords StopWords::merged(const StopWords& other) const {
  auto words = words_;
  words.insert(other.words_.begin(), other.words_.end());
  return StopWords(std::move(words));
}

bool StopWords::contains(std::string_view word, bool lowercase) const {
  if (!lowercase) return words_.count(std::string(word)) != 0;
  return words_.count(py_lower(word)) != 0;
}

std::vector<std::string> StopWords::filter(std::vector<std::string> words, bool lowercase) const {
  std::vector<std::string> out;
  out.reserve(words.size());
  for (auto& w : words)
    if (!contains(w, lowercase)) out.push_back(std::move(w));
  return out;
}

Result<std::vector<std::string>> SegmentPipeline::words(std::string_view text) const {
  std::string cleaned;
  if (options_.clean_enabled) {
    TOKREC_ASSIGN_OR_RETURN(cleaned, clean_text(text, options_.clean));
    text = cleaned;
  }
  TOKREC_ASSIGN_OR_RETURN(auto words, segmenter_->cut(text, options_.mode,
                                                      options_.hmm && segmenter_->has_hmm()));
  std::vector<std::string> out;
  out.reserve(words.size());
  for (auto& w : words) {
    if (options_.drop_blank && is_blank(w)) continue;
    if (options_.stop_words && options_.stop_words->contains(w)) continue;
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace tokrec::segment
