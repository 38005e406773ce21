#pragma once
// GET /services/data/vNN.0/limits [WIRE.md §4].

#include <optional>
#include <string>

#include "sim/http.h"
#include "sim/state.h"

namespace sfwarden::sim {

/// DailyApiRequests Max/Remaining agree with the Sforce-Limit-Info header of the same
/// response; each connected app appears under DailyApiRequests with its own Max/Remaining
/// ({"Max":0,"Remaining":0} when it has no per-app limit, as in the real payload
/// rest-limits-with-per-app-entries.json). The other limits are static, with the values of
/// rest-limits-simple-no-per-app.json.
Response HandleLimits(SimState& state);

/// 403 REQUEST_LIMIT_EXCEEDED when the org's DailyApiRequests, or the calling connected
/// app's own allowance (daily_api_limit), is used up; nullopt when the call may proceed.
std::optional<Response> LimitExceeded(SimState& state, const std::string& app_name);

/// "api-usage=N/M" plus "; per-app-api-usage=u/m(appName=X)" for apps with a limit
/// [WIRE.md §3].
std::string LimitInfoHeader(SimState& state, const std::string& app_name);

}  // namespace sfwarden::sim
