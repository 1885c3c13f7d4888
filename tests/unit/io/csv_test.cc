#include "tokrec/io/csv.h"

#include <gtest/gtest.h>

#include "tokrec/io/file.h"

namespace tokrec::io {
namespace {

TEST(Csv, QuotedFieldsWithCommasQuotesAndNewlines) {
  auto t = parse_csv("movieId,title,genres\r\n11,\"American President, The (1995)\",Comedy|Drama\n"
                     "12,\"Say \"\"Hi\"\"\nthere\",Drama\n\n");
  ASSERT_TRUE(t.is_ok()) << t.status().to_string();
  ASSERT_EQ(t->header.size(), 3u);
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][1], "American President, The (1995)");
  EXPECT_EQ(t->rows[1][1], "Say \"Hi\"\nthere");
  EXPECT_EQ(t->rows[1][2], "Drama");
}

TEST(Csv, ErrorsNameTheRecord) {
  auto ragged = parse_csv("a,b\n1,2\n3\n");
  ASSERT_FALSE(ragged.is_ok());
  EXPECT_NE(ragged.status().message().find("record 3"), std::string::npos);
  auto open = parse_csv("a,b\n1,\"unterminated\n");
  ASSERT_FALSE(open.is_ok());
  EXPECT_NE(open.status().message().find("unterminated"), std::string::npos);
}

TEST(File, MissingFileIsAnError) {
  auto r = read_file("/nonexistent/tokrec/file.txt");
  ASSERT_FALSE(r.is_ok());
  EXPECT_NE(r.status().message().find("/nonexistent/tokrec/file.txt"), std::string::npos);
}

TEST(File, ReadsGzipLines) {
  std::string path = std::string(TOKREC_CACHE_DATA) + "/vectors/glove.6B.100d.top100k.txt.gz";
  if (!file_exists(path)) GTEST_SKIP() << "run scripts/fetch-data.sh";
  auto reader = LineReader::open(path);
  ASSERT_TRUE(reader.is_ok());
  std::string line;
  ASSERT_TRUE((*reader)->next(line));
  EXPECT_EQ(line.substr(0, 4), "the ");
  EXPECT_EQ(split(line, ' ').size(), 101u);
}

TEST(File, PlainLinesAcrossBufferBoundaries) {
  // CRLF and LF endings, an empty line, a last line without newline, and a
  // line longer than the reader's 1 MiB buffer.
  std::string long_line(3 << 20, 'x');
  long_line[12345] = 'y';
  std::string content = "a\r\nb\n\n" + long_line + "\nlast";
  std::string path = ::testing::TempDir() + "tokrec_lines.txt";
  ASSERT_TRUE(write_file(path, content).is_ok());
  auto reader = LineReader::open(path);
  ASSERT_TRUE(reader.is_ok());
  std::vector<std::string> lines;
  std::string line;
  while ((*reader)->next(line)) lines.push_back(line);
  EXPECT_TRUE((*reader)->status().is_ok());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "a");
  EXPECT_EQ(lines[1], "b");
  EXPECT_EQ(lines[2], "");
  EXPECT_EQ(lines[3], long_line);
  EXPECT_EQ(lines[4], "last");
  EXPECT_EQ((*reader)->line_number(), 5u);
}

}  // namespace
}  // namespace tokrec::io
