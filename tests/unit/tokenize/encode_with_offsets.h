// Shared by the sweep-fix tests (component_sweep_fixes, loader_component_fixes,
// offsets_sweep_fixes): one encode with offsets, failing the test (and
// returning an empty encoding) when the tokenizer refuses the text.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tokrec/tokenize/tokenizer.h"

namespace tokrec::tokenize {

using Spans = std::vector<Span>;

inline Encoding encode_with_offsets(const Tokenizer& tok, const std::string& text, bool specials = false) {
  EncodeOptions o;
  o.add_special_tokens = specials;
  o.with_offsets = true;
  auto e = tok.encode(text, o);
  EXPECT_TRUE(e.is_ok()) << e.status().message();
  return e.is_ok() ? *e : Encoding{};
}

}  // namespace tokrec::tokenize
