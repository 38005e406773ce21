#include "daemon/cli.h"

#include <algorithm>
#include <iomanip>
#include <optional>

#include "daemon/commands.h"

namespace sfwarden::daemon {
namespace {

constexpr FlagSpec kConfigFlag{"config.file", "FILE", "sfwarden configuration file (YAML)",
                               "/etc/sfwarden/sfwarden.yml", "config"};

constexpr FlagSpec kRunFlags[] = {
    kConfigFlag,
    {"web.listen-address", "ADDR",
     "address for /metrics and the health endpoints; ':PORT' listens on all interfaces",
     "global.listen_address, else 127.0.0.1:9847"},
    {"web.config.file", "FILE",
     "TLS and basic auth for /metrics and the health endpoints (Prometheus exporter-toolkit "
     "web config format; re-read on SIGHUP)",
     "none: plain HTTP, no auth"},
    {"state.dir", "DIR", "directory for the state database",
     "global.state_dir, else $STATE_DIRECTORY, else /var/lib/sfwarden"},
    {"log.level", "LEVEL", "debug, info, warn or error", "global.log.level, else info"},
    {"log.format", "FORMAT", "text or json", "global.log.format, else text"},
};
constexpr FlagSpec kCheckConfigFlags[] = {
    kConfigFlag, {"web.config.file", "FILE", "also validate this web config file", ""}};

constexpr FlagSpec kOrgFlag{"org", "ORG", "only this org (orgs[].name)", "every org"};
constexpr FlagSpec kStateDirFlag{"state.dir", "DIR", "directory of the state database",
                                 "global.state_dir, else $STATE_DIRECTORY, else /var/lib/sfwarden"};
constexpr FlagSpec kYesFlag{"yes", "",
                            "do not ask; required when stdin is not a terminal (scripts)", ""};
constexpr FlagSpec kPlanFlags[] = {
    kConfigFlag,
    kOrgFlag,
    {"output", "FORMAT", "text or json (a JSON array, one plan per org)", "text"}};
constexpr FlagSpec kApplyFlags[] = {kConfigFlag, kOrgFlag, kStateDirFlag, kYesFlag};
constexpr FlagSpec kJournalFlags[] = {kConfigFlag,
                                      kOrgFlag,
                                      kStateDirFlag,
                                      {"output", "FORMAT", "text or json", "text"},
                                      {"limit", "N", "the newest N entries", "50"}};
constexpr FlagSpec kRollbackFlags[] = {kConfigFlag, kStateDirFlag, kYesFlag};
constexpr FlagSpec kSnapshotFlags[] = {
    kConfigFlag,
    {"org", "ORG", "the org to read (orgs[].name)", ""},
    {"user", "USERNAME", "an integration user to snapshot; repeat for several", "", {}, true},
    {"object",
     "OBJECT",
     "also read this object's sharing rules; repeat for several",
     "the config's, Account, Contact, Opportunity, Lead, Case",
     {},
     true},
    {"out", "FILE", "write the YAML here instead of stdout", ""}};

constexpr Command kCommands[] = {
    {"run", "watch the configured orgs, serve /metrics, alert and enforce", kRunFlags, &RunCommand},
    {"check-config", "validate the configuration file and summarise it (never prints secrets)",
     kCheckConfigFlags, &CheckConfigCommand},
    {"version", "print version and build information", {}, &VersionCommand},
    {"plan",
     "read the org(s) and print the drift from the baseline and the exact writes 'apply' "
     "would make; exit 0 no drift, 2 drift, 1 error",
     kPlanFlags, &PlanCommand},
    {"apply",
     "put the baseline back once (the writes 'plan' prints), journaled; takes the state "
     "directory's lock, so it never runs beside 'sfwarden run'",
     kApplyFlags, &ApplyCommand},
    {"journal", "list the writes made to the org(s): when, why, with which result", kJournalFlags,
     &JournalCommand},
    {"rollback", "undo one journal entry (itself journaled); takes the state directory's lock",
     kRollbackFlags, &RollbackCommand, "ID"},
    {"snapshot",
     "write the users' current permissions as baseline config YAML, to adopt sfwarden on an "
     "org that is right today",
     kSnapshotFlags, &SnapshotCommand},
};

const Command* FindCommand(std::string_view name) {
  for (const auto& c : kCommands) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const FlagSpec* FindFlag(const Command& command, std::string_view name) {
  for (const auto& f : command.flags) {
    if (f.name == name || (!f.alias.empty() && f.alias == name)) return &f;
  }
  return nullptr;
}

bool IsHelp(std::string_view arg) { return arg == "--help" || arg == "-h" || arg == "help"; }

void PrintUsage(std::ostream& out) {
  out << "sfwarden — guards the dedicated Salesforce integration users of your orgs.\n\n"
         "Usage: sfwarden COMMAND [FLAGS]\n\nCommands:\n";
  for (const auto& c : kCommands) {
    out << "  " << std::left << std::setw(14) << c.name << c.summary << "\n";
  }
  out << "  " << std::left << std::setw(14) << "help"
      << "show help for a command\n"
      << "\nRun 'sfwarden COMMAND --help' for a command's flags.\n"
         "\nExit codes: 0 success, 1 runtime failure, 2 usage or configuration error.\n";
}

}  // namespace

ParsedFlags ParseFlags(const Command& command, std::span<const std::string_view> args) {
  ParsedFlags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!arg.starts_with("--") && !command.positional.empty() &&
        !flags.contains(command.positional)) {
      flags[std::string(command.positional)] = std::string(arg);
      continue;
    }
    if (!arg.starts_with("--") || arg.size() == 2) {
      throw UsageError("unexpected argument '" + std::string(arg) + "' for '" +
                       std::string(command.name) + "'");
    }
    std::string_view name = arg.substr(2);
    std::optional<std::string_view> value;
    if (auto eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagSpec* spec = FindFlag(command, name);
    if (spec == nullptr) {
      throw UsageError("unknown flag '--" + std::string(name) + "' for '" +
                       std::string(command.name) + "'");
    }
    std::string canonical(spec->name);
    if (flags.contains(canonical) && !spec->repeatable) {
      throw UsageError("flag '--" + canonical + "' given more than once");
    }
    if (spec->value_name.empty()) {
      if (value) throw UsageError("flag '--" + canonical + "' takes no value");
      flags[canonical] = "true";
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        throw UsageError("flag '--" + canonical + "' needs a value (" +
                         std::string(spec->value_name) + ")");
      }
      value = args[++i];
    }
    if (auto it = flags.find(canonical); it != flags.end()) {
      it->second += "\n" + std::string(*value);
    } else {
      flags[canonical] = std::string(*value);
    }
  }
  if (!command.positional.empty() && !flags.contains(command.positional)) {
    throw UsageError("'" + std::string(command.name) + "' needs " +
                     std::string(command.positional));
  }
  return flags;
}

void PrintCommandHelp(const Command& command, std::ostream& out) {
  out << "Usage: sfwarden " << command.name
      << (command.positional.empty() ? "" : " " + std::string(command.positional))
      << (command.flags.empty() ? "" : " [FLAGS]") << "\n\n"
      << command.summary << "\n";
  if (!command.flags.empty()) out << "\nFlags:\n";
  for (const auto& f : command.flags) {
    std::string left = "--" + std::string(f.name);
    if (!f.value_name.empty()) left += "=" + std::string(f.value_name);
    out << "  " << left << "\n      " << f.help;
    if (!f.default_text.empty()) out << " (default: " << f.default_text << ")";
    if (!f.alias.empty()) out << " (also --" << f.alias << ")";
    if (f.repeatable) out << " (repeatable)";
    out << "\n";
  }
  out << "  --help\n      show this help\n"
      << "\nExit codes: 0 success, 1 runtime failure, 2 usage or configuration error.\n";
}

int Main(std::span<const std::string_view> argv, std::ostream& out, std::ostream& err) {
  if (argv.size() < 2) {
    PrintUsage(err);
    return kExitUsage;
  }
  std::string_view name = argv[1];
  if (IsHelp(name)) {
    if (name == "help" && argv.size() > 2) {
      if (const Command* c = FindCommand(argv[2])) {
        PrintCommandHelp(*c, out);
        return kExitOk;
      }
      err << "sfwarden: unknown command '" << argv[2] << "'; see 'sfwarden --help'\n";
      return kExitUsage;
    }
    PrintUsage(out);
    return kExitOk;
  }
  if (name == "--version") name = "version";
  const Command* command = FindCommand(name);
  if (command == nullptr) {
    err << "sfwarden: unknown command '" << name << "'; see 'sfwarden --help'\n";
    return kExitUsage;
  }
  auto args = argv.subspan(2);
  if (std::any_of(args.begin(), args.end(),
                  [](std::string_view a) { return a == "--help" || a == "-h"; })) {
    PrintCommandHelp(*command, out);
    return kExitOk;
  }
  ParsedFlags flags;
  try {
    flags = ParseFlags(*command, args);
  } catch (const UsageError& e) {
    err << "sfwarden: " << e.what() << "; see 'sfwarden " << command->name << " --help'\n";
    return kExitUsage;
  }
  return command->run(flags, out, err);
}

}  // namespace sfwarden::daemon
