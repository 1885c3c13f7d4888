// Helpers shared by the fuzz targets (tests/fuzz/fuzz_*.cc). Each target is
// one translation unit linked either with libFuzzer (-DTOKREC_FUZZ=ON) or with
// replay_main.cc (the fuzz_replay.* ctests), so everything here is inline.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "tokrec/core/status.h"
#include "tokrec/io/file.h"
#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::fuzz {

// A failed check is a finding: abort so libFuzzer (or the replay test) stops
// with the input that caused it.
#define TOKREC_FUZZ_CHECK(cond)                                                      \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                  \
    }                                                                                \
  } while (0)

inline std::string_view as_text(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A private folder for this process, removed when it exits. Loaders that only
// take paths read the fuzz input from a file written here.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/tokrec-fuzz-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    if (::mkdtemp(buf.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline const std::string& temp_dir() {
  static TempDir dir;
  return dir.path();
}

// Writes `content` to temp_dir()/name and returns the path.
inline std::string write_temp(const std::string& name, std::string_view content) {
  const std::string path = temp_dir() + "/" + name;
  const Status s = io::write_file(path, content);
  if (!s.is_ok()) {
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(), s.to_string().c_str());
    std::abort();
  }
  return path;
}

inline void remove_temp(const std::string& name) {
  std::error_code ec;
  std::filesystem::remove(temp_dir() + "/" + name, ec);
}

// Every error must say something (the contract is a one-line message).
// TOKREC_FUZZ_VERBOSE=1 prints them (to see what each corpus file exercises).
inline void check_error(const Status& s) {
  TOKREC_FUZZ_CHECK(!s.is_ok());
  TOKREC_FUZZ_CHECK(!s.message().empty());
  static const bool verbose = std::getenv("TOKREC_FUZZ_VERBOSE") != nullptr;
  if (verbose) std::fprintf(stderr, "  -> %s\n", s.to_string().c_str());
}

// Runs a loaded tokenizer over a few fixed texts in every mode: whatever a
// malformed-but-accepted file set up must encode and decode without crashing.
inline void exercise_tokenizer(const tokenize::Tokenizer& tok) {
  static const std::vector<std::string> kTexts = {
      "", "Hello, world! It's 2024.", "  héllo\tWÖRLD\n\n", "中文分词 测试", "[CLS] <s> <|endoftext|> [UNK]",
      "a\u200db\u0301 🤗 x"};
  for (bool special : {true, false}) {
    tokenize::EncodeOptions o;
    o.add_special_tokens = special;
    for (const std::string& t : kTexts) {
      auto enc = tok.encode(t, o);
      if (!enc.is_ok()) {
        check_error(enc.status());
        continue;
      }
      TOKREC_FUZZ_CHECK(enc->ids.size() == enc->attention_mask.size());
      TOKREC_FUZZ_CHECK(enc->ids.size() == enc->type_ids.size());
      TOKREC_FUZZ_CHECK(enc->tokens.size() == enc->ids.size());
      (void)tok.decode(enc->ids, false);
      (void)tok.decode(enc->ids, true);
    }
  }
  // Offsets (alignment through the normalizer) and pairs with truncation.
  tokenize::EncodeOptions with_offsets;
  with_offsets.with_offsets = true;
  for (const std::string& t : kTexts) {
    auto enc = tok.encode(t, with_offsets);
    if (!enc.is_ok()) {
      check_error(enc.status());
      continue;
    }
    TOKREC_FUZZ_CHECK(enc->offsets.size() == enc->ids.size());
    for (const auto& [begin, end] : enc->offsets) TOKREC_FUZZ_CHECK(begin <= end && end <= t.size());
  }
  tokenize::EncodeOptions pair_options;
  pair_options.max_length = 5;
  auto pair = tok.encode_pair(kTexts[1], kTexts[3], pair_options);
  if (!pair.is_ok()) check_error(pair.status());
  tokenize::EncodeOptions o;
  o.max_length = 4;
  if (tok.pad_token_id()) o.padding = tokenize::Padding::kLongest;
  auto batch = tok.encode_batch(kTexts, o, 1);
  if (!batch.is_ok()) check_error(batch.status());
  (void)tok.info();
  (void)tok.vocab_size();
  for (int32_t id : {-1, 0, 1, 2, 255, 256, 100000})
    if (auto t = tok.id_to_token(id); !t.empty()) (void)tok.token_to_id(t);
}

// The shared reference data (third-party tokenizers, read by path, never
// copied): $TOKREC_SHARED_DATA, else the folder configured at build time.
inline std::string shared_data() {
  if (const char* env = std::getenv("TOKREC_SHARED_DATA"); env && *env) return env;
#ifdef TOKREC_SHARED_DATA
  return TOKREC_SHARED_DATA;
#else
  return "../shared/data";
#endif
}

}  // namespace tokrec::fuzz
