// Poll with the real salesforce::Client against an in-process sfsim: what the control API
// records shows up in the next poll, and sfsim's own call counters confirm the cost.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>

#include "collectors/poll_cycle.h"
#include "salesforce/client.h"
#include "salesforce/soql.h"
#include "sim/generator.h"
#include "sim/org_file.h"
#include "sim/sim.h"
#include "tests/support/sim/in_process_sim.h"
#include "tests/collectors/poll_test_util.h"
#include "tests/salesforce/async_test_util.h"

namespace sfwarden::collectors {
namespace {
using namespace std::chrono_literals;
using nlohmann::json;
using poll_testing::AllSources;

constexpr const char* kOrg = R"(
organization: { name: Acme }
api_version: "62.0"
clock: { start: 2024-03-04T10:00:00Z }
limits: { DailyApiRequests: 15000 }
profiles:
  - { name: System Administrator }
  - { name: Salesforce API Only System Integrations }
users:
  - { username: admin@acme.example, name: Ada Admin, profile: System Administrator }
  - { username: other.admin@acme.example, name: Otto Admin, profile: System Administrator }
  - { username: hubspot@acme.example, name: HubSpot Integration, profile: Salesforce API Only System Integrations, permission_sets: [HubSpot_Sync_Access], groups: [HubSpot_Integration_Group] }
  - { username: human@acme.example, name: Hugh Human }
permission_sets:
  - { name: HubSpot_Sync_Access, label: HubSpot Sync Access }
  - { name: Extra_Access, label: Extra Access }
groups:
  - { name: HubSpot_Integration_Group, label: HubSpot Integration Group, type: Regular, members: [hubspot@acme.example] }
connected_apps:
  - { name: sfwarden, client_id: sfwarden-client-id, client_secret: sfwarden-client-secret, execution_user: admin@acme.example }
  - { name: HubSpot, client_id: hubspot-client-id, client_secret: hubspot-secret, execution_user: hubspot@acme.example }
)";

/// sfsim in-process, the real Client over SimTransport, and helpers around both.
class SimOrg {
 public:
  SimOrg(const std::string& org_yaml, const std::string& client_id,
         const std::string& client_secret)
      : sim_(sim::LoadOrgText(org_yaml)), transport_(sim_) {
    sim_.set_base_url("http://127.0.0.1:1");
    salesforce::ClientConfig config;
    config.org = "sim";
    config.api_version = "62.0";
    config.auth.flow = salesforce::AuthConfig::Flow::kClientCredentials;
    config.auth.login_url = "http://127.0.0.1:1";
    config.auth.client_id = client_id;
    config.auth.client_secret = client_secret;
    config.budget.max_daily_share = 1.0;
    config.backoff = salesforce::BackoffPolicy{1, 1ms, 1ms, 1ms};
    client_ = std::make_unique<salesforce::Client>(ioc_, transport_, registry_, config);
  }

  json Control(const std::string& method, const std::string& path, const json& body = nullptr) {
    sim::Request request;
    request.method = method;
    request.target = path;
    if (!body.is_null()) {
      request.body = body.dump();
      request.headers["content-type"] = "application/json";
    }
    auto response = sim_.Handle(request);
    EXPECT_LT(response.status, 300) << path << ": " << response.body;
    return json::parse(response.body, nullptr, false);
  }
  std::int64_t CallsCounted() {
    return Control("GET", "/__sim/counters")["total"].get<std::int64_t>();
  }

  /// The users' Ids and display names, from one small query (ReadPermissions is not used
  /// here on purpose: these tests are about Poll).
  UserDirectory Directory(const std::string& where) {
    UserDirectory users;
    auto soql = "SELECT Id, Username, Name FROM User WHERE " + where;
    auto summary = Run(client_->Query(soql,
                                      [&](salesforce::QueryPage&& page) {
                                        for (const auto& r : page.records) {
                                          auto id = r["Id"].get<std::string>();
                                          auto username = r["Username"].get<std::string>();
                                          users.username_by_id[id] = username;
                                          users.username_by_id[id.substr(0, 15)] = username;
                                          users.name_by_username[username] =
                                              r["Name"].get<std::string>();
                                        }
                                        return true;
                                      },
                                      {}));
    EXPECT_TRUE(summary) << summary.error();
    return users;
  }

  PollResult Poll(const OrgTarget& target, const UserDirectory& users, const PollCursors& cursors,
                  std::vector<Source> due = AllSources()) {
    auto result = Run(collectors::Poll(*client_, target, users, cursors, std::move(due)));
    for (const auto& [source, outcome] : result.outcomes) {
      EXPECT_FALSE(outcome.error) << ToString(source) << ": " << *outcome.error;
    }
    return result;
  }

  void Advance(const std::string& by) { Control("POST", "/__sim/clock", {{"advance", by}}); }

  template <class T>
  T Run(boost::asio::awaitable<T> task) {
    return salesforce::testing::RunAwaitable(ioc_, std::move(task));
  }

 private:
  sim::Sim sim_;
  sfwarden::testing::InProcessSimTransport transport_;
  boost::asio::io_context ioc_;
  prometheus::Registry registry_;
  std::unique_ptr<salesforce::Client> client_;
};

OrgTarget AcmeTarget() {
  OrgTarget target;
  target.org = "acme";
  target.usernames = {"hubspot@acme.example"};
  target.permission_sets["HubSpot_Sync_Access"] = {};
  target.public_groups = {"HubSpot_Integration_Group"};
  return target;
}

class PollSfsimTest : public ::testing::Test {
 protected:
  PollSfsimTest() : org(kOrg, "sfwarden-client-id", "sfwarden-client-secret") {
    users = org.Directory("Username = 'hubspot@acme.example'");
  }
  SimOrg org;
  OrgTarget target = AcmeTarget();
  UserDirectory users;
};

TEST_F(PollSfsimTest, LoginsRecordedThroughTheControlApiShowUpInTheNextPoll) {
  auto first = org.Poll(target, users, {});
  EXPECT_TRUE(first.logins.empty());
  org.Advance("1m");
  org.Control("POST", "/__sim/logins",
              {{"username", "hubspot@acme.example"},
               {"source_ip", "54.174.1.2"},
               {"country_iso", "US"},
               {"application", "HubSpot"}});
  org.Control("POST", "/__sim/logins",
              {{"username", "hubspot@acme.example"},
               {"source_ip", "203.0.113.9"},
               {"status", "Invalid Password"},
               {"login_type", "Other Apex API"}});
  org.Control("POST", "/__sim/logins", {{"username", "human@acme.example"}});
  org.Advance("1m");
  auto second = org.Poll(target, users, first.cursors);
  ASSERT_EQ(second.logins.size(), 2u);
  EXPECT_EQ(second.logins[0].username, "hubspot@acme.example");
  EXPECT_EQ(second.logins[0].source_ip, "54.174.1.2");
  EXPECT_EQ(second.logins[0].outcome, LoginOutcome::kSuccess);
  EXPECT_EQ(second.logins[0].kind, LoginKind::kOAuth);
  EXPECT_EQ(second.logins[1].outcome, LoginOutcome::kInvalidPassword);
  EXPECT_EQ(second.logins[1].kind, LoginKind::kApi);
  ASSERT_TRUE(second.cursors.logins);
  EXPECT_EQ(*second.cursors.logins, second.logins[1].time);
}

TEST_F(PollSfsimTest, TheOverlapRedeliversWithoutTheCursorGoingBack) {
  auto recorded = org.Control("POST", "/__sim/logins", {{"username", "hubspot@acme.example"}});
  auto first = org.Poll(target, users, {});
  ASSERT_EQ(first.logins.size(), 1u);
  ASSERT_TRUE(first.cursors.logins);
  const Time cursor = *first.cursors.logins;

  org.Advance("2m");
  // A row Salesforce wrote late: older than the cursor, inside the 10-minute overlap.
  org.Control("POST", "/__sim/logins",
              {{"username", "hubspot@acme.example"},
               {"time", salesforce::SoqlDateTime(cursor - 5min)},
               {"source_ip", "198.51.100.1"}});
  auto second = org.Poll(target, users, first.cursors);
  ASSERT_EQ(second.logins.size(), 2u);  // the late row and the first one again
  EXPECT_EQ(second.logins[0].source_ip, "198.51.100.1");
  EXPECT_EQ(second.logins[1].id, recorded["id"].get<std::string>());
  EXPECT_EQ(second.cursors.logins, cursor);

  // The overlap hangs off the cursor, not the clock: until a newer row arrives the same
  // rows come again (the state store drops them by Id), and the cursor holds.
  org.Advance("11m");
  auto third = org.Poll(target, users, second.cursors);
  EXPECT_EQ(third.logins.size(), 2u);
  EXPECT_EQ(third.cursors.logins, cursor);

  org.Control("POST", "/__sim/logins", {{"username", "hubspot@acme.example"}});
  auto fourth = org.Poll(target, users, third.cursors);
  ASSERT_EQ(fourth.logins.size(), 3u);
  EXPECT_EQ(fourth.cursors.logins, fourth.logins[2].time);
  EXPECT_GT(*fourth.cursors.logins, cursor);
  auto fifth = org.Poll(target, users, fourth.cursors);
  ASSERT_EQ(fifth.logins.size(), 1u);  // the older two are now outside the overlap
  EXPECT_EQ(fifth.cursors.logins, fourth.cursors.logins);
}

TEST_F(PollSfsimTest, ApiTotalUsageIsAttributedToTheRightUser) {
  auto first = org.Poll(target, users, {});
  org.Control("POST", "/__sim/api-usage",
              {{"username", "hubspot@acme.example"},
               {"app", "HubSpot"},
               {"client_ip", "54.174.1.2"},
               {"calls", 7}});
  org.Control("POST", "/__sim/api-usage",
              {{"username", "human@acme.example"}, {"client_ip", "10.1.1.1"}, {"calls", 3}});
  auto file = org.Control("POST", "/__sim/event-log-files", {{"date", "2024-03-04"}});
  org.Advance("1m");
  auto second = org.Poll(target, users, first.cursors);
  ASSERT_EQ(second.event_log_files.size(), 1u);
  const auto& result = second.event_log_files[0];
  EXPECT_EQ(result.file.id, file["id"].get<std::string>());
  EXPECT_EQ(result.file.interval, "Daily");
  EXPECT_EQ(result.file.rows_watched, 7);
  EXPECT_GT(result.file.rows, 10);  // also the human's and sfwarden's own calls
  ASSERT_EQ(result.usage.size(), 1u);
  EXPECT_EQ(result.usage[0].username, "hubspot@acme.example");
  EXPECT_EQ(result.usage[0].connected_app, "HubSpot");
  EXPECT_EQ(result.usage[0].client_ip, "54.174.1.2");
  EXPECT_EQ(result.usage[0].calls, 7);
  EXPECT_EQ(result.usage[0].calls_not_counted, 0);
  ASSERT_TRUE(second.cursors.event_log_files);

  org.Advance("1m");  // the file is not read twice
  auto third = org.Poll(target, users, second.cursors);
  EXPECT_TRUE(third.event_log_files.empty());
  EXPECT_EQ(third.api_calls, 2);
}

TEST_F(PollSfsimTest, HourlyFilesAreReadAndALateFileOfAnHourCarriesOnlyItsNewCalls) {
  auto first = org.Poll(target, users, {});
  org.Control("POST", "/__sim/api-usage",
              {{"username", "hubspot@acme.example"},
               {"app", "HubSpot"},
               {"time", "2024-03-04T10:00:30Z"},
               {"calls", 4}});
  auto early = org.Control("POST", "/__sim/event-log-files", {{"hour", "2024-03-04T10:00:00Z"}});
  org.Control("POST", "/__sim/api-usage",
              {{"username", "hubspot@acme.example"},
               {"app", "HubSpot"},
               {"time", "2024-03-04T10:00:40Z"},
               {"calls", 2}});
  org.Advance("1m");
  auto late = org.Control("POST", "/__sim/event-log-files", {{"hour", "2024-03-04T10:00:00Z"}});
  org.Advance("1m");
  auto before = org.CallsCounted();
  auto second = org.Poll(target, users, first.cursors);
  EXPECT_EQ(second.api_calls, 4);  // composite, limits, two downloads
  EXPECT_EQ(org.CallsCounted() - before, second.api_calls);
  ASSERT_EQ(second.event_log_files.size(), 2u);
  EXPECT_EQ(second.event_log_files[0].file.id, early["id"].get<std::string>());
  EXPECT_EQ(second.event_log_files[1].file.id, late["id"].get<std::string>());
  for (const auto& f : second.event_log_files) {
    EXPECT_EQ(f.file.interval, "Hourly");
    EXPECT_EQ(f.file.log_date, Time(std::chrono::sys_days(std::chrono::year(2024) / 3 / 4) +
                                    std::chrono::hours(10)));
    ASSERT_EQ(f.usage.size(), 1u);
  }
  EXPECT_EQ(second.event_log_files[0].usage[0].calls, 4);
  EXPECT_EQ(second.event_log_files[1].usage[0].calls, 2);  // not the 4 again

  org.Advance("1m");  // steady state: nothing new, two calls
  auto third = org.Poll(target, users, second.cursors);
  EXPECT_TRUE(third.event_log_files.empty());
  EXPECT_EQ(third.api_calls, 2);
}

TEST_F(PollSfsimTest, AssignmentByAnotherAdminIsAnAuditObservationThatAsksForARead) {
  auto first = org.Poll(target, users, {});
  EXPECT_FALSE(first.requires_permission_read());
  org.Advance("1m");
  org.Control("POST", "/__sim/act",
              {{"actor", "other.admin@acme.example"},
               {"action", "assign_permission_set"},
               {"username", "hubspot@acme.example"},
               {"permission_set", "Extra_Access"}});
  org.Control("POST", "/__sim/act",
              {{"actor", "other.admin@acme.example"},
               {"action", "assign_permission_set"},
               {"username", "human@acme.example"},
               {"permission_set", "Extra_Access"}});
  org.Advance("1m");
  auto second = org.Poll(target, users, first.cursors);
  ASSERT_EQ(second.audit.size(), 2u);
  const auto& watched = second.audit[0];
  EXPECT_EQ(watched.action, "PermSetAssign");
  EXPECT_EQ(watched.actor_username, "other.admin@acme.example");
  EXPECT_EQ(watched.concerns.usernames, std::set<std::string>{"hubspot@acme.example"});
  EXPECT_TRUE(watched.requires_permission_read);
  EXPECT_TRUE(second.audit[1].concerns.empty());
  EXPECT_FALSE(second.audit[1].requires_permission_read);
  EXPECT_TRUE(second.requires_permission_read());

  org.Control("POST", "/__sim/act",
              {{"actor", "other.admin@acme.example"},
               {"action", "remove_group_member"},
               {"username", "hubspot@acme.example"},
               {"group", "HubSpot_Integration_Group"}});
  org.Advance("1m");
  auto third = org.Poll(target, users, second.cursors);
  ASSERT_FALSE(third.audit.empty());
  const auto& removed = third.audit.back();
  EXPECT_EQ(removed.action, "groupMembership");
  EXPECT_EQ(removed.concerns.groups, std::set<std::string>{"HubSpot_Integration_Group"});
  EXPECT_TRUE(removed.requires_permission_read);
}

TEST_F(PollSfsimTest, SfsimCountsExactlyTheCallsThePollReports) {
  org.Control("POST", "/__sim/tokens",
              {{"username", "hubspot@acme.example"}, {"app", "HubSpot"}, {"refresh_token", true}});
  auto before = org.CallsCounted();
  auto first = org.Poll(target, users, {});
  EXPECT_EQ(org.CallsCounted() - before, first.api_calls);
  ASSERT_EQ(first.oauth_tokens.size(), 1u);
  EXPECT_EQ(first.oauth_tokens[0].app_name, "HubSpot");
  org.Control("POST", "/__sim/api-usage",
              {{"username", "hubspot@acme.example"}, {"app", "HubSpot"}, {"calls", 2}});
  org.Control("POST", "/__sim/event-log-files", {{"date", "2024-03-04"}});
  org.Advance("1m");
  before = org.CallsCounted();
  auto second = org.Poll(target, users, first.cursors);
  EXPECT_EQ(second.api_calls, 3);  // composite, limits, one download
  EXPECT_EQ(org.CallsCounted() - before, second.api_calls);
  ASSERT_EQ(second.oauth_tokens.size(), 1u);  // used since the cursor
  EXPECT_EQ(second.oauth_tokens[0].use_count, 2);
}

TEST(PollSfsimCostTest, SteadyStateCostsAtMostTwoCallsAt1To1000Users) {
  // sfsim once matched the ~27 KB 1,000-user subrequest URL with a per-character
  // recursive std::regex and overflowed the stack: this runs on the normal stack.
  for (int n : {1, 10, 100, 1000}) {
      SCOPED_TRACE(n);
      SimOrg org(sim::GenerateOrgYaml({.integrations = n, .humans = 20}), "bench-client",
                 "bench-secret");
      auto users = org.Directory("Username LIKE 'integration%@bench.example'");
      ASSERT_EQ(users.name_by_username.size(), static_cast<std::size_t>(n));
      OrgTarget target;
      target.org = "bench";
      for (const auto& [username, name] : users.name_by_username)
        target.usernames.push_back(username);
      org.Control("POST", "/__sim/logins", {{"username", target.usernames.front()}});

      auto before = org.CallsCounted();
      auto first = org.Poll(target, users, {});
      auto first_calls = org.CallsCounted() - before;
      ASSERT_EQ(first.logins.size(), 1u);

      std::vector<std::int64_t> steady;
      auto cursors = first.cursors;
      for (int i = 0; i < 3; ++i) {
        org.Advance("1m");
        before = org.CallsCounted();
        auto next = org.Poll(target, users, cursors);
        steady.push_back(org.CallsCounted() - before);
        EXPECT_EQ(steady.back(), next.api_calls);
        EXPECT_LE(steady.back(), 2);
        cursors = next.cursors;
      }
      std::cout << "[poll-cost] users=" << n << " first_poll_calls=" << first_calls
                << " steady_state_calls_per_poll=" << steady[0] << "," << steady[1] << ","
                << steady[2] << " (sfsim /__sim/counters total)" << std::endl;
      ::testing::Test::RecordProperty("steady_state_calls_users_" + std::to_string(n),
                                      static_cast<int>(steady[0]));
  }
}

}  // namespace
}  // namespace sfwarden::collectors
