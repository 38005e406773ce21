#pragma once
// The daemon's configuration: one YAML file, loaded and validated as a whole.
// OWNER OF THE FULL MODEL: the config loader (config.cc). Other code reads these
// structs; it never parses YAML itself.

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace sfwarden::daemon {

/// Settings under `global:`. Command-line flags override them (see cli).
struct GlobalConfig {
  std::string listen_address = "127.0.0.1:9847";
  std::filesystem::path state_dir = "/var/lib/sfwarden";
  std::string log_level = "info";   // trace|debug|info|warn|error
  std::string log_format = "text";  // text|json
};

struct OrgConfig {
  std::string name;
  // The rest of the org model is defined by the config loader.
};

struct Config {
  std::filesystem::path file;  // the file it was loaded from
  GlobalConfig global;
  std::vector<OrgConfig> orgs;
};

/// One problem found in a config file, with where it is.
struct ConfigDiagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based; 0 when unknown
  std::string path;  // key path, e.g. orgs[1].integration_users[0].allowed_ips[2]
  std::string message;
  /// "file:line:column: path: message"
  std::string ToString() const;
};

/// Thrown by LoadConfig with every problem found, not just the first.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<ConfigDiagnostic> diagnostics);
  const std::vector<ConfigDiagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<ConfigDiagnostic> diagnostics_;
};

/// Reads, expands (${VAR}, *_file) and validates `file`. Throws ConfigError.
/// Blocking file I/O: call at startup or on reload, never inside a poll.
Config LoadConfig(const std::filesystem::path& file);

}  // namespace sfwarden::daemon
