#include "sim/limits.h"

namespace sfwarden::sim {

std::string LimitInfoHeader(SimState& state, const std::string& app_name) {
  EpochMs now = state.org.Now();
  std::string h = "api-usage=" + std::to_string(state.usage.Used(now)) + "/" +
                  std::to_string(state.org.settings.daily_api_requests);
  if (const ConnectedApp* app = state.org.AppByName(app_name); app && app->daily_api_limit > 0) {
    h += "; per-app-api-usage=" + std::to_string(state.usage.UsedByApp(now, app_name)) + "/" +
         std::to_string(app->daily_api_limit) + "(appName=" + app_name + ")";
  }
  return h;
}

std::optional<Response> LimitExceeded(SimState& state, const std::string& app_name) {
  EpochMs now = state.org.Now();
  bool org_exhausted = state.usage.Used(now) >= state.org.settings.daily_api_requests;
  // A connected app's own quota (LimitAllocationPerApp, LimitType TotalRequests: Object
  // Reference "LimitAllocationPerApp", a pilot) refuses only that app's calls. The answer
  // is assumed to be the org's own 403 REQUEST_LIMIT_EXCEEDED "TotalRequests Limit
  // exceeded." (UNCONFIRMED: no public example of a per-app refusal was found).
  const ConnectedApp* app = state.org.AppByName(app_name);
  bool app_exhausted = app && app->daily_api_limit > 0 &&
                       state.usage.UsedByApp(now, app_name) >= app->daily_api_limit;
  if (!org_exhausted && !app_exhausted) return std::nullopt;
  // composed-rest-error-403-request-limit-exceeded.json [WIRE.md §3]
  Response r = ErrorResponse(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
  r.SetHeader("Sforce-Limit-Info", LimitInfoHeader(state, app_name));
  return r;
}

Response HandleLimits(SimState& state) {
  EpochMs now = state.org.Now();
  auto limit = [](std::int64_t max, std::int64_t remaining) {
    return nlohmann::ordered_json{{"Max", max},
                                  {"Remaining", std::max<std::int64_t>(0, remaining)}};
  };
  nlohmann::ordered_json out;
  out["ConcurrentAsyncGetReportInstances"] = limit(200, 200);
  out["ConcurrentSyncReportRuns"] = limit(20, 20);
  std::int64_t max = state.org.settings.daily_api_requests;
  auto daily = limit(max, max - state.usage.Used(now));
  for (const auto& app : state.org.apps) {
    daily[app.name] =
        app.daily_api_limit > 0
            ? limit(app.daily_api_limit, app.daily_api_limit - state.usage.UsedByApp(now, app.name))
            : limit(0, 0);
  }
  out["DailyApiRequests"] = daily;
  out["DailyAsyncApexExecutions"] = limit(250000, 250000);
  out["DailyBulkApiRequests"] = limit(5000, 5000);
  out["DailyDurableGenericStreamingApiEvents"] = limit(10000, 10000);
  out["DailyDurableStreamingApiEvents"] = limit(10000, 10000);
  out["DailyGenericStreamingApiEvents"] = limit(10000, 10000);
  out["DailyStreamingApiEvents"] = limit(10000, 10000);
  out["DailyWorkflowEmails"] = limit(390, 390);
  out["DataStorageMB"] = limit(5, 5);
  out["DurableStreamingApiConcurrentClients"] = limit(20, 20);
  out["FileStorageMB"] = limit(20, 20);
  out["HourlyAsyncReportRuns"] = limit(1200, 1200);
  out["HourlyDashboardRefreshes"] = limit(200, 200);
  out["HourlyDashboardResults"] = limit(5000, 5000);
  out["HourlyDashboardStatuses"] = limit(999999999, 999999999);
  out["HourlyODataCallout"] = limit(10000, 10000);
  out["HourlySyncReportRuns"] = limit(500, 500);
  out["HourlyTimeBasedWorkflow"] = limit(50, 50);
  out["MassEmail"] = limit(10, 10);
  out["SingleEmail"] = limit(15, 15);
  out["StreamingApiConcurrentClients"] = limit(20, 20);
  return JsonResponse(200, out);
}

}  // namespace sfwarden::sim
