#pragma once
// Decoding the rows of a full permission read (permission_queries.h) into a
// PermissionSnapshot. Each Apply* takes every row of one query (all pages) and fills its
// part of the snapshot; a row that lacks a field the query selected, or carries a value
// of the wrong type, is a kDecode error naming the query and the field: a snapshot is
// never built from rows we could not read.
//
// Order matters only through Ids: ApplyUsers and ApplyPermissionSets / ApplyPublicGroups
// first (they set the Ids), then the rows that point at them. Rows that point at
// something not watched are ignored.

#include <nlohmann/json.hpp>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "collectors/observations.h"
#include "collectors/target.h"
#include "salesforce/errors.h"

namespace sfwarden::collectors::detail {

using Rows = std::vector<nlohmann::json>;
using Applied = tl::expected<void, salesforce::ApiError>;

/// An entry with found = false for every watched user, set, group and set group.
PermissionSnapshot EmptySnapshot(const OrgTarget& target);

/// Users match their configured username case-insensitively (Salesforce usernames are).
Applied ApplyUsers(const Rows& rows, PermissionSnapshot& snapshot);
Applied ApplyUserLogins(const Rows& rows, PermissionSnapshot& snapshot);
Applied ApplyAssignments(const Rows& rows, PermissionSnapshot& snapshot);
/// Watched sets get `system` for the permissions the target names for them; aggregate
/// sets of watched permission set groups fill permission_set_groups.
Applied ApplyPermissionSets(const Rows& rows, const OrgTarget& target,
                            PermissionSnapshot& snapshot);
Applied ApplyPublicGroups(const Rows& rows, PermissionSnapshot& snapshot);
Applied ApplyObjectPermissions(const Rows& rows, PermissionSnapshot& snapshot);
Applied ApplyFieldPermissions(const Rows& rows, PermissionSnapshot& snapshot);
Applied ApplyGroupMembers(const Rows& rows, PermissionSnapshot& snapshot);
/// Default<Object>Access as sent ("" when null).
Applied ApplyOrganization(const Rows& rows, const std::vector<std::string>& objects,
                          PermissionSnapshot& snapshot);
Applied ApplyOAuthTokens(const Rows& rows, PermissionSnapshot& snapshot);

}  // namespace sfwarden::collectors::detail
