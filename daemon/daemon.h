#pragma once
// The long-running daemon (`sfwarden run`): its lifecycle on one io_context thread.

#include <filesystem>
#include <optional>
#include <string>

#include "daemon/config.h"

namespace sfwarden::daemon {

/// Settings given on the command line; they win over the config file.
struct FlagOverrides {
  std::optional<std::string> listen_address;
  std::optional<std::string> state_dir;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  /// --web.config.file: TLS and basic auth of the HTTP endpoints (exporter-toolkit
  /// format, see web_config.h); re-read on SIGHUP.
  std::optional<std::string> web_config_file;
};

/// The settings the daemon runs with, after precedence:
/// flag > config file > $STATE_DIRECTORY (state dir only, set by systemd's
/// StateDirectory=) > built-in default.
struct EffectiveSettings {
  std::string listen_address;
  std::filesystem::path state_dir;
  std::string log_level;
  std::string log_format;
};

EffectiveSettings ResolveSettings(const Config& config, const FlagOverrides& flags,
                                  const char* state_directory_env);

/// Runs until SIGTERM or SIGINT. Owns everything it starts; not reentrant.
///  - SIGHUP reloads the config file and the web config file: valid ones replace the
///    running ones; if either is invalid it is logged diagnostic by diagnostic, the old
///    config and web config keep running and sfwarden_config_last_reload_successful
///    drops to 0 (as Prometheus does).
///  - SIGTERM/SIGINT stop timers and the HTTP server, let in-flight work finish (at
///    most kStopTimeout), flush the state store and return 0.
///  - Under systemd it sends READY=1, RELOADING=1, STOPPING=1 and WATCHDOG=1.
class Daemon {
 public:
  static constexpr auto kStopTimeout = std::chrono::seconds(10);

  Daemon(std::filesystem::path config_file, FlagOverrides flags);
  /// Returns the process exit code. Config errors at startup are thrown as
  /// ConfigError (exit 2 in the caller); runtime failures are logged and return 1.
  int Run();

 private:
  std::filesystem::path config_file_;
  FlagOverrides flags_;
};

}  // namespace sfwarden::daemon
