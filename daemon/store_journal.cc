#include "daemon/store_journal.h"

namespace sfwarden::daemon {

std::int64_t StoreJournal::Append(const remediation::JournalEntry& entry) {
  return store_.AppendJournal(entry);
}

void StoreJournal::Mark(std::int64_t id, remediation::JournalState state, std::string_view error,
                        std::string_view created_id) {
  store_.MarkJournal(id, state, error, created_id);
}

std::optional<remediation::JournalEntry> StoreJournal::Find(std::int64_t id) {
  return store_.FindJournal(id);
}

std::vector<remediation::JournalEntry> StoreJournal::Pending(std::string_view org) {
  return store_.PendingJournal(org);
}

}  // namespace sfwarden::daemon
