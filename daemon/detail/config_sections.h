#pragma once
// The config loader's section readers (one per top-level concept), shared by the
// config*.cc files. Each reads one YAML subtree into the model and reports into ctx.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/config.h"
#include "daemon/detail/yaml_reader.h"

namespace sfwarden::daemon::detail {

/// `orgs:` (config_org.cc), including every cross-reference check inside each org and
/// the duplicate org name / username checks.
void ReadOrgs(Context& ctx, YamlNode node, std::vector<OrgConfig>& orgs);

/// `permission_sets:` and `sharing_rules:` / `org_wide_defaults:` of one org
/// (config_permissions.cc).
void ReadPermissionSets(Context& ctx, YamlNode node, const std::string& path,
                        std::map<std::string, PermissionSetConfig>& out);
void ReadSharingRules(Context& ctx, YamlNode node, const std::string& path,
                      std::map<std::string, std::vector<SharingRuleConfig>>& out);
void ReadOrgWideDefaults(Context& ctx, YamlNode node, const std::string& path,
                         std::map<std::string, SharingModel>& out);

/// A secret given as `key` (inline; when !inline_allowed only as exactly "${VAR}") or
/// `file_key` (read through ReadSecretFile). Reports both given, a literal inline secret
/// and every file problem; returns nullopt then or when neither key is present.
std::optional<Secret> ReadSecretField(const MapReader& map, std::string_view key,
                                      std::string_view file_key, bool inline_allowed);

/// A path value, relative ones resolved against ctx.base_dir.
std::optional<std::filesystem::path> ReadPath(const MapReader& map, std::string_view key);

/// API names of Salesforce metadata: a letter, then letters, digits and '_'.
bool IsApiName(std::string_view name);

}  // namespace sfwarden::daemon::detail
