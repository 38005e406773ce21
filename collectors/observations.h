#pragma once
// The typed observations collectors produce for one org. The daemon hands them to the
// metrics, the alert rules and the drift engine (which meet only in daemon/ wiring), and
// persists what must survive a restart (cursors, de-duplication, aggregates).
//
// Times are UTC with millisecond precision, as Salesforce sends them
// ("2024-01-31T23:59:59.000+0000"). Strings from Salesforce are kept as sent: consumers
// must not trust them (no SOQL, label or log injection).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "salesforce/limits.h"
#include "salesforce/sharing_rules.h"

namespace sfwarden::collectors {

using Time = std::chrono::sys_time<std::chrono::milliseconds>;

// ---------------------------------------------------------------------------------------
// Login history

/// LoginHistory.Status folded into a bounded set (the `outcome` metric label).
enum class LoginOutcome {
  kSuccess,
  kInvalidPassword,   // "Invalid Password", "Invalid - ..." credential failures
  kLockedOut,         // "Password Lockout", "User Is Frozen"...: the account refused
  kInactiveUser,      // "User is Inactive"
  kIpRestricted,      // "Restricted IP", "Invalid IP ..."
  kHoursRestricted,   // "Restricted Time"/"Login hours"
  kOAuthFailure,      // failed OAuth/JWT grants: "Failed: ..." statuses
  kOther,             // anything else not "Success"
};
/// LoginHistory.LoginType folded into a bounded set (the `type` metric label).
enum class LoginKind {
  kApi,    // "Other Apex API", "Partner Product", SOAP/REST API logins
  kOAuth,  // "Remote Access 2.0", "Remote Access Client", JWT / client credentials
  kUi,     // "Application" (the browser UI), "SAML Idp Initiated SSO", ...
  kOther,
};
std::string_view ToString(LoginOutcome outcome);  // "success", "invalid_password", ...
std::string_view ToString(LoginKind kind);        // "api", "oauth", "ui", "other"
LoginOutcome ClassifyLoginStatus(std::string_view status);
LoginKind ClassifyLoginType(std::string_view login_type);

/// One LoginHistory row of an integration user. The same row may come again in the next
/// read's overlap: consumers de-duplicate by `id` (the state store does, durably).
struct LoginObservation {
  std::string id;        // LoginHistory.Id (18 chars)
  std::string username;  // the integration user's configured username
  std::string user_id;
  Time time{};           // LoginTime
  std::string source_ip;
  std::string country_iso;  // CountryIso ("" when Salesforce has none)
  std::string status;       // Status as sent
  std::string login_type;   // LoginType as sent
  std::string application;
  LoginOutcome outcome = LoginOutcome::kOther;
  LoginKind kind = LoginKind::kOther;
};

// ---------------------------------------------------------------------------------------
// Setup audit trail

/// What an audit entry concerns among the watched things (filled by the collector from
/// the user directory and the target; empty sets when it concerns none).
struct AuditConcerns {
  std::set<std::string> usernames;        // integration users named by the entry
  std::set<std::string> permission_sets;  // baseline permission sets (API names)
  std::set<std::string> groups;           // baseline public groups / permission set groups
  std::set<std::string> objects;          // baseline objects (sharing rules, OWD)
  bool empty() const {
    return usernames.empty() && permission_sets.empty() && groups.empty() && objects.empty();
  }
};

/// One SetupAuditTrail row (de-duplicate by `id` like logins).
struct AuditObservation {
  std::string id;
  Time time{};  // CreatedDate
  std::string action;   // e.g. PermSetAssign
  std::string section;  // e.g. Manage Users
  std::string display;  // Salesforce's text: who did what to whom
  std::string actor_username;  // CreatedBy.Username ("" when Salesforce sent none)
  std::string actor_id;        // CreatedById
  std::string delegate_user;   // "login as" admin, when set
  AuditConcerns concerns;
  /// The action can change permissions, group membership, sharing or the user itself,
  /// and the entry concerns something watched: the permission state must be re-read.
  bool requires_permission_read = false;
};

// ---------------------------------------------------------------------------------------
// API usage

/// GET /limits, every limit with its per-app (or other named) children.
struct LimitsObservation {
  Time observed_at{};  // local clock when the response arrived
  salesforce::Limits limits;
};

/// ApiTotalUsage calls of one integration user in one log period, grouped by connected
/// app / client and client IP. One per (file, user, app, client, ip).
struct ApiUsageObservation {
  std::string log_file_id;   // EventLogFile.Id it came from (durable de-duplication)
  std::string interval;      // "Daily" or "Hourly" (EventLogFile.Interval)
  Time period_start{};       // EventLogFile.LogDate
  std::string username;
  std::string connected_app;  // CONNECTED_APP_NAME ("" when none)
  std::string client_name;    // CLIENT_NAME ("" when none)
  std::string client_ip;      // CLIENT_IP
  std::int64_t calls = 0;     // rows counting against the API limit
  std::int64_t calls_not_counted = 0;  // COUNTS_AGAINST_API_LIMIT false
};

/// One ApiTotalUsage EventLogFile fully processed: its rows for watched users follow as
/// ApiUsageObservation; the daemon stores them and moves the cursor in one transaction.
struct EventLogFileObservation {
  std::string id;
  std::string event_type;  // "ApiTotalUsage"
  std::string interval;
  Time log_date{};
  Time created_date{};
  std::int64_t rows = 0;          // CSV data rows in the file
  std::int64_t rows_watched = 0;  // of which by integration users
};

// ---------------------------------------------------------------------------------------
// OAuth tokens

/// One OAuthToken row of an integration user.
struct OAuthTokenObservation {
  std::string id;
  std::string username;
  std::string app_name;
  Time created{};
  std::optional<Time> last_used;
  std::int64_t use_count = 0;
};

// ---------------------------------------------------------------------------------------
// API activity without a login

/// ApiTotalUsage calls of an integration user in one log period that no session known to
/// sfwarden explains: no successful login, no OAuth token issued or used and no API
/// activity of the user within the session window before the period (the rule and its
/// reasoning: collectors/activity_without_login.h). One per (log file, user).
struct ActivityWithoutLoginObservation {
  std::string username;
  std::string log_file_id;  // the ApiTotalUsage file that showed the calls
  std::string interval;     // "Daily" or "Hourly"
  Time period_start{};      // the file's LogDate
  Time period_end{};        // period_start + 1 h or 24 h
  std::int64_t calls = 0;   // every row of the user in the file, counted or not
  std::optional<Time> last_login;      // newest successful login known, if any
  std::optional<Time> last_token_use;  // newest OAuthToken CreatedDate/LastUsedDate known
  std::optional<Time> last_activity;   // end of the user's newest earlier period with calls
};

// ---------------------------------------------------------------------------------------
// Permission state

struct AssignmentState {
  std::string assignment_id;         // PermissionSetAssignment.Id
  std::string permission_set;        // PermissionSet.Name ("" for a group assignment)
  std::string permission_set_group;  // PermissionSetGroup.DeveloperName ("" otherwise)
  std::optional<Time> expiration;    // ExpirationDate
  /// PermissionSetId and PermissionSetGroupId, so that a removed assignment of a set or
  /// group no baseline names can be made again (rollback). A group assignment points at
  /// the group's aggregate set, whose Id is here too.
  std::string permission_set_id;
  std::string permission_set_group_id;  // "" for a set assignment
};

struct UserState {
  std::string id;
  std::string username;
  std::string name;  // display name (audit Display texts use it)
  bool found = false;  // false: no such user in the org (every other field empty)
  bool active = false;
  bool frozen = false;  // UserLogin.IsFrozen
  std::string profile;  // Profile.Name
  std::vector<AssignmentState> assignments;  // not the profile-owned set
  std::vector<std::string> public_groups;    // DeveloperName of watched groups the user is in
  std::map<std::string, std::string> group_member_ids;  // DeveloperName -> GroupMember.Id
};

struct ObjectPermissionState {
  std::string id;  // ObjectPermissions.Id
  bool read = false, create = false, edit = false, del = false;
  bool view_all = false, modify_all = false;
  /// PermissionsViewAllFields; false when the snapshot could not read it
  /// (PermissionSnapshot::view_all_fields_read).
  bool view_all_fields = false;
};

struct FieldPermissionState {
  std::string id;  // FieldPermissions.Id
  bool read = false, edit = false;
};

struct PermissionSetState {
  std::string id;
  std::string name;  // API name
  std::string label;
  bool found = false;
  std::map<std::string, bool> system;  // "ModifyAllData" -> value, for the names watched
  std::map<std::string, ObjectPermissionState> objects;  // "Account" -> row
  std::map<std::string, FieldPermissionState> fields;    // "Account.Phone" -> row
};

struct GroupState {
  std::string id;
  std::string developer_name;
  std::string name;  // label
  bool found = false;
};

/// A full read of everything the baseline names, at one point in time.
struct PermissionSnapshot {
  Time read_at{};
  std::map<std::string, UserState> users;                   // by configured username
  std::map<std::string, PermissionSetState> permission_sets;  // by API name
  std::map<std::string, GroupState> public_groups;            // by DeveloperName
  std::map<std::string, GroupState> permission_set_groups;    // by DeveloperName
  std::vector<salesforce::SharingRules> sharing_rules;        // per watched object
  std::map<std::string, std::string> org_wide_defaults;       // "Account" -> "Private"
  std::map<std::string, OAuthTokenObservation> oauth_tokens;  // all tokens, by Id
  int api_calls = 0;  // calls this read cost
  /// Whether ObjectPermissions.PermissionsViewAllFields was read: the field exists from
  /// API 63.0 (collectors::ReadsViewAllFields). When false every row's view_all_fields is
  /// unknown, and consumers must neither compare nor write it.
  bool view_all_fields_read = false;
};

}  // namespace sfwarden::collectors
