// Tokenizer: loading by path and the encode pipeline (HF Tokenizer::encode:
// added tokens -> normalize -> pre-tokenize -> model -> truncate ->
// post-process -> pad).
#include "tokrec/tokenize/tokenizer.h"

#include <algorithm>
#include <filesystem>
#include <mutex>

#include "core/huge_pages.h"
#include "tokenize/bytepiece.h"
#include "tokenize/metaspace.h"
#include "tokenize/tokenizer_impl.h"
#include "tokrec/core/thread_pool.h"
#include "tokrec/core/utf8.h"
#include "tokrec/io/file.h"

namespace tokrec::tokenize {
namespace {

// What one encode/encode_batch call applies, resolved from EncodeOptions and
// the file's blocks (see EncodeOptions in the header).
struct Plan {
  bool add_special_tokens = true;
  bool with_tokens = true;   // collected (trim_offsets needs them)
  bool want_tokens = true;   // returned
  bool want_masks = true;    // type ids, attention and special tokens masks returned
  bool with_offsets = false;
  std::optional<TruncationParams> truncation;
  std::optional<PaddingParams> padding;
};

const PostProcessor& post_processor(const Tokenizer::Impl& impl) {
  static const PostProcessor kIdentity = PostProcessor::identity();
  return impl.post_processor ? *impl.post_processor : kIdentity;
}

Result<Plan> make_plan(const Tokenizer::Impl& impl, const EncodeOptions& o) {
  Plan plan;
  plan.add_special_tokens = o.add_special_tokens;
  plan.want_tokens = o.with_tokens;
  plan.want_masks = o.with_masks;
  plan.with_offsets = o.with_offsets;
  plan.with_tokens = o.with_tokens || (o.with_offsets && post_processor(impl).trims_offsets());
  const bool file = o.use_file_defaults && o.add_special_tokens;
  if (file) {
    plan.truncation = impl.truncation;
    plan.padding = impl.padding;
  }
  if (o.max_length && o.max_length.value() == 0)
    return Status::invalid_argument("max_length must be at least 1");
  if (o.max_length) {
    if (plan.truncation) plan.truncation->max_length = *o.max_length;
    if (plan.padding && plan.padding->fixed) plan.padding->fixed_length = *o.max_length;
  }
  const bool want_truncation = o.truncation.value_or(o.max_length.has_value() || plan.truncation.has_value());
  if (!want_truncation) {
    plan.truncation.reset();
  } else if (!plan.truncation) {
    TruncationParams t = impl.truncation.value_or(TruncationParams{});
    if (o.max_length) {
      t.max_length = *o.max_length;
    } else if (!impl.truncation) {
      return Status::invalid_argument(
          "truncation needs a max_length (the tokenizer file sets none)");
    }
    plan.truncation = t;
  }
  if (plan.truncation) {
    if (o.truncation_strategy) plan.truncation->strategy = *o.truncation_strategy;
    if (o.truncation_side) plan.truncation->left = *o.truncation_side == Side::kLeft;
    if (o.stride) plan.truncation->stride = *o.stride;
  }
  if (o.padding) {
    if (*o.padding == Padding::kNone) {
      plan.padding.reset();
    } else {
      PaddingParams p;
      if (impl.padding) {
        p = *impl.padding;
      } else {
        // No padding block: the loader's pad token, else a "<pad>" token
        // (RoBERTa-style files), else pad_id must be given.
        std::optional<int32_t> id = impl.default_pad_id;
        p.pad_token = impl.default_pad_token;
        if (!id) {
          for (const AddedToken& t : impl.added.tokens())
            if (t.content == "<pad>") id = t.id;
          if (id) p.pad_token = "<pad>";
        }
        if (!id && !o.pad_id)
          return Status::invalid_argument(
              "padding requested but the tokenizer has no pad token ([PAD] or <pad>); give a pad id");
        p.pad_id = id.value_or(0);
      }
      if (*o.padding == Padding::kLongest) {
        p.fixed = false;
      } else {
        p.fixed = true;
        if (o.max_length) {
          p.fixed_length = *o.max_length;
        } else if (impl.padding && impl.padding->fixed) {
          p.fixed_length = impl.padding->fixed_length;
        } else if (plan.truncation) {
          p.fixed_length = plan.truncation->max_length;
        } else {
          return Status::invalid_argument("padding to max_length needs a max_length");
        }
      }
      plan.padding = p;
    }
  }
  if (plan.padding) {
    if (o.pad_to_multiple_of) plan.padding->pad_to_multiple_of = *o.pad_to_multiple_of;
    if (o.padding_side) plan.padding->left = *o.padding_side == Side::kLeft;
    if (o.pad_type_id) plan.padding->pad_type_id = *o.pad_type_id;
    if (o.pad_id) {
      plan.padding->pad_id = *o.pad_id;
      const std::string_view tok = impl.id_to_token(*o.pad_id);
      if (!tok.empty()) plan.padding->pad_token = std::string(tok);
    }
  }
  return plan;
}

// Scratch buffers reused by one thread across calls (no allocation per text
// once warm).
struct Scratch {
  std::vector<TextSplit> raw_splits;
  std::vector<TextSplit> norm_splits;
  std::string normalized;
  std::vector<std::string_view> pieces;
  std::vector<int32_t> piece_ids;
  std::string prefixed;  // ByteLevel add_prefix_space copy of a split
  // Offsets only: alignment of `normalized` (and of `prefixed`) to the
  // split's original text, and token lengths inside one word.
  std::vector<Normalizer::Align> align;
  std::vector<Normalizer::Align> prefixed_align;
  std::vector<uint32_t> lengths;
  std::vector<uint32_t> char_index;
  std::vector<Normalizer::Align> word_align;  // Metaspace pieces
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// Original byte range of normalized bytes [b, e) per `align` (HF
// NormalizedString::convert_offsets: first byte's start, last byte's end).
Span original_span(const std::vector<Normalizer::Align>& align, size_t b, size_t e, size_t base) {
  if (e <= b || b >= align.size()) return {base + b, base + b};
  e = std::min(e, align.size());
  return {base + align[b].start, base + align[e - 1].end};
}

bool is_byte_token(std::string_view t) {
  auto hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); };
  return t.size() == 6 && t.substr(0, 3) == "<0x" && hex(t[3]) && hex(t[4]) && t[5] == '>';
}

// Model::byte_runs_share_span: every run of one-byte "<0xHH>" tokens takes
// the span of the whole run (HF Unigram: the unknown piece they spell).
void share_byte_run_spans(const Tokenizer::Impl& impl, const int32_t* ids, size_t n,
                          const std::vector<uint32_t>& lengths, const std::vector<Normalizer::Align>& align,
                          size_t word_at, size_t base, WorkEncoding& enc, size_t first) {
  auto in_run = [&](size_t k) {
    return k < lengths.size() && lengths[k] == 1 && is_byte_token(impl.model->id_to_token(ids[k]));
  };
  size_t pos = word_at;
  for (size_t k = 0; k < n;) {
    if (!in_run(k)) {
      pos += k < lengths.size() ? lengths[k] : 0;
      ++k;
      continue;
    }
    size_t j = k;
    const size_t start = pos;
    while (j < n && in_run(j)) pos += lengths[j++];
    const Span whole = original_span(align, start, pos, base);
    for (size_t t = k; t < j; ++t) enc.offsets[first + t] = whole;
    k = j;
  }
}

// Offsets of the tokens a word produced: the model says how many bytes of
// the word each token covers (model.h); the alignment maps them back.
void word_offsets(const Tokenizer::Impl& impl, std::string_view word, const int32_t* ids, size_t n,
                  const std::vector<Normalizer::Align>& align, size_t word_at, size_t base,
                  WorkEncoding& enc, Scratch& s) {
  s.lengths.clear();
  impl.model->token_lengths(word, ids, n, s.lengths);
  size_t pos = word_at;
  const size_t first = enc.offsets.size();
  for (size_t k = 0; k < n; ++k) {
    const size_t len = k < s.lengths.size() ? s.lengths[k] : 0;
    enc.offsets.push_back(original_span(align, pos, pos + len, base));
    pos += len;
  }
  if (impl.model->byte_runs_share_span()) share_byte_run_spans(impl, ids, n, s.lengths, align, word_at, base, enc, first);
}

// HF's token string for an added token is the text it matched (with the
// whitespace lstrip/rstrip took; normalized for normalized tokens), which
// ByteLevel trim_offsets counts spaces on; tokrec's is the vocabulary
// string, so the matched text's spaces are kept apart where they differ.
void note_matched_spaces(WorkEncoding& enc, std::string_view matched) {
  if (!enc.with_tokens || !enc.with_offsets) return;
  const size_t i = enc.ids.size() - 1;
  if (matched == enc.tokens[i]) return;
  enc.matched_spaces.resize(i);
  enc.matched_spaces.push_back(edge_spaces(matched));
}

// Model output for `text` (no special tokens, truncation or padding), with
// byte offsets into `text` when enc.with_offsets.
Status run_model(const Tokenizer::Impl& impl, std::string_view text, WorkEncoding& enc) {
  Scratch& s = scratch();
  const bool with_offsets = enc.with_offsets;
  s.raw_splits.clear();
  impl.added.split_raw(text, s.raw_splits);
  // Normalized text of every plain split must stay alive while its pieces are
  // tokenized: handle one split at a time.
  for (const TextSplit& split : s.raw_splits) {
    const size_t base = static_cast<size_t>(split.text.data() - text.data());
    if (split.id >= 0) {
      enc.ids.push_back(split.id);
      if (enc.with_tokens) enc.tokens.push_back(impl.id_to_token(split.id));
      if (with_offsets) enc.offsets.emplace_back(base, base + split.text.size());
      note_matched_spaces(enc, split.text);
      continue;
    }
    if (with_offsets) {
      if (impl.normalizer) {
        impl.normalizer->normalize_aligned(split.text, s.normalized, s.align);
      } else {
        s.normalized.assign(split.text);
        s.align.clear();
        append_identity_alignment(split.text, 0, s.align);
      }
    } else if (impl.normalizer) {
      impl.normalizer->normalize(split.text, s.normalized);
    } else {
      s.normalized.assign(split.text);
    }
    s.norm_splits.clear();
    impl.added.split_normalized(s.normalized, s.norm_splits);
    for (const TextSplit& ns : s.norm_splits) {
      const size_t ns_at = static_cast<size_t>(ns.text.data() - s.normalized.data());
      if (ns.id >= 0) {
        enc.ids.push_back(ns.id);
        if (enc.with_tokens) enc.tokens.push_back(impl.id_to_token(ns.id));
        if (with_offsets) enc.offsets.push_back(original_span(s.align, ns_at, ns_at + ns.text.size(), base));
        note_matched_spaces(enc, ns.text);
        continue;
      }
      s.pieces.clear();
      const bool prefixed = impl.add_prefix_space && ns.text.front() != ' ';
      if (prefixed) {
        s.prefixed.assign(" ");
        s.prefixed += ns.text;
        s.pieces.push_back(s.prefixed);
        if (with_offsets) {
          // HF prepend: the space takes the first char's alignment.
          s.prefixed_align.assign(1, s.align[ns_at]);
          s.prefixed_align.insert(s.prefixed_align.end(), s.align.begin() + static_cast<std::ptrdiff_t>(ns_at),
                                  s.align.begin() + static_cast<std::ptrdiff_t>(ns_at + ns.text.size()));
        }
      } else {
        s.pieces.push_back(ns.text);
      }
      // Metaspace(prepend_scheme=first) prepends only at the text's start.
      set_metaspace_origin(s.pieces[0].data(), base == 0 && ns_at == 0);
      if (impl.pre_tokenizer) impl.pre_tokenizer->split(s.pieces);
      for (std::string_view word : s.pieces) {
        if (word.empty()) continue;
        const size_t before = enc.ids.size();
        if (impl.model->may_fail()) {
          const Status st = impl.model->tokenize_checked(word, enc.ids);
          if (!st.is_ok())
            return st.with_context("in the text piece at byte " + std::to_string(base));
        } else {
          impl.model->tokenize(word, enc.ids);
        }
        if (with_offsets) {
          // Pieces are views into the text the pre-tokenizer was given, or
          // into Metaspace's rewritten text (mapped back byte by byte).
          if (const char* const* src = metaspace_sources(word)) {
            const std::string& origin = prefixed ? s.prefixed : s.normalized;
            const std::vector<Normalizer::Align>& al = prefixed ? s.prefixed_align : s.align;
            s.word_align.clear();
            for (size_t k = 0; k < word.size(); ++k) {
              const auto at = static_cast<size_t>(src[k] - origin.data());
              s.word_align.push_back(at < al.size() ? al[at] : Normalizer::Align{0, 0});
            }
            word_offsets(impl, word, enc.ids.data() + before, enc.ids.size() - before, s.word_align, 0, base,
                         enc, s);
          } else if (prefixed) {
            word_offsets(impl, word, enc.ids.data() + before, enc.ids.size() - before, s.prefixed_align,
                         static_cast<size_t>(word.data() - s.prefixed.data()), base, enc, s);
          } else {
            word_offsets(impl, word, enc.ids.data() + before, enc.ids.size() - before, s.align,
                         static_cast<size_t>(word.data() - s.normalized.data()), base, enc, s);
          }
        }
        if (!enc.with_tokens) continue;
        for (size_t k = before; k < enc.ids.size(); ++k)
          enc.tokens.push_back(impl.model->id_to_token(enc.ids[k]));
      }
    }
  }
  if (!enc.matched_spaces.empty()) enc.matched_spaces.resize(enc.ids.size());
  if (with_offsets) {
    // Code-point offsets as HF's BytesToCharOffsetConverter gives them: the
    // char holding each end; an end at the text's end is one past the last
    // char; a start at the text's end keeps the byte offsets.
    s.char_index.assign(text.size(), 0);
    uint32_t chars = 0;
    for (size_t i = 0; i < text.size();) {
      const size_t b = i;
      utf8::decode(text, i);
      for (size_t k = b; k < i; ++k) s.char_index[k] = chars;
      ++chars;
    }
    enc.char_offsets.clear();
    enc.char_offsets.reserve(enc.offsets.size());
    for (const Span& o : enc.offsets) {
      if (o.first >= text.size()) {
        enc.char_offsets.push_back(o);
        continue;
      }
      const size_t e = o.second < text.size() ? s.char_index[o.second] : s.char_index[o.second - 1] + 1;
      enc.char_offsets.emplace_back(s.char_index[o.first], e);
    }
  }
  return Status::ok();
}

Status check_utf8(std::string_view text) {
  const size_t bad = utf8::first_invalid_offset(text);
  if (bad != text.size())
    return Status::invalid_argument("invalid UTF-8 at byte " + std::to_string(bad));
  return Status::ok();
}

// Everything up to (not including) batch padding, into `enc` (emptied
// first). `pair` null = one text.
Status encode_one(const Tokenizer::Impl& impl, const Plan& plan, std::string_view text,
                  const std::string_view* pair, WorkEncoding& enc) {
  TOKREC_RETURN_IF_ERROR(check_utf8(text));
  if (pair) TOKREC_RETURN_IF_ERROR(check_utf8(*pair).with_context("pair text"));
  enc.clear();
  enc.with_tokens = plan.with_tokens;
  enc.with_offsets = plan.with_offsets;
  TOKREC_RETURN_IF_ERROR(run_model(impl, text, enc));
  // Per-thread like `enc` (see work_encoding()): a warm thread allocates
  // nothing until the output Encoding.
  thread_local WorkEncoding second;
  if (pair) {
    second.clear();
    second.with_tokens = plan.with_tokens;
    second.with_offsets = plan.with_offsets;
    TOKREC_RETURN_IF_ERROR(run_model(impl, *pair, second).with_context("pair text"));
  }
  WorkEncoding* b = pair ? &second : nullptr;
  const PostProcessor& pp = post_processor(impl);
  const size_t n_added = plan.add_special_tokens ? pp.added_tokens(pair != nullptr) : 0;
  // HF subtracts the special tokens from max_length; when max_length is
  // smaller than their number it does not truncate at all (measured on
  // tokenizers 0.22: max_length 1 with [CLS]/[SEP] keeps every token).
  if (plan.truncation && plan.truncation->max_length >= n_added)
    TOKREC_RETURN_IF_ERROR(truncate(enc, b, *plan.truncation, plan.truncation->max_length - n_added));
  pp.process(enc, b, plan.add_special_tokens);
  // HF pads each encoding in post_process (Fixed matters here; BatchLongest of
  // one is a no-op).
  if (plan.padding) pad(enc, *plan.padding, padding_target(*plan.padding, enc.ids.size()));
  return Status::ok();
}

// The encoding in progress of the calling thread. Encodings are built here
// and copied out at their exact size (finish): one allocation per output
// vector, none for growing it, and the scratch keeps its capacity.
WorkEncoding& work_encoding() {
  thread_local WorkEncoding w;
  return w;
}

// Copies (not moves) `w` into the empty `e`, each vector at its exact size,
// leaving out what the plan does not return.
void finish(const WorkEncoding& w, const Plan& plan, Encoding& e) {
  e.ids.assign(w.ids.begin(), w.ids.end());
  if (plan.want_masks) {
    e.type_ids.assign(w.type_ids.begin(), w.type_ids.end());
    e.attention_mask.assign(w.attention_mask.begin(), w.attention_mask.end());
    e.special_tokens_mask.assign(w.special_tokens_mask.begin(), w.special_tokens_mask.end());
  }
  e.offsets.assign(w.offsets.begin(), w.offsets.end());
  e.char_offsets.assign(w.char_offsets.begin(), w.char_offsets.end());
  if (plan.want_tokens) e.tokens.assign(w.tokens.begin(), w.tokens.end());
  if (!w.overflowing.empty()) {
    e.overflowing.resize(w.overflowing.size());
    for (size_t k = 0; k < w.overflowing.size(); ++k) finish(w.overflowing[k], plan, e.overflowing[k]);
  }
}

// The failing text with the lowest index (a batch reports the first error
// in input order, whichever thread met it first).
class FirstError {
 public:
  void record(size_t index, Status status) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (index < index_) {
      index_ = index;
      status_ = std::move(status);
    }
  }
  bool any() const { return index_ != SIZE_MAX; }
  Status status() const { return status_.with_context("text " + std::to_string(index_)); }

 private:
  std::mutex mutex_;
  size_t index_ = SIZE_MAX;
  Status status_;
};

// encode_batch / encode_batch_pairs: `text(i)` and `pair(i)` (null = none).
template <typename TextFn, typename PairFn>
Result<std::vector<Encoding>> encode_many(const Tokenizer::Impl& impl, const Plan& plan, size_t count,
                                          size_t threads, TextFn text, PairFn pair) {
  std::vector<Encoding> out(count);
  FirstError error;
  // Everything per text runs on the threads, including building the output
  // Encoding: a serial tail would cap the batch speed-up. Each thread works
  // in its own scratch (work_encoding) and allocates only the output's
  // vectors. The threads are a process-wide pool kept between calls, so
  // their word caches stay warm (parallel_for_shared). Only padding to the
  // batch's longest needs all lengths first: then each encoding is kept
  // whole until the second pass.
  const bool pad_to_longest = plan.padding && !plan.padding->fixed;
  std::vector<WorkEncoding> work(pad_to_longest ? count : 0);
  const size_t n_threads = threads == 0 ? default_thread_count() : threads;
  parallel_for_shared(n_threads, 0, count, [&](size_t i) {
    const std::optional<std::string_view> p = pair(i);
    WorkEncoding& w = pad_to_longest ? work[i] : work_encoding();
    Status st = encode_one(impl, plan, text(i), p ? &*p : nullptr, w);
    if (!st.is_ok()) {
      error.record(i, std::move(st));
      return;
    }
    if (!pad_to_longest) finish(w, plan, out[i]);
  });
  if (error.any()) return error.status();
  if (pad_to_longest) {
    size_t longest = 0;
    for (const WorkEncoding& w : work) longest = std::max(longest, w.ids.size());
    const size_t target = padding_target(*plan.padding, longest);
    parallel_for_shared(n_threads, 0, count, [&](size_t i) {
      pad(work[i], *plan.padding, target);
      finish(work[i], plan, out[i]);
      work[i] = WorkEncoding();  // freed on its own thread, as it goes
    });
  }
  return out;
}

// encode_batch_flat: texts are encoded in contiguous chunks, each chunk
// appending to its own arrays on whichever thread runs it; then every chunk
// is copied (and padded to the batch's longest when asked) into the result
// at its row offsets, again on the threads. Nothing per text is allocated.
struct FlatChunk {
  std::vector<int32_t> ids, type_ids, attention_mask, special_tokens_mask;
  std::vector<size_t> lengths;
};

template <typename TextFn, typename PairFn>
Result<EncodedBatch> encode_many_flat(const Tokenizer::Impl& impl, const Plan& plan, size_t count,
                                      size_t threads, TextFn text, PairFn pair) {
  const size_t n_threads = threads == 0 ? default_thread_count() : threads;
  // Enough chunks for the pool to balance uneven texts, big enough that a
  // chunk's arrays amortise their growth.
  const size_t chunk_size = std::clamp<size_t>(count / (n_threads * 64 + 1), 16, 2048);
  const size_t n_chunks = (count + chunk_size - 1) / chunk_size;
  std::vector<FlatChunk> chunks(n_chunks);
  FirstError error;
  parallel_for_shared(n_threads, 0, n_chunks, [&](size_t c) {
    FlatChunk& chunk = chunks[c];
    const size_t end = std::min(count, (c + 1) * chunk_size);
    chunk.lengths.reserve(end - c * chunk_size);
    // Room for about one token per 3 bytes (+ specials), so that the arrays
    // rarely regrow while the chunk is encoded.
    size_t bytes = 0;
    for (size_t i = c * chunk_size; i < end; ++i) bytes += text(i).size();
    size_t guess = bytes / 3 + (end - c * chunk_size) * 4;
    // Rows padded to a fixed length are at least that long: reserve it, or
    // the arrays regrow (and copy) several times per chunk.
    if (plan.padding && plan.padding->fixed)
      guess = std::max(guess, (end - c * chunk_size) * padding_target(*plan.padding, 0));
    chunk.ids.reserve(guess);
    if (plan.want_masks) {
      chunk.type_ids.reserve(guess);
      chunk.attention_mask.reserve(guess);
      chunk.special_tokens_mask.reserve(guess);
    }
    WorkEncoding& w = work_encoding();
    for (size_t i = c * chunk_size; i < end; ++i) {
      const std::optional<std::string_view> p = pair(i);
      Status st = encode_one(impl, plan, text(i), p ? &*p : nullptr, w);
      if (!st.is_ok()) {
        error.record(i, std::move(st));
        return;
      }
      chunk.ids.insert(chunk.ids.end(), w.ids.begin(), w.ids.end());
      if (plan.want_masks) {
        chunk.type_ids.insert(chunk.type_ids.end(), w.type_ids.begin(), w.type_ids.end());
        chunk.attention_mask.insert(chunk.attention_mask.end(), w.attention_mask.begin(),
                                    w.attention_mask.end());
        chunk.special_tokens_mask.insert(chunk.special_tokens_mask.end(),
                                         w.special_tokens_mask.begin(), w.special_tokens_mask.end());
      }
      chunk.lengths.push_back(w.ids.size());
    }
  });
  if (error.any()) return error.status();

  // Padding to the longest needs every length first; fixed padding was
  // applied per text by encode_one.
  const bool pad_to_longest = plan.padding && !plan.padding->fixed;
  size_t target = 0;
  if (pad_to_longest) {
    size_t longest = 0;
    for (const FlatChunk& chunk : chunks)
      for (size_t len : chunk.lengths) longest = std::max(longest, len);
    target = padding_target(*plan.padding, longest);
  }
  EncodedBatch out;
  out.row_offsets.resize(count + 1);
  std::vector<size_t> chunk_start(n_chunks + 1, 0);
  size_t row = 0;
  for (size_t c = 0; c < n_chunks; ++c) {
    for (size_t len : chunks[c].lengths) {
      out.row_offsets[row + 1] = out.row_offsets[row] + std::max(len, target);
      ++row;
    }
    chunk_start[c + 1] = row;
  }
  const size_t total = out.row_offsets[count];
  // The arrays are allocated and zeroed (page faults) on the threads, one
  // array per task: done serially this was the tail that kept 2 threads
  // from scaling on large batches.
  std::vector<std::vector<int32_t>*> arrays = {&out.ids};
  if (plan.want_masks) arrays.insert(arrays.end(), {&out.type_ids, &out.attention_mask, &out.special_tokens_mask});
  parallel_for_shared(n_threads, 0, arrays.size(), [&](size_t a) {
    reserve_huge(*arrays[a], total);
    arrays[a]->resize(total);
  });
  parallel_for_shared(n_threads, 0, n_chunks, [&](size_t c) {
    FlatChunk& chunk = chunks[c];
    size_t from = 0;
    for (size_t k = 0; k < chunk.lengths.size(); ++k) {
      const size_t len = chunk.lengths[k];
      const size_t at = out.row_offsets[chunk_start[c] + k];
      if (len >= target) {
        std::copy_n(chunk.ids.begin() + from, len, out.ids.begin() + at);
        if (plan.want_masks) {
          std::copy_n(chunk.type_ids.begin() + from, len, out.type_ids.begin() + at);
          std::copy_n(chunk.attention_mask.begin() + from, len, out.attention_mask.begin() + at);
          std::copy_n(chunk.special_tokens_mask.begin() + from, len,
                      out.special_tokens_mask.begin() + at);
        }
      } else {
        // Rebuild the row and pad it exactly as encode_batch does.
        thread_local WorkEncoding row_enc;
        row_enc.clear();
        row_enc.with_tokens = false;
        row_enc.with_offsets = false;
        row_enc.ids.assign(chunk.ids.begin() + from, chunk.ids.begin() + from + len);
        if (plan.want_masks) {
          row_enc.type_ids.assign(chunk.type_ids.begin() + from, chunk.type_ids.begin() + from + len);
          row_enc.attention_mask.assign(chunk.attention_mask.begin() + from,
                                        chunk.attention_mask.begin() + from + len);
          row_enc.special_tokens_mask.assign(chunk.special_tokens_mask.begin() + from,
                                             chunk.special_tokens_mask.begin() + from + len);
        } else {
          row_enc.type_ids.assign(len, 0);
        }
        pad(row_enc, *plan.padding, target);
        std::copy(row_enc.ids.begin(), row_enc.ids.end(), out.ids.begin() + at);
        if (plan.want_masks) {
          std::copy(row_enc.type_ids.begin(), row_enc.type_ids.end(), out.type_ids.begin() + at);
          std::copy(row_enc.attention_mask.begin(), row_enc.attention_mask.end(),
                    out.attention_mask.begin() + at);
          std::copy(row_enc.special_tokens_mask.begin(), row_enc.special_tokens_mask.end(),
                    out.special_tokens_mask.begin() + at);
        }
      }
      from += len;
    }
    chunk = FlatChunk();  // freed on the thread that copied it
  });
  return out;
}

bool is_directory(const std::string& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

}  // namespace

std::string_view Tokenizer::Impl::id_to_token(int32_t id) const {
  for (const auto& [extra_id, content] : extra_tokens)
    if (extra_id == id) return content;
  return model->id_to_token(id);
}

void install_added_tokens(Tokenizer::Impl& impl, std::vector<AddedToken> tokens) {
  impl.extra_tokens.clear();
  for (const AddedToken& t : tokens)
    if (impl.model->id_to_token(t.id) != t.content) impl.extra_tokens.emplace_back(t.id, t.content);
  impl.added = AddedVocabulary(std::move(tokens), impl.normalizer.get());
}

Tokenizer::Tokenizer(std::unique_ptr<const Impl> impl) : impl_(std::move(impl)) {}
Tokenizer::~Tokenizer() = default;

namespace {

std::string join(const std::string& dir, const char* name) {
  return (std::filesystem::path(dir) / name).string();
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The one rank file of a folder (*.tiktoken, or tokenizer.model in tiktoken
// format), or "".
std::string find_rank_file(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string p = entry.path().string();
    if (ends_with(p, ".tiktoken")) return p;
  }
  const std::string model = join(dir, "tokenizer.model");
  if (io::file_exists(model)) {
    auto head = io::read_file(model);
    if (head.is_ok() && (looks_like_tiktoken(*head) || looks_like_sentencepiece(*head))) return model;
  }
  // Else one SentencePiece model under another name (bpemb's *.model).
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string p = entry.path().string();
    if (ends_with(p, ".model")) return p;
  }
  return {};
}

Result<std::unique_ptr<Tokenizer::Impl>> load_vocab_json_files(const std::string& vocab_path,
                                                                const std::string& merges_path) {
  if (!io::file_exists(vocab_path)) return Status::not_found("vocab.json not found: " + vocab_path);
  if (!io::file_exists(merges_path)) return Status::not_found("merges.txt not found: " + merges_path);
  TOKREC_ASSIGN_OR_RETURN(std::string vocab, io::read_file(vocab_path));
  TOKREC_ASSIGN_OR_RETURN(std::string merges, io::read_file(merges_path));
  return load_vocab_json(vocab, merges, vocab_path, merges_path);
}

}  // namespace

Result<std::shared_ptr<const Tokenizer>> Tokenizer::load(const std::string& path,
                                                         const LoadOptions& options) {
  auto wrap = [&](Result<std::unique_ptr<Impl>> impl) -> Result<std::shared_ptr<const Tokenizer>> {
    if (!impl.is_ok()) return impl.status();
    TOKREC_RETURN_IF_ERROR(apply_bos_eos(*impl.value(), options, path));  // LoadOptions::add_bos/add_eos
    return std::shared_ptr<const Tokenizer>(new Tokenizer(std::move(impl).value()));
  };
  std::string file = path;
  if (is_directory(path)) {
    const std::string json_path = join(path, "tokenizer.json");
    const std::string vocab_json = join(path, "vocab.json");
    const std::string merges_txt = join(path, "merges.txt");
    const std::string vocab_path = join(path, "vocab.txt");
    if (io::file_exists(json_path)) {
      file = json_path;
    } else if (io::file_exists(vocab_json) && io::file_exists(merges_txt)) {
      return wrap(load_vocab_json_files(vocab_json, merges_txt));
    } else if (io::file_exists(vocab_path)) {
      file = vocab_path;
    } else if (std::string ranks = find_rank_file(path); !ranks.empty()) {
      file = ranks;
    } else if (std::string bytepiece = find_bytepiece_file(path); !bytepiece.empty()) {
      file = bytepiece;
    } else {
      return Status::not_found("tokenizer folder " + path +
                               " has no tokenizer.json, vocab.json + merges.txt, vocab.txt or "
                               "tiktoken rank file or SentencePiece .model or BytePiece .zip");
    }
  } else if (!io::file_exists(path)) {
    return Status::not_found("tokenizer file not found: " + path);
  }
  const std::string dir = std::filesystem::path(file).parent_path().string();
  if (ends_with(file, "merges.txt")) return wrap(load_vocab_json_files(join(dir, "vocab.json"), file));
  TOKREC_ASSIGN_OR_RETURN(std::string content, io::read_file(file));
  // BytePiece: a .zip, or its JSON whose values are [id, piece, count] arrays.
  if (looks_like_bytepiece(content)) return wrap(load_bytepiece(content, file));
  // A tokenizer.json is a JSON object: '{' then '"' or '}'. A vocab.txt
  // whose first token is "{" is followed by a newline, so it is not mistaken.
  auto next_non_space = [&](size_t from) {
    size_t p = content.find_first_not_of(" \t\r\n", from);
    return p == std::string::npos ? '\0' : content[p];
  };
  const size_t brace = content.find_first_not_of(" \t\r\n");
  const bool ends_json = ends_with(file, ".json");
  const bool looks_json = brace != std::string::npos && content[brace] == '{' &&
                          content.find('\n', brace) != brace + 1 &&
                          (next_non_space(brace + 1) == '"' || next_non_space(brace + 1) == '}');
  const bool is_json = ends_json || looks_json;
  // A vocab.json maps tokens to ids; a tokenizer.json has a "model".
  if (is_json && (ends_with(file, "vocab.json") || content.find("\"model\"") == std::string::npos)) {
    const std::string merges = join(dir, "merges.txt");
    if (!io::file_exists(merges))
      return Status::not_found(file + " looks like a vocab.json but " + merges + " is missing");
    TOKREC_ASSIGN_OR_RETURN(std::string merges_content, io::read_file(merges));
    return wrap(load_vocab_json(content, merges_content, file, merges));
  }
  if (is_json) return wrap(load_tokenizer_json(content, file));
  if (looks_like_tiktoken(content)) return wrap(load_tiktoken(content, file, options.encoding));
  // A SentencePiece ModelProto (tiktoken-format tokenizer.model files are
  // base64 text and were taken above).
  if (options.encoding.empty() && (ends_with(file, ".model") || looks_like_sentencepiece(content)))
    return wrap(load_sentencepiece(content, file));
  if (!options.encoding.empty())
    return Status::invalid_argument(file + " is not a tiktoken rank file (--encoding given)");
  return wrap(load_vocab_txt(content, file, options));
}

Result<std::shared_ptr<const Tokenizer>> Tokenizer::from_json(std::string_view json) {
  auto impl = load_tokenizer_json(json, "tokenizer.json");
  if (!impl.is_ok()) return impl.status();
  return std::shared_ptr<const Tokenizer>(new Tokenizer(std::move(impl).value()));
}

Result<Encoding> Tokenizer::encode(std::string_view text, const EncodeOptions& options) const {
  TOKREC_ASSIGN_OR_RETURN(Plan plan, make_plan(*impl_, options));
  WorkEncoding& enc = work_encoding();
  TOKREC_RETURN_IF_ERROR(encode_one(*impl_, plan, text, nullptr, enc));
  Encoding out;
  finish(enc, plan, out);
  return out;
}

Result<Encoding> Tokenizer::encode_pair(std::string_view text, std::string_view pair,
                                        const EncodeOptions& options) const {
  TOKREC_ASSIGN_OR_RETURN(Plan plan, make_plan(*impl_, options));
  WorkEncoding& enc = work_encoding();
  TOKREC_RETURN_IF_ERROR(encode_one(*impl_, plan, text, &pair, enc));
  Encoding out;
  finish(enc, plan, out);
  return out;
}

Result<std::vector<Encoding>> Tokenizer::encode_batch(const std::vector<std::string>& texts,
                                                      const EncodeOptions& options,
                                                      size_t threads) const {
  TOKREC_ASSIGN_OR_RETURN(Plan plan, make_plan(*impl_, options));
  return encode_many(
      *impl_, plan, texts.size(), threads, [&](size_t i) { return std::string_view(texts[i]); },
      [](size_t) { return std::optional<std::string_view>(); });
}

Result<EncodedBatch> Tokenizer::encode_batch_flat(const std::vector<std::string>& texts,
                                                  const EncodeOptions& options,
                                                  size_t threads) const {
  if (options.with_offsets)
    return Status::invalid_argument(
        "encode_batch_flat returns no offsets; use encode_batch with with_offsets");
  EncodeOptions o = options;
  o.with_tokens = false;
  TOKREC_ASSIGN_OR_RETURN(Plan plan, make_plan(*impl_, o));
  return encode_many_flat(
      *impl_, plan, texts.size(), threads, [&](size_t i) { return std::string_view(texts[i]); },
      [](size_t) { return std::optional<std::string_view>(); });
}

Result<std::vector<Encoding>> Tokenizer::encode_batch_pairs(
    const std::vector<std::pair<std::string, std::string>>& pairs, const EncodeOptions& options,
    size_t threads) const {
  TOKREC_ASSIGN_OR_RETURN(Plan plan, make_plan(*impl_, options));
  return encode_many(
      *impl_, plan, pairs.size(), threads, [&](size_t i) { return std::string_view(pairs[i].first); },
      [&](size_t i) { return std::optional<std::string_view>(pairs[i].second); });
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skip_special_tokens) const {
  std::vector<std::string> tokens;
  tokens.reserve(ids.size());
  for (int32_t id : ids) {
    if (skip_special_tokens) {
      bool special = false;
      for (const AddedToken& t : impl_->added.tokens())
        if (t.id == id && t.special) special = true;
      if (special) continue;
    }
    const std::string_view tok = impl_->id_to_token(id);
    if (tok.empty()) continue;
    tokens.emplace_back(tok);
  }
  if (!impl_->decoder) {
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i) out.push_back(' ');
      out += tokens[i];
    }
    return out;
  }
  impl_->decoder->decode_chain(tokens);
  std::string out;
  for (const std::string& t : tokens) out += t;
  return out;
}

TokenizerInfo Tokenizer::info() const {
  TokenizerInfo info;
  info.format = impl_->format;
  info.model = std::string(impl_->model->type());
  info.vocab_size = vocab_size();
  for (const AddedToken& t : impl_->added.tokens())
    if (t.special) info.special_tokens.emplace_back(t.content, t.id);
  for (const auto& listed : impl_->listed_special_tokens) info.special_tokens.push_back(listed);
  info.normalizer = impl_->normalizer_desc;
  info.pre_tokenizer = impl_->pre_tokenizer ? impl_->pre_tokenizer->describe() : "none";
  info.post_processor = impl_->post_processor_desc;
  info.decoder = impl_->decoder ? impl_->decoder->describe() : "none";
  return info;
}

size_t Tokenizer::vocab_size() const {
  size_t n = impl_->model->vocab_size();
  for (const AddedToken& t : impl_->added.tokens())
    if (!impl_->model->token_to_id(t.content)) ++n;
  return n;
}

std::optional<int32_t> Tokenizer::token_to_id(std::string_view token) const {
  for (const AddedToken& t : impl_->added.tokens())
    if (t.content == token) return t.id;
  return impl_->model->token_to_id(token);
}

std::string_view Tokenizer::id_to_token(int32_t id) const { return impl_->id_to_token(id); }

std::optional<int32_t> Tokenizer::pad_token_id() const { return impl_->default_pad_id; }

size_t Tokenizer::num_special_tokens(bool pair) const {
  return impl_->post_processor ? impl_->post_processor->added_tokens(pair) : 0;
}

}  // namespace tokrec::tokenize
