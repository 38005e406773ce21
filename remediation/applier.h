#pragma once
// Executes a Plan against an org, through the journal; finishes or concludes interrupted
// work after a restart; undoes a journaled write. DESIGN.md, "Safety of enforcement":
// every write is journaled before it is sent and marked after, and nothing is ever sent
// twice blindly.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "collectors/observations.h"
#include "remediation/journal.h"
#include "remediation/plan.h"
#include "salesforce/api.h"

namespace sfwarden::remediation {

enum class StepOutcome {
  kDone,            // Salesforce applied it (or the state it sets was already there)
  kFailed,          // Salesforce refused it, or it was never sent because its call failed
  kOutcomeUnknown,  // sent, no answer: left `sent` in the journal for Reconcile
  kNotSent,         // an earlier call stopped the run; not journaled
};
std::string_view ToString(StepOutcome outcome);  // "done", "failed", "outcome_unknown", ...

struct StepResult {
  StepOutcome outcome = StepOutcome::kNotSent;
  std::int64_t journal_id = 0;  // 0 when not journaled
  std::string record_id;        // a create's new Id, when Salesforce gave one
  /// Why it failed ("DUPLICATE_VALUE: ..."), or a note on a done step ("already
  /// assigned (DUPLICATE_VALUE)").
  std::string detail;
};

struct ApplyResult {
  std::vector<StepResult> steps;  // one per plan step, in plan order
  int api_calls = 0;              // calls sent (reads before an upsert included)
  /// Set when a call failed as a whole or its outcome is unknown: the steps of later
  /// calls were not sent (their order matters: access is removed before it is granted,
  /// a set's contents fixed before it is assigned).
  std::optional<std::string> stopped;
  int Count(StepOutcome outcome) const;
};

struct ApplyOptions {
  std::string cycle_id;  // stored in each journal entry
  /// For a rollback plan (PlanRollback): the entry it undoes, stored in rollback_of.
  std::optional<std::int64_t> rollback_of;
};

/// Applies `plan.steps` in GroupIntoCalls order, one call per group: every step of the
/// group is journaled kPlanned, then marked kSent, then the call goes out (an sObject
/// collection with allOrNone false, or — for sharing rules — readMetadata of the objects
/// and upsertMetadata of the fresh rules with the plan's changed rules put back on them
/// with PutSharingRule, so an unrelated rule edited since the snapshot is kept), then each
/// step is marked kDone or kFailed from its own result. A create refused with
/// DUPLICATE_VALUE (assignment, group membership) and a delete of a record already gone
/// are kDone: the state wanted is there. A call without an answer (timeout, connection
/// closed after sending, gateway 5xx, undecodable 2xx) leaves its steps kSent, reported
/// kOutcomeUnknown: they are never resent here, Reconcile concludes them after a fresh
/// read. Journal failures (exceptions) propagate: nothing unjournaled is ever sent.
/// Borrows everything for the duration of the coroutine.
boost::asio::awaitable<ApplyResult> Apply(salesforce::Api& api, const Plan& plan, Journal& journal,
                                          ApplyOptions options = {});

/// What Reconcile concluded about one half-done entry.
struct ReconcileDecision {
  std::int64_t id = 0;
  JournalState state = JournalState::kFailed;  // kDone or kFailed
  std::string reason;  // "assignment present", "not applied: ...", "cannot check: ..."
};

/// Decides, for each kPlanned or kSent entry of `pending`, whether its write took effect,
/// by looking for the state it sets in `fresh` (read after the interruption): an
/// assignment or membership present (created) or gone (deleted), permission flags equal
/// to the ones written, the sharing rules written matching. In effect: kDone. Otherwise
/// kFailed ("not applied"): the next cycle re-plans the drift from a fresh read, so
/// nothing is ever repeated blindly and no duplicate is created. An entry that `fresh`
/// cannot answer (user or set not read, undecodable entry) is kFailed with "cannot
/// check". Pure. Entries in other states are ignored.
std::vector<ReconcileDecision> Reconcile(std::span<const JournalEntry> pending,
                                         const collectors::PermissionSnapshot& fresh);
/// Reconcile on journal.Pending(org), each decision marked in the journal.
std::vector<ReconcileDecision> ReconcileJournal(Journal& journal, std::string_view org,
                                                const collectors::PermissionSnapshot& fresh);

/// The writes that undo `entry` (kDone), as a Plan to Apply with ApplyOptions::rollback_of
/// = entry.id: a created assignment or membership is deleted (the Id recorded as the
/// entry's created_id, which must still be in `now`; for older entries without one, looked
/// up by name in `now`), a deleted one created again from the values it replaced,
/// permission flags written back, object/field permission rows it created deleted. For a
/// sharing-rule upsert: the rules it changed are upserted as they were and the rules it
/// created are deleted (deleteMetadata, one step per rule type), so up to three steps; for
/// such a deleteMetadata the rules it deleted are upserted again. Errors (nothing is
/// planned): the entry is not kDone, does not decode, or its effect is no longer there to
/// undo.
tl::expected<Plan, std::string> PlanRollback(const JournalEntry& entry,
                                             const collectors::PermissionSnapshot& now);

/// PlanRollback(journal.Find(id), now), applied; when all its steps are done, entry `id`
/// is marked kRolledBack.
boost::asio::awaitable<tl::expected<ApplyResult, std::string>> Rollback(
    salesforce::Api& api, Journal& journal, std::int64_t id,
    const collectors::PermissionSnapshot& now, std::string cycle_id = "rollback");

}  // namespace sfwarden::remediation
