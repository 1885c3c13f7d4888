// BytePiece (github.com/bojone/bytepiece): a byte-level Unigram model. Its
// tokenize is: NFC-normalize the text, cut it after each run of '\n', and
// segment each chunk's UTF-8 bytes into the pieces of maximum total
// log-probability, log(count) - log(sum of all counts).
//
// The reference finds the pieces with an Aho-Corasick automaton that reports,
// for each end position, the matching pieces longest first, and keeps a new
// candidate only when its score is strictly greater: among equal scores the
// path whose last piece is longest wins. tokrec walks a byte trie forward from
// each start position in increasing order, which visits the candidates of
// every end position in that same order, with the same strict comparison and
// the same double-precision additions, so ties resolve identically.
//
// Ids are the file's ([id, piece, count]); 0, 1, 2 are the reference's
// <pad>, <bos>, <eos>, never produced by encode (no BOS/EOS by default).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenize/decoder.h"
#include "tokenize/model.h"
#include "tokenize/normalizer.h"
#include "tokenize/pre_tokenizer.h"
#include "tokrec/core/status.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {

class BytePieceModel final : public Model {
 public:
  struct Piece {
    std::string bytes;
    int32_t id = 0;
    double count = 0;  // the last element of the file's array
  };
  // Ids must be unique and >= 3, pieces unique and non-empty, counts >= 0
  // (their sum > 0), and every single byte must be a piece with a positive
  // count (the reference loops forever on a byte it cannot cover). `exact_total`
  // is the sum of the counts when they are all integers (the reference sums
  // Python ints exactly, then takes the log of that sum as a double).
  static Result<std::unique_ptr<BytePieceModel>> build(std::vector<Piece> pieces,
                                                       std::optional<uint64_t> exact_total,
                                                       const std::string& source);

  // Max-log-probability segmentation of one chunk (already NFC, at most one
  // trailing run of '\n'); appends the piece ids.
  void tokenize(std::string_view chunk, std::vector<int32_t>& ids) const override;
  // Display form: the piece as text when it is valid UTF-8; bytes that are not
  // part of a valid character appear as <0xXX> (SentencePiece's byte
  // notation, which BytePiece's own converter uses). 0-2: <pad>, <bos>, <eos>.
  std::optional<int32_t> token_to_id(std::string_view token) const override;
  std::string_view id_to_token(int32_t id) const override;
  size_t vocab_size() const override { return num_pieces_ + 3; }  // the reference's vocab_size
  size_t id_bound() const override { return by_id_.size(); }
  std::string_view type() const override { return "BytePiece"; }

  // The raw bytes of a piece; empty for 0-2 and unknown ids.
  std::string_view piece_bytes(int32_t id) const;
  size_t num_pieces() const { return num_pieces_; }
  // Bytes of the longest piece.
  size_t max_piece_length() const { return max_piece_length_; }

 private:
  BytePieceModel() = default;

  // Double-array trie over the pieces' bytes: the child of slot n by byte c
  // is slot units_[n].base + c when that slot's check is n. Units are kept
  // small (12 bytes): most steps of the walk end on a failed check, so the
  // array's cache footprint matters more than one extra load for the pieces
  // that do match (measured: a 24-byte unit holding the log-probability was
  // 1.6x slower). The array is padded so base + 255 is always in range.
  struct Unit {
    int32_t base = 0;
    int32_t check = -1;  // parent slot; -1 = free
    int32_t term = -1;   // index into terms_ when a piece ends here
  };
  struct Term {
    double logp;  // log(count) - log(total), as the reference computes it
    int32_t id;
  };
  std::vector<Unit> units_;
  std::vector<Term> terms_;
  // by_id_[id]: index into pieces_, or -1.
  std::vector<int32_t> by_id_;
  std::vector<std::string> pieces_;   // raw bytes
  std::vector<std::string> display_;  // id_to_token form, same index
  std::unordered_map<std::string_view, int32_t> token_ids_;
  size_t num_pieces_ = 0;
  size_t max_piece_length_ = 0;
};

// NFC, as the reference's unicodedata.normalize('NFC', text); text made only
// of characters that NFC leaves alone in any context (ASCII, Latin-1, CJK,
// Hangul syllables, common CJK and general punctuation) is copied as is.
std::unique_ptr<Normalizer> make_bytepiece_normalizer();
// Python re.findall('.*\n+|.+'): each chunk ends after a run of '\n'.
std::unique_ptr<PreTokenizer> make_bytepiece_pre_tokenizer();
// Tokens (id_to_token forms) -> bytes -> text; <pad>/<bos>/<eos> dropped and
// invalid UTF-8 dropped, as the reference's decode (errors='ignore').
// `model` must outlive the decoder.
std::unique_ptr<Decoder> make_bytepiece_decoder(const BytePieceModel* model);

// Python's bytes.decode('utf-8', errors='ignore').
std::string utf8_ignore_invalid(std::string_view bytes);

// A piece or key quoted in an error message: valid printable UTF-8 as is;
// control characters (C0, DEL, C1) as <U+HHHH>, bytes that are not UTF-8 as
// <0xHH>, so a message stays one printable line; at most `max_bytes` bytes of
// `bytes` (then "...").
std::string message_form(std::string_view bytes, size_t max_bytes = 64);

}  // namespace tokrec::tokenize

namespace tokrec::tokenize {

// Loading (bytepiece_loader.cc).

// A BytePiece model file by its content: a zip archive, or a JSON object whose
// first value is an [id, piece, count] array (a vocab.json maps to numbers, a
// tokenizer.json's values are strings or objects).
bool looks_like_bytepiece(std::string_view content);
// The model in `content` (the JSON, or a .zip holding it as its one file or
// its one *.model / *.json entry). `source` names the file in errors.
Result<std::unique_ptr<BytePieceModel>> parse_bytepiece(std::string_view content,
                                                        const std::string& source);
// The whole pipeline: NFC, newline split, the model, its decoder; no special
// tokens added; padding uses <pad> (id 0) when asked for.
Result<std::unique_ptr<Tokenizer::Impl>> load_bytepiece(std::string_view content,
                                                        const std::string& source);
// The one BytePiece model of a folder (*.zip, or a *.model / *.json file that
// looks like one), or "".
std::string find_bytepiece_file(const std::string& dir);

}  // namespace tokrec::tokenize
