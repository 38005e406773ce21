#pragma once
// EventLogFile listing (Object Reference, EventLogFile; WIRE.md §5): which log files exist
// for an event type, and where their CSV blob is. The blob itself is downloaded with
// Api::DownloadEventLogFile.

#include <chrono>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "salesforce/errors.h"

namespace sfwarden::salesforce {

struct EventLogFileInfo {
  std::string id;
  std::string event_type;                          // e.g. ApiTotalUsage, Login
  std::chrono::system_clock::time_point log_date;  // start of the covered period
  std::string interval;                            // Daily | Hourly ("" before API 37.0)
  std::string log_file_path;  // /services/data/vXX.X/sobjects/EventLogFile/<Id>/LogFile
  std::int64_t log_file_length = 0;
};

/// SOQL listing the files of `event_type` and `interval` ("Daily"/"Hourly") whose LogDate
/// is after `after` (all when nullopt), oldest first — a cursor-friendly order.
std::string EventLogFileListSoql(std::string_view event_type, std::string_view interval,
                                 std::optional<std::chrono::system_clock::time_point> after);

/// One record of that query; kDecode when Id, LogDate or LogFile is missing or malformed.
tl::expected<EventLogFileInfo, ApiError> DecodeEventLogFile(const nlohmann::json& record);

}  // namespace sfwarden::salesforce
