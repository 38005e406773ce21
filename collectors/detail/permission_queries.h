#pragma once
// The SOQL of a full permission read (permission_reader.h), one function per query, so
// the queries can be tested without an org. Every value goes through salesforce::Soql:
// usernames, names and Ids are quoted and escaped; names that become part of a field
// name (system permissions, org-wide default objects) must be API names, else
// salesforce::Soql::Field throws std::invalid_argument (config validation rejects them).
//
// Relationship paths in WHERE (Assignee.Username, User.Username,
// PermissionSetGroup.DeveloperName) let the first composite run without Ids; the
// second composite filters by the Ids the first returned. No subqueries or semi-joins:
// sfsim does not support them, and none is needed.

#include <set>
#include <string>
#include <vector>

namespace sfwarden::collectors::detail {

// First composite: by name.

/// Id, Username, Name, IsActive, Profile.Name of the users.
std::string UsersSoql(const std::vector<std::string>& usernames);
/// Id, UserId, IsFrozen (UserLogin, one per user) of the users.
std::string UserLoginsSoql(const std::vector<std::string>& usernames);
/// The users' permission set and permission set group assignments, without the hidden
/// profile-owned set. A group assignment points at the group's aggregate set.
std::string AssignmentsSoql(const std::vector<std::string>& usernames);
/// The watched permission sets by Name (not profile-owned) with the watched system
/// permission fields (Permissions<Name>), and — in the same query — the aggregate
/// permission sets of the watched permission set groups (PermissionSetGroup.DeveloperName),
/// which carry the group's Id and MasterLabel: one query instead of two.
/// At least one of `set_names` and `group_names` must be non-empty.
std::string PermissionSetsSoql(const std::vector<std::string>& set_names,
                               const std::set<std::string>& system_permissions,
                               const std::vector<std::string>& group_names);
/// Public groups (Type = 'Regular') by DeveloperName.
std::string PublicGroupsSoql(const std::vector<std::string>& developer_names);

// Second composite: by the Ids the first returned (each list non-empty).

/// With `view_all_fields`, PermissionsViewAllFields too (API 63.0 and later only:
/// collectors::ReadsViewAllFields).
std::string ObjectPermissionsSoql(const std::vector<std::string>& permission_set_ids,
                                  bool view_all_fields);
std::string FieldPermissionsSoql(const std::vector<std::string>& permission_set_ids);
/// Direct memberships of the users in the watched groups.
std::string GroupMembersSoql(const std::vector<std::string>& group_ids,
                             const std::vector<std::string>& user_ids);
/// Organization.Default<Object>Access for each object.
std::string OrganizationSoql(const std::vector<std::string>& objects);
std::string OAuthTokensSoql(const std::vector<std::string>& user_ids);

}  // namespace sfwarden::collectors::detail
