#pragma once
// A full read of the permission state the baseline names: users (active, frozen, profile),
// their permission set / group assignments and public group memberships, the watched
// permission sets' system, object and field permissions, the watched objects' sharing
// rules (Metadata API) and org-wide defaults, and the users' OAuth tokens.
// Cost: at most 3 + ceil(rows / 2000) API calls (two /composite calls of at most 5 queries
// each, one readMetadata, plus QueryMore for pages beyond the first of a query).

#include <boost/asio/awaitable.hpp>
#include <tl/expected.hpp>

#include "collectors/observations.h"
#include "collectors/target.h"
#include "salesforce/api.h"
#include "salesforce/errors.h"

namespace sfwarden::collectors {

/// Fails as a whole (the drift engine must never act on half a snapshot). A watched user,
/// permission set or group missing in the org is not an error: `found` is false.
boost::asio::awaitable<tl::expected<PermissionSnapshot, salesforce::ApiError>> ReadPermissions(
    salesforce::Api& api, const OrgTarget& target);

}  // namespace sfwarden::collectors
