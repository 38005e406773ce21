#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "collectors/detail/poll_sources.h"
#include "collectors/poll_cycle.h"
#include "salesforce/csv.h"
#include "salesforce/soql.h"
#include "tests/collectors/poll_test_util.h"

namespace sfwarden::collectors {
namespace {
using poll_testing::CompositeScript;
using poll_testing::Example;
using testing::FakeApi;
using testing::RunSync;
using Rows = std::vector<std::vector<std::string>>;

Time At(const char* iso) {
  return std::chrono::floor<std::chrono::milliseconds>(*salesforce::ParseSalesforceDateTime(iso));
}

Rows ParseCsv(const std::string& text) {
  Rows rows;
  salesforce::CsvParser parser([&](std::vector<std::string>&& row) {
    rows.push_back(std::move(row));
    return true;
  });
  EXPECT_TRUE(parser.Feed(text));
  EXPECT_TRUE(parser.Finish());
  return rows;
}

nlohmann::json LogFile(const std::string& id, const std::string& created,
                       const std::string& log_date = "2024-01-02T00:00:00.000+0000") {
  return {{"attributes", {{"type", "EventLogFile"}}},
          {"Id", id},
          {"EventType", "ApiTotalUsage"},
          {"LogDate", log_date},
          {"Interval", "Daily"},
          {"LogFile", "/services/data/v62.0/sobjects/EventLogFile/" + id + "/LogFile"},
          {"LogFileLength", 1234},
          {"CreatedDate", created}};
}

struct LogScenario {
  FakeApi api;
  CompositeScript script;
  OrgTarget target;
  UserDirectory users;
  LogScenario() {
    script.Install(api);
    target.usernames = {"integration.user@example.com", "other@example.com"};
    users.username_by_id["0055g00000EXAMPLEAA"] = "integration.user@example.com";
  }
  PollResult Poll(PollCursors cursors = {}) {
    return RunSync(collectors::Poll(api, target, users, cursors, {Source::kApiUsageLogs}));
  }
};

TEST(PollApiUsageLogsTest, ReferenceCsvIsAttributedToTheWatchedUser) {
  LogScenario s;
  s.script.OnRecords("api_usage_logs",
                     {LogFile("0AT000000000001AAA", "2024-01-03T01:00:00.000+0000")});
  s.api.on_download = [](const std::string& path) -> FakeApi::Result<Rows> {
    EXPECT_EQ(path, "/services/data/v62.0/sobjects/EventLogFile/0AT000000000001AAA/LogFile");
    return ParseCsv(Example("composed-eventlogfile-logfile-apitotalusage.csv"));
  };
  auto result = s.Poll();
  ASSERT_EQ(result.event_log_files.size(), 1u);
  const auto& file = result.event_log_files[0];
  EXPECT_EQ(file.file.id, "0AT000000000001AAA");
  EXPECT_EQ(file.file.interval, "Daily");
  EXPECT_EQ(file.file.log_date, At("2024-01-02T00:00:00.000+0000"));
  EXPECT_EQ(file.file.rows, 1);
  EXPECT_EQ(file.file.rows_watched, 1);
  ASSERT_EQ(file.usage.size(), 1u);
  const auto& usage = file.usage[0];
  EXPECT_EQ(usage.username, "integration.user@example.com");
  EXPECT_EQ(usage.connected_app, "sfwarden");
  EXPECT_EQ(usage.client_name, "");
  EXPECT_EQ(usage.client_ip, "203.0.113.10");
  EXPECT_EQ(usage.calls, 1);  // COUNTS_AGAINST_API_LIMIT "1"
  EXPECT_EQ(usage.calls_not_counted, 0);
  EXPECT_EQ(usage.log_file_id, "0AT000000000001AAA");
  EXPECT_EQ(result.cursors.event_log_files, At("2024-01-03T01:00:00.000+0000"));
  EXPECT_EQ(result.api_calls, 2);  // composite + one download
}

TEST(PollApiUsageLogsTest, RowsAreAggregatedByUserAppClientAndIpWithColumnsFoundByName) {
  LogScenario s;
  detail::LogFileListing listing;
  listing.info.id = "0AT1";
  listing.info.interval = "Hourly";
  detail::ApiUsageAggregator aggregator(s.target, s.users, listing);
  // Columns in an order of their own; USER_ID is the 15-character form.
  Rows rows = {{"CLIENT_IP", "USER_NAME", "COUNTS_AGAINST_API_LIMIT", "CONNECTED_APP_NAME",
                "USER_ID", "CLIENT_NAME"},
               {"10.0.0.1", "x", "1", "HubSpot", "0055g00000EXAMP", "sync"},
               {"10.0.0.1", "x", "true", "HubSpot", "0055g00000EXAMP", "sync"},
               {"10.0.0.1", "x", "0", "HubSpot", "0055g00000EXAMP", "sync"},
               {"10.0.0.2", "x", "false", "HubSpot", "0055g00000EXAMP", "sync"},
               {"10.0.0.1", "OTHER@example.com", "1", "", "005000000000999", ""},
               {"10.0.0.9", "stranger@example.com", "1", "", "005000000000777", ""}};
  for (auto& row : rows) ASSERT_TRUE(aggregator.Row(std::move(row)));
  auto result = std::move(aggregator).Finish();
  EXPECT_EQ(result.file.rows, 6);
  EXPECT_EQ(result.file.rows_watched, 5);
  ASSERT_EQ(result.usage.size(), 3u);
  // Sorted by (user, app, client, ip).
  EXPECT_EQ(result.usage[0].username, "integration.user@example.com");
  EXPECT_EQ(result.usage[0].client_ip, "10.0.0.1");
  EXPECT_EQ(result.usage[0].calls, 2);
  EXPECT_EQ(result.usage[0].calls_not_counted, 1);
  EXPECT_EQ(result.usage[1].client_ip, "10.0.0.2");
  EXPECT_EQ(result.usage[1].calls, 0);
  EXPECT_EQ(result.usage[1].calls_not_counted, 1);
  EXPECT_EQ(result.usage[2].username, "other@example.com");  // by USER_NAME, configured case
  EXPECT_EQ(result.usage[2].interval, "Hourly");
}

TEST(PollApiUsageLogsTest, HeaderWithoutUserColumnsIsAnError) {
  LogScenario s;
  s.script.OnRecords("api_usage_logs",
                     {LogFile("0AT000000000001AAA", "2024-01-03T01:00:00.000+0000")});
  s.api.on_download = [](const std::string&) -> FakeApi::Result<Rows> {
    return Rows{{"EVENT_TYPE", "CLIENT_IP"}, {"ApiTotalUsage", "10.0.0.1"}};
  };
  PollCursors cursors;
  cursors.event_log_files = At("2024-01-01T00:00:00.000+0000");
  auto result = s.Poll(cursors);
  ASSERT_TRUE(result.outcomes.at(Source::kApiUsageLogs).error);
  EXPECT_EQ(result.outcomes.at(Source::kApiUsageLogs).error->kind, salesforce::ErrorKind::kDecode);
  EXPECT_TRUE(result.event_log_files.empty());
  EXPECT_EQ(result.cursors.event_log_files, cursors.event_log_files);
}

TEST(PollApiUsageLogsTest, FailedDownloadStopsThereAndTheCursorStaysAtTheLastCompleteFile) {
  LogScenario s;
  s.script.OnRecords("api_usage_logs",
                     {LogFile("0AT000000000001AAA", "2024-01-03T01:00:00.000+0000"),
                      LogFile("0AT000000000002AAA", "2024-01-03T02:00:00.000+0000"),
                      LogFile("0AT000000000003AAA", "2024-01-03T03:00:00.000+0000")});
  s.api.on_download = [](const std::string& path) -> FakeApi::Result<Rows> {
    if (path.find("0AT000000000002AAA") != std::string::npos) {
      return tl::unexpected(
          salesforce::MakeError(salesforce::ErrorKind::kTransport, "reset", "GET LogFile"));
    }
    return ParseCsv(Example("composed-eventlogfile-logfile-apitotalusage.csv"));
  };
  auto result = s.Poll();
  ASSERT_EQ(result.event_log_files.size(), 1u);
  EXPECT_EQ(result.event_log_files[0].file.id, "0AT000000000001AAA");
  EXPECT_TRUE(result.outcomes.at(Source::kApiUsageLogs).error);
  EXPECT_EQ(result.cursors.event_log_files, At("2024-01-03T01:00:00.000+0000"));
  EXPECT_EQ(result.api_calls, 3);  // composite + 2 downloads; the third is never asked
  EXPECT_EQ(s.api.calls.size(), 3u);
}

TEST(PollApiUsageLogsTest, FailedFileWithTheSameCreatedDateAsACompleteOneIsNotSkippedNextTime) {
  LogScenario s;
  s.script.OnRecords("api_usage_logs",
                     {LogFile("0AT000000000001AAA", "2024-01-03T01:00:00.000+0000"),
                      LogFile("0AT000000000002AAA", "2024-01-03T01:00:00.000+0000")});
  s.api.on_download = [](const std::string& path) -> FakeApi::Result<Rows> {
    if (path.find("0AT000000000002AAA") != std::string::npos) {
      return tl::unexpected(salesforce::MakeError(salesforce::ErrorKind::kTimeout, "slow"));
    }
    return ParseCsv(Example("composed-eventlogfile-logfile-apitotalusage.csv"));
  };
  PollCursors cursors;
  cursors.event_log_files = At("2024-01-02T00:00:00.000+0000");
  auto result = s.Poll(cursors);
  EXPECT_EQ(result.event_log_files.size(), 1u);
  // CreatedDate > 01:00 would skip file 2: the cursor stays before both.
  EXPECT_EQ(result.cursors.event_log_files, cursors.event_log_files);
}

TEST(PollApiUsageLogsTest, ABacklogDrainsTwentyFourFilesPerPoll) {
  LogScenario s;
  std::vector<nlohmann::json> files;
  for (int h = 0; h < 30; ++h) {
    char id[32], created[40];
    std::snprintf(id, sizeof id, "0AT0000000000%02dAAA", h);
    std::snprintf(created, sizeof created, "2024-01-03T%02d:00:00.000+0000", h % 24);
    files.push_back(LogFile(id, h < 24 ? created : "2024-01-04T00:00:00.000+0000"));
  }
  s.script.OnRecords("api_usage_logs", files);
  s.api.on_download = [](const std::string&) -> FakeApi::Result<Rows> {
    return ParseCsv(Example("composed-eventlogfile-logfile-apitotalusage.csv"));
  };
  auto result = s.Poll();
  EXPECT_EQ(result.event_log_files.size(), 24u);
  EXPECT_FALSE(result.outcomes.at(Source::kApiUsageLogs).error);
  EXPECT_EQ(result.cursors.event_log_files, At("2024-01-03T23:00:00.000+0000"));
  EXPECT_EQ(result.api_calls, 25);
}

TEST(PollApiUsageLogsTest, NoNewFilesCostsOnlyTheListing) {
  LogScenario s;
  PollCursors cursors;
  cursors.event_log_files = At("2024-01-02T00:00:00.000+0000");
  auto result = s.Poll(cursors);
  EXPECT_TRUE(result.event_log_files.empty());
  EXPECT_FALSE(result.outcomes.at(Source::kApiUsageLogs).error);
  EXPECT_EQ(result.cursors.event_log_files, cursors.event_log_files);
  EXPECT_EQ(result.api_calls, 1);
}

TEST(PollApiUsageLogsTest, CountsAgainstLimitEncodings) {
  EXPECT_TRUE(detail::CountsAgainstLimit("1"));
  EXPECT_TRUE(detail::CountsAgainstLimit("true"));
  EXPECT_TRUE(detail::CountsAgainstLimit("TRUE"));
  EXPECT_FALSE(detail::CountsAgainstLimit("0"));
  EXPECT_FALSE(detail::CountsAgainstLimit("false"));
  EXPECT_FALSE(detail::CountsAgainstLimit("False"));
}

}  // namespace
}  // namespace sfwarden::collectors
