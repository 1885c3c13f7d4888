// Stage A of the pipeline: turn raw item text (often scraped HTML) into plain
// text before it is normalized and tokenized. Each step can be switched off.
//
// Steps run in this order, which matters:
//   1. strip_html       tags removed (<script>/<style> blocks with their content,
//                       <!-- comments --> dropped); each removed tag leaves one
//                       space so "a<br>b" does not become "ab".
//   2. decode_entities  &amp; &lt; &nbsp; ... (common HTML named entities),
//                       &#233; and &#xE9;. Runs after stripping so that an
//                       escaped "&lt;b&gt;" survives as the text "<b>".
//                       Invalid or unknown entities are left as text.
//   3. remove_control   C0 (U+0000-001F), DEL and C1 (U+0080-009F) removed;
//                       the whitespace ones (\t \n \v \f \r, U+0085) become ' '.
//   4. collapse_whitespace  runs of Unicode White_Space (incl. U+00A0 and the
//                       ideographic space U+3000) become one ' '; trimmed.
#pragma once

#include <string>
#include <string_view>

namespace tokrec::text {

struct CleanOptions {
  bool strip_html = true;
  bool decode_entities = true;
  bool remove_control = true;
  bool collapse_whitespace = true;
};

// Input is assumed to be valid UTF-8; bytes that are not are passed through
// unchanged (never a crash), so the output is valid when the input was.
std::string clean_text(std::string_view utf8, const CleanOptions& options = {});

// The individual steps, for callers that need only one.
std::string strip_html(std::string_view utf8);
std::string decode_entities(std::string_view utf8);
std::string remove_control(std::string_view utf8);
std::string collapse_whitespace(std::string_view utf8);

}  // namespace tokrec::text
