#pragma once
// URL pieces and proxy selection for the transport (no Beast here).

#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "salesforce/errors.h"

namespace sfwarden::salesforce::detail {

struct Url {
  std::string scheme;  // "http" | "https"
  std::string host;    // without brackets for IPv6
  std::string port;    // always set (default 443/80)
  std::string target;  // path + query, "/" at least
  bool default_port = true;
  /// host[:port] for the Host header and CONNECT.
  std::string Authority() const;
};

/// http(s)://host[:port][/path]; no user-info, no fragment. kTransport on anything else.
tl::expected<Url, ApiError> ParseUrl(std::string_view text);

/// An HTTPS_PROXY value: http://[user[:password]@]host[:port][/]. User and password are
/// percent-decoded. Errors never repeat the text (it may carry a password).
struct ProxyUrl {
  Url url;
  std::string user;
  std::string password;
  bool has_credentials() const { return !user.empty() || !password.empty(); }
};
tl::expected<ProxyUrl, ApiError> ParseProxyUrl(std::string_view text);

/// Whether `path`, a path the org handed us to follow (nextRecordsUrl, an EventLogFile's
/// LogFile), stays under /services/data/: no "." or ".." segment (also percent-encoded),
/// no empty segment, backslash, fragment, whitespace or control character (C0, DEL, and
/// bytes that are not printable ASCII). The query string, if any, is not inspected.
bool IsOrgDataPath(std::string_view path);

/// localhost, 127.0.0.0/8 and ::1.
bool IsLoopbackHost(std::string_view host);

/// Whether NO_PROXY excludes `host`, the way curl and Go read it: comma- or
/// space-separated entries; "*" (everything); a domain ("example.com", ".example.com" or
/// "*.example.com") matching itself and its subdomains; an IP address ("10.1.2.3",
/// "[::1]") or CIDR block ("10.0.0.0/8", "2001:db8::/32") matching IP-literal hosts. A
/// ":port" on an entry is ignored (the entry applies to every port); case and a trailing
/// dot do not matter. Loopback hosts are always excluded.
bool BypassesProxy(std::string_view host, std::string_view no_proxy);

}  // namespace sfwarden::salesforce::detail
