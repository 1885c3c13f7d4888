#include "tokrec/text/clean.h"

#include <gtest/gtest.h>

#include <random>

#include "tokrec/core/utf8.h"

namespace tokrec::text {
namespace {

TEST(CleanText, StripsTagsAsSeparators) {
  EXPECT_EQ(clean_text("<p>Hello<br>world</p>"), "Hello world");
  EXPECT_EQ(clean_text("<div class=\"a>b\">x</div>y"), "x y");
  EXPECT_EQ(clean_text("<A HREF='x'>Link</A>"), "Link");
  EXPECT_EQ(clean_text("<img src=x />after"), "after");
}

TEST(CleanText, DropsScriptStyleAndComments) {
  EXPECT_EQ(clean_text("a<script type=\"text/javascript\">var x = '<b>';</script>b"), "a b");
  EXPECT_EQ(clean_text("a<STYLE>p { color: red }</Style >b"), "a b");
  EXPECT_EQ(clean_text("a<!-- hidden <b>text</b> -->b"), "a b");
  EXPECT_EQ(clean_text("a<!-- never closed"), "a");
  EXPECT_EQ(clean_text("a<script>never closed"), "a");
  // <scripted> is not <script>: only the tag goes.
  EXPECT_EQ(clean_text("<scripted>keep</scripted>"), "keep");
  EXPECT_EQ(clean_text("<!DOCTYPE html><?xml version=\"1.0\"?>text"), "text");
}

TEST(CleanText, KeepsTextThatIsNotATag) {
  EXPECT_EQ(clean_text("a < b and c > d"), "a < b and c > d");
  EXPECT_EQ(clean_text("1<2"), "1<2");
  EXPECT_EQ(clean_text("x <b unclosed"), "x <b unclosed");
  EXPECT_EQ(clean_text("ends with <"), "ends with <");
}

TEST(CleanText, DecodesEntities) {
  EXPECT_EQ(clean_text("Tom &amp; Jerry"), "Tom & Jerry");
  EXPECT_EQ(clean_text("&lt;b&gt; is escaped"), "<b> is escaped");  // decoded after stripping
  EXPECT_EQ(clean_text("caf&eacute; &copy; &euro;5 &apos;q&quot;"), "caf\u00e9 \u00a9 \u20ac5 'q\"");
  EXPECT_EQ(clean_text("&#233;&#xE9;&#XE9;&#x4E2D;&#128512;"), "\u00e9\u00e9\u00e9\u4e2d\U0001F600");
  EXPECT_EQ(clean_text("&#65B"), "AB");            // numeric ';' is optional (HTML5)
  EXPECT_EQ(clean_text("&#150;"), "\u2013");       // Windows-1252 range, as browsers do
  EXPECT_EQ(clean_text("&#x2014;&mdash;"), "\u2014\u2014");
}

TEST(CleanText, LeavesInvalidEntitiesAsText) {
  EXPECT_EQ(clean_text("&bogus; &amp &# &#x; &#xD800; &#0; &#x110000; &#99999999999;"),
            "&bogus; &amp &# &#x; &#xD800; &#0; &#x110000; &#99999999999;");
  EXPECT_EQ(clean_text("AT&T"), "AT&T");
  EXPECT_EQ(clean_text("&AMP;"), "&AMP;");  // names are case-sensitive
}

TEST(CleanText, NbspAndUnicodeSpacesCollapse) {
  EXPECT_EQ(clean_text("a&nbsp;&nbsp;b"), "a b");
  EXPECT_EQ(clean_text("\u3000\u4e2d\u6587\u2003 text\u00a0"), "\u4e2d\u6587 text");
}

TEST(CleanText, RemovesControlCharacters) {
  EXPECT_EQ(clean_text(std::string("a\x01" "b\x7f" "c\tb\r\nd", 11)), "abc b d");
  EXPECT_EQ(clean_text("x\u0080\u009fy\u0085z"), "xy z");   // C1 removed, NEL is a space
  EXPECT_EQ(clean_text(std::string("nul\0byte", 8)), "nulbyte");
  EXPECT_EQ(clean_text("&#7;bell"), "bell");                // decoded controls go too
}

TEST(CleanText, EachStepCanBeSwitchedOff) {
  CleanOptions none{false, false, false, false};
  std::string raw = "  <b>a&amp;b</b>\x01  ";
  EXPECT_EQ(clean_text(raw, none), raw);

  CleanOptions html_only = none;
  html_only.strip_html = true;
  EXPECT_EQ(clean_text("<b>a&amp;b</b>", html_only), "a&amp;b ");

  CleanOptions entities_only = none;
  entities_only.decode_entities = true;
  EXPECT_EQ(clean_text("<b>a&amp;b</b>", entities_only), "<b>a&b</b>");

  CleanOptions control_only = none;
  control_only.remove_control = true;
  EXPECT_EQ(clean_text("a\t\x02 b", control_only), "a  b");

  CleanOptions ws_only = none;
  ws_only.collapse_whitespace = true;
  EXPECT_EQ(clean_text(" \t a \n\n b \x02 ", ws_only), "a b \x02");
}

TEST(CleanText, EmptyAndWhitespaceOnly) {
  EXPECT_EQ(clean_text(""), "");
  EXPECT_EQ(clean_text(" \n\t "), "");
  EXPECT_EQ(clean_text("<br><br>"), "");
}

TEST(CleanText, InvalidUtf8NeverCrashes) {
  std::string bad = "a\xff\xc2<b>\xe2\x80";
  std::string out = clean_text(bad);
  EXPECT_EQ(out, "a\xff\xc2 \xe2\x80");
}

// Random fragments of markup, entities, controls and multi-byte text: never a
// crash, valid UTF-8 in -> valid UTF-8 out, and cleaning is idempotent once
// HTML is off (a decoded "&lt;b&gt;" must not be stripped on a second pass).
TEST(CleanText, RandomFragmentsStayValid) {
  const std::vector<std::string> parts = {"<", ">", "</", "<b>", "<script>", "</script>", "<!--", "-->", "&", ";",
                                          "&amp;", "&#", "&#x", "41", "ff", "\"", "'", " ", "\t", "\n", "\x01",
                                          "\u00a0", "\u0085", "\u3000", "\u4e2d", "a", "Z", "&nbsp;", "&#150;"};
  std::mt19937 rng(7);
  CleanOptions no_html;
  no_html.strip_html = false;
  no_html.decode_entities = false;
  for (int iter = 0; iter < 3000; ++iter) {
    std::string s;
    size_t n = rng() % 24;
    for (size_t k = 0; k < n; ++k) s += parts[rng() % parts.size()];
    std::string out = clean_text(s);
    ASSERT_TRUE(utf8::is_valid(out)) << s;
    EXPECT_EQ(clean_text(out, no_html), out) << s;
    std::string raw;  // arbitrary bytes: only "no crash" is promised
    for (size_t k = rng() % 40; k > 0; --k) raw.push_back(static_cast<char>(rng() & 0xFF));
    (void)clean_text(raw);
  }
}

}  // namespace
}  // namespace tokrec::text
