// The fault matrix of issue 10: sfsim injects a fault (control API /__sim/faults) into
// what `sfwarden run` reads or writes, and each test checks that the daemon stays up, marks
// the affected source failed (sfwarden_collector_success 0: what the Prometheus rule
// SfwardenCollectorFailing fires on), leaves the other sources and orgs alone, recovers by
// itself once the fault ends, and neither loses, double-counts nor half-applies anything.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/integration/fault_fixture.h"

namespace sfwarden {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using testing::kHubspot;
using testing::Sample;

class FaultsTest : public testing::FaultTest {};

// The Prometheus alerting rule an operator gets for a failing source: the tests check
// the series it selects, so the rule and the metric must stay in step.
TEST(FaultAlertRuleTest, CollectorFailingRuleSelectsTheSuccessGauge) {
  std::ifstream in(testing::SourcePath("alerts/prometheus/sfwarden.rules.yml"));
  std::stringstream rules;
  rules << in.rdbuf();
  EXPECT_THAT(rules.str(), HasSubstr("alert: SfwardenCollectorFailing\n"
                                     "        expr: sfwarden_collector_success == 0"));
}

// One read fault on GET /limits (a source of its own), and what the client reports.
struct ReadFault {
  std::string name;
  std::string rule;     // the /__sim/faults body, without the path
  std::string outcome;  // sfwarden_salesforce_calls_total{kind="limits"} outcome it shows as
};

class ReadFaultTest : public testing::FaultTest, public ::testing::WithParamInterface<ReadFault> {};

TEST_P(ReadFaultTest, FailsOnlyItsSourceAndRecoversWhenItEnds) {
  const ReadFault& fault = GetParam();
  WriteConfig(testing::FaultOrgConfig("sim", SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  WaitForValue("sfwarden_collector_success", Source("sim", "limits"), 1);

  AddFault(sim_port_,
           R"({"path": "/services/data/v62.0/limits", "count": 1000, )" + fault.rule + "}");
  auto m = WaitForValue("sfwarden_collector_success", Source("sim", "limits"), 0);
  // A reply that does not decode was a successful HTTP exchange: only the source fails.
  if (fault.outcome != "decode") {
    EXPECT_GT(FailedCalls(m, "sim", "limits"), 0) << fault.name;
  }
  // The other sources of the org go on (one composite read, its own success).
  WaitForPolls("sim", "logins", 2);
  EXPECT_EQ(Sample(Metrics(), "sfwarden_collector_success", Source("sim", "logins")), 1);
  EXPECT_TRUE(sfwarden->Running());
  EXPECT_EQ(testing::HttpGet(port_, "/-/healthy").status, 200);

  ClearFaults(sim_port_);
  WaitForValue("sfwarden_collector_success", Source("sim", "limits"), 1);
  RecordLogin(sim_port_, kHubspot);
  WaitForValue("sfwarden_logins_total", Logins("sim", kHubspot), 1);
  EXPECT_TRUE(sfwarden->WaitForOutput("org sim: reading limits works again", 5s))
      << sfwarden->Stderr();
  EXPECT_EQ(Sample(Metrics(), "sfwarden_internal_errors_total", {{"component", "org_monitor"}})
                .value_or(0),
            0);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, ReadFaultTest,
    ::testing::Values(
        ReadFault{"ServiceUnavailableBurst", R"("kind": "status", "status": 503)", "http_error"},
        ReadFault{"ConnectionClosedMidBody", R"("kind": "close", "bytes": 20)", "transport"},
        ReadFault{"TruncatedJson", R"("kind": "truncate")", "decode"},
        ReadFault{"MalformedJson", R"("kind": "malformed")", "decode"}),
    [](const ::testing::TestParamInfo<ReadFault>& p) { return p.param.name; });

// REQUEST_LIMIT_EXCEEDED: the org's allowance is gone, so the governor stops sfwarden's
// optional calls for limit_exceeded_pause (5 min; then a /limits probe): every source
// shows failed, sfsim gets no more calls, the daemon stays up. The recovery after the
// pause is the governor's unit tests' (tests/salesforce), too long for this one.
TEST_F(FaultsTest, RequestLimitExceededStopsPollingTheOrg) {
  WriteConfig(testing::FaultOrgConfig("sim", SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 1);

  AddFault(sim_port_, R"({"path": "/services/data/", "kind": "status", "status": 403})");
  auto m = WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 0);
  EXPECT_GT(
      Sample(m, "sfwarden_salesforce_calls_total", {{"org", "sim"}, {"outcome", "limit_exceeded"}})
          .value_or(0),
      0);
  const auto calls = [&] {
    auto c =
        nlohmann::json::parse(testing::HttpGet(sim_port_, "/__sim/counters").body, nullptr, false);
    return c.is_object() ? c["total"].get<double>() : -1;
  };
  const double before = calls();
  std::this_thread::sleep_for(3s);  // three poll intervals
  EXPECT_EQ(calls(), before);
  EXPECT_TRUE(sfwarden->Running());
  EXPECT_EQ(testing::HttpGet(port_, "/-/healthy").status, 200);
}

// 401 INVALID_SESSION_ID on a queryMore page (query_batch_size 2 makes five logins three
// pages): once, the client logs in again and repeats the page, nothing shows; for good,
// the logins source fails, and after it nothing is lost or counted twice.
TEST_F(FaultsTest, SessionExpiryInTheMiddleOfPaging) {
  WriteConfig(testing::FaultOrgConfig("sim", SimUrl(sim_port_)));
  auto sfwarden = StartSfwarden();
  WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 1);
  const auto refreshes = [&] {
    return Sample(Metrics(), "sfwarden_salesforce_token_refreshes_total", {{"org", "sim"}})
        .value_or(0);
  };
  const double logins_before = refreshes();

  AddFault(sim_port_,
           R"({"path": "/services/data/v62.0/query/", "kind": "status", "status": 401})");
  for (int i = 0; i < 5; ++i) RecordLogin(sim_port_, kHubspot);
  WaitForValue("sfwarden_logins_total", Logins("sim", kHubspot), 5);
  EXPECT_EQ(FaultsLeft(sim_port_), 0u);  // the page did get the 401
  EXPECT_EQ(refreshes(), logins_before + 1);
  WaitForPolls("sim", "logins", 2);
  EXPECT_EQ(Sample(Metrics(), "sfwarden_logins_total", Logins("sim", kHubspot)), 5);

  AddFault(sim_port_, R"({"path": "/services/data/v62.0/query/", "count": 1000, "kind": "status", )"
                      R"("status": 401})");
  for (int i = 0; i < 5; ++i) RecordLogin(sim_port_, kHubspot);
  auto m = WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 0);
  EXPECT_LT(Sample(m, "sfwarden_logins_total", Logins("sim", kHubspot)).value_or(0), 10);
  EXPECT_TRUE(sfwarden->Running());
  ClearFaults(sim_port_);
  WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 1);
  WaitForValue("sfwarden_logins_total", Logins("sim", kHubspot), 10);
  WaitForPolls("sim", "logins", 2);
  EXPECT_EQ(Sample(Metrics(), "sfwarden_logins_total", Logins("sim", kHubspot)), 10);
}

// An org whose login host does not resolve sits beside a healthy one.
TEST_F(FaultsTest, UnresolvableLoginHostLeavesTheHealthyOrgPolling) {
  WriteConfig(testing::FaultOrgConfig("sim", SimUrl(sim_port_)) +
              testing::FaultOrgConfig("nowhere", "https://nonexistent.invalid"));
  auto sfwarden = StartSfwarden();
  auto m = WaitForValue("sfwarden_collector_success", Source("nowhere", "permissions"), 0);
  m = WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 1);
  EXPECT_EQ(Sample(m, "sfwarden_collector_success", Source("nowhere", "logins")), 0);
  RecordLogin(sim_port_, kHubspot);
  WaitForValue("sfwarden_logins_total", Logins("sim", kHubspot), 1);
  WaitForPolls("sim", "logins", 2);
  EXPECT_TRUE(sfwarden->Running());
  EXPECT_GT(Sample(Metrics(), "sfwarden_salesforce_calls_total",
                   {{"org", "nowhere"}, {"outcome", "transport"}})
                .value_or(0),
            0);
  EXPECT_THAT(sfwarden->Stderr(), HasSubstr("org nowhere: reading permissions failed"));
}

// One org stops answering (sfsim holds every reply to its polls for ten minutes). With
// request_timeout 1s each attempt of its poll times out, so the poll fails within seconds
// and shows failed; the other org keeps its 1 s schedule meanwhile, and the hung org reads
// again by itself once the fault ends.
TEST_F(FaultsTest, HungOrgTimesOutWhileTheOthersKeepTheirSchedule) {
  std::unique_ptr<testing::Subprocess> hung_sim;
  int hung_port = StartSim(hung_sim, testing::kFaultOrgFile);
  WriteConfig(testing::FaultOrgConfig("sim", SimUrl(sim_port_)) +
              testing::FaultOrgConfig("hung", SimUrl(hung_port)) + "    request_timeout: 1s\n");
  auto sfwarden = StartSfwarden();
  WaitForValue("sfwarden_collector_success", Source("hung", "logins"), 1);
  WaitForValue("sfwarden_collector_success", Source("sim", "logins"), 1);

  AddFault(hung_port, R"({"path": "/services/data/v62.0/composite", "count": 1000, )"
                      R"("kind": "delay", "delay_ms": 600000})");
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  const auto hits = [&] {  // replies sfsim is holding back (or has held)
    auto f =
        nlohmann::json::parse(testing::HttpGet(hung_port, "/__sim/faults").body, nullptr, false);
    return f.is_object() && !f["faults"].empty() ? 1000 - f["faults"][0]["count"].get<int>() : 0;
  };
  while (hits() == 0) {  // the hung org's poll is now in flight
    ASSERT_LT(std::chrono::steady_clock::now(), deadline);
    std::this_thread::sleep_for(50ms);
  }
  const auto hung_before = Sample(Metrics(), "sfwarden_collector_last_success_timestamp_seconds",
                                  Source("hung", "logins"));
  // Two polls of the healthy org take about 2 s; the hung poll's attempts (1 s each) are
  // not over before 4 s.
  WaitForPolls("sim", "logins", 2);
  EXPECT_EQ(Sample(Metrics(), "sfwarden_collector_last_success_timestamp_seconds",
                   Source("hung", "logins")),
            hung_before);

  auto m = WaitForValue("sfwarden_collector_success", Source("hung", "logins"), 0);
  EXPECT_GT(Sample(m, "sfwarden_salesforce_calls_total",
                   {{"org", "hung"}, {"kind", "composite"}, {"outcome", "timeout"}})
                .value_or(0),
            0)
      << m;
  EXPECT_EQ(Sample(m, "sfwarden_collector_success", Source("sim", "logins")), 1);
  EXPECT_TRUE(sfwarden->Running());
  EXPECT_EQ(testing::HttpGet(port_, "/-/healthy").status, 200);

  ClearFaults(hung_port);
  WaitForValue("sfwarden_collector_success", Source("hung", "logins"), 1);
  EXPECT_TRUE(sfwarden->WaitForOutput("org hung: reading logins works again", 5s))
      << sfwarden->Stderr();
  RecordLogin(hung_port, kHubspot);
  WaitForValue("sfwarden_logins_total", Logins("hung", kHubspot), 1);
}

}  // namespace
}  // namespace sfwarden
