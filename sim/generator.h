#pragma once
// Large orgs for benchmarks: N integration users, each with its own permission set,
// public group and Account sharing rule, plus background human users.

#include <string>

namespace sfwarden::sim {

struct GeneratorOptions {
  int integrations = 100;
  int humans = 1000;
};

/// An org file (YAML) in the format LoadOrgText reads. Deterministic: same options, same
/// text. Integration i: user integration<i>@bench.example (password "password<i>"),
/// permission set Integration_<i>_Access, group Integration_<i>_Group, sharing rule
/// Account.Share_To_Integration_<i>. Connected app "bench" (client id bench-client,
/// secret bench-secret) runs client credentials as admin@bench.example.
std::string GenerateOrgYaml(const GeneratorOptions& options);

}  // namespace sfwarden::sim
