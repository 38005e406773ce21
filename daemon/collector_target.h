#pragma once
// What the collectors of an org watch, derived from the org's configuration.

#include "collectors/target.h"
#include "daemon/config.h"

namespace sfwarden::daemon {

/// The collectors' view of `org`: its integration users; every permission set a user's
/// baseline names (and every set defined under `permission_sets`) with the system
/// permissions its definition names; the baselines' permission set groups and public
/// groups (plus groups that sharing rules share to or from); the objects with declared
/// sharing rules; the objects with declared org-wide defaults. Lists are sorted and
/// without duplicates, so equal configs give equal targets.
collectors::OrgTarget MakeOrgTarget(const OrgConfig& org);

}  // namespace sfwarden::daemon
