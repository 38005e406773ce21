#include "daemon/store_journal.h"

namespace sfwarden::daemon {

// The two enums list the same states in the same order (remediation/journal.h says so).
JournalState ToStore(remediation::JournalState state) {
  switch (state) {
    case remediation::JournalState::kPlanned:
      return JournalState::kPlanned;
    case remediation::JournalState::kSent:
      return JournalState::kSent;
    case remediation::JournalState::kDone:
      return JournalState::kDone;
    case remediation::JournalState::kFailed:
      return JournalState::kFailed;
    case remediation::JournalState::kRolledBack:
      return JournalState::kRolledBack;
  }
  return JournalState::kFailed;
}

remediation::JournalState FromStore(JournalState state) {
  switch (state) {
    case JournalState::kPlanned:
      return remediation::JournalState::kPlanned;
    case JournalState::kSent:
      return remediation::JournalState::kSent;
    case JournalState::kDone:
      return remediation::JournalState::kDone;
    case JournalState::kFailed:
      return remediation::JournalState::kFailed;
    case JournalState::kRolledBack:
      return remediation::JournalState::kRolledBack;
  }
  return remediation::JournalState::kFailed;
}

JournalEntry ToStore(const remediation::JournalEntry& e) {
  return {.id = e.id,
          .org = e.org,
          .cycle_id = e.cycle_id,
          .kind = e.kind,
          .target = e.target,
          .action = e.action,
          .before_json = e.before_json,
          .after_json = e.after_json,
          .rollback_of = e.rollback_of,
          .state = ToStore(e.state),
          .error = e.error,
          .created_at = e.created_at,
          .updated_at = e.updated_at,
          .created_id = e.created_id};
}

remediation::JournalEntry FromStore(const JournalEntry& e) {
  return {.id = e.id,
          .org = e.org,
          .cycle_id = e.cycle_id,
          .kind = e.kind,
          .target = e.target,
          .action = e.action,
          .before_json = e.before_json,
          .after_json = e.after_json,
          .rollback_of = e.rollback_of,
          .state = FromStore(e.state),
          .error = e.error,
          .created_at = e.created_at,
          .updated_at = e.updated_at,
          .created_id = e.created_id};
}

std::int64_t StoreJournal::Append(const remediation::JournalEntry& entry) {
  return store_.AppendJournal(ToStore(entry));
}

void StoreJournal::Mark(std::int64_t id, remediation::JournalState state, std::string_view error,
                        std::string_view created_id) {
  store_.MarkJournal(id, ToStore(state), error, created_id);
}

std::optional<remediation::JournalEntry> StoreJournal::Find(std::int64_t id) {
  auto entry = store_.FindJournal(id);
  if (!entry) return std::nullopt;
  return FromStore(*entry);
}

std::vector<remediation::JournalEntry> StoreJournal::Pending(std::string_view org) {
  std::vector<remediation::JournalEntry> out;
  for (const auto& e : store_.PendingJournal(org)) out.push_back(FromStore(e));
  return out;
}

}  // namespace sfwarden::daemon
