#pragma once
// What the collectors of one org watch. Built by the daemon from its config (collectors
// never see the config file); plain values, copied freely.

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace sfwarden::collectors {

struct OrgTarget {
  std::string org;                     // the `org` metric label
  std::string api_version = "62.0";    // "62.0": for /services/data/v62.0/... URLs
  std::vector<std::string> usernames;  // the integration users, as configured
  /// Baseline permission sets (API names) -> the system permissions the baseline names
  /// for that set ("ModifyAllData", without the "Permissions" prefix). Every
  /// ObjectPermissions and FieldPermissions row of these sets is read.
  std::map<std::string, std::set<std::string>> permission_sets;
  std::vector<std::string> permission_set_groups;  // DeveloperName
  std::vector<std::string> public_groups;          // Group.DeveloperName
  std::vector<std::string> sharing_rule_objects;   // objects whose SharingRules are read
  std::vector<std::string> org_wide_default_objects;  // "Account" -> Organization.DefaultAccountAccess

  /// Salesforce writes LoginHistory/SetupAuditTrail rows with a delay: each incremental
  /// read starts this far before the newest row already seen (duplicates are dropped by Id).
  std::chrono::seconds read_overlap{std::chrono::minutes(10)};
  /// Without a cursor (first run), rows from the org's own LAST_N_DAYS:n are read.
  int initial_lookback_days = 1;
};

}  // namespace sfwarden::collectors
