// API behaviour of the segment module beyond the jieba goldens: errors,
// immutability of edits, offsets, cleaning stages, stop words, analyzer hook.
#include <gtest/gtest.h>

#include "tokrec/features/tfidf.h"
#include "tokrec/io/file.h"
#include "tokrec/segment/clean.h"
#include "tokrec/segment/keywords.h"
#include "tokrec/segment/segmenter.h"

namespace tokrec::segment {
namespace {

const std::string kJieba = std::string(TOKREC_CACHE_DATA) + "/zh/jieba";

std::shared_ptr<const Segmenter> seg() {
  static auto s = [] () -> std::shared_ptr<const Segmenter> {
    if (!io::file_exists(kJieba + "/dict.txt")) return nullptr;
    auto r = Segmenter::load(SegmenterOptions::from_dir(kJieba));
    return r.is_ok() ? *r : nullptr;
  }();
  return s;
}

#define NEED_DATA() \
  if (!seg()) GTEST_SKIP() << "jieba data missing: run scripts/fetch-data.sh"

TEST(Segmenter, ErrorsAreStatuses) {
  EXPECT_FALSE(Segmenter::load({}).is_ok());
  SegmenterOptions o;
  o.dict_path = "/nonexistent/dict.txt";
  EXPECT_FALSE(Segmenter::load(o).is_ok());
  EXPECT_FALSE(parse_mode("fast").is_ok());
  NEED_DATA();
  EXPECT_FALSE(seg()->cut("\xff\xfe").is_ok());
  EXPECT_FALSE(seg()->tokenize("abc", Mode::kFull).is_ok());
  auto bad = io::write_file(testing::TempDir() + "/bad_dict.txt", "词 abc\n");
  ASSERT_TRUE(bad.is_ok());
  o.dict_path = testing::TempDir() + "/bad_dict.txt";
  auto r = Segmenter::load(o);
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("line 1"), std::string::npos);
}

TEST(Segmenter, NoHmmTablesMeansNoHmm) {
  auto ok = io::write_file(testing::TempDir() + "/tiny_dict.txt", "北京 10 ns\n大学 5 n\n北京大学 20 nt\n");
  ASSERT_TRUE(ok.is_ok());
  SegmenterOptions o;
  o.dict_path = testing::TempDir() + "/tiny_dict.txt";
  auto s = Segmenter::load(o);
  ASSERT_TRUE(s.is_ok()) << s.status().to_string();
  EXPECT_FALSE((*s)->cut("北京大学", Mode::kAccurate, true).is_ok());
  auto w = (*s)->cut("北京大学好", Mode::kAccurate, false);
  ASSERT_TRUE(w.is_ok());
  EXPECT_EQ(*w, (std::vector<std::string>{"北京大学", "好"}));
  EXPECT_EQ((*s)->total(), 35);
  EXPECT_EQ((*s)->frequency("北"), 0);  // a prefix: in FREQ with 0
  EXPECT_FALSE((*s)->frequency("南").has_value());
}

TEST(Segmenter, EditsReturnNewSegmenters) {
  NEED_DATA();
  auto before = seg()->cut("蓝牙耳机无线充电", Mode::kAccurate, false).value();
  auto edited = seg()->add_word("无线充电", 1000, "n");
  ASSERT_TRUE(edited.is_ok());
  auto after = (*edited)->cut("蓝牙耳机无线充电", Mode::kAccurate, false).value();
  EXPECT_NE(before, after);
  EXPECT_EQ(after.back(), "无线充电");
  EXPECT_EQ(seg()->cut("蓝牙耳机无线充电", Mode::kAccurate, false).value(), before);
  EXPECT_EQ((*edited)->total(), seg()->total() + 1000);
  auto deleted = (*edited)->del_word("无线充电");
  ASSERT_TRUE(deleted.is_ok());
  EXPECT_EQ((*deleted)->frequency("无线充电"), 0);
}

TEST(Segmenter, TokenizeOffsetsCoverTheText) {
  NEED_DATA();
  std::string text = "我来到北京清华大学，  Apple 发布 iPhone15";
  auto toks = seg()->tokenize(text).value();
  size_t cp = 0, byte = 0;
  for (const auto& t : toks) {
    EXPECT_EQ(t.start, cp);
    EXPECT_EQ(t.byte_start, byte);
    EXPECT_EQ(text.substr(t.byte_start, t.byte_end - t.byte_start), t.word);
    cp = t.end;
    byte = t.byte_end;
  }
  EXPECT_EQ(byte, text.size());
}

TEST(Segmenter, BlankWords) {
  EXPECT_TRUE(is_blank(""));
  EXPECT_TRUE(is_blank(" \t\xE3\x80\x80"));  // U+3000
  EXPECT_FALSE(is_blank(" a "));
}

TEST(Segmenter, AnalyzerFeedsTfidf) {
  NEED_DATA();
  std::vector<std::vector<std::string>> docs = {jieba_words(*seg(), "我爱北京天安门"),
                                                jieba_words(*seg(), "北京 欢迎 你")};
  EXPECT_EQ(docs[1], (std::vector<std::string>{"北京", "欢迎", "你"}));
  features::TfidfVectorizer v;
  ASSERT_TRUE(v.fit(docs).is_ok());
  EXPECT_TRUE(v.column("天安门").has_value());
  EXPECT_TRUE(v.column("北京").has_value());
}

TEST(Clean, FullWidthFolding) {
  EXPECT_EQ(fold_fullwidth("ＡＢＣ１２３！\xE3\x80\x80中文，。"), "ABC123! 中文,。");  // 。 is no ASCII form
}

TEST(Clean, UrlsAndEmoji) {
  CleanOptions o;
  o.fold_fullwidth = false;
  o.urls = SpanAction::kReplace;
  o.url_replacement = "<url>";
  o.emoji = SpanAction::kRemove;
  auto r = clean_text("看这里https://example.com/a?b=1 好评👍🏻👨‍👩‍👧🇨🇳！", o);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(*r, "看这里<url> 好评！");
  EXPECT_FALSE(clean_text("\xC0", o).is_ok());
  EXPECT_TRUE(is_emoji(U'😀'));
  EXPECT_FALSE(is_emoji(U'中'));
}

TEST(Clean, StopWordsAndPipeline) {
  StopWords en = StopWords::english();
  EXPECT_TRUE(en.contains("The"));
  EXPECT_FALSE(en.contains("The", false));
  EXPECT_TRUE(StopWords::jieba_analyse().contains("which"));
  NEED_DATA();
  auto zh = StopWords::load(std::string(TOKREC_CACHE_DATA) + "/zh/cppjieba/stop_words.utf8");
  ASSERT_TRUE(zh.is_ok()) << zh.status().to_string();
  EXPECT_GT(zh->size(), 100u);
  PipelineOptions o;
  o.stop_words = std::make_shared<const StopWords>(zh->merged(en));
  SegmentPipeline p(seg(), o);
  auto words = p.words("ＡＰＰ的 the 价格　很便宜").value();
  for (const auto& w : words) {
    EXPECT_FALSE(is_blank(w));
    EXPECT_FALSE(o.stop_words->contains(w)) << w;
  }
  EXPECT_NE(std::find(words.begin(), words.end(), "APP"), words.end());
}

TEST(Keywords, PyHelpers) {
  EXPECT_EQ(py_strip("\xE3\x80\x80 ab c\t"), "ab c");
  EXPECT_EQ(py_strip("  "), "");
  EXPECT_EQ(py_lower("ÀB中"), "àb中");
}

}  // namespace
}  // namespace tokrec::segment
