#pragma once
// What the collectors of one org watch. Built by the daemon from its config (collectors
// never see the config file); plain values, copied freely.

#include <charconv>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace sfwarden::collectors {

/// ObjectPermissions.PermissionsViewAllFields (the object permission "View All Fields") is
/// listed in Salesforce's field reference for ObjectPermissions (developer.salesforce.com
/// .../salesforce-field-reference-objectpermissions.html: boolean, label "ViewAllFields");
/// it arrived with Spring '25 (sfdctechsite.com/2025/01/05/view_all_fields/), i.e. API
/// 63.0. The exact first API version is not stated by a Salesforce page reachable here
/// (UNCONFIRMED, WIRE.md §5). An older API version answers INVALID_FIELD for it, so it is
/// selected only from this version on.
inline constexpr int kViewAllFieldsApiVersion = 63;
/// Whether a read at `api_version` ("63.0") selects PermissionsViewAllFields.
inline bool ReadsViewAllFields(std::string_view api_version) {
  int major = 0;  // "63.0" -> 63; not a number -> 0 (config validation rejects those)
  std::from_chars(api_version.data(), api_version.data() + api_version.size(), major);
  return major >= kViewAllFieldsApiVersion;
}

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
