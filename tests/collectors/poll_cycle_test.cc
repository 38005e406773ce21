#include "collectors/poll_cycle.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "salesforce/soql.h"
#include "tests/collectors/poll_test_util.h"

namespace sfwarden::collectors {
namespace {
using namespace std::chrono_literals;
using poll_testing::AllSources;
using poll_testing::CompositeScript;
using poll_testing::ErrorSubresponse;
using poll_testing::MakeDirectory;
using poll_testing::UserId18;
using testing::FakeApi;
using testing::Page;
using testing::RunSync;

Time At(const char* iso) {
  return std::chrono::floor<std::chrono::milliseconds>(*salesforce::ParseSalesforceDateTime(iso));
}

OrgTarget Target(int users = 1) {
  OrgTarget target;
  target.org = "prod";
  for (int i = 0; i < users; ++i) {
    target.usernames.push_back("integration" + std::to_string(i) + "@x.example");
  }
  return target;
}

PollCursors SteadyCursors() {
  PollCursors c;
  c.logins = At("2024-01-02T03:00:00.000+0000");
  c.audit_trail = At("2024-01-02T03:00:00.000+0000");
  c.oauth_tokens = At("2024-01-02T03:00:00.000+0000");
  c.event_log_files = At("2024-01-02T00:00:00.000+0000");
  return c;
}

nlohmann::json LoginRow(const std::string& id, const std::string& user_id, const std::string& time,
                        const std::string& status = "Success") {
  return {{"attributes", {{"type", "LoginHistory"}}},
          {"Id", id},
          {"UserId", user_id},
          {"LoginTime", time},
          {"LoginType", "Remote Access 2.0"},
          {"Status", status},
          {"SourceIp", "203.0.113.10"},
          {"CountryIso", "US"},
          {"Application", "HubSpot"}};
}

nlohmann::json AuditRow(const std::string& id, const std::string& time) {
  return {{"attributes", {{"type", "SetupAuditTrail"}}},
          {"Id", id},
          {"Action", "PermSetAssign"},
          {"Section", "Manage Users"},
          {"Display", "Permission set Extra: assigned to user Integration 0 (UserID: [" +
                          UserId18(0).substr(0, 15) + "])"},
          {"CreatedDate", time},
          {"CreatedById", "005000000000999AAA"},
          {"CreatedBy", {{"attributes", {{"type", "User"}}}, {"Username", "admin@x.example"}}},
          {"DelegateUser", nullptr}};
}

FakeApi::Result<salesforce::Limits> SomeLimits() {
  salesforce::Limits limits;
  limits["DailyApiRequests"].value = {15000, 14000};
  return limits;
}

struct SteadyState {
  FakeApi api;
  CompositeScript script;
  SteadyState() {
    script.Install(api);
    api.on_limits = [] { return SomeLimits(); };
  }
};

TEST(PollCycleTest, SteadyStateCostsTwoCallsWithOneUser) {
  SteadyState s;
  auto users = MakeDirectory(1);
  auto target = Target(1);
  auto result = RunSync(Poll(s.api, target, users, SteadyCursors(), AllSources()));
  EXPECT_EQ(result.api_calls, 2);
  EXPECT_EQ(s.api.api_calls, 2);
  ASSERT_EQ(s.api.calls.size(), 2u);
  EXPECT_EQ(s.api.calls[0].method, "Composite");
  EXPECT_EQ(s.api.calls[0].argument, "logins,audit_trail,oauth_tokens,api_usage_logs");
  EXPECT_EQ(s.api.calls[1].method, "GetLimits");
  ASSERT_EQ(result.outcomes.size(), 5u);
  for (const auto& [source, outcome] : result.outcomes) {
    EXPECT_FALSE(outcome.error) << ToString(source) << ": " << *outcome.error;
  }
  ASSERT_TRUE(result.limits);
  EXPECT_EQ(result.limits->limits.at("DailyApiRequests").value.remaining, 14000);
}

TEST(PollCycleTest, SteadyStateCostsTwoCallsWithAThousandUsers) {
  SteadyState s;
  auto users = MakeDirectory(1000);
  auto target = Target(1000);
  auto result = RunSync(Poll(s.api, target, users, SteadyCursors(), AllSources()));
  EXPECT_EQ(result.api_calls, 2);
  EXPECT_EQ(s.api.api_calls, 2);
  EXPECT_EQ(s.script.composites, 1);
  const auto& logins = s.script.soql_by_reference.at("logins");
  for (int i : {0, 1, 499, 999}) EXPECT_NE(logins.find("'" + UserId18(i) + "'"), std::string::npos);
  EXPECT_LT(logins.size(), 100'000u);  // SOQL statement limit
}

TEST(PollCycleTest, AsksTheDueQueriesFromTheCursorsMinusTheOverlap) {
  SteadyState s;
  auto users = MakeDirectory(2);
  auto target = Target(2);
  RunSync(Poll(s.api, target, users, SteadyCursors(), AllSources()));
  const auto& q = s.script.soql_by_reference;
  EXPECT_EQ(q.at("logins"),
            "SELECT Id, UserId, LoginTime, LoginType, Status, SourceIp, CountryIso, Application "
            "FROM LoginHistory WHERE UserId IN ('" +
                UserId18(0) + "','" + UserId18(1) +
                "') AND LoginTime >= 2024-01-02T02:50:00.000Z ORDER BY LoginTime ASC, Id ASC");
  EXPECT_EQ(q.at("audit_trail"),
            "SELECT Id, Action, Section, Display, CreatedDate, CreatedById, CreatedBy.Username, "
            "DelegateUser FROM SetupAuditTrail WHERE CreatedDate >= 2024-01-02T02:50:00.000Z "
            "ORDER BY CreatedDate ASC, Id ASC");
  EXPECT_NE(q.at("oauth_tokens").find("FROM OAuthToken WHERE UserId IN ('" + UserId18(0)),
            std::string::npos);
  EXPECT_NE(q.at("oauth_tokens")
                .find("(CreatedDate >= 2024-01-02T02:50:00.000Z OR LastUsedDate >= "
                      "2024-01-02T02:50:00.000Z)"),
            std::string::npos);
  EXPECT_EQ(q.at("api_usage_logs"),
            "SELECT Id, EventType, LogDate, Interval, LogFile, LogFileLength, CreatedDate FROM "
            "EventLogFile WHERE EventType = 'ApiTotalUsage' AND CreatedDate > "
            "2024-01-02T00:00:00.000Z ORDER BY CreatedDate ASC, Id ASC");
}

TEST(PollCycleTest, WithoutCursorsLooksBackTheInitialDays) {
  SteadyState s;
  auto users = MakeDirectory(1);
  auto target = Target(1);
  target.initial_lookback_days = 3;
  auto result = RunSync(Poll(s.api, target, users, PollCursors{}, AllSources()));
  const auto& q = s.script.soql_by_reference;
  EXPECT_NE(q.at("logins").find("AND LoginTime = LAST_N_DAYS:3 ORDER BY"), std::string::npos);
  EXPECT_NE(q.at("audit_trail").find("WHERE CreatedDate = LAST_N_DAYS:3 ORDER BY"),
            std::string::npos);
  EXPECT_EQ(q.at("oauth_tokens").find("CreatedDate >="), std::string::npos);
  EXPECT_NE(q.at("api_usage_logs").find("AND CreatedDate = LAST_N_DAYS:3 ORDER BY"),
            std::string::npos);
  // Nothing seen: the cursors stay unset.
  EXPECT_FALSE(result.cursors.logins);
  EXPECT_FALSE(result.cursors.audit_trail);
  EXPECT_FALSE(result.cursors.event_log_files);
}

TEST(PollCycleTest, UsernamesWithQuotesCannotInjectIntoTheQueries) {
  SteadyState s;
  UserDirectory users;
  users.username_by_id["005000000000001' OR Id != '"] = "evil@x.example";
  auto target = Target(0);
  RunSync(Poll(s.api, target, users, SteadyCursors(), {Source::kLogins}));
  EXPECT_NE(s.script.soql_by_reference.at("logins").find(R"(IN ('005000000000001\' OR Id != \''))"),
            std::string::npos);
}

TEST(PollCycleTest, EmptyDirectorySkipsTheUserBoundQueries) {
  SteadyState s;
  UserDirectory users;
  auto target = Target(1);
  auto cursors = SteadyCursors();
  auto result = RunSync(Poll(s.api, target, users, cursors, AllSources()));
  EXPECT_EQ(s.api.calls[0].argument, "audit_trail,api_usage_logs");
  EXPECT_EQ(result.api_calls, 2);
  EXPECT_FALSE(result.outcomes.at(Source::kLogins).error);
  EXPECT_FALSE(result.outcomes.at(Source::kOAuthTokens).error);
  EXPECT_EQ(result.cursors.logins, cursors.logins);
  EXPECT_EQ(result.cursors.oauth_tokens, cursors.oauth_tokens);
}

TEST(PollCycleTest, OnlyTheDueSourcesAreRead) {
  SteadyState s;
  auto users = MakeDirectory(1);
  auto target = Target(1);
  auto limits_only = RunSync(Poll(s.api, target, users, SteadyCursors(), {Source::kLimits}));
  EXPECT_EQ(limits_only.api_calls, 1);
  ASSERT_EQ(s.api.calls.size(), 1u);
  EXPECT_EQ(s.api.calls[0].method, "GetLimits");
  EXPECT_EQ(limits_only.outcomes.size(), 1u);

  s.api.calls.clear();
  auto logins_only = RunSync(Poll(s.api, target, users, SteadyCursors(), {Source::kLogins}));
  EXPECT_EQ(logins_only.api_calls, 1);
  ASSERT_EQ(s.api.calls.size(), 1u);
  EXPECT_EQ(s.api.calls[0].argument, "logins");
  EXPECT_FALSE(logins_only.limits);
}

TEST(PollCycleTest, NewRowsMoveTheCursorsToTheNewestTimestampSeen) {
  SteadyState s;
  auto users = MakeDirectory(1);
  auto target = Target(1);
  s.script.OnRecords("logins",
                     {LoginRow("0Ya000000000001AAA", UserId18(0), "2024-01-02T03:04:05.000+0000"),
                      LoginRow("0Ya000000000002AAA", UserId18(0), "2024-01-02T03:10:00.000+0000",
                               "Invalid Password")});
  s.script.OnRecords("audit_trail",
                     {AuditRow("0Ym000000000001AAA", "2024-01-02T03:05:00.000+0000")});
  auto result = RunSync(Poll(s.api, target, users, SteadyCursors(), AllSources()));
  ASSERT_EQ(result.logins.size(), 2u);
  EXPECT_EQ(result.logins[0].username, "integration0@x.example");
  EXPECT_EQ(result.logins[1].outcome, LoginOutcome::kInvalidPassword);
  EXPECT_EQ(result.cursors.logins, At("2024-01-02T03:10:00.000+0000"));
  EXPECT_EQ(result.cursors.audit_trail, At("2024-01-02T03:05:00.000+0000"));
  ASSERT_EQ(result.audit.size(), 1u);
  EXPECT_EQ(result.audit[0].actor_username, "admin@x.example");
  EXPECT_TRUE(result.requires_permission_read());
  EXPECT_EQ(result.api_calls, 2);
}

TEST(PollCycleTest, RowsOfTheOverlapComeAgainWithoutMovingTheCursorBack) {
  SteadyState s;
  auto users = MakeDirectory(1);
  auto target = Target(1);
  auto cursors = SteadyCursors();  // 03:00; the overlap reaches back to 02:50
  s.script.OnRecords("logins",
                     {LoginRow("0Ya000000000001AAA", UserId18(0), "2024-01-02T02:55:00.000+0000")});
  auto result = RunSync(Poll(s.api, target, users, cursors, AllSources()));
  ASSERT_EQ(result.logins.size(), 1u);
  EXPECT_EQ(result.logins[0].id, "0Ya000000000001AAA");
  EXPECT_EQ(result.cursors.logins, cursors.logins);
}

TEST(PollCycleTest, FailedSubrequestFailsOnlyItsSource) {
  SteadyState s;
  auto users = MakeDirectory(1);
  auto target = Target(1);
  auto cursors = SteadyCursors();
  s.script.On("audit_trail", [](const std::string&) {
    return ErrorSubresponse(400, "INVALID_TYPE",
                            "sObject type 'SetupAuditTrail' is not supported.");
  });
  s.script.OnRecords("logins",
                     {LoginRow("0Ya000000000001AAA", UserId18(0), "2024-01-02T03:04:05.000+0000")});
  auto result = RunSync(Poll(s.api, target, users, cursors, AllSources()));
  ASSERT_TRUE(result.outcomes.at(Source::kAuditTrail).error);
  EXPECT_EQ(result.outcomes.at(Source::kAuditTrail).error->error_code, "INVALID_TYPE");
  EXPECT_EQ(result.cursors.audit_trail, cursors.audit_trail);
  EXPECT_FALSE(result.outcomes.at(Source::kLogins).error);
  EXPECT_EQ(result.cursors.logins, At("2024-01-02T03:04:05.000+0000"));
  EXPECT_FALSE(result.outcomes.at(Source::kLimits).error);
  EXPECT_EQ(result.api_calls, 2);
}

TEST(PollCycleTest, FailedCompositeFailsItsSourcesButNotLimits) {
  FakeApi api;
  api.on_composite =
      [](const salesforce::CompositeRequest&) -> FakeApi::Result<salesforce::CompositeResponse> {
    auto e = salesforce::MakeError(salesforce::ErrorKind::kTimeout, "deadline", "POST composite");
    return tl::unexpected(e);
  };
  api.on_limits = [] { return SomeLimits(); };
  auto users = MakeDirectory(1);
  auto target = Target(1);
  auto cursors = SteadyCursors();
  auto result = RunSync(Poll(api, target, users, cursors, AllSources()));
  for (Source s :
       {Source::kLogins, Source::kAuditTrail, Source::kOAuthTokens, Source::kApiUsageLogs}) {
    ASSERT_TRUE(result.outcomes.at(s).error) << ToString(s);
    EXPECT_EQ(result.outcomes.at(s).error->kind, salesforce::ErrorKind::kTimeout);
  }
  EXPECT_FALSE(result.outcomes.at(Source::kLimits).error);
  EXPECT_TRUE(result.limits);
  EXPECT_EQ(result.cursors.logins, cursors.logins);
  EXPECT_EQ(result.cursors.event_log_files, cursors.event_log_files);
  EXPECT_EQ(result.api_calls, 2);
}

TEST(PollCycleTest, FailedLimitsLeaveTheQueriesAlone) {
  SteadyState s;
  s.api.on_limits = []() -> FakeApi::Result<salesforce::Limits> {
    return tl::unexpected(salesforce::MakeError(salesforce::ErrorKind::kHttp, "502", "GET limits"));
  };
  auto users = MakeDirectory(1);
  auto target = Target(1);
  auto result = RunSync(Poll(s.api, target, users, SteadyCursors(), AllSources()));
  EXPECT_TRUE(result.outcomes.at(Source::kLimits).error);
  EXPECT_FALSE(result.limits);
  EXPECT_FALSE(result.outcomes.at(Source::kLogins).error);
}

TEST(PollCycleTest, CallsRefusedByTheBudgetCostNothing) {
  FakeApi api;
  auto refused = salesforce::MakeError(salesforce::ErrorKind::kBudget, "over budget");
  api.on_composite =
      [&](const salesforce::CompositeRequest&) -> FakeApi::Result<salesforce::CompositeResponse> {
    return tl::unexpected(refused);
  };
  api.on_limits = [&]() -> FakeApi::Result<salesforce::Limits> { return tl::unexpected(refused); };
  auto users = MakeDirectory(1);
  auto target = Target(1);
  auto result = RunSync(Poll(api, target, users, SteadyCursors(), AllSources()));
  EXPECT_EQ(result.api_calls, 0);
  EXPECT_EQ(result.outcomes.at(Source::kLogins).error->kind, salesforce::ErrorKind::kBudget);
}

TEST(PollCycleTest, FurtherPagesAreReadWithQueryMoreAndCountOneCallEach) {
  SteadyState s;
  auto users = MakeDirectory(1);
  auto target = Target(1);
  const std::string next = "/services/data/v62.0/query/01gD0000000001-2000";
  s.script.OnRecords("logins",
                     {LoginRow("0Ya000000000001AAA", UserId18(0), "2024-01-02T03:01:00.000+0000")},
                     next);
  s.api.on_query_more =
      [&](const std::string& url) -> FakeApi::Result<std::vector<salesforce::QueryPage>> {
    EXPECT_EQ(url, next);
    return std::vector<salesforce::QueryPage>{
        Page({LoginRow("0Ya000000000002AAA", UserId18(0), "2024-01-02T03:02:00.000+0000")},
             next + "x"),
        Page({LoginRow("0Ya000000000003AAA", UserId18(0), "2024-01-02T03:03:00.000+0000")})};
  };
  auto result = RunSync(Poll(s.api, target, users, SteadyCursors(), AllSources()));
  ASSERT_EQ(result.logins.size(), 3u);
  EXPECT_EQ(result.logins[2].id, "0Ya000000000003AAA");
  EXPECT_EQ(result.cursors.logins, At("2024-01-02T03:03:00.000+0000"));
  EXPECT_EQ(result.api_calls, 4);  // composite + 2 pages + limits
  EXPECT_EQ(s.api.api_calls, 4);
}

TEST(PollCycleTest, FailedQueryMoreFailsOnlyItsSourceAndKeepsItsCursor) {
  SteadyState s;
  auto users = MakeDirectory(1);
  auto target = Target(1);
  auto cursors = SteadyCursors();
  s.script.OnRecords("logins",
                     {LoginRow("0Ya000000000001AAA", UserId18(0), "2024-01-02T03:01:00.000+0000")},
                     "/services/data/v62.0/query/01gD0000000001-2000");
  s.script.OnRecords("audit_trail",
                     {AuditRow("0Ym000000000001AAA", "2024-01-02T03:05:00.000+0000")});
  s.api.on_query_more =
      [](const std::string&) -> FakeApi::Result<std::vector<salesforce::QueryPage>> {
    return tl::unexpected(
        salesforce::MakeError(salesforce::ErrorKind::kTransport, "reset", "GET query"));
  };
  auto result = RunSync(Poll(s.api, target, users, cursors, AllSources()));
  ASSERT_TRUE(result.outcomes.at(Source::kLogins).error);
  EXPECT_EQ(result.cursors.logins, cursors.logins);
  EXPECT_EQ(result.logins.size(), 1u);  // delivered; the next poll reads them again
  EXPECT_FALSE(result.outcomes.at(Source::kAuditTrail).error);
  EXPECT_EQ(result.cursors.audit_trail, At("2024-01-02T03:05:00.000+0000"));
  EXPECT_EQ(result.api_calls, 3);
  EXPECT_EQ(s.api.api_calls, 3);
}

TEST(PollCycleTest, IdListsBeyondTheSafeBoundAreSplitAndStillCoverEveryUser) {
  SteadyState s;
  auto users = MakeDirectory(3000);
  auto target = Target(3000);
  auto result = RunSync(Poll(s.api, target, users, SteadyCursors(), AllSources()));
  const auto& q = s.script.soql_by_reference;
  ASSERT_TRUE(q.contains("logins_1"));
  ASSERT_TRUE(q.contains("oauth_tokens_1"));
  for (const auto& [ref, soql] : q) EXPECT_LT(soql.size(), 100'000u) << ref;
  for (int i : {0, 1500, 2999}) {
    std::string quoted = "'" + UserId18(i) + "'";
    int found = 0;
    for (const char* ref : {"logins", "logins_1", "logins_2"}) {
      if (q.contains(ref) && q.at(ref).find(quoted) != std::string::npos) ++found;
    }
    EXPECT_EQ(found, 1) << i;
  }
  // 6 queries need two composites (at most 5 queries each), plus /limits.
  EXPECT_EQ(s.script.composites, 2);
  EXPECT_EQ(result.api_calls, 3);
  for (const auto& [source, outcome] : result.outcomes) EXPECT_FALSE(outcome.error);
}

TEST(PollCycleTest, PerSourceDurationsAreReported) {
  SteadyState s;
  auto users = MakeDirectory(1);
  auto target = Target(1);
  auto result = RunSync(Poll(s.api, target, users, SteadyCursors(), AllSources()));
  for (const auto& [source, outcome] : result.outcomes) {
    EXPECT_GE(outcome.duration.count(), 0) << ToString(source);
  }
  EXPECT_EQ(ToString(Source::kApiUsageLogs), "api_usage_logs");
  EXPECT_EQ(ToString(Source::kOAuthTokens), "oauth_tokens");
}

}  // namespace
}  // namespace sfwarden::collectors
