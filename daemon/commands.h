#pragma once
// The subcommands' entry points, listed in cli.cc's command table.

#include <ostream>

#include "daemon/cli.h"

namespace sfwarden::daemon {

int RunCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err);
int CheckConfigCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err);
int VersionCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err);
// remediation_commands.cc
int PlanCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err);
int ApplyCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err);
int JournalCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err);
int RollbackCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err);
int SnapshotCommand(const ParsedFlags& flags, std::ostream& out, std::ostream& err);

}  // namespace sfwarden::daemon
