// The loaded pipeline behind tokrec::tokenize::Tokenizer, shared by the
// loaders (vocab_loader.cc, json_loader.cc) and tokenizer.cc.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tokenize/added_vocabulary.h"
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
  AddedVocabulary added;
  std::optional<TruncationParams> truncation;     // the file's block
  std::optional<PaddingParams> padding;           // the file's block
  // Used when options ask for padding the file does not define.
  std::optional<int32_t> default_pad_id;
  std::string default_pad_token = "[PAD]";
  // Added tokens whose id is outside the model (id -> content).
  std::vector<std::pair<int32_t, std::string>> extra_tokens;

  std::string_view id_to_token(int32_t id) const;
};

// Loaders. `source` names the file in error messages.
Result<std::unique_ptr<Tokenizer::Impl>> load_vocab_txt(std::string_view content,
                                                        const std::string& source,
                                                        const LoadOptions& options);
Result<std::unique_ptr<Tokenizer::Impl>> load_tokenizer_json(std::string_view content,
                                                             const std::string& source);

// Builds `added` and extra_tokens from the token list (the model is set).
void install_added_tokens(Tokenizer::Impl& impl, std::vector<AddedToken> tokens);

}  // namespace tokrec::tokenize
