#pragma once
// What the web config file turns into for the HTTP server: an OpenSSL server context and
// the basic-auth checker. Kept behind this small interface so the server's users never
// compile Asio's SSL headers.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/basic_auth.h"
#include "daemon/web_config.h"

namespace boost::asio::ssl {
class context;
}

namespace sfwarden::daemon {

/// TLS and authentication of one web config. Built at startup and on every SIGHUP; the
/// server gives each new connection the current one (connections keep theirs to the end).
/// Lives on the io_context thread.
class WebSecurity {
 public:
  /// LoadWebConfig, then loads the certificate chain, the key (must match it) and the
  /// client CAs into an OpenSSL context. Throws ConfigError naming the file and the
  /// problem (never a key's bytes).
  static std::shared_ptr<WebSecurity> Load(const std::filesystem::path& file,
                                           const LoadOptions& options = {});
  explicit WebSecurity(const WebConfig& config);  // throws ConfigError, as Load
  ~WebSecurity();
  WebSecurity(const WebSecurity&) = delete;
  WebSecurity& operator=(const WebSecurity&) = delete;

  /// nullptr: plain HTTP.
  boost::asio::ssl::context* tls() const { return tls_.get(); }
  /// Whether requests need basic auth.
  bool requires_auth() const { return requires_auth_; }
  /// True when no authentication is configured or `authorization` is right.
  bool Authorize(std::string_view authorization) {
    return !requires_auth_ || auth_.Check(authorization);
  }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  /// "TLS, basic auth" / "plain HTTP" for the startup log.
  std::string Describe() const;
  const std::vector<ConfigDiagnostic>& warnings() const { return warnings_; }

 private:
  std::unique_ptr<boost::asio::ssl::context> tls_;
  bool requires_auth_ = false;
  BasicAuth auth_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::vector<ConfigDiagnostic> warnings_;
};

}  // namespace sfwarden::daemon
