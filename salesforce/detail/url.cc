#include "salesforce/detail/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace sfwarden::salesforce::detail {
namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}
std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}
ApiError UrlError(std::string message) {
  return MakeError(ErrorKind::kTransport, std::move(message), "URL");
}
}  // namespace

std::string Url::Authority() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return default_port ? h : h + ":" + port;
}

tl::expected<Url, ApiError> ParseUrl(std::string_view text) {
  Url url;
  auto sep = text.find("://");
  if (sep == std::string_view::npos) return tl::unexpected(UrlError("not an absolute URL"));
  url.scheme = Lower(text.substr(0, sep));
  if (url.scheme != "http" && url.scheme != "https") {
    return tl::unexpected(UrlError("scheme must be http or https"));
  }
  auto rest = text.substr(sep + 3);
  auto slash = rest.find_first_of("/?#");
  auto authority = rest.substr(0, slash);
  url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (url.target.front() == '?') url.target.insert(0, "/");
  if (auto hash = url.target.find('#'); hash != std::string::npos) url.target.resize(hash);
  if (url.target.empty()) url.target = "/";
  if (authority.find('@') != std::string_view::npos) {
    return tl::unexpected(UrlError("credentials in URLs are not supported"));
  }
  std::string_view port;
  if (authority.starts_with('[')) {
    auto close = authority.find(']');
    if (close == std::string_view::npos) return tl::unexpected(UrlError("bad IPv6 host"));
    url.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return tl::unexpected(UrlError("bad IPv6 host"));
      port = after.substr(1);
    }
  } else {
    auto colon = authority.rfind(':');
    url.host = Lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (url.host.empty()) return tl::unexpected(UrlError("no host"));
  for (char c : url.host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' &&
        c != '_') {
      return tl::unexpected(UrlError("bad character in host"));
    }
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      return tl::unexpected(UrlError("bad port"));
    }
    url.port = std::string(port);
    url.default_port = url.port == (url.scheme == "https" ? "443" : "80");
  } else {
    url.port = url.scheme == "https" ? "443" : "80";
  }
  return url;
}

bool IsLoopbackHost(std::string_view host) {
  if (Lower(host) == "localhost") return true;
  in_addr v4{};
  std::string h(host);
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, h.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

bool BypassesProxy(std::string_view host, std::string_view no_proxy) {
  if (IsLoopbackHost(host)) return true;
  std::string h = Lower(host);
  while (!no_proxy.empty()) {
    auto comma = no_proxy.find(',');
    auto entry = Trim(no_proxy.substr(0, comma));
    no_proxy = comma == std::string_view::npos ? std::string_view() : no_proxy.substr(comma + 1);
    if (entry.empty()) continue;
    if (entry == "*") return true;
    if (auto colon = entry.rfind(':');
        colon != std::string_view::npos && entry.find(':') == colon) {
      entry = entry.substr(0, colon);
    }
    std::string e = Lower(entry);
    if (e.starts_with('.')) e.erase(0, 1);
    if (h == e || (h.size() > e.size() && h.ends_with(e) && h[h.size() - e.size() - 1] == '.')) {
      return true;
    }
  }
  return false;
}

}  // namespace sfwarden::salesforce::detail
