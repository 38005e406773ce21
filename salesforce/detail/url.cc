#include "salesforce/detail/url.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>

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
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !std::isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

// An IPv4 or IPv6 literal as bytes (4 or 16); nullopt for anything else.
std::optional<std::string> IpBytes(std::string_view text) {
  std::string t(text);
  unsigned char buf[16];
  if (inet_pton(AF_INET, t.c_str(), buf) == 1) return std::string(reinterpret_cast<char*>(buf), 4);
  if (inet_pton(AF_INET6, t.c_str(), buf) == 1)
    return std::string(reinterpret_cast<char*>(buf), 16);
  return std::nullopt;
}

// Whether `entry` is an IP ("10.1.2.3", "::1") or CIDR block ("10.0.0.0/8") holding `ip`
// (bytes from IpBytes).
bool IpEntryMatches(std::string_view entry, const std::string& ip) {
  auto slash = entry.find('/');
  auto net = IpBytes(entry.substr(0, slash));
  if (!net || net->size() != ip.size()) return false;
  std::size_t bits = net->size() * 8;
  if (slash != std::string_view::npos) {
    auto prefix = entry.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 3 ||
        !std::all_of(prefix.begin(), prefix.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      return false;
    }
    bits = std::min(bits, static_cast<std::size_t>(std::stoi(std::string(prefix))));
  }
  for (std::size_t i = 0; i < bits; ++i) {
    unsigned mask = 0x80u >> (i % 8);
    if ((static_cast<unsigned char>((*net)[i / 8]) & mask) !=
        (static_cast<unsigned char>(ip[i / 8]) & mask)) {
      return false;
    }
  }
  return true;
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
  // The target goes onto the request line as is: a space, CR or LF in it (from a path the
  // org sent back, such as nextRecordsUrl or an EventLogFile LogFile) would split the line
  // or add headers. RFC 9112 §3.2 allows none of them in a request-target.
  for (unsigned char c : url.target) {
    if (c <= 0x20 || c == 0x7f) return tl::unexpected(UrlError("bad character in path"));
  }
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

tl::expected<ProxyUrl, ApiError> ParseProxyUrl(std::string_view text) {
  auto bad = [] {
    return tl::unexpected(UrlError("HTTPS_PROXY must be an http://[user:password@]host:port URL"));
  };
  ProxyUrl proxy;
  auto sep = text.find("://");
  auto at = text.rfind('@');
  std::string without_credentials(text);
  if (sep != std::string_view::npos && at != std::string_view::npos && at > sep) {
    auto userinfo = text.substr(sep + 3, at - sep - 3);
    if (userinfo.find_first_of("/?#") != std::string_view::npos) return bad();
    auto colon = userinfo.find(':');
    auto user = PercentDecode(userinfo.substr(0, colon));
    auto password = colon == std::string_view::npos ? std::optional<std::string>("")
                                                    : PercentDecode(userinfo.substr(colon + 1));
    if (!user || !password) return bad();
    proxy.user = std::move(*user);
    proxy.password = std::move(*password);
    without_credentials = std::string(text.substr(0, sep + 3)) + std::string(text.substr(at + 1));
  }
  auto url = ParseUrl(without_credentials);
  if (!url || url->scheme != "http") return bad();  // a path is ignored, as curl does
  proxy.url = std::move(*url);
  return proxy;
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
  if (h.starts_with('[') && h.ends_with(']')) h = h.substr(1, h.size() - 2);
  while (h.ends_with('.')) h.pop_back();
  auto ip = IpBytes(h);
  while (!no_proxy.empty()) {
    auto sep = no_proxy.find_first_of(", \t");
    auto entry = Trim(no_proxy.substr(0, sep));
    no_proxy = sep == std::string_view::npos ? std::string_view() : no_proxy.substr(sep + 1);
    if (entry.empty()) continue;
    if (entry == "*") return true;
    std::string e = Lower(entry);
    if (e.starts_with('[')) {  // [v6] or [v6]:port
      auto close = e.find(']');
      if (close == std::string::npos) continue;
      e = e.substr(1, close - 1);
    } else if (auto colon = e.rfind(':'); colon != std::string::npos && e.find(':') == colon) {
      e.resize(colon);  // host:port or v4:port (a bare v6 address has several colons)
    }
    if (ip) {
      if (IpEntryMatches(e, *ip)) return true;
      continue;
    }
    if (e.starts_with("*.")) e.erase(0, 1);
    if (e.starts_with('.')) e.erase(0, 1);
    while (e.ends_with('.')) e.pop_back();
    if (e.empty()) continue;
    if (h == e || (h.size() > e.size() && h.ends_with(e) && h[h.size() - e.size() - 1] == '.')) {
      return true;
    }
  }
  return false;
}

bool IsOrgDataPath(std::string_view path) {
  constexpr std::string_view kPrefix = "/services/data/";
  if (!path.starts_with(kPrefix)) return false;
  path = path.substr(0, path.find('?'));
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '\\' || c == '#') return false;
  }
  // Segments after the prefix; a server that normalises "..", "%2e%2e" or "//" would
  // otherwise take us to a resource the org did not mean (or to another endpoint).
  std::string_view rest = path.substr(kPrefix.size());
  while (true) {
    const auto slash = rest.find('/');
    std::string segment(rest.substr(0, slash));
    for (char& c : segment) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (segment.empty() || segment == "." || segment == ".." || segment == "%2e" ||
        segment == "%2e%2e" || segment == ".%2e" || segment == "%2e.") {
      return false;
    }
    if (segment.find("%2f") != std::string::npos || segment.find("%5c") != std::string::npos) {
      return false;  // an encoded separator
    }
    if (slash == std::string_view::npos) return true;
    rest.remove_prefix(slash + 1);
  }
}

}  // namespace sfwarden::salesforce::detail
