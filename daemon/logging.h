#pragma once
// Process-wide logging setup (spdlog's default logger, to stderr, where systemd's
// journal picks it up).

#include <optional>
#include <string>
#include <string_view>

namespace sfwarden::daemon {

/// "debug", "info", "warn", "error"; returns false for anything else.
bool IsValidLogLevel(std::string_view level);
/// "text" or "json".
bool IsValidLogFormat(std::string_view format);

/// Sets the default logger's level and format. `json` writes one object per line:
/// {"ts":"2026-01-31T23:59:59.123Z","level":"info","msg":"..."}. Call from main's
/// thread before the io_context runs; later calls may change the level (reload).
void ConfigureLogging(std::string_view level, std::string_view format);

/// Escapes a string from outside (Salesforce, config) for one log line: control
/// characters become \xNN (C1 controls, U+0080..U+009F, \uNNNN) so nobody can forge a
/// log line with an embedded newline or drive a terminal.
std::string LogSafe(std::string_view untrusted);

}  // namespace sfwarden::daemon
