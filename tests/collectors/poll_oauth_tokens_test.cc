#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collectors/detail/poll_sources.h"
#include "collectors/poll_cycle.h"
#include "salesforce/soql.h"
#include "tests/collectors/poll_test_util.h"

namespace sfwarden::collectors {
namespace {
using poll_testing::CompositeScript;
using poll_testing::MakeDirectory;
using poll_testing::UserId18;
using testing::FakeApi;
using testing::RunSync;

Time At(const char* iso) {
  return std::chrono::floor<std::chrono::milliseconds>(*salesforce::ParseSalesforceDateTime(iso));
}

nlohmann::json Token(const std::string& id, const std::string& created, nlohmann::json last_used,
                     int uses) {
  return {{"attributes", {{"type", "OAuthToken"}}},
          {"Id", id},
          {"AppName", "HubSpot"},
          {"CreatedDate", created},
          {"LastUsedDate", std::move(last_used)},
          {"UseCount", uses},
          {"UserId", UserId18(0)}};
}

TEST(PollOAuthTokensTest, TokensCreatedOrUsedMoveTheCursorToTheNewestOfBoth) {
  FakeApi api;
  CompositeScript script;
  script.Install(api);
  script.OnRecords("oauth_tokens",
                   {Token("0CR000000000001AAA", "2024-01-01T00:00:00.000+0000",
                          "2024-01-02T03:30:00.000+0000", 42),
                    Token("0CR000000000002AAA", "2024-01-02T03:10:00.000+0000", nullptr, 0)});
  OrgTarget target;
  auto users = MakeDirectory(1);
  PollCursors cursors;
  cursors.oauth_tokens = At("2024-01-02T03:00:00.000+0000");
  auto result = RunSync(Poll(api, target, users, cursors, {Source::kOAuthTokens}));
  ASSERT_EQ(result.oauth_tokens.size(), 2u);
  const auto& used = result.oauth_tokens[0];
  EXPECT_EQ(used.username, "integration0@x.example");
  EXPECT_EQ(used.app_name, "HubSpot");
  EXPECT_EQ(used.use_count, 42);
  EXPECT_EQ(used.last_used, At("2024-01-02T03:30:00.000+0000"));
  EXPECT_FALSE(result.oauth_tokens[1].last_used);
  EXPECT_EQ(result.cursors.oauth_tokens, At("2024-01-02T03:30:00.000+0000"));
  EXPECT_EQ(result.api_calls, 1);
}

TEST(PollOAuthTokensTest, TokenOfAnUnknownUserIsDropped) {
  auto users = MakeDirectory(1);
  auto row = Token("0CR1", "2024-01-01T00:00:00.000+0000", nullptr, 1);
  EXPECT_TRUE(detail::DecodeOAuthToken(row, users));
  row["UserId"] = "005999999999999AAA";
  EXPECT_FALSE(detail::DecodeOAuthToken(row, users));
}

}  // namespace
}  // namespace sfwarden::collectors
