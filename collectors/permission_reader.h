#pragma once
// A full read of the permission state the baseline names: users (active, frozen, profile),
// their permission set / group assignments and public group memberships, the watched
// permission sets' system, object and field permissions, the watched objects' sharing
// rules (Metadata API) and org-wide defaults, and the users' OAuth tokens.
// Cost: at most 3 + ceil(rows / 2000) API calls (two /composite calls of at most 5 queries
// each, one readMetadata, plus QueryMore for pages beyond the first of a query):
//   1. /composite, by name (relationship paths in WHERE, so no Ids are needed):
//      User (Username IN), UserLogin (User.Username IN), PermissionSetAssignment
//      (Assignee.Username IN, not profile-owned), PermissionSet (watched Names with the
//      watched Permissions<Name> fields, OR PermissionSetGroup.DeveloperName IN: a
//      group's aggregate set carries the group's Id and label, so permission set groups
//      cost no query of their own), Group (Type 'Regular', DeveloperName IN).
//   2. /composite, by the Ids of call 1: ObjectPermissions and FieldPermissions
//      (ParentId IN watched sets), GroupMember (GroupId IN watched groups AND
//      UserOrGroupId IN users), Organization (Default<Object>Access), OAuthToken
//      (UserId IN users).
//   3. readMetadata SharingRules for the watched objects (one call per 10 objects).
//   + one QueryMore call per further page (2,000 rows) of any of these queries.
// A composite with no query to run (nothing watched, nothing found) is not sent, nor is
// readMetadata without watched objects. `api_calls` in the snapshot is the exact count.
// The snapshot's read_at is the local clock when the read started.

#include <boost/asio/awaitable.hpp>
#include <tl/expected.hpp>

#include "collectors/observations.h"
#include "collectors/target.h"
#include "salesforce/api.h"
#include "salesforce/errors.h"

namespace sfwarden::collectors {

/// Fails as a whole (the drift engine must never act on half a snapshot): the first failed
/// call or subrequest is returned, its `context` saying which part ("permission read,
/// PermissionSet query (...)"); a system permission or org-wide default object the org
/// does not know (INVALID_FIELD) says so by name in `message`. A watched user,
/// permission set or group missing in the org is not an error: `found` is false.
/// Names that become part of a field name (system permissions, org-wide default objects)
/// must be API names ([A-Za-z0-9_]); otherwise std::invalid_argument is thrown (misuse:
/// config validation rejects them).
boost::asio::awaitable<tl::expected<PermissionSnapshot, salesforce::ApiError>> ReadPermissions(
    salesforce::Api& api, const OrgTarget& target);

}  // namespace sfwarden::collectors
