#pragma once
// Retry delays: exponential backoff with full jitter (delay = uniform[0, min(cap,
// base * 2^(retry-1))]), never shorter than a server's Retry-After (bounded).

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

namespace sfwarden::salesforce {

struct BackoffPolicy {
  int max_attempts = 4;  // first try included
  std::chrono::milliseconds base{500};
  std::chrono::milliseconds cap{std::chrono::seconds(30)};
  std::chrono::milliseconds max_retry_after{std::chrono::minutes(2)};
};

/// A uniform random number in [0, 1); injected so tests are deterministic.
using UniformRandom = std::function<double()>;
UniformRandom DefaultRandom();

/// Delay before retry number `retry` (1 = the first retry).
std::chrono::milliseconds BackoffDelay(const BackoffPolicy& policy, int retry,
                                       std::optional<std::chrono::milliseconds> retry_after,
                                       const UniformRandom& random);

/// Retry-After as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), relative to `now`;
/// nullopt when malformed. A date in the past gives 0; anything beyond a day gives a day.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

}  // namespace sfwarden::salesforce
