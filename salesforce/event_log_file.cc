#include "salesforce/event_log_file.h"

#include <nlohmann/json.hpp>

#include "salesforce/query_decoder.h"
#include "salesforce/soql.h"

namespace sfwarden::salesforce {

std::string EventLogFileListSoql(std::string_view event_type, std::string_view interval,
                                 std::optional<std::chrono::system_clock::time_point> after) {
  Soql q(
      "SELECT Id, EventType, LogDate, Interval, LogFile, LogFileLength FROM EventLogFile "
      "WHERE EventType = ");
  q.String(event_type).Raw(" AND Interval = ").String(interval);
  if (after) q.Raw(" AND LogDate > ").DateTime(*after);
  q.Raw(" ORDER BY LogDate ASC, Id ASC");
  return q.str();
}

tl::expected<EventLogFileInfo, ApiError> DecodeEventLogFile(const nlohmann::json& record) {
  auto fail = [](std::string message) {
    return tl::unexpected(MakeError(ErrorKind::kDecode, std::move(message), "EventLogFile record"));
  };
  EventLogFileInfo info;
  auto id = FieldString(record, "Id");
  auto log_date = FieldString(record, "LogDate");
  auto path = FieldString(record, "LogFile");
  if (!id || !log_date || !path) return fail("lacks Id, LogDate or LogFile");
  auto when = ParseSalesforceDateTime(*log_date);
  if (!when) return fail("LogDate is not a datetime");
  if (!path->starts_with("/services/data/") || !path->ends_with("/LogFile")) {
    return fail("LogFile is not a blob path");
  }
  info.id = *id;
  info.event_type = FieldString(record, "EventType").value_or("");
  info.log_date = *when;
  info.interval = FieldString(record, "Interval").value_or("");
  info.log_file_path = *path;
  if (auto it = record.find("LogFileLength"); it != record.end() && it->is_number()) {
    info.log_file_length = static_cast<std::int64_t>(it->get<double>());
  }
  return info;
}

}  // namespace sfwarden::salesforce
