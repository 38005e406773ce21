#pragma once
// YAML spellings of the config enums: one table each, used for parsing and ToString.

#include <string_view>
#include <utility>

#include "daemon/config.h"

namespace sfwarden::daemon::detail {

template <class E>
using EnumName = std::pair<std::string_view, E>;

inline constexpr EnumName<Mode> kModeNames[] = {{"observe", Mode::kObserve},
                                                {"enforce", Mode::kEnforce}};
inline constexpr EnumName<AuthFlow> kAuthFlowNames[] = {
    {"jwt_bearer", AuthFlow::kJwtBearer}, {"client_credentials", AuthFlow::kClientCredentials}};
inline constexpr EnumName<EnforceKind> kEnforceKindNames[] = {
    {"profile", EnforceKind::kProfile},
    {"permission_sets", EnforceKind::kPermissionSets},
    {"permission_set_groups", EnforceKind::kPermissionSetGroups},
    {"groups", EnforceKind::kGroups},
    {"system_permissions", EnforceKind::kSystemPermissions},
    {"object_permissions", EnforceKind::kObjectPermissions},
    {"field_permissions", EnforceKind::kFieldPermissions},
    {"sharing_rules", EnforceKind::kSharingRules},
    {"org_wide_defaults", EnforceKind::kOrgWideDefaults}};
inline constexpr EnumName<WebhookFormat> kWebhookFormatNames[] = {{"json", WebhookFormat::kJson},
                                                                  {"slack", WebhookFormat::kSlack}};
inline constexpr EnumName<SharingAccess> kSharingAccessNames[] = {{"Read", SharingAccess::kRead},
                                                                  {"Edit", SharingAccess::kEdit}};
inline constexpr EnumName<RelatedAccess> kRelatedAccessNames[] = {
    {"None", RelatedAccess::kNone}, {"Read", RelatedAccess::kRead}, {"Edit", RelatedAccess::kEdit}};
inline constexpr EnumName<SharingModel> kSharingModelNames[] = {
    {"Private", SharingModel::kPrivate},
    {"Read", SharingModel::kRead},
    {"ReadWrite", SharingModel::kReadWrite},
    {"ReadWriteTransfer", SharingModel::kReadWriteTransfer},
    {"FullAccess", SharingModel::kFullAccess},
    {"ControlledByParent", SharingModel::kControlledByParent},
    {"ControlledByCampaign", SharingModel::kControlledByCampaign},
    {"ControlledByLeadOrContact", SharingModel::kControlledByLeadOrContact}};
inline constexpr EnumName<SharingTarget::Kind> kSharingTargetNames[] = {
    {"group", SharingTarget::Kind::kGroup},
    {"role", SharingTarget::Kind::kRole},
    {"role_and_subordinates", SharingTarget::Kind::kRoleAndSubordinates},
    {"role_and_subordinates_internal", SharingTarget::Kind::kRoleAndSubordinatesInternal}};
inline constexpr std::string_view kLogLevels[] = {"trace", "debug", "info", "warn", "error"};
inline constexpr std::string_view kLogFormats[] = {"text", "json"};

template <class E, std::size_t N>
constexpr std::string_view NameOf(const EnumName<E> (&table)[N], E value) {
  for (const auto& [name, v] : table) {
    if (v == value) return name;
  }
  return "?";
}

}  // namespace sfwarden::daemon::detail
