#pragma once
// The simulated org: every record of every modelled sObject, plus the configuration that
// is not stored as records (connected apps, sharing rules, limits, passwords).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sim/clock.h"
#include "sim/schema.h"

namespace sfwarden::sim {

struct ConnectedApp {
  std::string id;  // 0H4…
  std::string name;
  std::string client_id;
  std::string client_secret;
  std::string certificate_pem;    // X.509 certificate whose key signs JWT bearer assertions
  std::string execution_user_id;  // client credentials flow runs as this user ("" = disabled)
  /// Admin-approved users only: a user not listed gets "user hasn't approved this consumer"
  /// for the JWT flow [WIRE.md §1]. When false, every user may use the app.
  bool admin_approved_only = false;
  std::vector<std::string> pre_authorized_user_ids;
  std::int64_t daily_api_limit = 0;  // per-app DailyApiRequests Max in /limits (0: none)
};

struct SharingCriteriaItem {
  std::string field, operation, value;
};

/// One criteria-based or owner-based sharing rule, in Metadata API terms
/// (SharingCriteriaRule / SharingOwnerRule) [WIRE.md §7].
struct SharingRule {
  enum class Kind { kCriteria, kOwner };
  Kind kind = Kind::kCriteria;
  std::string full_name;  // the rule's name without the object prefix
  std::string label;
  std::string access_level;  // Read | Edit | All
  std::string description;
  std::string shared_to_type;  // group, role, roleAndSubordinates, allInternalUsers, …
  std::string shared_to;
  std::string shared_from_type;  // owner rules
  std::string shared_from;
  std::vector<SharingCriteriaItem> criteria;
  std::string boolean_filter;
  std::optional<bool> include_records_owned_by_all;
  // Account rules carry accountSettings {caseAccessLevel, contactAccessLevel,
  // opportunityAccessLevel} (real files metadata-sharingrules-*.xml); empty = absent.
  std::string case_access, contact_access, opportunity_access;
};

struct OrgSettings {
  std::string org_id;  // 00D…, 18 characters
  std::string name = "sfsim";
  std::string organization_type = "Enterprise Edition";
  std::string instance_url;  // "" → the server's own base URL
  std::vector<std::string> login_audiences = {"https://login.salesforce.com",
                                              "https://test.salesforce.com"};
  std::int64_t session_timeout_ms = 2 * 3'600'000;  // Salesforce's default session timeout: 2 h
  int query_batch_size = 2000;                      // REST query page size [WIRE.md §2]
  std::int64_t daily_api_requests = 15000;
  std::string api_version = "60.0";  // the newest version /services/data lists
};

/// Rows of one sObject in insertion order, with an index by 18-character Id.
struct Table {
  std::vector<nlohmann::json> rows;
  std::unordered_map<std::string, size_t> index;
};

/// Owns all org state. Lives on the server thread; not thread-safe. Records are JSON
/// objects keyed by canonical field name: strings, booleans, numbers, null, and
/// datetimes as REST-formatted strings ("…000+0000"), which compare correctly as text.
class Org {
 public:
  explicit Org(VirtualClock clock = VirtualClock{});
  Org(const Org&) = delete;
  Org& operator=(const Org&) = delete;

  VirtualClock& clock() { return clock_; }
  EpochMs Now() const { return clock_.Now(); }
  std::string NowText() const { return FormatDateTime(Now()); }

  OrgSettings settings;
  std::vector<ConnectedApp> apps;
  std::map<std::string, std::vector<SharingRule>> sharing_rules;  // by object API name
  std::map<std::string, std::string> passwords;                   // by user Id (password grant)

  /// A fresh 18-character Id with the object's key prefix.
  std::string NewId(std::string_view key_prefix);
  /// Adds a record: fills Id (unless given), the system fields the object has and
  /// IsDeleted=false; `actor_id` becomes CreatedById/LastModifiedById. Returns the row.
  nlohmann::json& Insert(std::string_view object, nlohmann::json record,
                         const std::string& actor_id = "");
  /// Stamps LastModifiedDate/SystemModstamp/LastModifiedById where the object has them.
  void Touch(nlohmann::json& row, const std::string& actor_id);
  /// Soft delete (IsDeleted=true): query skips the row, queryAll returns it.
  void MarkDeleted(nlohmann::json& row, const std::string& actor_id);

  /// A copy of all records (for allOrNone rollback) and its restoration.
  struct Snapshot {
    std::map<std::string, Table, std::less<>> tables;
    std::map<std::string, std::uint64_t, std::less<>> sequences;
    std::map<std::string, std::vector<SharingRule>> sharing_rules;
  };
  Snapshot TakeSnapshot() const { return {tables_, sequences_, sharing_rules}; }
  void Restore(Snapshot s) {
    tables_ = std::move(s.tables);
    sequences_ = std::move(s.sequences);
    sharing_rules = std::move(s.sharing_rules);
  }

  /// Any row by 15/18-character Id, deleted ones included; nullptr when unknown.
  nlohmann::json* Get(std::string_view id);
  Table& table(std::string_view object);  // object must be modelled (see schema.h)
  /// First live row whose `field` equals `value` (string comparison).
  nlohmann::json* FindBy(std::string_view object, std::string_view field, std::string_view value);

  /// Writes a SetupAuditTrail row [WIRE.md §5].
  void Audit(std::string action, std::string section, std::string display,
             const std::string& actor_id);

  const ConnectedApp* AppByClientId(std::string_view client_id) const;
  const ConnectedApp* AppByName(std::string_view name) const;
  /// The first active user whose profile is "System Administrator", else the first user.
  std::string DefaultAdminId();

 private:
  VirtualClock clock_;
  std::map<std::string, Table, std::less<>> tables_;
  std::map<std::string, std::uint64_t, std::less<>> sequences_;
};

std::string Id15(std::string_view id18);

}  // namespace sfwarden::sim
