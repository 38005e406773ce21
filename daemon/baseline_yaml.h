#pragma once
// `sfwarden snapshot`: a permission read written as baseline config YAML (the keys of one
// entry of `orgs:`, docs/configuration.md), so a team can adopt sfwarden on an org that is
// right today.

#include <string>
#include <vector>

#include "collectors/observations.h"

namespace sfwarden::daemon {

/// The high-risk system permissions a snapshot records for each permission set, with
/// their current value (a later `true` where the snapshot saw `false` is drift).
const std::vector<std::string>& SnapshotSystemPermissions();

/// `integration_users` (profile, permission sets and groups, public groups, exclusive),
/// `permission_sets` (each assigned set: the system permissions read, every object and
/// field permission row) and `sharing_rules` (the rules of the objects read that share to
/// or from one of the users' public groups), at column 0, for pasting under an org entry.
/// `usernames`: the users to write, in order; each must be found in `snapshot`. Strings
/// are double-quoted (JSON escapes), so labels cannot break the YAML.
std::string BaselineYaml(const collectors::PermissionSnapshot& snapshot,
                         const std::vector<std::string>& usernames);

}  // namespace sfwarden::daemon
