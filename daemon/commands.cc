#include "daemon/commands.h"

#include <spdlog/spdlog.h>

#include "daemon/build_info.h"
#include "daemon/config.h"
#include "daemon/daemon.h"
#include "daemon/http_server.h"
#include "daemon/logging.h"
#include "daemon/web_security.h"

namespace sfwarden::daemon {
namespace {

std::optional<std::string> Flag(const ParsedFlags& flags, std::string_view name) {
  if (auto it = flags.find(name); it != flags.end()) return it->second;
  return std::nullopt;
}

std::filesystem::path ConfigFile(const ParsedFlags& flags) {
  return Flag(flags, "config.file").value_or("/etc/sfwarden/sfwarden.yml");
}

void PrintConfigErrors(const ConfigError& e, std::ostream& err) {
  for (const auto& d : e.diagnostics()) err << d.ToString() << "\n";
  err << "sfwarden: " << e.diagnostics().size() << " configuration error"
      << (e.diagnostics().size() == 1 ? "" : "s") << "\n";
}

}  // namespace

int RunCommand(const ParsedFlags& flags, std::ostream& /*out*/, std::ostream& err) {
  FlagOverrides overrides{Flag(flags, "web.listen-address"), Flag(flags, "state.dir"),
                          Flag(flags, "log.level"), Flag(flags, "log.format"),
                          Flag(flags, "web.config.file")};
  // Bad flag values are usage errors (exit 2), found before anything starts.
  if (overrides.log_level && !IsValidLogLevel(*overrides.log_level)) {
    err << "sfwarden: --log.level must be one of debug, info, warn, error (got '"
        << *overrides.log_level << "')\n";
    return kExitUsage;
  }
  if (overrides.log_format && !IsValidLogFormat(*overrides.log_format)) {
    err << "sfwarden: --log.format must be text or json (got '" << *overrides.log_format << "')\n";
    return kExitUsage;
  }
  if (overrides.listen_address) {
    try {
      ParseListenAddress(*overrides.listen_address);
    } catch (const std::invalid_argument& e) {
      err << "sfwarden: --web.listen-address: " << e.what() << "\n";
      return kExitUsage;
    }
  }
  try {
    return Daemon(ConfigFile(flags), overrides).Run();
  } catch (const ConfigError& e) {
    PrintConfigErrors(e, err);
    return kExitUsage;
  } catch (const std::exception& e) {
    err << "sfwarden: " << e.what() << "\n";
    return kExitFailure;
  }
}

int CheckConfigCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err) {
  auto file = ConfigFile(flags);
  try {
    Config config = LoadConfig(file);
    std::optional<std::string> web_file = Flag(flags, "web.config.file");
    std::shared_ptr<WebSecurity> web;
    if (web_file) web = WebSecurity::Load(*web_file);
    out << file.string() << ": OK\n" << DescribeConfig(config);
    if (web) {
      out << *web_file << ": OK (" << web->Describe() << ")\n";
      for (const auto& w : web->warnings()) out << w.ToString() << "\n";
    }
    return kExitOk;
  } catch (const ConfigError& e) {
    PrintConfigErrors(e, err);
    return kExitUsage;
  }
}

int VersionCommand(const ParsedFlags& /*flags*/, std::ostream& out, std::ostream& /*err*/) {
  const auto& b = GetBuildInfo();
  out << "sfwarden, version " << b.version << " (revision: " << b.revision << ")\n"
      << "  build type: " << b.build_type << "\n"
      << "  compiler:   " << b.compiler << "\n";
  return kExitOk;
}

}  // namespace sfwarden::daemon
