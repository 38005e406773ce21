#include "sim/event_log.h"

#include <algorithm>

namespace sfwarden::sim {
namespace {
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}
constexpr const char* kColumns[] = {
    "EVENT_TYPE",       "TIMESTAMP",          "REQUEST_ID",     "ORGANIZATION_ID",
    "USER_ID",          "API_FAMILY",         "API_VERSION",    "API_RESOURCE",
    "CLIENT_NAME",      "HTTP_METHOD",        "CLIENT_IP",      "COUNTS_AGAINST_API_LIMIT",
    "CONNECTED_APP_ID", "CONNECTED_APP_NAME", "ENTITY_NAME",    "STATUS_CODE",
    "USER_NAME",        "TIMESTAMP_DERIVED",  "USER_ID_DERIVED"};
}  // namespace

std::string ApiTotalUsageCsv(const SimState& state, EpochMs start, EpochMs end, size_t skip) {
  std::string csv;
  for (const char* c : kColumns) csv += (csv.empty() ? "" : ",") + Quote(c);
  csv += "\n";
  size_t n = 0;
  for (const auto& e : state.usage.events()) {
    if (e.time < start || e.time >= end) continue;
    if (skip > 0) {
      --skip;
      continue;
    }
    std::string request_id = "4sim" + std::to_string(e.time) + "-" + std::to_string(n++);
    const std::string fields[] = {"ApiTotalUsage",
                                  FormatCompactTimestamp(e.time),
                                  request_id,
                                  Id15(state.org.settings.org_id),
                                  Id15(e.user_id),
                                  e.api_family,
                                  e.api_version,
                                  e.resource,
                                  "",
                                  e.method,
                                  e.client_ip,
                                  "1",
                                  Id15(e.app_id),
                                  e.app_name,
                                  e.entity,
                                  std::to_string(e.status),
                                  e.username,
                                  FormatIsoZ(e.time),
                                  e.user_id};
    std::string line;
    for (const auto& f : fields) line += (line.empty() ? "" : ",") + Quote(f);
    csv += line + "\n";
  }
  return csv;
}

std::string PublishApiTotalUsage(SimState& state, EpochMs start, const std::string& interval) {
  const bool hourly = interval == "Hourly";
  EpochMs length = hourly ? 3'600'000 : 86'400'000;
  // Earlier Hourly files of the same hour: their rows are not listed again.
  int sequence = 0;
  size_t listed = 0;
  if (hourly) {
    const std::string log_date = FormatDateTime(start);
    auto text = [](const nlohmann::json& row, const char* field) {
      auto it = row.find(field);
      return it != row.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    for (const auto& row : state.org.table("EventLogFile").rows) {
      if (text(row, "Interval") != "Hourly" || text(row, "LogDate") != log_date) continue;
      ++sequence;
      auto csv = state.log_files.find(text(row, "Id"));
      if (csv == state.log_files.end()) continue;
      auto lines = static_cast<size_t>(std::count(csv->second.begin(), csv->second.end(), '\n'));
      listed += lines > 0 ? lines - 1 : 0;  // less the header line
    }
    ++sequence;
  }
  std::string csv = ApiTotalUsageCsv(state, start, start + length, listed);
  std::string names, types;
  for (const char* c : kColumns) {
    names += (names.empty() ? "" : ",") + std::string(c);
    types += (types.empty() ? "" : ",") + std::string("String");
  }
  auto& row =
      state.org.Insert("EventLogFile", {{"EventType", "ApiTotalUsage"},
                                        {"LogDate", FormatDateTime(start)},
                                        {"Interval", interval},
                                        {"Sequence", sequence},
                                        {"LogFileLength", static_cast<double>(csv.size())},
                                        {"LogFileContentType", "CSV"},
                                        {"LogFileFieldNames", names},
                                        {"LogFileFieldTypes", types},
                                        {"ApiVersion", std::stod(state.org.settings.api_version)}});
  std::string id = row["Id"];
  row["LogFile"] = "/services/data/v" + state.org.settings.api_version + "/sobjects/EventLogFile/" +
                   id + "/LogFile";
  state.log_files[id] = std::move(csv);
  return id;
}

}  // namespace sfwarden::sim
