// New ApiTotalUsage EventLogFiles (by CreatedDate) and their rows of watched users,
// aggregated by (user, connected app, client name, client IP). Columns by header name
// (WIRE.md §5: column order is UNCONFIRMED; the composed example and sfsim differ from the
// documented list in order only).
#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "collectors/detail/poll_sources.h"
#include "salesforce/csv.h"
#include "salesforce/query_decoder.h"
#include "salesforce/soql.h"

namespace sfwarden::collectors::detail {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string EventLogFileSoql(const std::optional<Time>& cursor, const OrgTarget& target) {
  // By CreatedDate, not LogDate (salesforce::EventLogFileListSoql): a file for an old
  // period can be generated late, and only its creation is new.
  salesforce::Soql q(
      "SELECT Id, EventType, LogDate, Interval, LogFile, LogFileLength, CreatedDate "
      "FROM EventLogFile WHERE EventType = ");
  q.String("ApiTotalUsage");
  if (cursor) {
    q.Raw(" AND CreatedDate > ").DateTime(*cursor);
  } else {
    q.Raw(" AND CreatedDate = LAST_N_DAYS:").Int(target.initial_lookback_days);
  }
  q.Raw(" ORDER BY CreatedDate ASC, Id ASC");
  return q.str();
}

tl::expected<LogFileListing, salesforce::ApiError> DecodeLogFileListing(
    const nlohmann::json& record) {
  auto info = salesforce::DecodeEventLogFile(record);
  if (!info) return tl::unexpected(info.error());
  auto created = TimeField(record, "CreatedDate");
  if (!created) {
    return tl::unexpected(salesforce::MakeError(salesforce::ErrorKind::kDecode, "lacks CreatedDate",
                                                "EventLogFile record"));
  }
  return LogFileListing{std::move(*info), *created};
}

bool CountsAgainstLimit(std::string_view value) {
  return !(value == "0" || EqualsIgnoreCase(value, "false"));
}

ApiUsageAggregator::ApiUsageAggregator(const OrgTarget& target, const UserDirectory& users,
                                       const LogFileListing& listing)
    : target_(target), users_(users) {
  file_.id = listing.info.id;
  file_.event_type = listing.info.event_type;
  file_.interval = listing.info.interval;
  file_.log_date = std::chrono::floor<std::chrono::milliseconds>(listing.info.log_date);
  file_.created_date = listing.created;
}

bool ApiUsageAggregator::Row(std::vector<std::string>&& row) {
  if (!header_seen_) {
    header_seen_ = true;
    user_id_derived_ = salesforce::ColumnIndex(row, "USER_ID_DERIVED");
    user_id_ = salesforce::ColumnIndex(row, "USER_ID");
    user_name_ = salesforce::ColumnIndex(row, "USER_NAME");
    app_ = salesforce::ColumnIndex(row, "CONNECTED_APP_NAME");
    client_ = salesforce::ColumnIndex(row, "CLIENT_NAME");
    ip_ = salesforce::ColumnIndex(row, "CLIENT_IP");
    counts_ = salesforce::ColumnIndex(row, "COUNTS_AGAINST_API_LIMIT");
    if (!user_id_derived_ && !user_id_ && !user_name_) {
      error_ = salesforce::MakeError(salesforce::ErrorKind::kDecode,
                                     "ApiTotalUsage header has no USER_ID/USER_NAME column",
                                     "EventLogFile " + file_.id);
      return false;
    }
    return true;
  }
  if (row.size() == 1 && row[0].empty()) return true;  // a blank line
  ++file_.rows;
  auto username = Watched(row);
  if (!username) return true;
  ++file_.rows_watched;
  auto& [counted, not_counted] =
      calls_[Key{*username, Column(row, app_), Column(row, client_), Column(row, ip_)}];
  // Without the column every call is taken to count: over-reporting use is the safe side.
  (!counts_ || CountsAgainstLimit(Column(row, counts_)) ? counted : not_counted) += 1;
  return true;
}

std::string ApiUsageAggregator::Column(const std::vector<std::string>& row,
                                       std::optional<std::size_t> index) const {
  return index && *index < row.size() ? row[*index] : std::string();
}

std::optional<std::string> ApiUsageAggregator::Watched(const std::vector<std::string>& row) const {
  for (auto column : {user_id_derived_, user_id_}) {
    auto id = Column(row, column);
    if (id.empty()) continue;
    if (auto username = users_.UsernameOf(id)) return username;
  }
  auto name = Column(row, user_name_);
  if (name.empty()) return std::nullopt;
  for (const auto& username : target_.usernames) {
    if (EqualsIgnoreCase(username, name)) return username;
  }
  return std::nullopt;
}

EventLogFileResult ApiUsageAggregator::Finish() && {
  EventLogFileResult result;
  for (auto& [key, count] : calls_) {
    ApiUsageObservation usage;
    usage.log_file_id = file_.id;
    usage.interval = file_.interval;
    usage.period_start = file_.log_date;
    std::tie(usage.username, usage.connected_app, usage.client_name, usage.client_ip) = key;
    usage.calls = count.first;
    usage.calls_not_counted = count.second;
    result.usage.push_back(std::move(usage));
  }
  result.file = std::move(file_);
  return result;
}

}  // namespace sfwarden::collectors::detail
