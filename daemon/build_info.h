#pragma once
// What this binary is: version and build details, for `sfwarden version` and
// sfwarden_build_info.

#include <string_view>

namespace sfwarden::daemon {

struct BuildInfo {
  std::string_view version;
  std::string_view revision;  // git commit, or "unknown"
  std::string_view compiler;
  std::string_view build_type;
};

const BuildInfo& GetBuildInfo();

}  // namespace sfwarden::daemon
