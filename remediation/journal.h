#pragma once
// The write-ahead journal the applier writes through (DESIGN.md, "Safety of enforcement"):
// every write is recorded before it is sent, with the state it replaces, and marked with
// its outcome after. The daemon backs it with its SQLite state store, which stores these
// very types (daemon/state_store.h; remediation never includes daemon/: the dependencies
// point daemon -> remediation).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sfwarden::remediation {

/// kPlanned before the request, kSent just before it goes out, then kDone or kFailed;
/// kRolledBack once a rollback entry undid it.
enum class JournalState { kPlanned, kSent, kDone, kFailed, kRolledBack };
/// "planned", "sent", "done", "failed", "rolled_back": also the state store's spelling,
/// so these never change.
std::string_view ToString(JournalState state);

/// One write to an org. What the applier stores (see EncodeStep in applier.h):
///   kind        the drift key's kind: "permission_set_assignment", "system_permission",
///               "sharing_rule", ...
///   target      the rest of the drift key ("hubspot@acme.com/HubSpot_Sync_Access"), or
///               the subject when one write fixes several items of it (a permission set's
///               system permissions, an object's sharing rules)
///   action      "create", "update", "delete", "upsert"
///   before_json the state it replaces (PlanStep::replaces; for an upsert the rules as
///               re-read right before it)
///   after_json  {"sobject", "record_id", "fields" | "sharing_rules", "fixes": [{"key",
///               "subject", "item"}], "summary"}: everything needed to check or undo it
struct JournalEntry {
  std::int64_t id = 0;  // assigned by Journal::Append
  std::string org{};
  std::string cycle_id{};  // the enforcement cycle (or `apply`/`rollback` run) that made it
  std::string kind{};
  std::string target{};
  std::string action{};
  std::string before_json = "null";
  std::string after_json = "null";
  std::optional<std::int64_t> rollback_of{};  // the entry this one undoes
  JournalState state = JournalState::kPlanned;
  std::string error{};  // why it failed, or why it was concluded as it was; empty otherwise
  std::chrono::sys_seconds created_at{};
  std::chrono::sys_seconds updated_at{};
  /// The Id of the record a create made (Salesforce's answer), so that a rollback deletes
  /// that very record; "" for other actions and while unknown.
  std::string created_id{};
};

/// Durable storage of journal entries. Called on the daemon's io_context thread only.
/// Storage failures throw (the daemon's StateStoreError): the applier then stops before
/// sending anything not yet journaled.
class Journal {
 public:
  virtual ~Journal() = default;
  /// Stores `entry` as kPlanned (its id, state, error and times are ignored) and returns
  /// its id. Durable before it returns.
  virtual std::int64_t Append(const JournalEntry& entry) = 0;
  /// Moves entry `id` to `state`, with `error` (empty unless failed) and, when not empty,
  /// `created_id` (the record a create made). Durable before it returns; throws if there
  /// is no such entry.
  virtual void Mark(std::int64_t id, JournalState state, std::string_view error = {},
                    std::string_view created_id = {}) = 0;
  virtual std::optional<JournalEntry> Find(std::int64_t id) = 0;
  /// Entries of `org` still kPlanned or kSent (interrupted or ambiguous work), oldest
  /// first.
  virtual std::vector<JournalEntry> Pending(std::string_view org) = 0;
};

/// A Journal in memory, for tests and dry runs. Ids start at 1; times are the system
/// clock's.
class MemoryJournal : public Journal {
 public:
  std::int64_t Append(const JournalEntry& entry) override;
  void Mark(std::int64_t id, JournalState state, std::string_view error = {},
            std::string_view created_id = {}) override;
  std::optional<JournalEntry> Find(std::int64_t id) override;
  std::vector<JournalEntry> Pending(std::string_view org) override;

  /// Every entry, in the order appended.
  const std::vector<JournalEntry>& entries() const { return entries_; }
  /// Every state each entry went through, in order ("planned", "sent", "done").
  std::vector<JournalState> History(std::int64_t id) const;

 private:
  std::vector<JournalEntry> entries_;
  std::vector<std::pair<std::int64_t, JournalState>> history_;
};

}  // namespace sfwarden::remediation
