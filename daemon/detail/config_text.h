#pragma once
// Text-level helpers of the config loader: ${VAR} expansion, did-you-mean, URLs, clock
// times and time zones. Pure functions (time zones read /usr/share/zoneinfo).

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

namespace sfwarden::daemon::detail {

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

/// Expands ${NAME} and ${NAME:-default} (default also when set but empty), and `$$` to
/// `$`; any other `$` is kept. An unset variable without a default is an error naming it.
tl::expected<std::string, std::string> ExpandEnv(std::string_view text, const GetEnv& getenv);

/// True when `text` is exactly one "${NAME}" (how an inline secret must be written).
bool IsSingleVarReference(std::string_view text);

/// Levenshtein distance.
std::size_t EditDistance(std::string_view a, std::string_view b);
/// The candidate closest to `word` if it is close enough to be a likely typo.
std::optional<std::string> DidYouMean(std::string_view word,
                                      const std::vector<std::string_view>& candidates);

struct Url {
  std::string scheme;  // lower case
  std::string host;    // without brackets for IPv6
  int port = 0;        // 0: default for the scheme
  std::string path;    // "" or starting with '/'
  bool has_userinfo = false;
  bool has_query_or_fragment = false;
  /// localhost, 127.0.0.0/8 or ::1.
  bool IsLoopback() const;
};
/// Parses an absolute http(s)-style URL; on failure the reason (never echoing the text,
/// which may be a secret).
tl::expected<Url, std::string> ParseUrl(std::string_view text);

/// "HH:MM" with 00:00 <= value <= 24:00.
std::optional<std::chrono::minutes> ParseClockTime(std::string_view text);
std::string FormatClockTime(std::chrono::minutes minutes);

/// "UTC" or an IANA name the system's time zone database knows (alerts::TimeZone).
bool IsKnownTimeZone(std::string_view name);

}  // namespace sfwarden::daemon::detail
