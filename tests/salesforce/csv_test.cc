#include "salesforce/csv.h"

#include <gtest/gtest.h>

#include "tests/salesforce/reference_examples.h"

namespace sfwarden::salesforce {
namespace {
using Rows = std::vector<std::vector<std::string>>;

Rows ParseInChunks(std::string_view text, std::size_t chunk) {
  Rows rows;
  CsvParser parser([&](std::vector<std::string>&& row) {
    rows.push_back(std::move(row));
    return true;
  });
  for (std::size_t i = 0; i < text.size(); i += chunk) {
    auto fed = parser.Feed(text.substr(i, chunk));
    EXPECT_TRUE(fed) << fed.error();
  }
  auto done = parser.Finish();
  EXPECT_TRUE(done) << done.error();
  return rows;
}

TEST(CsvParserTest, ParsesTheRealLoginLogFileInAnyChunking) {
  std::string text = testing::Example("eventlogfile-logfile-login.csv");
  Rows whole = ParseInChunks(text, text.size());
  ASSERT_EQ(whole.size(), 2u);
  ASSERT_EQ(whole[0].size(), whole[1].size());
  auto user = ColumnIndex(whole[0], "USER_NAME");
  ASSERT_TRUE(user);
  EXPECT_EQ(whole[1][*user], "user@elastic.co");
  EXPECT_EQ(whole[1][*ColumnIndex(whole[0], "BROWSER_TYPE")],
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/94.0.4606.71 Safari/537.36");
  EXPECT_EQ(whole[1][*ColumnIndex(whole[0], "SESSION_KEY")], "");
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u}) {
    SCOPED_TRACE(chunk);
    EXPECT_EQ(ParseInChunks(text, chunk), whole);
  }
}

TEST(CsvParserTest, ParsesTheApiTotalUsageLogFile) {
  Rows rows = ParseInChunks(testing::Example("composed-eventlogfile-logfile-apitotalusage.csv"), 5);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][*ColumnIndex(rows[0], "CONNECTED_APP_NAME")], "sfwarden");
  EXPECT_EQ(rows[1][*ColumnIndex(rows[0], "COUNTS_AGAINST_API_LIMIT")], "1");
  EXPECT_FALSE(ColumnIndex(rows[0], "NOPE"));
}

TEST(CsvParserTest, HandlesEmbeddedCommasNewlinesAndQuotes) {
  std::string text = "a,b,c\r\n\"x,1\",\"line1\nline2\",\"say \"\"hi\"\"\"\r\nplain,,\"\"\n";
  Rows expected = {{"a", "b", "c"}, {"x,1", "line1\nline2", "say \"hi\""}, {"plain", "", ""}};
  for (std::size_t chunk : {1u, 2u, 5u, 100u}) {
    SCOPED_TRACE(chunk);
    EXPECT_EQ(ParseInChunks(text, chunk), expected);
  }
}

TEST(CsvParserTest, LastRowWithoutLineBreakAndBlankLines) {
  EXPECT_EQ(ParseInChunks("a\n\nb", 1), (Rows{{"a"}, {"b"}}));
  EXPECT_EQ(ParseInChunks("", 1), Rows{});
  EXPECT_EQ(ParseInChunks("a,", 1), (Rows{{"a", ""}}));
  EXPECT_EQ(ParseInChunks("\"\"", 1), (Rows{{""}}));
}

TEST(CsvParserTest, MalformedInputIsAnErrorWithLine) {
  for (const char* bad : {"a,b\nc\"d\n", "\"ab\"c\n", "ok\n\"unterminated"}) {
    SCOPED_TRACE(bad);
    CsvParser parser([](std::vector<std::string>&&) { return true; });
    auto fed = parser.Feed(bad);
    auto result = fed ? parser.Finish() : fed;
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::kDecode);
    EXPECT_NE(result.error().context.find("CSV line"), std::string::npos);
  }
}

TEST(CsvParserTest, EnforcesLimits) {
  CsvParser parser([](std::vector<std::string>&&) { return true; },
                   {.max_field_bytes = 8, .max_fields = 3});
  EXPECT_FALSE(parser.Feed("\"0123456789\""));
  CsvParser wide([](std::vector<std::string>&&) { return true; },
                 {.max_field_bytes = 8, .max_fields = 3});
  EXPECT_FALSE(wide.Feed("a,b,c,d,e\n"));
}

TEST(CsvParserTest, SinkCanStopEarly) {
  int seen = 0;
  CsvParser parser([&](std::vector<std::string>&&) { return ++seen < 2; });
  EXPECT_TRUE(parser.Feed("a\nb\nc\nd\n"));
  EXPECT_TRUE(parser.Finish());
  EXPECT_EQ(seen, 2);
  EXPECT_TRUE(parser.stopped());
}

}  // namespace
}  // namespace sfwarden::salesforce
