// Streaming reader for tokenizer.json. A 200k-token BPE file is almost all
// "model": {"vocab": {...}, "merges": [...]}; as an nlohmann DOM those are
// a std::map node, a json value and a heap string per token and a vector
// plus two strings per merge (o200k: ~1 s and ~190 MiB to load). Here the
// document goes through nlohmann's SAX parser: model.vocab (an object of
// integer ids) and model.merges (strings "a b" or pairs ["a", "b"]) go
// straight into flat tables of views into one string arena, and everything
// else is built as the usual DOM for the component parsers.
//
// The DOM keeps a stand-in for each captured table (an empty object for
// vocab, an empty array for merges) so that type checks on it ("is model.vocab
// an object?") answer as before. Anything the tables cannot hold as such (a
// non-integer id, a merge that is not two strings) turns that table back into
// DOM from the point where it appears, so that the component parsers see
// exactly what json::parse would have given and report the same errors.
// Syntax errors are nlohmann's own exceptions, with the same messages
// (line, column) as json::parse.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "tokenize/bpe.h"

namespace tokrec::tokenize {

// Copies of strings at addresses that never move.
class StringArena {
 public:
  std::string_view add(std::string_view s);

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  size_t left_ = 0;
};

// The big tables of a tokenizer.json's root "model" object.
struct ModelTables {
  // model.vocab was captured (the DOM holds {} in its place). File order;
  // a repeated key appears once per occurrence (the DOM would keep the
  // last one, in key order: see dom_vocab_order).
  bool has_vocab = false;
  std::vector<TokenId> vocab;
  // An id was outside int32 and is kept as its static_cast, which is what
  // json::get<int32_t> gives (vocab.json rejects such ids instead).
  bool narrowed = false;
  // model.merges was captured (the DOM holds [] in its place). An entry with
  // b.data() == nullptr is a legacy line "a b", whole in `a`.
  bool has_merges = false;
  std::vector<MergePair> merges;
  StringArena strings;  // every view above points here
};

// Parses `content` like nlohmann::json::parse (and throws what it throws),
// filling `tables`.
nlohmann::json read_tokenizer_json(std::string_view content, ModelTables& tables);

// A vocab.json: its root object, when it is one, goes to tables.vocab.
nlohmann::json read_vocab_json(std::string_view content, ModelTables& tables);

// The vocabulary as a DOM object would list it: keys in byte order, a
// repeated key once, with its last id.
std::vector<TokenId> dom_vocab_order(std::span<const TokenId> vocab);

// Whether the file order of `vocab` could give a different tokenizer (or
// error) than dom_vocab_order: an id outside [0, kMaxTokenId] or two tokens
// on one id. (A repeated key makes make_bpe fail, which the caller retries
// in DOM order.)
bool vocab_order_matters(std::span<const TokenId> vocab);

}  // namespace tokrec::tokenize
