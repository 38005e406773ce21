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

/// localhost, 127.0.0.0/8 and ::1.
bool IsLoopbackHost(std::string_view host);

/// Whether NO_PROXY (comma-separated; "*", host names, ".suffix" or "suffix" domain
/// matches, optional ":port" ignored) excludes `host`. Loopback hosts are always excluded.
bool BypassesProxy(std::string_view host, std::string_view no_proxy);

}  // namespace sfwarden::salesforce::detail
