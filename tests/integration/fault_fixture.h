#pragma once
// What the fault tests share: an org whose queries page every two rows, its sfwarden
// config (1 s polls), and helpers for sfsim's fault rules and sfwarden's poll metrics.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/integration/fixture.h"

namespace sfwarden::testing {

inline constexpr const char* kHubspot = "hubspot.integration@acme.example";
inline constexpr const char* kOtherAdmin = "other.admin@acme.example";

/// sfwarden acts as admin@; another admin changes things; the hubspot user is as its
/// baseline says. query_batch_size 2: five logins are three pages (queryMore).
extern const char* const kFaultOrgFile;

/// One org of sfwarden's config (after "orgs:"): client credentials, every source every
/// second, the hubspot baseline with a sharing rule (read over the Metadata API), `mode`
/// observe or enforce, a full permission read every `full_reconcile`.
std::string FaultOrgConfig(const std::string& name, const std::string& login_url,
                           const std::string& mode = "observe",
                           const std::string& full_reconcile = "1h");

class FaultTest : public SfwardenTest {
 protected:
  void SetUp() override;

  static std::map<std::string, std::string> Source(const std::string& org,
                                                   const std::string& source) {
    return {{"org", org}, {"source", source}};
  }
  static std::map<std::string, std::string> Logins(const std::string& org,
                                                   const std::string& user) {
    return {{"org", org}, {"user", user}, {"outcome", "success"}, {"type", "oauth"}};
  }

  /// Salesforce calls of `kind` to `org` that did not succeed, whatever the outcome.
  static double FailedCalls(const std::string& metrics, const std::string& org,
                            const std::string& kind);
  void AddFault(int sim_port, const std::string& rule);
  void ClearFaults(int sim_port);
  /// Fault rules sfsim still holds.
  std::size_t FaultsLeft(int sim_port);
  void RecordLogin(int sim_port, const std::string& user);
  /// A change by another admin through sfsim's control API (`body`: the fields after
  /// "actor").
  void Act(int sim_port, const std::string& body);
  /// Waits until `source` of `org` has completed `n` more successful reads.
  void WaitForPolls(const std::string& org, const std::string& source, int n);
  /// `sfwarden journal --output=json` (an array; null when it did not parse).
  nlohmann::json Journal();
  /// The hubspot user's permission set assignments as sfwarden's last full read of the
  /// org saw them (sfwarden_user_permission_sets).
  std::optional<double> PermissionSets() {
    return Sample(Metrics(), "sfwarden_user_permission_sets", {{"org", "sim"}, {"user", kHubspot}});
  }

  /// The hubspot user's assignments of HubSpot_Sync_Access as sfsim holds them: a
  /// duplicate or half-done write shows here even where sfwarden's own view is wrong.
  std::size_t SimAssignments(int sim_port);

  std::unique_ptr<Subprocess> sim_;
  int sim_port_ = 0;
};

}  // namespace sfwarden::testing
