#include "tokenize/truncation_padding.h"

namespace tokrec::tokenize {

Status truncate(WorkEncoding& enc, const TruncationParams& params, size_t max_length) {
  const size_t n = enc.ids.size();
  if (n <= max_length) return Status::ok();
  if (params.strategy == TruncationStrategy::kOnlySecond)
    return Status::invalid_argument(
        "truncation strategy OnlySecond needs a second sequence (tokrec encodes single texts)");
  auto cut = [&](auto& v) {
    if (v.size() != n) return;
    if (params.left) {
      v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n - max_length));
    } else {
      v.resize(max_length);
    }
  };
  cut(enc.ids);
  cut(enc.tokens);
  cut(enc.type_ids);
  cut(enc.attention_mask);
  return Status::ok();
}

size_t padding_target(const PaddingParams& params, size_t longest) {
  size_t target = params.fixed ? params.fixed_length : longest;
  if (params.pad_to_multiple_of > 0 && target % params.pad_to_multiple_of != 0)
    target += params.pad_to_multiple_of - target % params.pad_to_multiple_of;
  return target;
}

void pad(WorkEncoding& enc, const PaddingParams& params, size_t target) {
  const size_t n = enc.ids.size();
  if (enc.attention_mask.size() != n) enc.attention_mask.assign(n, 1);
  if (n >= target) return;
  const size_t extra = target - n;
  std::string_view pad_token = params.pad_token;
  if (params.left) {
    enc.ids.insert(enc.ids.begin(), extra, params.pad_id);
    enc.type_ids.insert(enc.type_ids.begin(), extra, params.pad_type_id);
    if (enc.with_tokens) enc.tokens.insert(enc.tokens.begin(), extra, pad_token);
    enc.attention_mask.insert(enc.attention_mask.begin(), extra, 0);
  } else {
    enc.ids.insert(enc.ids.end(), extra, params.pad_id);
    enc.type_ids.insert(enc.type_ids.end(), extra, params.pad_type_id);
    if (enc.with_tokens) enc.tokens.insert(enc.tokens.end(), extra, pad_token);
    enc.attention_mask.insert(enc.attention_mask.end(), extra, 0);
  }
}

}  // namespace tokrec::tokenize
