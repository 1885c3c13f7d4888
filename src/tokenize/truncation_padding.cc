#include "tokenize/truncation_padding.h"

#include <algorithm>
#include <utility>

namespace tokrec::tokenize {

Status truncate_one(WorkEncoding& enc, size_t max_length, size_t stride, bool left) {
  const size_t n = enc.ids.size();
  if (max_length >= n) return Status::ok();
  if (max_length == 0) {
    WorkEncoding rest = std::move(enc);
    enc = rest.slice(0, 0);
    enc.overflowing.push_back(std::move(rest));
    return Status::ok();
  }
  if (stride >= max_length)
    return Status::invalid_argument("stride (" + std::to_string(stride) +
                                    ") must be smaller than the tokens left for the text (" +
                                    std::to_string(max_length) +
                                    ", max_length minus the special tokens)");
  // Windows of max_length tokens, each starting max_length - stride after
  // the previous one, until one reaches the end (the start, for Left).
  const size_t step = max_length - stride;
  std::vector<std::pair<size_t, size_t>> parts;
  if (!left) {
    for (size_t start = 0; start < n; start += step) {
      const size_t stop = std::min(start + max_length, n);
      parts.emplace_back(start, stop);
      if (stop == n) break;
    }
  } else {
    for (size_t last = n; last > 0;) {  // `last` = stop of the window
      const size_t start = last > max_length ? last - max_length : 0;
      parts.emplace_back(start, last);
      if (start == 0 || last <= step) break;
      last -= step;
    }
  }
  WorkEncoding head = enc.slice(parts[0].first, parts[0].second);
  for (size_t i = 1; i < parts.size(); ++i)
    head.overflowing.push_back(enc.slice(parts[i].first, parts[i].second));
  enc = std::move(head);
  return Status::ok();
}

Status truncate(WorkEncoding& a, WorkEncoding* b, const TruncationParams& params,
                size_t max_length) {
  const size_t total = a.ids.size() + (b ? b->ids.size() : 0);
  if (max_length == 0) {
    TOKREC_RETURN_IF_ERROR(truncate_one(a, 0, params.stride, params.left));
    if (b) TOKREC_RETURN_IF_ERROR(truncate_one(*b, 0, params.stride, params.left));
    return Status::ok();
  }
  if (total <= max_length) return Status::ok();
  const size_t to_remove = total - max_length;
  if (params.strategy == TruncationStrategy::kLongestFirst) {
    if (b == nullptr) return truncate_one(a, max_length, params.stride, params.left);
    // The shorter one keeps its length when the other can absorb the cut;
    // otherwise both get half (the second one the odd token).
    size_t n1 = a.ids.size(), n2 = b->ids.size();
    const bool swap = n1 > n2;
    if (swap) std::swap(n1, n2);
    n2 = n1 > max_length ? n1 : std::max(n1, max_length - n1);
    if (n1 + n2 > max_length) {
      n1 = max_length / 2;
      n2 = n1 + max_length % 2;
    }
    if (swap) std::swap(n1, n2);
    TOKREC_RETURN_IF_ERROR(truncate_one(a, n1, params.stride, params.left));
    return truncate_one(*b, n2, params.stride, params.left);
  }
  WorkEncoding* target = params.strategy == TruncationStrategy::kOnlyFirst ? &a : b;
  if (target == nullptr)
    return Status::invalid_argument(
        "truncation strategy only_second needs a second sequence (a text pair)");
  const size_t len = target->ids.size();
  if (len <= to_remove)
    return Status::invalid_argument(
        std::string("the ") + (target == &a ? "first" : "second") +
        " sequence is too short to truncate to max_length (" + std::to_string(len) +
        " tokens, " + std::to_string(to_remove) + " to remove)");
  return truncate_one(*target, len - to_remove, params.stride, params.left);
}

size_t padding_target(const PaddingParams& params, size_t longest) {
  size_t target = params.fixed ? params.fixed_length : longest;
  if (params.pad_to_multiple_of > 0 && target % params.pad_to_multiple_of != 0)
    target += params.pad_to_multiple_of - target % params.pad_to_multiple_of;
  return target;
}

namespace {

template <typename T>
void fill(std::vector<T>& v, bool left, size_t extra, const T& value) {
  v.insert(left ? v.begin() : v.end(), extra, value);
}

}  // namespace

void pad(WorkEncoding& enc, const PaddingParams& params, size_t target) {
  for (WorkEncoding& o : enc.overflowing) pad(o, params, target);
  const size_t n = enc.ids.size();
  if (enc.attention_mask.size() != n) enc.attention_mask.assign(n, 1);
  if (enc.special_tokens_mask.size() != n) enc.special_tokens_mask.assign(n, 0);
  if (n >= target) return;
  const size_t extra = target - n;
  const bool left = params.left;
  fill(enc.ids, left, extra, params.pad_id);
  fill(enc.type_ids, left, extra, params.pad_type_id);
  if (enc.with_tokens) fill(enc.tokens, left, extra, std::string_view(params.pad_token));
  fill(enc.attention_mask, left, extra, 0);
  fill(enc.special_tokens_mask, left, extra, 1);
  if (enc.with_offsets) {
    fill(enc.offsets, left, extra, Span{0, 0});
    fill(enc.char_offsets, left, extra, Span{0, 0});
  }
}

}  // namespace tokrec::tokenize
