#include "collectors/detail/permission_queries.h"

#include "salesforce/soql.h"

namespace sfwarden::collectors::detail {

using salesforce::Soql;

std::string UsersSoql(const std::vector<std::string>& usernames) {
  return Soql("SELECT Id, Username, Name, IsActive, Profile.Name FROM User WHERE Username IN ")
      .StringList(usernames)
      .Raw(" ORDER BY Id")
      .str();
}

std::string UserLoginsSoql(const std::vector<std::string>& usernames) {
  // UserLogin.UserId's relationship is User (Object Reference: UserLogin).
  return Soql("SELECT Id, UserId, IsFrozen FROM UserLogin WHERE User.Username IN ")
      .StringList(usernames)
      .Raw(" ORDER BY Id")
      .str();
}

std::string AssignmentsSoql(const std::vector<std::string>& usernames) {
  // Profiles own a hidden permission set (IsOwnedByProfile) assigned to every user of
  // the profile; the profile is reported as User.Profile.Name instead (WIRE.md §5).
  return Soql(
             "SELECT Id, AssigneeId, PermissionSetId, PermissionSet.Name, PermissionSetGroupId, "
             "PermissionSetGroup.DeveloperName, ExpirationDate FROM PermissionSetAssignment "
             "WHERE Assignee.Username IN ")
      .StringList(usernames)
      .Raw(" AND PermissionSet.IsOwnedByProfile = false ORDER BY Id")
      .str();
}

std::string PermissionSetsSoql(const std::vector<std::string>& set_names,
                               const std::set<std::string>& system_permissions,
                               const std::vector<std::string>& group_names) {
  Soql soql(
      "SELECT Id, Name, Label, PermissionSetGroupId, PermissionSetGroup.DeveloperName, "
      "PermissionSetGroup.MasterLabel");
  for (const auto& permission : system_permissions) {
    soql.Raw(", ").Field("Permissions" + permission);
  }
  soql.Raw(" FROM PermissionSet WHERE IsOwnedByProfile = false AND (");
  if (!set_names.empty()) soql.Raw("Name IN ").StringList(set_names);
  if (!set_names.empty() && !group_names.empty()) soql.Raw(" OR ");
  if (!group_names.empty())
    soql.Raw("PermissionSetGroup.DeveloperName IN ").StringList(group_names);
  return soql.Raw(") ORDER BY Id").str();
}

std::string PublicGroupsSoql(const std::vector<std::string>& developer_names) {
  // Role and territory groups have DeveloperNames too; public groups are 'Regular'.
  return Soql(
             "SELECT Id, DeveloperName, Name FROM Group WHERE Type = 'Regular' AND DeveloperName "
             "IN ")
      .StringList(developer_names)
      .Raw(" ORDER BY Id")
      .str();
}

std::string ObjectPermissionsSoql(const std::vector<std::string>& permission_set_ids,
                                  bool view_all_fields) {
  return Soql(
             "SELECT Id, ParentId, SobjectType, PermissionsRead, PermissionsCreate, "
             "PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, "
             "PermissionsModifyAllRecords")
      .Raw(view_all_fields ? ", PermissionsViewAllFields" : "")
      .Raw(" FROM ObjectPermissions WHERE ParentId IN ")
      .StringList(permission_set_ids)
      .Raw(" ORDER BY Id")
      .str();
}

std::string FieldPermissionsSoql(const std::vector<std::string>& permission_set_ids) {
  return Soql(
             "SELECT Id, ParentId, SobjectType, Field, PermissionsRead, PermissionsEdit "
             "FROM FieldPermissions WHERE ParentId IN ")
      .StringList(permission_set_ids)
      .Raw(" ORDER BY Id")
      .str();
}

std::string GroupMembersSoql(const std::vector<std::string>& group_ids,
                             const std::vector<std::string>& user_ids) {
  // GroupMember.UserOrGroupId has no relationship to follow, hence the Ids.
  return Soql("SELECT Id, GroupId, UserOrGroupId FROM GroupMember WHERE GroupId IN ")
      .StringList(group_ids)
      .Raw(" AND UserOrGroupId IN ")
      .StringList(user_ids)
      .Raw(" ORDER BY Id")
      .str();
}

std::string OrganizationSoql(const std::vector<std::string>& objects) {
  Soql soql("SELECT Id");
  for (const auto& object : objects) soql.Raw(", ").Field("Default" + object + "Access");
  return soql.Raw(" FROM Organization").str();
}

std::string OAuthTokensSoql(const std::vector<std::string>& user_ids) {
  return Soql(
             "SELECT Id, UserId, AppName, CreatedDate, LastUsedDate, UseCount FROM OAuthToken "
             "WHERE UserId IN ")
      .StringList(user_ids)
      .Raw(" ORDER BY Id")
      .str();
}

}  // namespace sfwarden::collectors::detail
