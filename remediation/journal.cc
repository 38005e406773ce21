#include "remediation/journal.h"

#include <stdexcept>

namespace sfwarden::remediation {

std::string_view ToString(JournalState state) {
  switch (state) {
    case JournalState::kPlanned:
      return "planned";
    case JournalState::kSent:
      return "sent";
    case JournalState::kDone:
      return "done";
    case JournalState::kFailed:
      return "failed";
    case JournalState::kRolledBack:
      return "rolled_back";
  }
  return "unknown";
}

namespace {
std::chrono::sys_seconds Now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}
}  // namespace

std::int64_t MemoryJournal::Append(const JournalEntry& entry) {
  JournalEntry stored = entry;
  stored.id = static_cast<std::int64_t>(entries_.size()) + 1;
  stored.state = JournalState::kPlanned;
  stored.error.clear();
  stored.created_at = stored.updated_at = Now();
  entries_.push_back(std::move(stored));
  history_.emplace_back(entries_.back().id, JournalState::kPlanned);
  return entries_.back().id;
}

void MemoryJournal::Mark(std::int64_t id, JournalState state, std::string_view error,
                         std::string_view created_id) {
  if (id < 1 || id > static_cast<std::int64_t>(entries_.size())) {
    throw std::out_of_range("no journal entry " + std::to_string(id));
  }
  JournalEntry& entry = entries_[static_cast<std::size_t>(id - 1)];
  entry.state = state;
  entry.error = std::string(error);
  if (!created_id.empty()) entry.created_id = std::string(created_id);
  entry.updated_at = Now();
  history_.emplace_back(id, state);
}

std::optional<JournalEntry> MemoryJournal::Find(std::int64_t id) {
  if (id < 1 || id > static_cast<std::int64_t>(entries_.size())) return std::nullopt;
  return entries_[static_cast<std::size_t>(id - 1)];
}

std::vector<JournalEntry> MemoryJournal::Pending(std::string_view org) {
  std::vector<JournalEntry> pending;
  for (const JournalEntry& entry : entries_) {
    if (entry.org == org &&
        (entry.state == JournalState::kPlanned || entry.state == JournalState::kSent)) {
      pending.push_back(entry);
    }
  }
  return pending;
}

std::vector<JournalState> MemoryJournal::History(std::int64_t id) const {
  std::vector<JournalState> states;
  for (const auto& [entry, state] : history_) {
    if (entry == id) states.push_back(state);
  }
  return states;
}

}  // namespace sfwarden::remediation
