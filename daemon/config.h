#pragma once
// The daemon's configuration: one YAML file, loaded and validated as a whole.
// OWNER OF THE FULL MODEL: the config loader (config*.cc). Other code reads these
// structs; it never parses YAML itself. docs/configuration.md documents every key.
//
// Everything here is a plain value, built once by LoadConfig and then read-only: copy
// or share it freely. Secrets are held in `Secret`, which never prints its value.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/ip_range.h"

namespace sfwarden::daemon {

/// Every duration in the config ("250ms", "30s", "5m", "1h30m", "7d").
using Duration = std::chrono::milliseconds;

/// A secret loaded from a `*_file` or a `${VAR}`: client ids and secrets, webhook URLs and
/// signing secrets. Printing it (operator<<, ToString, gtest) shows "<redacted>"; only
/// Reveal() gives the value, so every use of the value is a grep away.
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  Secret(const Secret&) = default;
  Secret(Secret&&) = default;
  Secret& operator=(const Secret&) = default;
  Secret& operator=(Secret&&) = default;
  ~Secret();  // wipes the value

  const std::string& Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  std::string ToString() const { return "<redacted>"; }
  /// Compares values without revealing them (e.g. has a reload changed the secret?).
  friend bool operator==(const Secret& a, const Secret& b) { return a.value_ == b.value_; }
  friend std::ostream& operator<<(std::ostream& out, const Secret&) { return out << "<redacted>"; }

 private:
  std::string value_;
};

/// `observe`: detect and alert, never write. `enforce`: also put the baseline back.
enum class Mode { kObserve, kEnforce };
/// OAuth flow the daemon logs in with.
enum class AuthFlow { kJwtBearer, kClientCredentials };
/// What the drift engine may change in `enforce` mode (`enforcement.enforce`).
enum class EnforceKind {
  kProfile,              // the user's profile
  kPermissionSets,       // permission set assignments of declared users
  kPermissionSetGroups,  // permission set group assignments of declared users
  kGroups,               // public group membership of declared users
  kSystemPermissions,    // system permissions inside declared permission sets
  kObjectPermissions,    // object permissions inside declared permission sets
  kFieldPermissions,     // field permissions inside declared permission sets
  kSharingRules,         // declared sharing rules
  kOrgWideDefaults,      // org-wide defaults of declared objects
};
/// Body format of a webhook receiver.
enum class WebhookFormat { kJson, kSlack };
/// Sharing rule access level (Metadata API accessLevel).
enum class SharingAccess { kRead, kEdit };
/// Access level of related records in an Account sharing rule (accountSettings).
enum class RelatedAccess { kNone, kRead, kEdit };
/// Org-wide default sharing model (Metadata API SharingModel).
enum class SharingModel {
  kPrivate,
  kRead,
  kReadWrite,
  kReadWriteTransfer,
  kFullAccess,
  kControlledByParent,
  kControlledByCampaign,
  kControlledByLeadOrContact,
};

/// The YAML spelling of each enum value ("observe", "jwt_bearer", "ControlledByParent"...).
std::string_view ToString(Mode mode);
std::string_view ToString(AuthFlow flow);
std::string_view ToString(EnforceKind kind);
std::string_view ToString(WebhookFormat format);
std::string_view ToString(SharingAccess access);
std::string_view ToString(RelatedAccess access);
std::string_view ToString(SharingModel model);

/// Settings under `global:`. Command-line flags override them (see cli).
struct GlobalConfig {
  std::string listen_address = "127.0.0.1:9847";
  std::filesystem::path state_dir = "/var/lib/sfwarden";  // relative: to the config file
  std::string log_level = "info";                         // trace|debug|info|warn|error
  std::string log_format = "text";                        // text|json
};

/// `orgs[].auth`: how sfwarden logs in to the org.
struct AuthConfig {
  AuthFlow flow = AuthFlow::kJwtBearer;
  Secret client_id;  // connected app consumer key (`client_id` or `client_id_file`)
  // jwt_bearer only:
  std::string username;                    // the user sfwarden acts as
  std::filesystem::path private_key_file;  // checked: exists, mode 0600-ish, PEM RSA key
  std::string audience;                    // JWT `aud`; empty: the client derives it
  // client_credentials only:
  Secret client_secret;  // `client_secret_file` (or `client_secret: ${VAR}`)
};

/// `orgs[].api_budget`: sfwarden's own share of the org's daily API allowance.
struct ApiBudgetConfig {
  double max_daily_share = 0.02;       // at most this ratio of the daily allowance per day
  double stop_below_remaining = 0.10;  // pause polling when less than this ratio remains
};

/// `orgs[].poll`: how often each source is read.
struct PollConfig {
  Duration logins = std::chrono::minutes(1);         // LoginHistory
  Duration audit_trail = std::chrono::minutes(1);    // SetupAuditTrail
  Duration limits = std::chrono::minutes(1);         // /limits
  Duration oauth_tokens = std::chrono::minutes(15);  // OAuthToken (issued / used tokens)
  Duration api_usage_logs = std::chrono::hours(1);   // EventLogFile ApiTotalUsage
  Duration full_reconcile = std::chrono::hours(1);   // full permission/sharing read
};

/// `orgs[].enforcement.flapping`: drift that comes back `threshold` times within `window`
/// is no longer reverted, only alerted (someone keeps re-applying it).
struct FlappingConfig {
  Duration window = std::chrono::hours(1);
  int threshold = 3;
};

/// `orgs[].enforcement`: bounds on what `enforce` mode may do.
struct EnforcementConfig {
  int max_changes_per_cycle = 10;  // larger drift is alerted, not applied (circuit breaker)
  std::vector<EnforceKind> enforce = {EnforceKind::kPermissionSets, EnforceKind::kGroups,
                                      EnforceKind::kObjectPermissions,
                                      EnforceKind::kFieldPermissions, EnforceKind::kSharingRules};
  FlappingConfig flapping;
  bool Enforces(EnforceKind kind) const;
};

/// `login_hours`: when the user is expected to log in. `from` > `to` wraps midnight.
struct LoginHoursConfig {
  std::string tz = "UTC";                  // IANA name, checked in zoneinfo
  std::chrono::minutes from{0};            // minutes after midnight, 0-1439
  std::chrono::minutes to{24 * 60};        // 1-1440 ("24:00")
  std::vector<std::chrono::weekday> days;  // empty: every day
};

/// `{count, window}`: `count` events within `window`.
struct BurstThreshold {
  int count = 0;
  Duration window{0};
};

/// `integration_users[].thresholds`.
struct ThresholdsConfig {
  BurstThreshold failed_login_burst{5, std::chrono::minutes(10)};
  double api_budget_warning = 0.8;  // alert at this ratio of api_daily_budget
};

/// `integration_users[].baseline`: what the user should have, nothing more.
struct BaselineConfig {
  std::optional<std::string> profile;
  std::vector<std::string> permission_sets;  // each defined under the org's permission_sets
  bool exclusive_permission_sets = false;    // remove sets not listed here
  std::vector<std::string> permission_set_groups;
  std::vector<std::string> public_groups;  // developer names
  bool exclusive_public_groups = false;    // remove the user from groups not listed here
};

/// `orgs[].integration_users[]`.
struct IntegrationUserConfig {
  std::string username;
  std::vector<alerts::IpRange> allowed_ips;  // empty: any address
  std::optional<LoginHoursConfig> login_hours;
  std::optional<Duration> expected_login_every;  // dormant alert after this
  std::optional<std::int64_t> api_daily_budget;  // API calls per day
  ThresholdsConfig thresholds;
  Mode mode = Mode::kObserve;  // effective: the user's `mode` if given, else the org's
  /// Kinds enforced for this user's assignments and memberships; nullopt: the org's
  /// `enforcement.enforce`.
  std::optional<std::vector<EnforceKind>> enforce;
  BaselineConfig baseline;
};

/// Object permissions of a permission set (`objects: { Account: [read, edit] }`).
struct ObjectAccess {
  bool read = false, create = false, edit = false, del = false;
  bool view_all = false, modify_all = false, view_all_fields = false;
  friend bool operator==(const ObjectAccess&, const ObjectAccess&) = default;
};

/// Field permissions (`fields: { Account.AnnualRevenue: [read] }`); [] means no access.
struct FieldAccess {
  bool read = false, edit = false;
  friend bool operator==(const FieldAccess&, const FieldAccess&) = default;
};

/// `orgs[].permission_sets.<ApiName>`: the contents sfwarden holds the set to. Only the
/// permissions named here are compared; an empty definition manages assignment only.
struct PermissionSetConfig {
  std::string name;                             // API name (the map key)
  std::map<std::string, bool> system;           // "ApiEnabled" -> true
  std::map<std::string, ObjectAccess> objects;  // "Account" -> access
  std::map<std::string, FieldAccess> fields;    // "Account.AnnualRevenue" -> access
};

/// Who a sharing rule shares with, or (owner-based) whose records it shares.
struct SharingTarget {
  enum class Kind { kGroup, kRole, kRoleAndSubordinates, kRoleAndSubordinatesInternal };
  Kind kind = Kind::kGroup;
  std::string name;  // developer name of the group or role
};
std::string_view ToString(SharingTarget::Kind kind);

/// One criteria item (Metadata API FilterItem).
struct SharingCriterion {
  std::string field;
  std::string operation;    // equals, notEqual, lessThan, ... (Metadata API spelling)
  std::string value;        // compared value, or empty when value_field is set
  std::string value_field;  // compare with another field instead
};

/// `orgs[].sharing_rules.<Object>[]`: criteria-based (has `criteria`) or owner-based (has
/// `owned_by`).
struct SharingRuleConfig {
  std::string object;  // the map key, e.g. "Account"
  std::string name;    // developer name
  std::string label;   // empty: not compared (a rule sfwarden creates is labelled with its name)
  SharingAccess access = SharingAccess::kRead;
  SharingTarget shared_to;
  std::vector<SharingCriterion> criteria;  // criteria-based
  std::string boolean_filter;              // e.g. "1 AND (2 OR 3)"; empty: all criteria
  bool include_records_owned_by_all = false;
  std::optional<SharingTarget> owned_by;  // owner-based (Metadata API sharedFrom)
  // Account rules only (Metadata API accountSettings):
  std::optional<RelatedAccess> case_access, contact_access, opportunity_access;
  bool is_criteria_based() const { return !owned_by.has_value(); }
};

/// One entry of `orgs:`.
struct OrgConfig {
  std::string name;       // [A-Za-z0-9_.-]+, unique; the `org` metric label
  std::string login_url;  // origin only, e.g. https://acme.my.salesforce.com
  std::string api_version = "62.0";
  AuthConfig auth;
  Mode mode = Mode::kObserve;
  ApiBudgetConfig api_budget;
  PollConfig poll;
  /// The longest sfwarden waits on one step of a Salesforce call (sending the request,
  /// each read of the reply), so a hung org fails its poll instead of holding it.
  Duration request_timeout = std::chrono::seconds(60);
  /// How long per-user daily API usage (from ApiTotalUsage) is kept in the state store.
  Duration api_usage_retention = std::chrono::days(30);
  /// How long a user's source IP is remembered after its last login (the new-IP alert
  /// treats a forgotten IP as new), measured on the retention clock (org_monitor.cc).
  Duration seen_ip_retention = std::chrono::days(90);
  /// How long finished remediation journal entries are kept (for `journal` and
  /// `rollback`); planned and sent entries are never pruned.
  Duration journal_retention = std::chrono::days(90);
  EnforcementConfig enforcement;
  /// Usernames whose changes to integration users' permissions are expected (the admins
  /// who manage them); sfwarden's own auth.username always is.
  std::vector<std::string> expected_actors;
  std::vector<IntegrationUserConfig> integration_users;
  std::map<std::string, PermissionSetConfig> permission_sets;           // by API name
  std::map<std::string, std::vector<SharingRuleConfig>> sharing_rules;  // by object
  std::map<std::string, SharingModel> org_wide_defaults;                // by object
};

/// `alerting.alertmanager[]`: an Alertmanager v2 API to push alerts to.
struct AlertmanagerConfig {
  std::string url;  // e.g. http://127.0.0.1:9093
  Duration timeout = std::chrono::seconds(10);
};

/// `alerting.webhooks[]`: a JSON or Slack incoming webhook.
struct WebhookConfig {
  Secret url;  // `url` or `url_file`; a Slack URL is a credential
  WebhookFormat format = WebhookFormat::kJson;
  std::optional<Secret> secret;  // HMAC signing secret (`secret_file` or `secret: ${VAR}`)
  Duration timeout = std::chrono::seconds(10);
};

/// `alerting:`.
struct AlertingConfig {
  std::vector<AlertmanagerConfig> alertmanager;
  std::vector<WebhookConfig> webhooks;
  Duration resend_interval = std::chrono::minutes(1);  // re-send firing alerts this often
  /// An event alert (one bad login, a token issued) resolves this long after it last
  /// happened.
  Duration resolve_events_after = std::chrono::hours(1);
  /// New-IP / new-country alerts start this long after a user's first login seen.
  Duration learning_period = std::chrono::days(7);
  double org_api_usage_warning = 0.8;  // org DailyApiRequests used / max
  double org_api_usage_critical = 0.95;
};

/// One problem found in a config file, with where it is.
struct ConfigDiagnostic {
  enum class Severity { kError, kWarning };
  std::string file;
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;    // 1-based; 0 when unknown
  std::string path;  // key path, e.g. orgs[1].integration_users[0].allowed_ips[2]
  std::string message;
  Severity severity = Severity::kError;
  /// "file:line:column: path: message" (a warning's message starts with "warning: ";
  /// line/column and path are left out when unknown).
  std::string ToString() const;
};

struct Config {
  std::filesystem::path file;  // the file it was loaded from
  GlobalConfig global;
  std::vector<OrgConfig> orgs;
  AlertingConfig alerting;
  /// Things that load but look wrong (e.g. a sharing rule's group no baseline declares).
  std::vector<ConfigDiagnostic> warnings;
};

/// Thrown by LoadConfig with every problem found, not just the first. what() is every
/// diagnostic's ToString(), one per line. Never contains a secret value.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<ConfigDiagnostic> diagnostics);
  const std::vector<ConfigDiagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<ConfigDiagnostic> diagnostics_;
};

/// Where LoadConfig reads the environment from (for ${VAR}); tests pass their own.
struct LoadOptions {
  /// Returns the variable's value or nullopt when unset. Default: std::getenv.
  std::function<std::optional<std::string>(const std::string& name)> getenv;
};

/// Reads, expands (${VAR}, *_file) and validates `file`. Throws ConfigError.
/// Blocking file I/O: call at startup or on reload, never inside a poll.
Config LoadConfig(const std::filesystem::path& file);
Config LoadConfig(const std::filesystem::path& file, const LoadOptions& options);

/// A short human summary for `sfwarden check-config`: orgs, users, modes, poll intervals,
/// warnings. Never contains a secret.
std::string DescribeConfig(const Config& config);

/// Parses "250ms", "30s", "5m", "1h30m", "7d", "2w": integer amounts, units in
/// decreasing order, each at most once. On failure returns the reason.
std::optional<Duration> ParseDuration(std::string_view text, std::string* error = nullptr);
/// The shortest text ParseDuration reads back to `d`: 90min -> "1h30m", 0 -> "0s".
std::string FormatDuration(Duration d);

}  // namespace sfwarden::daemon
