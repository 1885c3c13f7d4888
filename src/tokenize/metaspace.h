// HF Metaspace pre-tokenizer: every ' ' becomes `replacement` (U+2581 "▁"),
// a replacement is prepended to pieces that do not start with one
// (prepend_scheme "always"; "first": only the piece that begins the
// original text; "never"), then, with split, each piece is cut before every
// replacement char (HF MergedWithNext).
//
// Metaspace rewrites text while other pre-tokenizers only cut it: its pieces
// are views into a per-thread buffer that stays valid until the next
// Metaspace split on the same thread (the pipeline tokenizes the pieces of
// one split before it pre-tokenizes the next).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tokenize/pre_tokenizer.h"

namespace tokrec::tokenize {

enum class PrependScheme { kAlways, kFirst, kNever };

std::unique_ptr<PreTokenizer> make_metaspace_pre_tokenizer(std::string replacement, PrependScheme scheme,
                                                           bool split);

// For prepend_scheme "first": the pipeline calls this before it
// pre-tokenizes a normalized split, with the start of that split's text and
// whether it begins the original input. A piece then counts as the first
// when it starts at `split_begin` and `at_text_start` holds. Per thread.
void set_metaspace_origin(const char* split_begin, bool at_text_start);

// Offsets: when `piece` is a piece Metaspace produced on this thread (and is
// still valid), the input byte each of its bytes comes from (a '▁' that
// replaced ' ' -> that space, a prepended one -> the piece's first byte);
// nullptr for any other text.
const char* const* metaspace_sources(std::string_view piece);

// HF WordLevel: a word is its vocabulary id, else the unk token's (dropped
// when the vocabulary has no unk token, where HF fails).
class Model;
std::unique_ptr<Model> make_word_level(const std::vector<std::pair<std::string, int32_t>>& vocab,
                                       const std::string& unk_token);

}  // namespace tokrec::tokenize
