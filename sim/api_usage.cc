#include "sim/api_usage.h"

namespace sfwarden::sim {
namespace {
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kWindowMinutes = 24 * 60;
}  // namespace

void ApiUsage::Count(EpochMs now, const std::string& endpoint, const std::string& user_id,
                     const std::string& app_name, std::int64_t calls) {
  std::int64_t minute = now / kMinute;
  minutes_[minute] += calls;
  // Forget buckets that can no longer fall inside any window (bounded memory).
  while (!minutes_.empty() && minutes_.begin()->first < minute - 2 * kWindowMinutes) {
    minutes_.erase(minutes_.begin());
  }
  if (!app_name.empty()) app_minutes_[app_name][minute] += calls;
  total_ += calls;
  per_endpoint_[endpoint] += calls;
  if (!user_id.empty()) per_user_[user_id] += calls;
  if (!app_name.empty()) per_app_[app_name] += calls;
}

void ApiUsage::AddEvent(ApiEvent event) {
  if (events_.size() >= kMaxEvents) events_.pop_front();
  events_.push_back(std::move(event));
}

std::int64_t ApiUsage::Sum(const std::map<std::int64_t, std::int64_t>& buckets, EpochMs now) {
  std::int64_t minute = now / kMinute;
  std::int64_t sum = 0;
  for (auto it = buckets.upper_bound(minute - kWindowMinutes); it != buckets.end(); ++it) {
    if (it->first > minute) break;
    sum += it->second;
  }
  return sum;
}

std::int64_t ApiUsage::Used(EpochMs now) const { return Sum(minutes_, now); }

std::int64_t ApiUsage::UsedByApp(EpochMs now, const std::string& app_name) const {
  auto it = app_minutes_.find(app_name);
  return it == app_minutes_.end() ? 0 : Sum(it->second, now);
}

nlohmann::json ApiUsage::Counters() const {
  return {{"total", total_},
          {"per_endpoint", per_endpoint_},
          {"per_user", per_user_},
          {"per_app", per_app_},
          {"per_composite_subrequest", per_subrequest_}};
}

}  // namespace sfwarden::sim
