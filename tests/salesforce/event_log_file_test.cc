#include "salesforce/event_log_file.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "salesforce/query_decoder.h"
#include "tests/salesforce/reference_examples.h"

namespace sfwarden::salesforce {
namespace {
using namespace std::chrono;

TEST(EventLogFileTest, ListingQueryIsEscapedAndOrdered) {
  EXPECT_EQ(EventLogFileListSoql("ApiTotalUsage", "Daily", sys_days{2024y / January / 2}),
            "SELECT Id, EventType, LogDate, Interval, LogFile, LogFileLength FROM EventLogFile "
            "WHERE EventType = 'ApiTotalUsage' AND Interval = 'Daily' AND LogDate > "
            "2024-01-02T00:00:00.000Z ORDER BY LogDate ASC, Id ASC");
  EXPECT_NE(
      EventLogFileListSoql("x' OR Id != '", "Hourly", std::nullopt).find(R"('x\' OR Id != \'')"),
      std::string::npos);
}

TEST(EventLogFileTest, DecodesTheReferenceListing) {
  auto page = DecodeQueryPage(testing::Example("eventlogfile-query-response.json"));
  ASSERT_TRUE(page) << page.error();
  auto info = DecodeEventLogFile(page->records.at(0));
  ASSERT_TRUE(info) << info.error();
  EXPECT_EQ(info->id, "0AT5j00002GVrfnGAD");
  EXPECT_EQ(info->log_date, sys_days{2022y / September / 13});
  EXPECT_EQ(info->log_file_path,
            "/services/data/v56.0/sobjects/EventLogFile/0AT5j00002GVrfnGAD/LogFile");
}

TEST(EventLogFileTest, MalformedRecordsAreDecodeErrors) {
  for (
      const char* record :
      {R"({})",
       R"({"Id":"0AT1","LogDate":"yesterday","LogFile":"/services/data/v60.0/sobjects/EventLogFile/0AT1/LogFile"})",
       R"({"Id":"0AT1","LogDate":"2022-09-13T00:00:00.000+0000","LogFile":"https://evil.example/LogFile"})"}) {
    SCOPED_TRACE(record);
    auto info = DecodeEventLogFile(nlohmann::json::parse(record));
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().kind, ErrorKind::kDecode);
  }
}

}  // namespace
}  // namespace sfwarden::salesforce
