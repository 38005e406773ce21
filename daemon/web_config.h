#pragma once
// --web.config.file: TLS and basic auth of /metrics and the health endpoints, in the
// Prometheus exporter-toolkit's web configuration format (its docs/web-configuration.md),
// so `promtool check web-config` lints the same file.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config.h"

namespace sfwarden::daemon {

/// tls_server_config.client_auth_type (Go's crypto/tls ClientAuthType names).
enum class ClientAuth {
  kNoClientCert,
  kRequestClientCert,
  kRequireAnyClientCert,
  kVerifyClientCertIfGiven,
  kRequireAndVerifyClientCert,
};

/// tls_server_config. Paths are absolute or relative to the web config file's directory.
struct WebTlsConfig {
  std::filesystem::path cert_file;       // PEM certificate chain, leaf first
  std::filesystem::path key_file;        // PEM private key; refused if group/other can read it
  std::filesystem::path client_ca_file;  // empty: none
  ClientAuth client_auth = ClientAuth::kNoClientCert;
  int min_version = 0x0303;  // TLS protocol version numbers: TLS12
  int max_version = 0x0304;  // TLS13
};

struct WebConfig {
  std::filesystem::path file;
  std::optional<WebTlsConfig> tls;  // nullopt: plain HTTP
  /// basic_auth_users: name → bcrypt hash. Empty: no authentication.
  std::map<std::string, std::string> basic_auth_users;
  /// http_server_config.headers, added to every response.
  std::vector<std::pair<std::string, std::string>> headers;
  std::vector<ConfigDiagnostic> warnings;
};

/// Reads and validates `file`: unknown keys, bcrypt hashes, that the certificate, key and
/// CA files exist, and that the key file is closed to group and others (as the config's
/// secret files). Does not parse the certificates (WebSecurity::Load does). Throws
/// ConfigError naming the file, line and key; never echoes a hash or key.
WebConfig LoadWebConfig(const std::filesystem::path& file, const LoadOptions& options = {});

}  // namespace sfwarden::daemon
