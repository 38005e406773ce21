// SetupAuditTrail read incrementally, and which watched things each entry concerns.
//
// Display texts name things by their labels and display names, not API names
// ("Permission set HubSpot Sync Access: assigned to user HubSpot Integration (UserID:
// [0055g00000EXAMP])" — the PermSetAssign layout of
// examples/composed-rest-query-setupaudittrail-user-changes.json, which sfsim writes too;
// the real ForceAuditTrail rows in examples/setupaudittrail-records-*.json follow the same
// "<what> <label>: <change>" pattern). So an entry is matched against every name a watched
// thing goes by: usernames, display names, 15- and 18-character user Ids, API names and
// labels of permission sets and groups, and object names.
#include <algorithm>
#include <array>
#include <cctype>
#include <nlohmann/json.hpp>

#include "collectors/detail/poll_sources.h"
#include "salesforce/query_decoder.h"
#include "salesforce/soql.h"

namespace sfwarden::collectors::detail {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool WordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/// `text` occurs in `haystack` as a whole word: "Integration 1" is not in "Integration 10",
/// nor HubSpot_Access in HubSpot_Access_Extra.
bool Mentions(std::string_view haystack, std::string_view text) {
  if (text.size() < 3) return false;  // too short to mean anything in free text
  for (auto pos = haystack.find(text); pos != std::string_view::npos;
       pos = haystack.find(text, pos + 1)) {
    bool starts = pos == 0 || !WordChar(haystack[pos - 1]);
    auto end = pos + text.size();
    bool ends = end == haystack.size() || !WordChar(haystack[end]);
    if (starts && ends) return true;
  }
  return false;
}

/// API names are usually labels with underscores ("HubSpot_Sync_Access" / "HubSpot Sync
/// Access"): a fallback when the permission read has not supplied the real label.
std::string LabelGuess(std::string_view api_name) {
  std::string out(api_name);
  std::replace(out.begin(), out.end(), '_', ' ');
  return out;
}

void MatchInto(const std::map<std::string, std::string>& texts, std::string_view display,
               std::string_view display_lower, std::set<std::string>& out) {
  for (const auto& [text, name] : texts) {
    if (out.contains(name)) continue;
    // Usernames are case-insensitive in Salesforce; labels, names and Ids are shown as stored.
    bool is_username = text.find('@') != std::string::npos;
    if (is_username ? Mentions(display_lower, Lower(text)) : Mentions(display, text)) {
      out.insert(name);
    }
  }
}

bool AboutSharing(std::string_view action, std::string_view section) {
  auto a = Lower(action), s = Lower(section);
  return s.find("sharing") != std::string::npos || a.find("sharing") != std::string::npos ||
         a.find("orgwide") != std::string::npos;
}

}  // namespace

std::string AuditTrailSoql(const std::optional<Time>& cursor, const OrgTarget& target) {
  salesforce::Soql q(
      "SELECT Id, Action, Section, Display, CreatedDate, CreatedById, CreatedBy.Username, "
      "DelegateUser FROM SetupAuditTrail WHERE ");
  if (cursor) {
    q.Raw("CreatedDate >= ").DateTime(*cursor - target.read_overlap);
  } else {
    q.Raw("CreatedDate = LAST_N_DAYS:").Int(target.initial_lookback_days);
  }
  q.Raw(" ORDER BY CreatedDate ASC, Id ASC");
  return q.str();
}

AuditWatch MakeAuditWatch(const OrgTarget& target, const UserDirectory& users) {
  AuditWatch watch;
  for (const auto& username : target.usernames) watch.user_texts[username] = username;
  for (const auto& [id, username] : users.username_by_id) {
    watch.user_texts[id] = username;
    if (id.size() == 18) watch.user_texts[id.substr(0, 15)] = username;
    watch.user_texts[username] = username;
  }
  for (const auto& [username, name] : users.name_by_username) watch.user_texts[name] = username;

  for (const auto& [name, permissions] : target.permission_sets) {
    watch.permission_set_texts[name] = name;
    auto label = users.permission_set_labels.find(name);
    watch.permission_set_texts[label != users.permission_set_labels.end() ? label->second
                                                                          : LabelGuess(name)] =
        name;
  }
  for (const auto* groups : {&target.public_groups, &target.permission_set_groups}) {
    for (const auto& name : *groups) {
      watch.group_texts[name] = name;
      auto label = users.group_labels.find(name);
      watch.group_texts[label != users.group_labels.end() ? label->second : LabelGuess(name)] =
          name;
    }
  }
  watch.objects.insert(target.sharing_rule_objects.begin(), target.sharing_rule_objects.end());
  watch.objects.insert(target.org_wide_default_objects.begin(),
                       target.org_wide_default_objects.end());
  return watch;
}

AuditConcerns FindConcerns(const AuditWatch& watch, std::string_view action,
                           std::string_view section, std::string_view display) {
  AuditConcerns concerns;
  const std::string lower = Lower(display);
  MatchInto(watch.user_texts, display, lower, concerns.usernames);
  MatchInto(watch.permission_set_texts, display, lower, concerns.permission_sets);
  MatchInto(watch.group_texts, display, lower, concerns.groups);
  // Object names ("Account") appear in many unrelated entries (every profile's field-level
  // security): they count only in sharing / org-wide-default entries, or as detail of an
  // entry that already concerns a watched set, user or group.
  if (AboutSharing(action, section) || !concerns.empty()) {
    for (const auto& object : watch.objects) {
      if (Mentions(display, object)) concerns.objects.insert(object);
    }
  }
  return concerns;
}

bool CanChangePermissions(std::string_view action, std::string_view section) {
  // Action codes by Section from WIRE.md §5 (sfdx-hardis audit-trail doc, Audit Trail
  // Watcher, ForceAuditTrail) and the ones sfsim writes (sim/changes.cc, sim/README.md):
  // assignments, profile/role/activation/freeze changes of a user, group membership,
  // permission set edits, sharing rules. Compared case-insensitively: Salesforce mixes
  // "PermSetAssign" and "frozeuser".
  static constexpr std::array<std::string_view, 22> kActions = {"permsetassign",
                                                                "permsetunassign",
                                                                "permsetgroupassign",
                                                                "permsetgroupunassign",
                                                                "permsetlicenseassign",
                                                                "permsetlicenseunassign",
                                                                "changedprofileforuser",
                                                                "changedprofileforusercusttostd",
                                                                "changedprofileforuserstdtocust",
                                                                "changedroleforuser",
                                                                "changedroleforuserfromnone",
                                                                "changedroleforusertonone",
                                                                "frozeuser",
                                                                "unfrozeuser",
                                                                "activateduser",
                                                                "deactivateduser",
                                                                "groupmembership",
                                                                "queuemembership",
                                                                "createsharingrule",
                                                                "updatesharingrule",
                                                                "deletesharingrule",
                                                                "createduser"};
  const std::string a = Lower(action);
  if (std::find(kActions.begin(), kActions.end(), a) != kActions.end()) return true;
  // PermSetCreate/Delete, PermSetEnableUserPerm/DisableUserPerm, PermSetFlsChanged,
  // PermSetEntityPermChanged, PermSetRecordTypeAdded/Removed, and
  // SetupEntityAccessAudit_PermissionSet_* (WIRE.md §5).
  if (a.starts_with("permset") || a.starts_with("setupentityaccessaudit_permissionset")) {
    return true;
  }
  const std::string s = Lower(section);
  return s == "sharing rules" || s == "sharing defaults" || s == "groups";
}

std::optional<AuditObservation> DecodeAudit(const nlohmann::json& record, const AuditWatch& watch) {
  using salesforce::FieldString;
  auto id = FieldString(record, "Id");
  auto time = TimeField(record, "CreatedDate");
  if (!id || !time) return std::nullopt;
  AuditObservation entry;
  entry.id = *id;
  entry.time = *time;
  entry.action = FieldString(record, "Action").value_or("");
  entry.section = FieldString(record, "Section").value_or("");
  entry.display = FieldString(record, "Display").value_or("");
  entry.actor_username = FieldString(record, "CreatedBy.Username").value_or("");
  entry.actor_id = FieldString(record, "CreatedById").value_or("");
  entry.delegate_user = FieldString(record, "DelegateUser").value_or("");
  entry.concerns = FindConcerns(watch, entry.action, entry.section, entry.display);
  entry.requires_permission_read =
      !entry.concerns.empty() && CanChangePermissions(entry.action, entry.section);
  return entry;
}

}  // namespace sfwarden::collectors::detail
