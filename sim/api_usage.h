#pragma once
// DailyApiRequests accounting: a rolling 24-hour window [WIRE.md §8], per-app usage,
// counters for the control API, and the per-call events behind ApiTotalUsage log files.

#include <cstdint>
#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/clock.h"

namespace sfwarden::sim {

/// One counted call, as an ApiTotalUsage EventLogFile row will show it [WIRE.md §5].
struct ApiEvent {
  EpochMs time = 0;
  std::string user_id;
  std::string username;
  std::string app_id;
  std::string app_name;
  std::string client_ip;
  std::string method;
  std::string resource;  // "/v60.0/query"
  std::string entity;    // sObject name when known
  std::string api_family = "REST";
  std::string api_version;
  int status = 200;
};

/// Not thread-safe; owned by SimState.
class ApiUsage {
 public:
  static constexpr size_t kMaxEvents = 1'000'000;  // oldest dropped beyond this

  /// Counts one call against the org (and the app, when given) at `now`.
  void Count(EpochMs now, const std::string& endpoint, const std::string& user_id,
             const std::string& app_name, std::int64_t calls = 1);
  void CountSubrequest(const std::string& endpoint) { ++per_subrequest_[endpoint]; }
  void AddEvent(ApiEvent event);

  /// Calls in the 24 hours before `now` (rolling window).
  std::int64_t Used(EpochMs now) const;
  std::int64_t UsedByApp(EpochMs now, const std::string& app_name) const;

  /// {"total", "per_endpoint", "per_user", "per_app", "per_composite_subrequest"}.
  nlohmann::json Counters() const;
  const std::deque<ApiEvent>& events() const { return events_; }

 private:
  static std::int64_t Sum(const std::map<std::int64_t, std::int64_t>& buckets, EpochMs now);

  std::map<std::int64_t, std::int64_t> minutes_;  // minute index → calls
  std::map<std::string, std::map<std::int64_t, std::int64_t>> app_minutes_;
  std::int64_t total_ = 0;
  std::map<std::string, std::int64_t> per_endpoint_, per_user_, per_app_, per_subrequest_;
  std::deque<ApiEvent> events_;
};

}  // namespace sfwarden::sim
