#pragma once
// Internals of Poll (poll_cycle.cc): per source, the SOQL it sends and how its rows become
// observations. One .cc per source: login_history.cc, audit_trail.cc, oauth_tokens.cc,
// api_usage_logs.cc. Exposed here for the unit tests.

#include <cstddef>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <tuple>
#include <vector>

#include "collectors/observations.h"
#include "collectors/poll_cycle.h"
#include "collectors/target.h"
#include "salesforce/errors.h"
#include "salesforce/event_log_file.h"
#include "salesforce/query_decoder.h"

namespace sfwarden::collectors::detail {

/// A datetime field of a record ("2024-01-02T03:04:05.000+0000"); nullopt when absent,
/// null or malformed.
std::optional<Time> TimeField(const nlohmann::json& record, std::string_view field);
/// The same for a datetime field's text.
std::optional<Time> TimeOf(std::string_view text);

// --- user-bound queries ----------------------------------------------------------------

/// One Id per watched user of the directory (the 18-character form when known), sorted.
std::vector<std::string> DirectoryUserIds(const UserDirectory& users);

/// SOQL statements may be 100,000 characters long ("SOQL and SOSL Limits"). An IN list of
/// 1,000 18-character Ids is ~21 KB; lists longer than this bound are split so that every
/// statement stays well under the limit, whatever else it holds.
constexpr std::size_t kMaxIdListChars = 50'000;
/// `ids` in consecutive chunks whose quoted IN-list text stays under `max_chars`.
std::vector<std::vector<std::string>> SplitIdList(const std::vector<std::string>& ids,
                                                  std::size_t max_chars = kMaxIdListChars);

// --- LoginHistory (login_history.cc) ---------------------------------------------------

/// The LoginHistory fields read, in SELECT order: the QueryOptions::string_fields of the
/// login pages, and the order of DecodeLogin's row.
std::span<const std::string> LoginHistoryFields();
std::string LoginHistorySoql(std::span<const std::string> user_ids,
                             const std::optional<Time>& cursor, const OrgTarget& target);
/// A row of LoginHistoryFields(), its strings moved into the observation. nullopt for a
/// row without Id/UserId/LoginTime or of a user outside the directory.
std::optional<LoginObservation> DecodeLogin(salesforce::StringRow&& row,
                                            const UserDirectory& users);

// --- SetupAuditTrail (audit_trail.cc) --------------------------------------------------

std::string AuditTrailSoql(const std::optional<Time>& cursor, const OrgTarget& target);

/// The texts an audit entry may name watched things by.
struct AuditWatch {
  std::map<std::string, std::string> user_texts;  // username, display name, Ids -> username
  std::map<std::string, std::string> permission_set_texts;  // API name, label -> API name
  std::map<std::string, std::string> group_texts;           // DeveloperName, label -> name
  std::set<std::string> objects;                            // sharing rules, OWD
};
AuditWatch MakeAuditWatch(const OrgTarget& target, const UserDirectory& users);
AuditConcerns FindConcerns(const AuditWatch& watch, std::string_view action,
                           std::string_view section, std::string_view display);
/// Whether the action can change permissions, group membership, sharing or the user.
bool CanChangePermissions(std::string_view action, std::string_view section);
/// nullopt for a row without Id/CreatedDate.
std::optional<AuditObservation> DecodeAudit(const nlohmann::json& record, const AuditWatch& watch);

// --- OAuthToken (oauth_tokens.cc) ------------------------------------------------------

std::string OAuthTokenSoql(std::span<const std::string> user_ids, const std::optional<Time>& cursor,
                           const OrgTarget& target);
std::optional<OAuthTokenObservation> DecodeOAuthToken(const nlohmann::json& record,
                                                      const UserDirectory& users);

// --- EventLogFile ApiTotalUsage (api_usage_logs.cc) ------------------------------------

std::string EventLogFileSoql(const std::optional<Time>& cursor, const OrgTarget& target);

struct LogFileListing {
  salesforce::EventLogFileInfo info;
  Time created{};  // CreatedDate: the cursor
};
tl::expected<LogFileListing, salesforce::ApiError> DecodeLogFileListing(
    const nlohmann::json& record);

/// Aggregates the CSV rows of one ApiTotalUsage file (header first) for watched users.
/// Columns are found by header name: USER_ID_DERIVED / USER_ID resolve through the
/// directory, else USER_NAME is matched against the configured usernames.
class ApiUsageAggregator {
 public:
  ApiUsageAggregator(const OrgTarget& target, const UserDirectory& users,
                     const LogFileListing& listing);
  /// A row sink for Api::DownloadEventLogFile; false (stop) when the header is unusable.
  bool Row(std::vector<std::string>&& row);
  /// kDecode when the header lacked every user column.
  const std::optional<salesforce::ApiError>& error() const { return error_; }
  EventLogFileResult Finish() &&;

 private:
  using Key = std::tuple<std::string, std::string, std::string, std::string>;
  std::optional<std::string> Watched(const std::vector<std::string>& row) const;
  std::string Column(const std::vector<std::string>& row, std::optional<std::size_t> index) const;

  const OrgTarget& target_;
  const UserDirectory& users_;
  EventLogFileObservation file_;
  bool header_seen_ = false;
  std::optional<std::size_t> user_id_derived_, user_id_, user_name_, app_, client_, ip_, counts_;
  std::optional<salesforce::ApiError> error_;
  std::map<Key, std::pair<std::int64_t, std::int64_t>> calls_;  // counted, not counted
};

/// COUNTS_AGAINST_API_LIMIT: "1"/"0" in sfsim and the composed example, Boolean in the
/// Object Reference (encoding UNCONFIRMED), so "true"/"false" are read too.
bool CountsAgainstLimit(std::string_view value);

}  // namespace sfwarden::collectors::detail
