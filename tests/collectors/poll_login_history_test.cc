#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collectors/detail/poll_sources.h"
#include "collectors/poll_cycle.h"
#include "tests/collectors/poll_test_util.h"

namespace sfwarden::collectors {
namespace {
using poll_testing::AllSources;
using poll_testing::CompositeScript;
using poll_testing::Example;
using testing::FakeApi;
using testing::RunSync;

UserDirectory ExampleUsers() {
  UserDirectory users;
  users.username_by_id["0055g00000EXAMPLEAA"] = "integration.user@example.com";
  return users;
}

TEST(PollLoginHistoryTest, RowsOfTheReferencePayloadBecomeClassifiedObservations) {
  FakeApi api;
  CompositeScript script;
  script.Install(api);
  auto page = nlohmann::json::parse(Example("composed-rest-query-loginhistory.json"));
  script.On("logins", [&](const std::string&) {
    salesforce::CompositeSubresponse sub;
    sub.http_status = 200;
    sub.body = page;
    return sub;
  });
  OrgTarget target;
  target.usernames = {"integration.user@example.com"};
  auto users = ExampleUsers();
  auto result = RunSync(Poll(api, target, users, PollCursors{}, {Source::kLogins}));
  ASSERT_EQ(result.logins.size(), 2u);
  const auto& ok = result.logins[0];
  EXPECT_EQ(ok.id, "0Ya5g00000EXAMPLE1");
  EXPECT_EQ(ok.username, "integration.user@example.com");
  EXPECT_EQ(ok.user_id, "0055g00000EXAMPLEAA");
  EXPECT_EQ(ok.source_ip, "203.0.113.10");
  EXPECT_EQ(ok.country_iso, "US");
  EXPECT_EQ(ok.application, "sfwarden-integration");
  EXPECT_EQ(ok.login_type, "Remote Access 2.0");
  EXPECT_EQ(ok.kind, LoginKind::kOAuth);
  EXPECT_EQ(ok.outcome, LoginOutcome::kSuccess);
  EXPECT_EQ(result.logins[1].status, "Restricted IP");
  EXPECT_EQ(result.logins[1].outcome, LoginOutcome::kIpRestricted);
  ASSERT_TRUE(result.cursors.logins);
  EXPECT_EQ(*result.cursors.logins, result.logins[1].time);
}

// `record` as the login path reads it: a row of LoginHistoryFields().
salesforce::StringRow LoginRow(const nlohmann::json& record) {
  salesforce::QueryPage page;
  page.records.push_back(record);
  return salesforce::TakeStringRows(std::move(page), detail::LoginHistoryFields()).at(0);
}

TEST(PollLoginHistoryTest, FifteenCharacterUserIdResolvesAndStrangersAreDropped) {
  UserDirectory users;
  users.username_by_id["0055g00000EXAMPLEAA"] = "a@x.example";
  nlohmann::json row = {{"Id", "0Ya1"},
                        {"UserId", "0055g00000EXAMP"},
                        {"LoginTime", "2024-01-02T03:04:05.000+0000"},
                        {"Status", nullptr}};
  auto login = detail::DecodeLogin(LoginRow(row), users);
  ASSERT_TRUE(login);
  EXPECT_EQ(login->username, "a@x.example");
  EXPECT_EQ(login->status, "");
  EXPECT_EQ(login->outcome, LoginOutcome::kOther);
  row["UserId"] = "005000000000999AAA";
  EXPECT_FALSE(detail::DecodeLogin(LoginRow(row), users));
  row["UserId"] = "0055g00000EXAMPLEAA";
  row["LoginTime"] = "yesterday";
  EXPECT_FALSE(detail::DecodeLogin(LoginRow(row), users));
  row["LoginTime"] = "2024-01-02T03:04:05.000+0000";
  row["Id"] = 17;  // not a string: no Id
  EXPECT_FALSE(detail::DecodeLogin(LoginRow(row), users));
}

TEST(PollLoginHistoryTest, SoqlSelectsTheFieldsDecodeLoginReads) {
  OrgTarget target;
  auto soql = detail::LoginHistorySoql(std::vector<std::string>{"005000000000001AAA"}, std::nullopt,
                                       target);
  EXPECT_TRUE(
      soql.starts_with("SELECT Id, UserId, LoginTime, LoginType, Status, SourceIp, "
                       "CountryIso, Application FROM LoginHistory WHERE UserId IN "))
      << soql;
}

TEST(PollLoginHistoryTest, IdListsSplitUnderTheBound) {
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) ids.push_back("005000000000" + std::to_string(100 + i) + "AAA");
  auto chunks = detail::SplitIdList(ids, 21 * 4);  // four quoted Ids and commas per list
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].size(), 4u);
  EXPECT_EQ(chunks[2].size(), 2u);
  EXPECT_TRUE(detail::SplitIdList({}).empty());
  EXPECT_EQ(detail::SplitIdList(ids).size(), 1u);
}

TEST(PollLoginHistoryTest, DirectoryIdsAreOnePerUserPreferringTheLongForm) {
  UserDirectory users;
  users.username_by_id["0055g00000EXAMPLEAA"] = "a@x.example";
  users.username_by_id["0055g00000EXAMP"] = "a@x.example";
  users.username_by_id["0055g00000OTHER"] = "b@x.example";
  EXPECT_EQ(detail::DirectoryUserIds(users),
            (std::vector<std::string>{"0055g00000EXAMPLEAA", "0055g00000OTHER"}));
}

}  // namespace
}  // namespace sfwarden::collectors
