// Faults around enforcement: the Metadata API (SOAP) read of sharing rules that every full
// permission read makes, and the write that puts a missing assignment back. A failed read
// must stop enforcement (nothing is written on a partial picture); a failed or lost write
// is journaled, alerted (RemediationFailed) and concluded or redone, never duplicated.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/integration/fault_fixture.h"

namespace sfwarden {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;
using testing::kHubspot;
using testing::Sample;

const std::string kUnassign = R"("action": "unassign_permission_set", "username": ")" +
                              std::string(kHubspot) +
                              R"(", "permission_set": "HubSpot_Sync_Access")";
const std::map<std::string, std::string> kMissing = {
    {"org", "sim"}, {"user", kHubspot}, {"kind", "missing_permission_set_assignment"}};

std::map<std::string, std::string> Remediated(const std::string& result) {
  return {{"org", "sim"}, {"kind", "missing_permission_set_assignment"}, {"result", result}};
}

// A reply fault on readMetadata, and the outcome the client counts for it.
struct SoapFault {
  std::string name;
  std::string rule;
  std::string outcome;  // sfwarden_salesforce_calls_total{kind="metadata_read"}
};

class SoapFaultTest : public testing::FaultTest, public ::testing::WithParamInterface<SoapFault> {};

TEST_P(SoapFaultTest, FailedSharingRuleReadHoldsEnforcementBackUntilItWorks) {
  const SoapFault& fault = GetParam();
  WriteConfig(testing::FaultOrgConfig("sim", SimUrl(sim_port_), "enforce"));
  auto sfwarden = StartSfwarden();
  WaitForValue("sfwarden_collector_success", Source("sim", "permissions"), 1);
  WaitForValue("sfwarden_journal_pending_entries", {{"org", "sim"}}, 0);

  AddFault(sim_port_, R"({"path": "/services/Soap/", "count": 1000, )" + fault.rule + "}");
  Act(sim_port_, kUnassign);  // the audit entry triggers a permission read
  auto m = WaitForValue("sfwarden_collector_success", Source("sim", "permissions"), 0);
  // A reply that does not decode was a successful HTTP exchange: only the source fails.
  if (fault.outcome != "decode") {
    EXPECT_GT(FailedCalls(m, "sim", "metadata_read"), 0) << fault.name;
  }
  // The read failed: no drift comparison, no write (sfwarden_user_permission_sets still
  // shows the last good read), the incremental polls go on.
  WaitForPolls("sim", "logins", 2);
  EXPECT_EQ(Sample(Metrics(), "sfwarden_remediations_total", Remediated("done")), std::nullopt);
  EXPECT_EQ(SimAssignments(sim_port_), 0u);
  EXPECT_TRUE(sfwarden->Running());
  EXPECT_THAT(sfwarden->Stderr(), HasSubstr("org sim: reading permissions failed"));

  ClearFaults(sim_port_);  // the read is retried after 5 s (MonitorOptions::retry_min)
  WaitForValue("sfwarden_remediations_total", Remediated("done"), 1);
  m = WaitForValue("sfwarden_collector_success", Source("sim", "permissions"), 1);
  EXPECT_EQ(Sample(m, "sfwarden_drift_items", kMissing), 0);
  EXPECT_EQ(PermissionSets(), 1);
  EXPECT_EQ(SimAssignments(sim_port_), 1u);
  sfwarden->Signal(SIGTERM);
  ASSERT_TRUE(sfwarden->Wait(15s).has_value());
  auto journal = Journal();
  ASSERT_EQ(journal.size(), 1u) << journal.dump(2);
  EXPECT_EQ(journal[0]["state"], "done") << journal.dump(2);
}

INSTANTIATE_TEST_SUITE_P(
    Faults, SoapFaultTest,
    ::testing::Values(SoapFault{"SoapFault", R"("kind": "status", "status": 500)",
                                "salesforce_error"},
                      SoapFault{"TruncatedSoap", R"("kind": "truncate")", "decode"},
                      SoapFault{"MalformedSoap", R"("kind": "malformed")", "decode"}),
    [](const ::testing::TestParamInfo<SoapFault>& p) { return p.param.name; });

class WriteFaultTest : public testing::FaultTest {};

// The create's answer is lost (connection closed before any body byte): the outcome is
// unknown, the journal entry stays `sent` until the re-read shows the assignment there;
// it is concluded, not sent again.
TEST_F(WriteFaultTest, LostAnswerToAWriteIsConcludedNotRepeated) {
  WriteConfig(testing::FaultOrgConfig("sim", SimUrl(sim_port_), "enforce"));
  auto sfwarden = StartSfwarden();
  WaitForValue("sfwarden_journal_pending_entries", {{"org", "sim"}}, 0);
  AddFault(sim_port_, R"({"method": "POST", "path": "/services/data/v62.0/composite/sobjects", )"
                      R"("kind": "close", "bytes": 0})");
  Act(sim_port_, kUnassign);
  auto m = WaitForValue("sfwarden_drift_items", kMissing, 0);
  EXPECT_EQ(FaultsLeft(sim_port_), 0u);
  EXPECT_GT(
      Sample(m, "sfwarden_salesforce_calls_total", {{"org", "sim"}, {"outcome", "outcome_unknown"}})
          .value_or(0),
      0);
  WaitForPolls("sim", "audit_trail", 2);
  EXPECT_EQ(PermissionSets(), 1);
  EXPECT_EQ(SimAssignments(sim_port_), 1u);
  EXPECT_TRUE(sfwarden->Running());
  sfwarden->Signal(SIGTERM);
  ASSERT_TRUE(sfwarden->Wait(15s).has_value());
  auto journal = Journal();
  ASSERT_EQ(journal.size(), 1u) << journal.dump(2);
  EXPECT_EQ(journal[0]["state"], "done") << journal.dump(2);
}

// The create is refused (503): journaled failed, RemediationFailed fires, and the next
// full read (every 3 s here) puts the assignment back once; the alert resolves.
TEST_F(WriteFaultTest, RefusedWriteIsAlertedAndRedoneOnce) {
  WriteConfig(testing::FaultOrgConfig("sim", SimUrl(sim_port_), "enforce", "3s"));
  auto sfwarden = StartSfwarden();
  WaitForValue("sfwarden_journal_pending_entries", {{"org", "sim"}}, 0);
  AddFault(sim_port_, R"({"method": "POST", "path": "/services/data/v62.0/composite/sobjects", )"
                      R"("kind": "status", "status": 503})");
  Act(sim_port_, kUnassign);
  const std::map<std::string, std::string> alert = {{"alertname", "RemediationFailed"},
                                                    {"severity", "critical"}};
  WaitForValue("sfwarden_alerts_firing", alert, 1);
  EXPECT_TRUE(sfwarden->Running());
  auto m = WaitForValue("sfwarden_remediations_total", Remediated("done"), 1);
  EXPECT_GE(Sample(m, "sfwarden_remediations_total", Remediated("failed")).value_or(0), 1);
  WaitForValue("sfwarden_alerts_firing", alert, 0);
  EXPECT_EQ(PermissionSets(), 1);
  EXPECT_EQ(SimAssignments(sim_port_), 1u);
  sfwarden->Signal(SIGTERM);
  ASSERT_TRUE(sfwarden->Wait(15s).has_value());
  auto journal = Journal();
  ASSERT_FALSE(journal.empty());
  EXPECT_EQ(journal.back()["state"], "done") << journal.dump(2);
  for (const auto& e : journal) {
    EXPECT_NE(e["state"], "sent") << journal.dump(2);
    EXPECT_NE(e["state"], "planned") << journal.dump(2);
  }
}

}  // namespace
}  // namespace sfwarden
