// Models: turn one pre-tokenized word into token ids (HF tokenizers'
// `model`). WordPiece today; BPE and Unigram plug in behind the same
// interface.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tokrec::tokenize {

class Model {
 public:
  virtual ~Model() = default;
  // Append the ids of `word` (non-empty, valid UTF-8). Thread-safe.
  virtual void tokenize(std::string_view word, std::vector<int32_t>& ids) const = 0;
  virtual std::optional<int32_t> token_to_id(std::string_view token) const = 0;
  // Empty for an id the model does not know.
  virtual std::string_view id_to_token(int32_t id) const = 0;
  // Number of entries (HF Model::get_vocab_size).
  virtual size_t vocab_size() const = 0;
  // One past the largest id.
  virtual size_t id_bound() const = 0;
  virtual std::string_view type() const = 0;
};

}  // namespace tokrec::tokenize
