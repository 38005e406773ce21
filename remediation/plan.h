#pragma once
// Drift -> the ordered writes that put the baseline back, with the Ids from the snapshot
// they were found in. Pure: `sfwarden plan` prints a Plan and `apply` and the daemon
// execute the same Plan (DESIGN.md, "Safety of enforcement").

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/observations.h"
#include "remediation/baseline.h"
#include "remediation/drift.h"
#include "salesforce/sharing_rules.h"

namespace sfwarden::remediation {

/// sObject collections take at most 200 records a call (REST API resources_composite_
/// sobjects_collections; WIRE.md §6).
constexpr std::size_t kMaxRecordsPerCollection = 200;
/// upsertMetadata takes at most 10 components a call (Metadata API upsertMetadata
/// "Limit: 10"; UNCONFIRMED in WIRE.md §7, whose readMetadata limit is also 10).
constexpr std::size_t kMaxComponentsPerUpsert = 10;

enum class StepAction {
  kCreate,              // sObject create; batched into collection creates
  kUpdate,              // sObject update by Id; batched into collection updates
  kDelete,              // sObject delete by Id; batched into collection deletes
  kUpsertSharingRules,  // Metadata API upsertMetadata of one object's SharingRules
  /// Metadata API deleteMetadata of rules of one object and one type (only a rollback of a
  /// rule sfwarden created plans it; a baseline never declares a rule absent).
  kDeleteSharingRules,
};
/// "create", "update", "delete", "upsert", "delete_metadata"
std::string_view ToString(StepAction action);

/// One concrete write.
struct PlanStep {
  StepAction action = StepAction::kCreate;
  /// PermissionSetAssignment, GroupMember, PermissionSet, ObjectPermissions,
  /// FieldPermissions, SharingRules (kUpsertSharingRules), or the Metadata API type of the
  /// rules deleted: SharingCriteriaRule or SharingOwnerRule (kDeleteSharingRules).
  std::string sobject;
  /// kUpdate, kDelete: the record's Id; kUpsertSharingRules, kDeleteSharingRules: the object
  /// ("Account").
  std::string record_id;
  /// kCreate: the new record's fields (the applier adds "attributes": {"type": sobject});
  /// kUpdate: the fields written (the applier adds the Id). Null otherwise.
  nlohmann::json fields;
  /// kUpsertSharingRules: every rule of the object as read, with the declared ones
  /// replaced or added (the upsert may replace the whole set: nothing else is dropped).
  /// kDeleteSharingRules: the rules to delete (all of the step's type), as they were.
  std::optional<salesforce::SharingRules> sharing_rules;
  /// The state the step replaces, for the journal and rollback: null for a create
  /// (rollback deletes what was made); a delete's record fields; an update's previous
  /// values of the fields written; an upsert's rules as read (SharingRulesToJson).
  nlohmann::json replaces;
  std::vector<std::string> fixes;  // keys of the drift items this step puts back
  std::string summary;             // for people: "hubspot@acme.com: HubSpot_Sync_Access"
};

/// Why a drifted item gets no step.
enum class SkipReason {
  kAlertOnly,        // the kind is never changed automatically
  kObserve,          // observe mode
  kKindNotEnforced,  // not in the enforced kinds
  kUserUnavailable,  // the user is inactive or frozen
  kFlapping,         // enforcement of the item is paused (IsEnforcementPaused)
  kNotFound,         // what the write needs (a permission set, group, user) is not in the org
  kCircuitBreaker,   // the plan exceeds max_changes_per_cycle
};
std::string_view ToString(SkipReason reason);  // "alert_only", ..., "circuit_breaker"

struct SkippedDrift {
  std::string key;
  SkipReason reason = SkipReason::kAlertOnly;
  std::string detail;  // for kNotFound: what is missing
};

/// One API call of the applier: `count` consecutive steps from `first`, all with the
/// same action and sObject, at most 200 records (10 SharingRules components; 10 steps of
/// deleted rules, whose names the client sends 10 a call).
struct Batch {
  StepAction action = StepAction::kCreate;
  std::string sobject;
  std::size_t first = 0;
  std::size_t count = 0;
};
std::vector<Batch> GroupIntoCalls(std::span<const PlanStep> steps);

struct Plan {
  DriftReport drift;  // everything found, whether or not it is planned
  /// In order: removals of extra assignments and memberships, permission set contents
  /// (system, object, field: before the assignments that grant them), new assignments and
  /// memberships, sharing rules.
  std::vector<PlanStep> steps;
  std::vector<SkippedDrift> skipped;  // each drifted item without a step, with why
  int changes = 0;                    // drift items the steps put back (counted before the breaker)
  int api_calls = 0;                  // GroupIntoCalls(steps).size()
  /// Set when `changes` exceeded max_changes_per_cycle: no steps, only the reason.
  std::optional<std::string> circuit_breaker;
};

/// Plans the enforced items of `drift` (found in `snapshot` against `baseline`), except
/// those whose key is in `paused` (flapping). Items are skipped, with the reason, rather
/// than planned half: a drifted item gets all the writes it needs or none.
Plan BuildPlan(const OrgBaseline& baseline, const collectors::PermissionSnapshot& snapshot,
               DriftReport drift, const std::set<std::string>& paused = {});

/// Puts `declared` into `rules` the way a plan does: the rule of that name is replaced in
/// place (moved to the other list if its type changed) or appended; what the declaration
/// leaves open (empty label or description, unset account settings or
/// includeRecordsOwnedByAll) is kept from the rule it replaces; a missing label becomes the
/// rule's name. Every other rule stays as it is. The applier may redo this on a fresh
/// readMetadata right before the upsert, so a rule edited since the snapshot is not lost.
void PutSharingRule(salesforce::SharingRules& rules, const salesforce::SharingRule& declared);

/// Flapping: `drift_times` are the times the item was found drifted (the caller includes
/// the current one). Enforcement is paused when at least `policy.threshold` of them lie
/// within `policy.window` before `now` (an entry exactly `window` old is outside; future
/// ones are inside). A threshold below 1 disables the pause.
bool IsEnforcementPaused(std::span<const Time> drift_times, Time now, const FlappingPolicy& policy);
/// The keys of `history` (drift key -> times found drifted) whose enforcement is paused:
/// the `paused` argument of BuildPlan.
std::set<std::string> PausedKeys(const std::map<std::string, std::vector<Time>>& history, Time now,
                                 const FlappingPolicy& policy);

}  // namespace sfwarden::remediation
