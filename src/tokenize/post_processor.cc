#include "tokenize/post_processor.h"

#include <algorithm>

#include "tokenize/unicode_props.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

template <typename T>
void append_range(std::vector<T>& to, const std::vector<T>& from, size_t begin, size_t end) {
  if (end > from.size()) return;  // the field is not collected
  to.insert(to.end(), from.begin() + static_cast<std::ptrdiff_t>(begin),
            from.begin() + static_cast<std::ptrdiff_t>(end));
}

// The pair template BertProcessing builds from a single one: the single
// template, then $B:1 and the special tokens that follow $A, with type id 1.
std::vector<PostProcessor::Piece> derive_pair(const std::vector<PostProcessor::Piece>& single) {
  std::vector<PostProcessor::Piece> pair = single;
  bool after = false;
  std::vector<PostProcessor::Piece> tail;
  for (const PostProcessor::Piece& p : single) {
    if (p.is_sequence) {
      after = true;
      continue;
    }
    if (after) tail.push_back(p);
  }
  PostProcessor::Piece b;
  b.is_sequence = true;
  b.sequence = 1;
  b.type_id = 1;
  pair.push_back(b);
  for (PostProcessor::Piece& p : tail) {
    p.type_id = 1;
    pair.push_back(std::move(p));
  }
  return pair;
}

PostProcessor::Piece special(int32_t id, std::string token, int32_t type_id) {
  PostProcessor::Piece p;
  p.ids = {id};
  p.tokens = {std::move(token)};
  p.type_id = type_id;
  return p;
}

PostProcessor::Piece sequence(int which, int32_t type_id) {
  PostProcessor::Piece p;
  p.is_sequence = true;
  p.sequence = which;
  p.type_id = type_id;
  return p;
}

// HF's byte-level space (U+0120 'Ġ') or any White_Space char.
bool is_space_char(char32_t c) { return c == 0x120 || unicode::is_white_space(c); }

}  // namespace

WorkEncoding WorkEncoding::slice(size_t begin, size_t end) const {
  WorkEncoding out;
  out.with_tokens = with_tokens;
  out.with_offsets = with_offsets;
  append_range(out.ids, ids, begin, end);
  append_range(out.type_ids, type_ids, begin, end);
  append_range(out.tokens, tokens, begin, end);
  append_range(out.attention_mask, attention_mask, begin, end);
  append_range(out.special_tokens_mask, special_tokens_mask, begin, end);
  append_range(out.offsets, offsets, begin, end);
  append_range(out.char_offsets, char_offsets, begin, end);
  append_range(out.matched_spaces, matched_spaces, begin, end);
  return out;
}

void WorkEncoding::append(const WorkEncoding& o) {
  const size_t n = o.ids.size();
  append_range(ids, o.ids, 0, n);
  append_range(type_ids, o.type_ids, 0, n);
  append_range(tokens, o.tokens, 0, n);
  append_range(attention_mask, o.attention_mask, 0, n);
  append_range(special_tokens_mask, o.special_tokens_mask, 0, n);
  append_range(offsets, o.offsets, 0, n);
  append_range(char_offsets, o.char_offsets, 0, n);
  if (!matched_spaces.empty() || !o.matched_spaces.empty()) {
    matched_spaces.resize(ids.size() - n);
    if (o.matched_spaces.size() == n) append_range(matched_spaces, o.matched_spaces, 0, n);
    matched_spaces.resize(ids.size());
  }
}

void WorkEncoding::clear() {
  ids.clear();
  type_ids.clear();
  tokens.clear();
  attention_mask.clear();
  special_tokens_mask.clear();
  offsets.clear();
  char_offsets.clear();
  matched_spaces.clear();
  overflowing.clear();
}

PostProcessor::PostProcessor(std::vector<Piece> single)
    : single_(std::move(single)), pair_(derive_pair(single_)) {}

PostProcessor::PostProcessor(std::vector<Piece> single, std::vector<Piece> pair)
    : single_(std::move(single)), pair_(std::move(pair)) {}

PostProcessor PostProcessor::bert(int32_t cls_id, std::string cls, int32_t sep_id, std::string sep) {
  std::vector<Piece> single = {special(cls_id, cls, 0), sequence(0, 0), special(sep_id, sep, 0)};
  std::vector<Piece> pair = {special(cls_id, cls, 0), sequence(0, 0), special(sep_id, sep, 0),
                             sequence(1, 1), special(sep_id, sep, 1)};
  PostProcessor p(std::move(single), std::move(pair));
  p.template_types_plain_ = false;
  return p;
}

PostProcessor PostProcessor::roberta(int32_t cls_id, std::string cls, int32_t sep_id,
                                     std::string sep, bool trim, bool add_prefix_space) {
  std::vector<Piece> single = {special(cls_id, cls, 0), sequence(0, 0), special(sep_id, sep, 0)};
  std::vector<Piece> pair = {special(cls_id, cls, 0), sequence(0, 0), special(sep_id, sep, 0),
                             special(sep_id, sep, 0), sequence(1, 0), special(sep_id, sep, 0)};
  PostProcessor p(std::move(single), std::move(pair));
  p.set_trim_offsets(trim, add_prefix_space);
  return p;
}

PostProcessor PostProcessor::identity(bool trim, bool add_prefix_space) {
  PostProcessor p({sequence(0, 0)}, {sequence(0, 0), sequence(1, 1)});
  p.template_types_plain_ = false;
  p.set_trim_offsets(trim, add_prefix_space);
  return p;
}

void PostProcessor::set_trim_offsets(bool trim, bool add_prefix_space) {
  if (!trim) return;
  trim_offsets_ = true;
  trim_add_prefix_space_ = add_prefix_space;
}

size_t PostProcessor::added_tokens(bool pair) const {
  size_t n = 0;
  for (const Piece& p : pair ? pair_ : single_)
    if (!p.is_sequence) n += p.ids.size();
  return n;
}

EdgeSpaces edge_spaces(std::string_view tok) {
  EdgeSpaces out;
  size_t total = 0;
  bool in_lead = true;
  size_t k = 0;
  while (k < tok.size()) {
    const char32_t c = utf8::decode(tok, k);
    ++total;
    if (is_space_char(c)) {
      if (in_lead) ++out.leading;
      ++out.trailing;
    } else {
      in_lead = false;
      out.trailing = 0;
    }
  }
  if (out.leading > 0 && out.leading == total) out.trailing = static_cast<uint32_t>(total);
  out.set = true;
  return out;
}

void trim_offsets(WorkEncoding& enc, bool add_prefix_space) {
  if (!enc.with_offsets || enc.tokens.size() != enc.ids.size()) return;
  const bool matched = enc.matched_spaces.size() == enc.ids.size();
  for (size_t i = 0; i < enc.ids.size(); ++i) {
    const EdgeSpaces sp = matched && enc.matched_spaces[i].set ? enc.matched_spaces[i] : edge_spaces(enc.tokens[i]);
    const size_t leading = sp.leading, trailing = sp.trailing;
    if (leading == 0 && trailing == 0) continue;
    for (std::vector<Span>* v : {&enc.offsets, &enc.char_offsets}) {
      Span& o = (*v)[i];
      size_t lead = leading;
      if (lead > 0) {
        const bool is_first = i == 0 || o.first == 0;
        if (is_first && add_prefix_space && lead == 1) lead = 0;
        o.first = std::min(o.first + lead, o.second);
      }
      if (trailing > 0 && o.second >= trailing) o.second = std::max(o.second - trailing, o.first);
    }
  }
}

void PostProcessor::build(const WorkEncoding& a, const WorkEncoding* b, bool add_special_tokens,
                          WorkEncoding& out) const {
  const std::vector<Piece>& tpl = b ? pair_ : single_;
  out.with_tokens = a.with_tokens;
  out.with_offsets = a.with_offsets;
  const size_t total = a.ids.size() + (b ? b->ids.size() : 0) + (add_special_tokens ? added_tokens(b) : 0);
  out.ids.reserve(total);
  out.type_ids.reserve(total);
  out.special_tokens_mask.reserve(total);
  for (const Piece& p : tpl) {
    if (p.is_sequence) {
      const WorkEncoding* seq = p.sequence == 0 ? &a : b;
      if (seq == nullptr) continue;
      const size_t n = seq->ids.size();
      const int32_t type =
          add_special_tokens || template_types_plain_ ? p.type_id : static_cast<int32_t>(p.sequence);
      out.ids.insert(out.ids.end(), seq->ids.begin(), seq->ids.end());
      out.type_ids.insert(out.type_ids.end(), n, type);
      if (out.with_tokens) out.tokens.insert(out.tokens.end(), seq->tokens.begin(), seq->tokens.end());
      out.special_tokens_mask.insert(out.special_tokens_mask.end(), n, 0);
      if (out.with_offsets) {
        out.offsets.insert(out.offsets.end(), seq->offsets.begin(), seq->offsets.end());
        out.char_offsets.insert(out.char_offsets.end(), seq->char_offsets.begin(),
                                seq->char_offsets.end());
      }
      continue;
    }
    if (!add_special_tokens) continue;
    for (size_t k = 0; k < p.ids.size(); ++k) {
      out.ids.push_back(p.ids[k]);
      out.type_ids.push_back(p.type_id);
      if (out.with_tokens) out.tokens.push_back(p.tokens[k]);
      out.special_tokens_mask.push_back(1);
      if (out.with_offsets) {
        out.offsets.emplace_back(0, 0);
        out.char_offsets.emplace_back(0, 0);
      }
    }
  }
  out.attention_mask.assign(out.ids.size(), 1);
}

void PostProcessor::process(WorkEncoding& a, WorkEncoding* b, bool add_special_tokens) const {
  if (trim_offsets_ && a.with_offsets) {
    for (WorkEncoding* e : {&a, b}) {
      if (e == nullptr) continue;
      trim_offsets(*e, trim_add_prefix_space_);
      for (WorkEncoding& o : e->overflowing) trim_offsets(o, trim_add_prefix_space_);
    }
  }
  // Overflowing windows first (they read the untouched a and b).
  std::vector<WorkEncoding> overflowing;
  static const std::vector<WorkEncoding> kNone;
  const std::vector<WorkEncoding>& b_over = b ? b->overflowing : kNone;
  overflowing.reserve(a.overflowing.size() * (1 + b_over.size()) + b_over.size());
  for (const WorkEncoding& ao : a.overflowing) {
    overflowing.emplace_back();
    build(ao, b, add_special_tokens, overflowing.back());
    for (const WorkEncoding& bo : b_over) {
      overflowing.emplace_back();
      build(ao, &bo, add_special_tokens, overflowing.back());
    }
  }
  for (const WorkEncoding& bo : b_over) {
    overflowing.emplace_back();
    build(a, &bo, add_special_tokens, overflowing.back());
  }
  // Built into a per-thread spare that then trades places with `a`: the
  // buffers circulate between the two, so a warm thread allocates nothing.
  thread_local WorkEncoding spare;
  spare.clear();
  build(a, b, add_special_tokens, spare);
  spare.overflowing = std::move(overflowing);
  std::swap(a, spare);
}

}  // namespace tokrec::tokenize
