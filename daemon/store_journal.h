#pragma once
// The remediation journal kept in the daemon's state store: remediation::Journal over
// StateStore's remediation_journal table. The store keeps remediation's JournalEntry as it
// is (daemon/state_store.h), so this adapter only forwards.

#include "daemon/state_store.h"
#include "remediation/journal.h"

namespace sfwarden::daemon {

/// Borrows `store` (owned by the daemon or the CLI command), which must outlive it. On the
/// io_context thread only, like the store. Store failures throw StateStoreError, which
/// stops the applier before it sends anything not journaled.
class StoreJournal : public remediation::Journal {
 public:
  explicit StoreJournal(StateStore& store) : store_(store) {}
  std::int64_t Append(const remediation::JournalEntry& entry) override;
  void Mark(std::int64_t id, remediation::JournalState state, std::string_view error = {},
            std::string_view created_id = {}) override;
  std::optional<remediation::JournalEntry> Find(std::int64_t id) override;
  std::vector<remediation::JournalEntry> Pending(std::string_view org) override;

 private:
  StateStore& store_;
};

}  // namespace sfwarden::daemon
