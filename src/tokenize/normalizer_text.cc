// Text-editing normalizers (HF Prepend, Replace, Strip).
#include <vector>

#include "tokenize/normalizer.h"
#include "tokenize/regex.h"
#include "tokenize/unicode_props.h"
#include "tokrec/core/utf8.h"

namespace tokrec::tokenize {
namespace {

class PrependNormalizer final : public Normalizer {
 public:
  explicit PrependNormalizer(std::string prefix) : prefix_(std::move(prefix)) {}
  void normalize(std::string_view in, std::string& out) const override {
    out.clear();
    if (in.empty()) return;
    out.reserve(prefix_.size() + in.size());
    out += prefix_;
    out += in;
  }
  // HF prepend: the prefix is aligned to the first char.
  void normalize_aligned(std::string_view in, std::string& out,
                         std::vector<Align>& align) const override {
    normalize(in, out);
    align.clear();
    if (in.empty()) return;
    size_t first = 0;
    utf8::decode(in, first);
    align.assign(prefix_.size(), Align{0, static_cast<uint32_t>(first)});
    append_identity_alignment(in, 0, align);
  }

 private:
  std::string prefix_;
};

class ReplaceNormalizer final : public Normalizer {
 public:
  ReplaceNormalizer(std::shared_ptr<const Regex> re, std::string content)
      : re_(std::move(re)), content_(std::move(content)) {}
  void normalize(std::string_view in, std::string& out) const override {
    thread_local std::vector<std::pair<size_t, size_t>> matches;
    matches.clear();
    re_->find_all(in, matches);
    out.clear();
    out.reserve(in.size());
    size_t prev = 0;
    for (const auto& [b, e] : matches) {
      if (e == b) continue;
      out.append(in.substr(prev, b - prev));
      out += content_;
      prev = e;
    }
    out.append(in.substr(prev));
  }
  // HF replace: the content is aligned to the last char of the match.
  void normalize_aligned(std::string_view in, std::string& out,
                         std::vector<Align>& align) const override {
    thread_local std::vector<std::pair<size_t, size_t>> matches;
    matches.clear();
    re_->find_all(in, matches);
    out.clear();
    align.clear();
    size_t prev = 0;
    for (const auto& [b, e] : matches) {
      if (e == b) continue;
      out.append(in.substr(prev, b - prev));
      append_identity_alignment(in.substr(prev, b - prev), static_cast<uint32_t>(prev), align);
      size_t last = e - 1;
      while (last > b && (static_cast<unsigned char>(in[last]) & 0xC0) == 0x80) --last;
      out += content_;
      align.insert(align.end(), content_.size(),
                   Align{static_cast<uint32_t>(last), static_cast<uint32_t>(e)});
      prev = e;
    }
    out.append(in.substr(prev));
    append_identity_alignment(in.substr(prev), static_cast<uint32_t>(prev), align);
  }

 private:
  std::shared_ptr<const Regex> re_;
  std::string content_;
};

class StripNormalizer final : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string_view in, std::string& out) const override {
    size_t b = 0, e = in.size();
    if (left_) {
      while (b < e) {
        size_t k = b;
        if (!unicode::is_white_space(utf8::decode(in, k))) break;
        b = k;
      }
    }
    if (right_) {
      while (e > b) {
        size_t k = e - 1;
        while (k > b && (static_cast<unsigned char>(in[k]) & 0xC0) == 0x80) --k;
        size_t t = k;
        if (!unicode::is_white_space(utf8::decode(in, t))) break;
        e = k;
      }
    }
    out.assign(in.substr(b, e - b));
  }
  void normalize_aligned(std::string_view in, std::string& out,
                         std::vector<Align>& align) const override {
    normalize(in, out);
    align.clear();
    // The kept text is one contiguous piece of the input: find where.
    size_t b = 0;
    while (in.compare(b, out.size(), out) != 0) ++b;
    append_identity_alignment(in.substr(b, out.size()), static_cast<uint32_t>(b), align);
  }

 private:
  bool left_, right_;
};

}  // namespace

std::unique_ptr<Normalizer> make_prepend_normalizer(std::string prefix) {
  return std::make_unique<PrependNormalizer>(std::move(prefix));
}
std::unique_ptr<Normalizer> make_replace_normalizer(std::shared_ptr<const Regex> pattern,
                                                    std::string content) {
  return std::make_unique<ReplaceNormalizer>(std::move(pattern), std::move(content));
}
std::unique_ptr<Normalizer> make_strip_normalizer(bool left, bool right) {
  return std::make_unique<StripNormalizer>(left, right);
}

}  // namespace tokrec::tokenize
