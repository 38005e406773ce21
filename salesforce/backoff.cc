#include "salesforce/backoff.h"

#include <algorithm>
#include <charconv>
#include <ctime>
#include <memory>
#include <random>
#include <string>

namespace sfwarden::salesforce {

UniformRandom DefaultRandom() {
  auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
  return [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
}

std::chrono::milliseconds BackoffDelay(const BackoffPolicy& policy, int retry,
                                       std::optional<std::chrono::milliseconds> retry_after,
                                       const UniformRandom& random) {
  using std::chrono::milliseconds;
  int shift = std::clamp(retry - 1, 0, 30);
  auto ceiling = policy.base.count() * (std::int64_t{1} << shift);
  if (ceiling > policy.cap.count() || ceiling < 0) ceiling = policy.cap.count();
  double r = std::clamp(random(), 0.0, 1.0);
  auto delay = milliseconds(static_cast<std::int64_t>(r * static_cast<double>(ceiling)));
  if (retry_after) delay = std::max(delay, std::min(*retry_after, policy.max_retry_after));
  return delay;
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  // The value comes from the server: it is clamped to a day in seconds before any
  // conversion, so a huge number or a far-off date cannot overflow the millisecond
  // (or the clock's nanosecond) arithmetic. BackoffPolicy::max_retry_after caps it far
  // below a day in any case.
  constexpr std::int64_t kLongest = 24 * 60 * 60;
  std::int64_t seconds = 0;
  auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc::result_out_of_range && p == value.data() + value.size() &&
      value.front() != '-') {
    seconds = kLongest;
  } else if (ec != std::errc() || p != value.data() + value.size()) {
    std::tm tm{};
    std::string text(value);
    const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    if (end == nullptr || *end != '\0') return std::nullopt;
    // In seconds, not through system_clock: a year strptime takes (up to 9999) is far
    // outside the clock's nanosecond range but well inside int64 seconds.
    seconds = std::int64_t{timegm(&tm)} -
              std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
    if (seconds <= 0) return std::chrono::milliseconds(0);
  } else if (seconds < 0) {
    return std::nullopt;
  }
  return std::chrono::seconds(std::min(seconds, kLongest));
}

}  // namespace sfwarden::salesforce
