#include "tokenize/post_processor.h"

namespace tokrec::tokenize {

size_t PostProcessor::added_tokens() const {
  size_t n = 0;
  for (const Piece& p : single_)
    if (!p.is_sequence) n += p.ids.size();
  return n;
}

void PostProcessor::process(WorkEncoding& enc, bool add_special_tokens) const {
  int32_t seq_type = 0;
  for (const Piece& p : single_)
    if (p.is_sequence) seq_type = p.type_id;
  if (!add_special_tokens) {
    enc.type_ids.assign(enc.ids.size(), seq_type);
    return;
  }
  WorkEncoding out;
  const size_t total = enc.ids.size() + added_tokens();
  out.ids.reserve(total);
  out.type_ids.reserve(total);
  out.tokens.reserve(total);
  for (const Piece& p : single_) {
    if (p.is_sequence) {
      out.ids.insert(out.ids.end(), enc.ids.begin(), enc.ids.end());
      out.tokens.insert(out.tokens.end(), enc.tokens.begin(), enc.tokens.end());
      out.type_ids.insert(out.type_ids.end(), enc.ids.size(), p.type_id);
    } else {
      for (size_t k = 0; k < p.ids.size(); ++k) {
        out.ids.push_back(p.ids[k]);
        out.tokens.push_back(p.tokens[k]);
        out.type_ids.push_back(p.type_id);
      }
    }
  }
  enc.ids.swap(out.ids);
  enc.type_ids.swap(out.type_ids);
  enc.tokens.swap(out.tokens);
}

}  // namespace tokrec::tokenize
