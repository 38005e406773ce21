#include "sim/event_log.h"

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

std::string ApiTotalUsageCsv(const SimState& state, EpochMs start, EpochMs end) {
  std::string csv;
  for (const char* c : kColumns) csv += (csv.empty() ? "" : ",") + Quote(c);
  csv += "\n";
  size_t n = 0;
  for (const auto& e : state.usage.events()) {
    if (e.time < start || e.time >= end) continue;
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
  EpochMs length = interval == "Hourly" ? 3'600'000 : 86'400'000;
  std::string csv = ApiTotalUsageCsv(state, start, start + length);
  std::string names, types;
  for (const char* c : kColumns) {
    names += (names.empty() ? "" : ",") + std::string(c);
    types += (types.empty() ? "" : ",") + std::string("String");
  }
  auto& row =
      state.org.Insert("EventLogFile", {{"EventType", "ApiTotalUsage"},
                                        {"LogDate", FormatDateTime(start)},
                                        {"Interval", interval},
                                        {"Sequence", 0},
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
