#pragma once
// Seeds an Org from an org file (YAML, or JSON, which yaml-cpp reads as YAML).
// The format is documented in sim/README.md.

#include <memory>
#include <stdexcept>
#include <string>

#include "sim/org.h"

namespace sfwarden::sim {

/// Bad org file: the message names the offending key, e.g. "users[2].profile: unknown
/// profile 'X'".
class OrgFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::unique_ptr<Org> LoadOrgFile(const std::string& path);
std::unique_ptr<Org> LoadOrgText(const std::string& yaml_or_json);
/// The org sfsim serves when no --org is given: an admin, an integration user with its
/// permission set and group, and a connected app (no certificate: JWT is refused).
std::unique_ptr<Org> DefaultOrg();

}  // namespace sfwarden::sim
