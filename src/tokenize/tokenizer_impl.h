// The loaded pipeline behind tokrec::tokenize::Tokenizer, shared by the
// loaders (vocab_loader.cc, json_loader.cc) and tokenizer.cc.
//
// Offsets (EncodeOptions::with_offsets) need three things of the stages, all
// with defaults so a new component works without extra code:
//  * normalizer: Normalizer::normalize_aligned (normalizer.h) maps each
//    output byte to the input char it comes from. The default re-runs
//    normalize() on single chars / starter runs; override it when the
//    normalizer inserts or moves text (Prepend, Replace, Strip do).
//  * pre-tokenizer: its pieces must be views into the string it was given
//    (the normalized text, or the add_prefix_space copy); a piece's
//    position is then its pointer difference. A pre-tokenizer that needs
//    to rewrite text must do it in a normalizer-like step instead.
//  * model: Model::token_lengths (model.h) gives the bytes of the word each
//    token covers. The default matches the token strings against the word,
//    after Model::surface() (continuing-subword prefix, end-of-word suffix,
//    byte-level alphabet, unk id); "<0xHH>" byte-fallback tokens cover one
//    byte and an unk covers what its neighbours leave. A model whose tokens
//    are pieces of the word (WordPiece, BPE, Unigram, BytePiece) only
//    overrides surface() if it has a prefix/suffix/byte alphabet/unk;
//    otherwise it overrides token_lengths.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tokenize/added_vocabulary.h"
#include "tokenize/decoder.h"
#include "tokenize/model.h"
#include "tokenize/normalizer.h"
#include "tokenize/post_processor.h"
#include "tokenize/pre_tokenizer.h"
#include "tokenize/truncation_padding.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {

struct Tokenizer::Impl {
  std::unique_ptr<Normalizer> normalizer;        // may be null
  std::unique_ptr<PreTokenizer> pre_tokenizer;   // may be null
  std::unique_ptr<Model> model;
  std::unique_ptr<PostProcessor> post_processor;  // may be null: no special tokens
  std::unique_ptr<Decoder> decoder;               // may be null: tokens joined by ' '
  // ByteLevel(add_prefix_space): ' ' before each normalized split not starting with one.
  bool add_prefix_space = false;
  // For tokenizer-info: where the pipeline came from and its stages in words.
  std::string format;
  std::string normalizer_desc = "none";
  std::string post_processor_desc = "none";
  AddedVocabulary added;
  std::optional<TruncationParams> truncation;     // the file's block
  std::optional<PaddingParams> padding;           // the file's block
  // Used when options ask for padding the file does not define.
  std::optional<int32_t> default_pad_id;
  std::string default_pad_token = "[PAD]";
  // Added tokens whose id is outside the model (id -> content).
  std::vector<std::pair<int32_t, std::string>> extra_tokens;
  // Special tokens shown by info() but never matched in the text
  // (SentencePiece control/unk pieces: spm reads "<s>" as plain text).
  std::vector<std::pair<std::string, int32_t>> listed_special_tokens;
  // Bare SentencePiece / BytePiece models: the BOS and EOS tokens that
  // LoadOptions::add_bos / add_eos put in (bos_eos.cc); unset elsewhere.
  std::optional<std::pair<std::string, int32_t>> bos, eos;

  std::string_view id_to_token(int32_t id) const;
};

// Loaders. `source` names the file in error messages.
Result<std::unique_ptr<Tokenizer::Impl>> load_vocab_txt(std::string_view content,
                                                        const std::string& source,
                                                        const LoadOptions& options);
Result<std::unique_ptr<Tokenizer::Impl>> load_tokenizer_json(std::string_view content,
                                                             const std::string& source);
// The same through a whole nlohmann DOM instead of the streaming reader
// (json_stream.h): slower, kept as the reference the tests compare it with.
Result<std::unique_ptr<Tokenizer::Impl>> load_tokenizer_json_dom(std::string_view content,
                                                                 const std::string& source);

// GPT-2/RoBERTa vocab.json + merges.txt (contents), as transformers'
// GPT2TokenizerFast / RobertaTokenizerFast build them.
Result<std::unique_ptr<Tokenizer::Impl>> load_vocab_json(std::string_view vocab_json,
                                                         std::string_view merges_txt,
                                                         const std::string& vocab_source,
                                                         const std::string& merges_source);
// tiktoken rank file with a named encoding (cl100k_base, o200k_base, llama3,
// qwen); an empty name is inferred from the file name and size.
Result<std::unique_ptr<Tokenizer::Impl>> load_tiktoken(std::string_view content,
                                                       const std::string& source,
                                                       const std::string& encoding);
// True when `content` starts like a tiktoken rank file ("<base64> <rank>").
bool looks_like_tiktoken(std::string_view content);

// SentencePiece .model (protobuf ModelProto; sentencepiece_loader.cc).
Result<std::unique_ptr<Tokenizer::Impl>> load_sentencepiece(std::string_view content,
                                                            const std::string& source);
// True when `content` starts like a serialized ModelProto (its first piece).
bool looks_like_sentencepiece(std::string_view content);

// LoadOptions::add_bos / add_eos: installs the post-processor that adds
// impl.bos / impl.eos; an error naming `source` when they are asked for but
// the format has none. Does nothing when neither is asked for.
Status apply_bos_eos(Tokenizer::Impl& impl, const LoadOptions& options, const std::string& source);

// Builds `added` and extra_tokens from the token list (the model is set).
void install_added_tokens(Tokenizer::Impl& impl, std::vector<AddedToken> tokens);

}  // namespace tokrec::tokenize
