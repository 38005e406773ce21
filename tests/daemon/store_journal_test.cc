#include "daemon/store_journal.h"

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {
using sfwarden::testing::TempDir;
using namespace std::chrono_literals;

remediation::JournalEntry Entry() {
  remediation::JournalEntry e;
  e.org = "prod";
  e.cycle_id = "cycle-1";
  e.kind = "permission_set_assignment";
  e.target = "hubspot@acme.com/HubSpot_Sync";
  e.action = "create";
  e.after_json = R"({"sobject":"PermissionSetAssignment"})";
  return e;
}

TEST(StoreJournalTest, EveryFieldSurvivesTheStore) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  StoreJournal journal(*store);
  auto first = journal.Append(Entry());
  auto undo = Entry();
  undo.action = "delete";
  undo.before_json = R"({"Id":"0PaX"})";
  undo.rollback_of = first;
  auto second = journal.Append(undo);
  journal.Mark(first, remediation::JournalState::kSent);
  journal.Mark(first, remediation::JournalState::kDone, "", "0PaNEW000000001AAA");
  journal.Mark(second, remediation::JournalState::kFailed, "ENTITY_IS_DELETED");

  auto a = journal.Find(first);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->org, "prod");
  EXPECT_EQ(a->cycle_id, "cycle-1");
  EXPECT_EQ(a->kind, "permission_set_assignment");
  EXPECT_EQ(a->target, "hubspot@acme.com/HubSpot_Sync");
  EXPECT_EQ(a->action, "create");
  EXPECT_EQ(a->after_json, R"({"sobject":"PermissionSetAssignment"})");
  EXPECT_EQ(a->state, remediation::JournalState::kDone);
  EXPECT_EQ(a->created_id, "0PaNEW000000001AAA");
  EXPECT_GT(a->created_at.time_since_epoch().count(), 0);
  auto b = journal.Find(second);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->rollback_of, first);
  EXPECT_EQ(b->before_json, R"({"Id":"0PaX"})");
  EXPECT_EQ(b->state, remediation::JournalState::kFailed);
  EXPECT_EQ(b->error, "ENTITY_IS_DELETED");
  EXPECT_EQ(b->created_id, "");
  EXPECT_FALSE(journal.Find(999));
}

TEST(StoreJournalTest, CreatedIdIsKeptWhenALaterMarkHasNone) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  StoreJournal journal(*store);
  auto id = journal.Append(Entry());
  journal.Mark(id, remediation::JournalState::kDone, "", "0PaNEW000000001AAA");
  journal.Mark(id, remediation::JournalState::kRolledBack);
  EXPECT_EQ(journal.Find(id)->created_id, "0PaNEW000000001AAA");
}

TEST(StoreJournalTest, PendingIsPlannedAndSentOfTheOrgOldestFirst) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  StoreJournal journal(*store);
  auto a = journal.Append(Entry());
  auto b = journal.Append(Entry());
  auto done = journal.Append(Entry());
  auto other = Entry();
  other.org = "dev";
  journal.Append(other);
  journal.Mark(b, remediation::JournalState::kSent);
  journal.Mark(done, remediation::JournalState::kDone);
  auto pending = journal.Pending("prod");
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].id, a);
  EXPECT_EQ(pending[0].state, remediation::JournalState::kPlanned);
  EXPECT_EQ(pending[1].id, b);
  EXPECT_EQ(pending[1].state, remediation::JournalState::kSent);
}

TEST(StoreJournalTest, ListJournalGivesTheNewestOfAnOrgOldestFirst) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  StoreJournal journal(*store);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(journal.Append(Entry()));
  auto other = Entry();
  other.org = "dev";
  auto dev = journal.Append(other);
  auto last3 = store->ListJournal("prod", 3);
  ASSERT_EQ(last3.size(), 3u);
  EXPECT_EQ(last3[0].id, ids[2]);
  EXPECT_EQ(last3[2].id, ids[4]);
  auto all = store->ListJournal(std::nullopt, 100);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(all.back().id, dev);
}

TEST(StoreJournalTest, DriftHistorySurvivesReopeningAndForgetsOutsideTheWindow) {
  TempDir tmp;
  const StoreTime t0 = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  {
    auto store = StateStore::Open(tmp.path());
    store->RecordDriftSeen("prod", {"group_membership/u/G", "sharing_rule/Account/R"}, t0 - 2h,
                           t0 - 3h);
    store->RecordDriftSeen("prod", {"group_membership/u/G"}, t0 - 10min, t0 - 3h);
    store->RecordDriftSeen("dev", {"group_membership/u/G"}, t0, t0 - 3h);
  }
  auto store = StateStore::Open(tmp.path());
  auto seen = store->DriftSeen("prod");
  EXPECT_EQ(seen["group_membership/u/G"], (std::vector<StoreTime>{t0 - 2h, t0 - 10min}));
  EXPECT_EQ(seen["sharing_rule/Account/R"], (std::vector<StoreTime>{t0 - 2h}));
  // The same key at the same second counts once; times before forget_before go.
  store->RecordDriftSeen("prod", {"group_membership/u/G", "group_membership/u/G"}, t0, t0 - 1h);
  seen = store->DriftSeen("prod");
  EXPECT_EQ(seen["group_membership/u/G"], (std::vector<StoreTime>{t0 - 10min, t0}));
  EXPECT_FALSE(seen.contains("sharing_rule/Account/R"));
  EXPECT_EQ(store->DriftSeen("dev").size(), 1u);
}

}  // namespace
}  // namespace sfwarden::daemon
