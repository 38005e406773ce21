#pragma once
// sfsim's command line: option parsing and startup (kept out of main.cc so it is testable).

namespace sfwarden::sim {

/// Parses argv, loads the org, serves until SIGINT/SIGTERM. Throws on bad usage or
/// config (main prints one line and exits 1).
int RunCli(int argc, char** argv);

}  // namespace sfwarden::sim
