#pragma once
// The sfwarden command line: subcommands, their flags and help, in one table so
// that --help and dispatch cannot drift apart.
//
// Exit codes (documented in README.md and `sfwarden --help`):
//   0  success
//   1  runtime failure (state store, listen address, I/O)
//   2  usage or configuration error

#include <map>
#include <ostream>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sfwarden::daemon {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

/// One flag of a subcommand, Prometheus exporter style: `--name=value` or
/// `--name value`; boolean flags take no value.
struct FlagSpec {
  std::string_view name;        // without the leading "--"
  std::string_view value_name;  // empty for a boolean flag
  std::string_view help;
  std::string_view default_text;  // shown in --help; empty when there is none
  std::string_view alias = {};    // a second accepted name, e.g. "config" for "config.file"
  bool repeatable = false;        // may be given several times; the values are joined by '\n'
};

/// Flags given on the command line (name -> value; "true" for boolean flags),
/// with aliases already mapped to their canonical name; a command's positional argument
/// under its Command::positional name.
using ParsedFlags = std::map<std::string, std::string, std::less<>>;

struct Command {
  std::string_view name;
  std::string_view summary;
  std::span<const FlagSpec> flags;
  int (*run)(const ParsedFlags& flags, std::ostream& out, std::ostream& err);
  /// The one positional argument the command takes and requires (e.g. "ID"); empty: none.
  std::string_view positional = {};
};

/// Thrown by ParseFlags for a usage error; main turns it into exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses `args` (what follows the subcommand) against `command`'s flags.
/// Unknown flags, missing values and stray arguments throw UsageError.
ParsedFlags ParseFlags(const Command& command, std::span<const std::string_view> args);

/// Writes `sfwarden COMMAND --help`.
void PrintCommandHelp(const Command& command, std::ostream& out);

/// Entry point used by main(): dispatches argv and returns the exit code.
int Main(std::span<const std::string_view> argv, std::ostream& out, std::ostream& err);

}  // namespace sfwarden::daemon
