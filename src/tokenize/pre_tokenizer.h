// Pre-tokenizers: split normalized text into words before the model sees
// them (HF tokenizers' `pre_tokenizer`). Pieces are views into the
// normalized string; empty pieces are never produced (HF drops them).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::tokenize {

class PreTokenizer {
 public:
  virtual ~PreTokenizer() = default;
  // Replace every piece of `pieces` by its sub-pieces, in order. Thread-safe.
  virtual void split(std::vector<std::string_view>& pieces) const = 0;
  // True when the pieces go on to the model through HF's byte-to-unicode
  // alphabet (ByteLevel). tokrec does not rewrite the text: the BPE model
  // reads raw bytes and maps them itself (see bpe.h).
  virtual bool byte_level() const { return false; }
  // ByteLevel's add_prefix_space: a ' ' is put before each text split that
  // does not start with one (applied by the pipeline, which owns the text).
  virtual bool add_prefix_space() const { return false; }
  // Short description for tokenizer-info, e.g. "ByteLevel(add_prefix_space=false)".
  virtual std::string describe() const = 0;
};

class Regex;

// HF SplitDelimiterBehavior.
enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

// The GPT-2 pattern that ByteLevel(use_regex=true) splits with.
extern const char* const kGpt2Pattern;

// Split on White_Space (removed), then isolate every punctuation char
// (ASCII punctuation or Unicode P*).
std::unique_ptr<PreTokenizer> make_bert_pre_tokenizer();
// Split on White_Space only.
std::unique_ptr<PreTokenizer> make_whitespace_split_pre_tokenizer();
// HF Split: matches of `pattern` (a regex, or a quoted literal) and the text
// between them, combined per `behavior`; `invert` swaps the two roles.
std::unique_ptr<PreTokenizer> make_split_pre_tokenizer(std::shared_ptr<const Regex> pattern,
                                                       SplitBehavior behavior, bool invert,
                                                       std::string description);
// HF ByteLevel: GPT-2 regex split (use_regex) + the byte alphabet.
std::unique_ptr<PreTokenizer> make_byte_level_pre_tokenizer(bool add_prefix_space, bool use_regex,
                                                            std::shared_ptr<const Regex> gpt2);
// HF Digits: every digit alone (individual) or runs of digits (char::is_numeric).
std::unique_ptr<PreTokenizer> make_digits_pre_tokenizer(bool individual_digits);
// HF Punctuation: ASCII punctuation or Unicode P*, with `behavior`.
std::unique_ptr<PreTokenizer> make_punctuation_pre_tokenizer(SplitBehavior behavior);
// HF Whitespace: the matches of \w+|[^\w\s]+ (everything else removed).
std::unique_ptr<PreTokenizer> make_whitespace_pre_tokenizer(std::shared_ptr<const Regex> words);
// HF UnicodeScripts: cut where the Unicode script changes (' ' joins the
// piece before it; Hiragana and Katakana count as Han). See
// pre_tokenizer_scripts.cc for HF's exact rules.
std::unique_ptr<PreTokenizer> make_unicode_scripts_pre_tokenizer();
std::unique_ptr<PreTokenizer> make_sequence_pre_tokenizer(
    std::vector<std::unique_ptr<PreTokenizer>> parts);

}  // namespace tokrec::tokenize
