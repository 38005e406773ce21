#include "remediation/plan.h"

#include <algorithm>
#include <map>
#include <utility>

#include "remediation/sharing_rules_json.h"
#include "salesforce/soql.h"

namespace sfwarden::remediation {
namespace {

using collectors::PermissionSetState;
using collectors::PermissionSnapshot;
using collectors::UserState;
using nlohmann::json;

// Steps run in this order: access is taken away before it is granted, and a permission
// set's contents are put back before anyone is assigned to it. Object rows go before
// field rows (field access is only granted where the object is readable).
enum class Phase {
  kRemoveAssignment,
  kRemoveMembership,
  kUpdatePermissionSet,
  kUpdateObject,
  kCreateObject,
  kUpdateField,
  kCreateField,
  kAddAssignment,
  kAddMembership,
  kSharingRules,
};

SkipReason ReasonFor(Disposition disposition) {
  switch (disposition) {
    case Disposition::kAlertOnly:
      return SkipReason::kAlertOnly;
    case Disposition::kObserve:
      return SkipReason::kObserve;
    case Disposition::kKindNotEnforced:
      return SkipReason::kKindNotEnforced;
    case Disposition::kUserUnavailable:
      return SkipReason::kUserUnavailable;
    case Disposition::kEnforce:
      break;
  }
  return SkipReason::kAlertOnly;
}

// PermissionsViewAllFields only where the snapshot read it: an org read at an API version
// before 63.0 refuses the field (collectors::ReadsViewAllFields).
json ObjectFields(const ObjectAccess& a, bool view_all_fields_read) {
  json fields = {{"PermissionsRead", a.read},
                 {"PermissionsCreate", a.create},
                 {"PermissionsEdit", a.edit},
                 {"PermissionsDelete", a.del},
                 {"PermissionsViewAllRecords", a.view_all},
                 {"PermissionsModifyAllRecords", a.modify_all}};
  if (view_all_fields_read) fields["PermissionsViewAllFields"] = a.view_all_fields;
  return fields;
}

json FieldFields(const FieldAccess& a) {
  return {{"PermissionsRead", a.read}, {"PermissionsEdit", a.edit}};
}

template <class Map>
const typename Map::mapped_type* Find(const Map& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? nullptr : &it->second;
}

// The declared rule as it will be sent: what the baseline declares over what the org has
// (a label or description the baseline leaves open is kept).
salesforce::SharingRule Merge(const salesforce::SharingRule& want,
                              const salesforce::SharingRule* have) {
  salesforce::SharingRule out = want;
  if (have != nullptr && have->type == want.type) {
    if (out.label.empty()) out.label = have->label;
    if (out.description.empty()) out.description = have->description;
    if (!out.account_settings) out.account_settings = have->account_settings;
    if (!out.include_records_owned_by_all) {
      out.include_records_owned_by_all = have->include_records_owned_by_all;
    }
  }
  if (out.label.empty()) out.label = out.full_name;  // the Metadata API requires a label
  return out;
}

}  // namespace

void PutSharingRule(salesforce::SharingRules& rules, const salesforce::SharingRule& want) {
  auto& target = want.type == salesforce::SharingRule::Type::kCriteria ? rules.criteria_rules
                                                                       : rules.owner_rules;
  const salesforce::SharingRule* have = nullptr;
  salesforce::SharingRule previous;
  for (auto* list : {&rules.criteria_rules, &rules.owner_rules}) {
    auto it = std::find_if(list->begin(), list->end(),
                           [&](const auto& rule) { return rule.full_name == want.full_name; });
    if (it == list->end()) continue;
    previous = *it;
    have = &previous;
    if (list == &target) {
      *it = Merge(want, have);
      return;
    }
    list->erase(it);  // the rule changed type: it moves to the other list
  }
  target.push_back(Merge(want, have));
}

namespace {

class Planner {
 public:
  Planner(const OrgBaseline& baseline, const PermissionSnapshot& snapshot, Plan& plan)
      : baseline_(baseline), snapshot_(snapshot), plan_(plan) {}

  void Item(const DriftItem& item) {
    switch (item.kind) {
      case DriftKind::kMissingPermissionSetAssignment:
        return AddAssignment(item, "PermissionSetId", Find(snapshot_.permission_sets, item.item));
      case DriftKind::kMissingPermissionSetGroupAssignment:
        return AddAssignment(item, "PermissionSetGroupId",
                             Find(snapshot_.permission_set_groups, item.item));
      case DriftKind::kExtraPermissionSetAssignment:
      case DriftKind::kExtraPermissionSetGroupAssignment:
        return RemoveAssignment(item);
      case DriftKind::kMissingPublicGroupMembership:
        return AddMembership(item);
      case DriftKind::kExtraPublicGroupMembership:
        return RemoveMembership(item);
      case DriftKind::kSystemPermissionMismatch:
        return SystemPermission(item);
      case DriftKind::kObjectPermissionMismatch:
        return ObjectPermission(item);
      case DriftKind::kFieldPermissionMismatch:
        return FieldPermission(item);
      case DriftKind::kSharingRuleMissing:
      case DriftKind::kSharingRuleChanged:
        return sharing_[item.subject].push_back(&item);
      case DriftKind::kProfileMismatch:
      case DriftKind::kUserInactive:
      case DriftKind::kUserFrozen:
      case DriftKind::kUserMissing:
      case DriftKind::kOrgWideDefaultMismatch:
        return Skip(item, SkipReason::kAlertOnly);
    }
  }

  void Skip(const DriftItem& item, SkipReason reason, std::string detail = "") {
    plan_.skipped.push_back({.key = item.key, .reason = reason, .detail = std::move(detail)});
  }

  // Sharing rules go last, one upsert per object with all its drifted rules.
  std::vector<PlanStep> Finish() {
    for (const auto& [object, items] : sharing_) SharingRules(object, items);
    std::stable_sort(staged_.begin(), staged_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<PlanStep> steps;
    for (auto& [phase, step] : staged_) steps.push_back(std::move(step));
    return steps;
  }

 private:
  const UserState* User(const DriftItem& item) {
    const UserState* user = Find(snapshot_.users, item.subject);
    if (user == nullptr || !user->found || user->id.empty()) {
      Skip(item, SkipReason::kNotFound, "user " + item.subject + " not found in the org");
      return nullptr;
    }
    return user;
  }

  const PermissionSetState* PermissionSet(const DriftItem& item) {
    const PermissionSetState* set = Find(snapshot_.permission_sets, item.subject);
    if (set == nullptr || !set->found || set->id.empty()) {
      Skip(item, SkipReason::kNotFound, "permission set " + item.subject + " not found in the org");
      return nullptr;
    }
    return set;
  }

  void Stage(Phase phase, PlanStep step) { staged_.emplace_back(phase, std::move(step)); }

  template <class Found>  // PermissionSetState or GroupState
  void AddAssignment(const DriftItem& item, const char* id_field, const Found* target) {
    const UserState* user = User(item);
    if (user == nullptr) return;
    if (target == nullptr || !target->found || target->id.empty()) {
      const bool set = item.kind == DriftKind::kMissingPermissionSetAssignment;
      Skip(item, SkipReason::kNotFound,
           std::string(set ? "permission set " : "permission set group ") + item.item +
               " not found in the org");
      return;
    }
    Stage(Phase::kAddAssignment, {.action = StepAction::kCreate,
                                  .sobject = "PermissionSetAssignment",
                                  .fields = {{"AssigneeId", user->id}, {id_field, target->id}},
                                  .replaces = nullptr,
                                  .fixes = {item.key},
                                  .summary = item.subject + ": " + item.item});
  }

  void RemoveAssignment(const DriftItem& item) {
    const UserState* user = User(item);
    if (user == nullptr) return;
    const bool set = item.kind == DriftKind::kExtraPermissionSetAssignment;
    bool any = false;
    for (const collectors::AssignmentState& a : user->assignments) {
      if ((set ? a.permission_set : a.permission_set_group) != item.item) continue;
      // What a rollback needs to assign it again: the assignment's own PermissionSetId or
      // PermissionSetGroupId (an extra set is one no baseline names, so the snapshot has
      // no other record of its Id), and the name for people.
      json replaces = {{"Id", a.assignment_id}, {"AssigneeId", user->id}};
      if (set) {
        replaces["PermissionSet.Name"] = item.item;
        replaces["PermissionSetId"] = a.permission_set_id;
      } else {
        replaces["PermissionSetGroup.DeveloperName"] = item.item;
        replaces["PermissionSetGroupId"] = a.permission_set_group_id;
      }
      replaces["ExpirationDate"] =
          a.expiration ? json(salesforce::SoqlDateTime(*a.expiration)) : json();
      Stage(Phase::kRemoveAssignment, {.action = StepAction::kDelete,
                                       .sobject = "PermissionSetAssignment",
                                       .record_id = a.assignment_id,
                                       .replaces = std::move(replaces),
                                       .fixes = {item.key},
                                       .summary = item.subject + ": " + item.item});
      any = true;
    }
    if (!any) Skip(item, SkipReason::kNotFound, "assignment of " + item.item + " not read");
  }

  void AddMembership(const DriftItem& item) {
    const UserState* user = User(item);
    if (user == nullptr) return;
    const collectors::GroupState* group = Find(snapshot_.public_groups, item.item);
    if (group == nullptr || !group->found || group->id.empty()) {
      Skip(item, SkipReason::kNotFound, "public group " + item.item + " not found in the org");
      return;
    }
    Stage(Phase::kAddMembership, {.action = StepAction::kCreate,
                                  .sobject = "GroupMember",
                                  .fields = {{"GroupId", group->id}, {"UserOrGroupId", user->id}},
                                  .replaces = nullptr,
                                  .fixes = {item.key},
                                  .summary = item.subject + ": " + item.item});
  }

  void RemoveMembership(const DriftItem& item) {
    const UserState* user = User(item);
    if (user == nullptr) return;
    const std::string* member_id = Find(user->group_member_ids, item.item);
    const collectors::GroupState* group = Find(snapshot_.public_groups, item.item);
    if (member_id == nullptr || group == nullptr) {
      Skip(item, SkipReason::kNotFound, "membership in " + item.item + " not read");
      return;
    }
    Stage(Phase::kRemoveMembership,
          {.action = StepAction::kDelete,
           .sobject = "GroupMember",
           .record_id = *member_id,
           .replaces = {{"Id", *member_id}, {"GroupId", group->id}, {"UserOrGroupId", user->id}},
           .fixes = {item.key},
           .summary = item.subject + ": " + item.item});
  }

  // All system permissions of one set go in one PermissionSet update.
  void SystemPermission(const DriftItem& item) {
    const PermissionSetState* set = PermissionSet(item);
    if (set == nullptr) return;
    const bool want = baseline_.permission_sets.at(item.subject).system.at(item.item);
    const bool* have = Find(set->system, item.item);
    const std::string field = "Permissions" + item.item;
    auto [it, added] = system_steps_.try_emplace(item.subject, staged_.size());
    if (added) {
      Stage(Phase::kUpdatePermissionSet, {.action = StepAction::kUpdate,
                                          .sobject = "PermissionSet",
                                          .record_id = set->id,
                                          .fields = json::object(),
                                          .replaces = json::object(),
                                          .summary = item.subject + ":"});
    }
    PlanStep& step = staged_[it->second].second;
    step.fields[field] = want;
    step.replaces[field] = have != nullptr && *have;
    step.fixes.push_back(item.key);
    step.summary += " " + item.item + "=" + (want ? "true" : "false");
  }

  // All flags are written together, closed over the dependencies, so no write leaves a
  // combination Salesforce refuses (e.g. Edit without Read).
  void ObjectPermission(const DriftItem& item) {
    const PermissionSetState* set = PermissionSet(item);
    if (set == nullptr) return;
    const bool view_all_fields = snapshot_.view_all_fields_read;
    const ObjectAccess want = Comparable(
        WithPrerequisites(baseline_.permission_sets.at(item.subject).objects.at(item.item)),
        view_all_fields);
    const std::string summary = item.subject + ": " + item.item + " -> " + Describe(want);
    if (const auto* row = Find(set->objects, item.item)) {
      Stage(Phase::kUpdateObject, {.action = StepAction::kUpdate,
                                   .sobject = "ObjectPermissions",
                                   .record_id = row->id,
                                   .fields = ObjectFields(want, view_all_fields),
                                   .replaces = ObjectFields(ToAccess(*row), view_all_fields),
                                   .fixes = {item.key},
                                   .summary = summary});
      return;
    }
    json fields = ObjectFields(want, view_all_fields);
    fields["ParentId"] = set->id;
    fields["SobjectType"] = item.item;
    Stage(Phase::kCreateObject, {.action = StepAction::kCreate,
                                 .sobject = "ObjectPermissions",
                                 .fields = std::move(fields),
                                 .replaces = nullptr,
                                 .fixes = {item.key},
                                 .summary = summary});
  }

  void FieldPermission(const DriftItem& item) {
    const PermissionSetState* set = PermissionSet(item);
    if (set == nullptr) return;
    const FieldAccess want =
        WithPrerequisites(baseline_.permission_sets.at(item.subject).fields.at(item.item));
    const std::string summary = item.subject + ": " + item.item + " -> " + Describe(want);
    if (const auto* row = Find(set->fields, item.item)) {
      Stage(Phase::kUpdateField, {.action = StepAction::kUpdate,
                                  .sobject = "FieldPermissions",
                                  .record_id = row->id,
                                  .fields = FieldFields(want),
                                  .replaces = FieldFields({.read = row->read, .edit = row->edit}),
                                  .fixes = {item.key},
                                  .summary = summary});
      return;
    }
    json fields = FieldFields(want);
    fields["ParentId"] = set->id;
    fields["SobjectType"] = item.item.substr(0, item.item.find('.'));
    fields["Field"] = item.item;
    Stage(Phase::kCreateField, {.action = StepAction::kCreate,
                                .sobject = "FieldPermissions",
                                .fields = std::move(fields),
                                .replaces = nullptr,
                                .fixes = {item.key},
                                .summary = summary});
  }

  // Read-modify-write: the object's rules as read, the drifted declared ones put back.
  void SharingRules(const std::string& object, const std::vector<const DriftItem*>& items) {
    const salesforce::SharingRules* current = nullptr;
    for (const salesforce::SharingRules& rules : snapshot_.sharing_rules) {
      if (rules.object == object) current = &rules;
    }
    salesforce::SharingRules next = current ? *current : salesforce::SharingRules{.object = object};
    PlanStep step{.action = StepAction::kUpsertSharingRules,
                  .sobject = "SharingRules",
                  .record_id = object,
                  .replaces = current ? SharingRulesToJson(*current) : json(),
                  .summary = object + ":"};
    static const std::vector<salesforce::SharingRule> kNone;
    const auto* found = Find(baseline_.sharing_rules, object);
    const auto& declared = found != nullptr ? *found : kNone;
    for (const DriftItem* item : items) {
      auto want = std::find_if(declared.begin(), declared.end(),
                               [&](const auto& rule) { return rule.full_name == item->item; });
      if (want == declared.end()) {
        Skip(*item, SkipReason::kNotFound, "rule " + item->item + " not in the baseline");
        continue;
      }
      PutSharingRule(next, *want);
      step.fixes.push_back(item->key);
      step.summary += " " + item->item;
    }
    if (step.fixes.empty()) return;
    step.sharing_rules = std::move(next);
    Stage(Phase::kSharingRules, std::move(step));
  }

  const OrgBaseline& baseline_;
  const PermissionSnapshot& snapshot_;
  Plan& plan_;
  std::vector<std::pair<Phase, PlanStep>> staged_;
  std::map<std::string, std::size_t> system_steps_;               // set -> its step in staged_
  std::map<std::string, std::vector<const DriftItem*>> sharing_;  // object -> its items
};

}  // namespace

std::string_view ToString(StepAction action) {
  switch (action) {
    case StepAction::kCreate:
      return "create";
    case StepAction::kUpdate:
      return "update";
    case StepAction::kDelete:
      return "delete";
    case StepAction::kUpsertSharingRules:
      return "upsert";
    case StepAction::kDeleteSharingRules:
      return "delete_metadata";
  }
  return "unknown";
}

std::string_view ToString(SkipReason reason) {
  switch (reason) {
    case SkipReason::kAlertOnly:
      return "alert_only";
    case SkipReason::kObserve:
      return "observe";
    case SkipReason::kKindNotEnforced:
      return "kind_not_enforced";
    case SkipReason::kUserUnavailable:
      return "user_unavailable";
    case SkipReason::kFlapping:
      return "flapping";
    case SkipReason::kNotFound:
      return "not_found";
    case SkipReason::kCircuitBreaker:
      return "circuit_breaker";
  }
  return "unknown";
}

std::vector<Batch> GroupIntoCalls(std::span<const PlanStep> steps) {
  std::vector<Batch> batches;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const PlanStep& step = steps[i];
    const std::size_t cap = step.action == StepAction::kUpsertSharingRules ||
                                    step.action == StepAction::kDeleteSharingRules
                                ? kMaxComponentsPerUpsert
                                : kMaxRecordsPerCollection;
    if (batches.empty() || batches.back().action != step.action ||
        batches.back().sobject != step.sobject || batches.back().count == cap) {
      batches.push_back({.action = step.action, .sobject = step.sobject, .first = i, .count = 0});
    }
    ++batches.back().count;
  }
  return batches;
}

Plan BuildPlan(const OrgBaseline& baseline, const PermissionSnapshot& snapshot, DriftReport drift,
               const std::set<std::string>& paused) {
  Plan plan{.drift = std::move(drift)};
  Planner planner(baseline, snapshot, plan);
  for (const DriftItem& item : plan.drift.items) {
    if (item.disposition != Disposition::kEnforce) {
      planner.Skip(item, ReasonFor(item.disposition));
    } else if (paused.contains(item.key)) {
      planner.Skip(item, SkipReason::kFlapping);
    } else {
      planner.Item(item);
    }
  }
  plan.steps = planner.Finish();

  std::set<std::string> fixed;
  for (const PlanStep& step : plan.steps) fixed.insert(step.fixes.begin(), step.fixes.end());
  plan.changes = static_cast<int>(fixed.size());
  if (plan.changes > baseline.max_changes_per_cycle) {
    plan.circuit_breaker = std::to_string(plan.changes) + " changes exceed max_changes_per_cycle " +
                           std::to_string(baseline.max_changes_per_cycle) +
                           ": reported, not applied (a mass change is more likely a migration "
                           "or a bad config than drift)";
    for (const std::string& key : fixed) {
      plan.skipped.push_back({.key = key, .reason = SkipReason::kCircuitBreaker, .detail = {}});
    }
    plan.steps.clear();
  }
  plan.api_calls = static_cast<int>(GroupIntoCalls(plan.steps).size());
  return plan;
}

bool IsEnforcementPaused(std::span<const Time> drift_times, Time now,
                         const FlappingPolicy& policy) {
  if (policy.threshold < 1) return false;
  const auto recent = std::count_if(drift_times.begin(), drift_times.end(),
                                    [&](Time t) { return now - t < policy.window; });
  return recent >= policy.threshold;
}

std::set<std::string> PausedKeys(const std::map<std::string, std::vector<Time>>& history, Time now,
                                 const FlappingPolicy& policy) {
  std::set<std::string> paused;
  for (const auto& [key, times] : history) {
    if (IsEnforcementPaused(times, now, policy)) paused.insert(key);
  }
  return paused;
}

}  // namespace sfwarden::remediation
