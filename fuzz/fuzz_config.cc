// The config loader (YAML parse, ${VAR} expansion, validation) on arbitrary file content.
// Property: whatever the file holds, LoadConfig returns a Config or throws ConfigError —
// any other exception would escape main's one-line error report.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "daemon/config.h"

namespace {

namespace daemon = sfwarden::daemon;

// One scratch file, rewritten for every input; relative paths in the config resolve
// next to it, where nothing else lives.
const std::filesystem::path& ScratchFile() {
  static const std::filesystem::path file = [] {
    char dir[] = "/tmp/sfwarden-fuzz-config-XXXXXX";
    if (::mkdtemp(dir) == nullptr) std::abort();
    return std::filesystem::path(dir) / "sfwarden.yml";
  }();
  return file;
}

// A fixed environment, so ${VAR} behaves the same on every machine.
std::optional<std::string> FakeEnv(const std::string& name) {
  if (name == "SF_CLIENT_ID") return "3MVG9-fuzz-client-id";
  if (name == "EMPTY") return "";
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    std::ofstream out(ScratchFile(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    daemon::Config config = daemon::LoadConfig(ScratchFile(), {.getenv = &FakeEnv});
    (void)config;
  } catch (const daemon::ConfigError&) {
    // The expected answer to a bad file.
  } catch (const std::exception& e) {
    std::fprintf(stderr, "LoadConfig threw something other than ConfigError: %s\n", e.what());
    std::abort();
  }
  return 0;
}
