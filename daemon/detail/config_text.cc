#include "daemon/detail/config_text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "alerts/ip_range.h"
#include "alerts/time_zone.h"

namespace sfwarden::daemon::detail {
namespace {

bool IsNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

bool IsVarName(std::string_view name) {
  return !name.empty() && IsNameStart(name[0]) && std::all_of(name.begin(), name.end(), IsNameChar);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

tl::expected<std::string, std::string> ExpandEnv(std::string_view text, const GetEnv& getenv) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 == text.size()) {
      out += text[i];
      continue;
    }
    if (text[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    if (text[i + 1] != '{') {
      out += '$';
      continue;
    }
    const auto close = text.find('}', i + 2);
    if (close == std::string_view::npos) {
      return tl::unexpected(std::string("unterminated '${' (write '$$' for a literal '$')"));
    }
    const std::string_view inner = text.substr(i + 2, close - i - 2);
    const auto dflt = inner.find(":-");
    const std::string_view name = inner.substr(0, dflt);
    if (!IsVarName(name)) {
      return tl::unexpected("'${" +
                            std::string(inner.substr(0, std::min<std::size_t>(inner.size(), 40))) +
                            "}' is not a variable reference: names are letters, digits and "
                            "'_' (write '$$' for a literal '$')");
    }
    const auto value = getenv(std::string(name));
    if (dflt != std::string_view::npos && (!value || value->empty())) {
      out += inner.substr(dflt + 2);
    } else if (value) {
      out += *value;
    } else {
      return tl::unexpected("environment variable " + std::string(name) + " is not set (write ${" +
                            std::string(name) + ":-default} to give a default)");
    }
    i = close;
  }
  return out;
}

bool IsSingleVarReference(std::string_view text) {
  return text.size() > 3 && text.substr(0, 2) == "${" && text.back() == '}' &&
         IsVarName(text.substr(2, text.size() - 3));
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> DidYouMean(std::string_view word,
                                      const std::vector<std::string_view>& candidates) {
  const std::string lower = Lower(word);
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (std::string_view candidate : candidates) {
    const std::size_t distance = EditDistance(lower, Lower(candidate));
    if (!best || distance < best_distance) {
      best = std::string(candidate);
      best_distance = distance;
    }
  }
  // A third of the word, at least 2 edits: "client_secrt" -> "client_secret", but "foo"
  // does not turn into "tz".
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  if (best && best_distance <= limit && best_distance < word.size()) return best;
  // A truncated or extended name: "HubSpot_Sync" -> "HubSpot_Sync_Access".
  if (lower.size() >= 4) {
    for (std::string_view candidate : candidates) {
      const std::string other = Lower(candidate);
      if (other.starts_with(lower) || lower.starts_with(other)) return std::string(candidate);
    }
  }
  return std::nullopt;
}

bool Url::IsLoopback() const {
  if (Lower(host) == "localhost") return true;
  auto address = alerts::IpAddress::Parse(host);
  if (!address) return false;
  static const auto kV4 = *alerts::IpRange::Parse("127.0.0.0/8");
  static const auto kV6 = *alerts::IpRange::Parse("::1/128");
  return kV4.Contains(*address) || kV6.Contains(*address);
}

tl::expected<Url, std::string> ParseUrl(std::string_view text) {
  Url url;
  const auto scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos || scheme_end == 0) {
    return tl::unexpected(std::string("is not an absolute URL (expected scheme://host)"));
  }
  url.scheme = Lower(text.substr(0, scheme_end));
  std::string_view rest = text.substr(scheme_end + 3);
  const auto authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail =
      authority_end == std::string_view::npos ? std::string_view() : rest.substr(authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    url.has_userinfo = true;
    authority = authority.substr(at + 1);
  }
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return tl::unexpected(std::string("has an unclosed '['"));
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return tl::unexpected(std::string("has junk after ']'"));
      port_text = after.substr(1);
    }
    if (!alerts::IpAddress::Parse(url.host)) {
      return tl::unexpected(std::string("has a bad IPv6 address in brackets"));
    }
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (url.host.empty()) return tl::unexpected(std::string("has no host"));
  if (!std::all_of(url.host.begin(), url.host.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':';
      })) {
    return tl::unexpected(std::string("has a host with characters a host name cannot have"));
  }
  if (!port_text.empty() || (authority.size() && authority.back() == ':')) {
    int port = 0;
    const char* end = port_text.data() + port_text.size();
    auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
    if (port_text.empty() || ec != std::errc() || ptr != end || port < 1 || port > 65535) {
      return tl::unexpected(std::string("has a bad port (1-65535)"));
    }
    url.port = port;
  }
  const auto query = tail.find_first_of("?#");
  url.has_query_or_fragment = query != std::string_view::npos;
  url.path = std::string(tail.substr(0, query));
  return url;
}

std::optional<std::chrono::minutes> ParseClockTime(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0, 1, 3, 4}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int minutes = (text[3] - '0') * 10 + (text[4] - '0');
  if (minutes > 59 || hours > 24 || (hours == 24 && minutes != 0)) return std::nullopt;
  return std::chrono::minutes(hours * 60 + minutes);
}

std::string FormatClockTime(std::chrono::minutes value) {
  const auto total = value.count();
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d", static_cast<int>(total / 60),
                static_cast<int>(total % 60));
  return buffer;
}

bool IsKnownTimeZone(std::string_view name) { return alerts::TimeZone::Load(name).has_value(); }

}  // namespace sfwarden::daemon::detail
