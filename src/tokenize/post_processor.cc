#include "tokenize/post_processor.h"

#include <algorithm>

namespace tokrec::tokenize {

size_t PostProcessor::added_tokens() const {
  size_t n = 0;
  for (const Piece& p : single_)
    if (!p.is_sequence) n += p.ids.size();
  return n;
}

void PostProcessor::process_general(WorkEncoding& enc) const {
  WorkEncoding out;
  const size_t total = enc.ids.size() + added_tokens();
  out.ids.reserve(total);
  out.type_ids.reserve(total);
  for (const Piece& p : single_) {
    if (p.is_sequence) {
      out.ids.insert(out.ids.end(), enc.ids.begin(), enc.ids.end());
      if (enc.with_tokens) out.tokens.insert(out.tokens.end(), enc.tokens.begin(), enc.tokens.end());
      out.type_ids.insert(out.type_ids.end(), enc.ids.size(), p.type_id);
    } else {
      for (size_t k = 0; k < p.ids.size(); ++k) {
        out.ids.push_back(p.ids[k]);
        if (enc.with_tokens) out.tokens.push_back(p.tokens[k]);
        out.type_ids.push_back(p.type_id);
      }
    }
  }
  enc.ids.swap(out.ids);
  enc.type_ids.swap(out.type_ids);
  enc.tokens.swap(out.tokens);
}

void PostProcessor::process(WorkEncoding& enc, bool add_special_tokens) const {
  int32_t seq_type = 0;
  for (const Piece& p : single_)
    if (p.is_sequence) seq_type = p.type_id;
  const size_t n = enc.ids.size();
  if (!add_special_tokens) {
    enc.type_ids.assign(n, seq_type);
    return;
  }
  size_t sequences = 0;
  for (const Piece& p : single_) sequences += p.is_sequence ? 1 : 0;
  if (sequences != 1) {
    process_general(enc);
    return;
  }
  // One $A (every real template): rewritten in place, no temporary encoding
  // per text. The sequence moves to its offset, the special tokens fill the rest.
  size_t before = 0;  // special tokens ahead of $A
  for (const Piece& p : single_) {
    if (p.is_sequence) break;
    before += p.ids.size();
  }
  const size_t total = n + added_tokens();
  const auto shift = [&](auto& v) {
    v.resize(total);
    std::move_backward(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n),
                       v.begin() + static_cast<std::ptrdiff_t>(before + n));
  };
  shift(enc.ids);
  if (enc.with_tokens) shift(enc.tokens);
  enc.type_ids.resize(total);
  size_t at = 0;
  for (const Piece& p : single_) {
    if (p.is_sequence) {
      std::fill_n(enc.type_ids.begin() + static_cast<std::ptrdiff_t>(at), n, p.type_id);
      at += n;
      continue;
    }
    for (size_t k = 0; k < p.ids.size(); ++k, ++at) {
      enc.ids[at] = p.ids[k];
      if (enc.with_tokens) enc.tokens[at] = p.tokens[k];
      enc.type_ids[at] = p.type_id;
    }
  }
}

}  // namespace tokrec::tokenize
