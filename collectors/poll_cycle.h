#pragma once
// One steady-state poll of an org: the incremental sources that are due, read with as few
// API calls as possible. In a steady state (no new pages, no new log files) a poll costs
// at most 2 calls whatever the number of users: one /composite with the due queries
// (LoginHistory, SetupAuditTrail, OAuthToken, EventLogFile listing) and GET /limits.
// More calls are spent only on what actually arrived: further query pages (QueryMore)
// and one download per new ApiTotalUsage log file.

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/observations.h"
#include "collectors/target.h"
#include "salesforce/api.h"
#include "salesforce/errors.h"

namespace sfwarden::collectors {

/// The incremental sources, each with its own interval, cursor and metrics.
enum class Source { kLogins, kAuditTrail, kOAuthTokens, kLimits, kApiUsageLogs };
std::string_view ToString(Source source);  // "logins", "audit_trail", "oauth_tokens", "limits", "api_usage_logs"

/// Read positions, persisted by the daemon between polls and across restarts. nullopt:
/// never read (the first read looks back OrgTarget::initial_lookback_days).
struct PollCursors {
  std::optional<Time> logins;           // newest LoginTime seen
  std::optional<Time> audit_trail;      // newest SetupAuditTrail.CreatedDate seen
  std::optional<Time> oauth_tokens;     // newest OAuthToken CreatedDate/LastUsedDate seen
  std::optional<Time> event_log_files;  // CreatedDate of the newest log file processed
};

/// Integration users by Id (15- and 18-character forms both map), from the last
/// permission read: LoginHistory and OAuthToken rows carry only UserId.
struct UserDirectory {
  std::map<std::string, std::string> username_by_id;
  std::map<std::string, std::string> name_by_username;  // display names, for audit text
  /// Labels as audit Display texts show them ("HubSpot Sync Access" for the set
  /// HubSpot_Sync_Access): permission set API name -> Label, and group / permission set
  /// group DeveloperName -> Name / MasterLabel.
  std::map<std::string, std::string> permission_set_labels;
  std::map<std::string, std::string> group_labels;
  static UserDirectory From(const PermissionSnapshot& snapshot);
  std::optional<std::string> UsernameOf(std::string_view user_id) const;
};

struct SourceOutcome {
  std::optional<salesforce::ApiError> error;  // nullopt: the source was read completely
  std::chrono::milliseconds duration{0};
};

/// One ApiTotalUsage file and its rows of watched users, aggregated.
struct EventLogFileResult {
  EventLogFileObservation file;
  std::vector<ApiUsageObservation> usage;
};

struct PollResult {
  std::vector<LoginObservation> logins;   // oldest first; may repeat rows of the overlap
  std::vector<AuditObservation> audit;    // oldest first; may repeat rows of the overlap
  std::vector<OAuthTokenObservation> oauth_tokens;  // created or used since the cursor
  std::optional<LimitsObservation> limits;
  std::vector<EventLogFileResult> event_log_files;  // in CreatedDate order, each complete
  PollCursors cursors;  // where the next poll starts (unchanged for a failed source)
  std::map<Source, SourceOutcome> outcomes;  // one per source that was due
  int api_calls = 0;  // calls this poll cost (counted by the collector)
  bool requires_permission_read() const;  // some audit entry asks for it
};

/// Reads the `due` sources. Never throws for Salesforce failures: a failed source has an
/// error in `outcomes`, keeps its cursor and does not stop the others.
boost::asio::awaitable<PollResult> Poll(salesforce::Api& api, const OrgTarget& target,
                                        const UserDirectory& users, const PollCursors& cursors,
                                        std::vector<Source> due);

}  // namespace sfwarden::collectors
