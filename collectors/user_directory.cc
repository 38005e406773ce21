#include "collectors/poll_cycle.h"

namespace sfwarden::collectors {

UserDirectory UserDirectory::From(const PermissionSnapshot& snapshot) {
  UserDirectory directory;
  for (const auto& [username, user] : snapshot.users) {
    if (!user.found || user.id.empty()) continue;
    // LoginHistory/OAuthToken send 18-character Ids, audit Display texts and ApiTotalUsage's
    // USER_ID the 15-character case-sensitive form (WIRE.md §5): both must resolve, which
    // UsernameOf does from either form. One entry per user: a second for the 15-character
    // form cost ~0.13 MB per 1,000 users, kept for as long as the monitor runs.
    directory.username_by_id[user.id] = username;
    if (!user.name.empty()) directory.name_by_username[username] = user.name;
  }
  for (const auto& [name, set] : snapshot.permission_sets) {
    if (set.found && !set.label.empty()) directory.permission_set_labels[name] = set.label;
  }
  for (const auto* groups : {&snapshot.public_groups, &snapshot.permission_set_groups}) {
    for (const auto& [name, group] : *groups) {
      if (group.found && !group.name.empty()) directory.group_labels[name] = group.name;
    }
  }
  return directory;
}

std::optional<std::string> UserDirectory::UsernameOf(std::string_view user_id) const {
  if (auto it = username_by_id.find(std::string(user_id)); it != username_by_id.end()) {
    return it->second;
  }
  if (user_id.size() != 15 && user_id.size() != 18) return std::nullopt;
  // The first 15 characters are the Id; the last 3 only encode their case. A directory
  // built with one form still resolves the other.
  std::string prefix(user_id.substr(0, 15));
  for (auto it = username_by_id.lower_bound(prefix);
       it != username_by_id.end() && it->first.starts_with(prefix); ++it) {
    return it->second;
  }
  return std::nullopt;
}

}  // namespace sfwarden::collectors
