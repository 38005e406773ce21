#pragma once
// The `Sforce-Limit-Info` response header (REST API Developer Guide headers_api_usage;
// WIRE.md §3): "api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)"
// and, on newer orgs, "api-bursts=1/750" (meaning UNCONFIRMED; parsed, not acted on).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sfwarden::salesforce {

struct UsageCount {
  std::int64_t used = 0;
  std::int64_t max = 0;
  std::int64_t remaining() const { return max - used; }
  friend bool operator==(const UsageCount&, const UsageCount&) = default;
};

struct LimitInfo {
  std::optional<UsageCount> api_usage;  // the org's rolling-24h API requests
  std::optional<UsageCount> per_app_api_usage;
  std::string app_name;  // with per_app_api_usage
  std::optional<UsageCount> api_bursts;
};

/// Parses the header value; unknown or malformed parts are skipped. nullopt when no part
/// could be read.
std::optional<LimitInfo> ParseLimitInfo(std::string_view header);

}  // namespace sfwarden::salesforce
