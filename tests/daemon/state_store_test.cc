#include "daemon/state_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>

#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {
namespace fs = std::filesystem;
using sfwarden::testing::Subprocess;
using sfwarden::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::StartsWith;

StoreTime At(std::int64_t seconds) { return StoreTime(std::chrono::seconds(seconds)); }

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

// The message Open throws, or "" if it opened.
std::string OpenError(const fs::path& dir) {
  try {
    StateStore::Open(dir);
  } catch (const StateStoreError& e) {
    return e.what();
  }
  return "";
}

// A database made with the raw C API, standing in for one an older or other program wrote.
class RawDb {
 public:
  explicit RawDb(const fs::path& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open");
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  void Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string message = err ? err : "?";
      sqlite3_free(err);
      throw std::runtime_error(message);
    }
  }
  std::int64_t Int(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr);
    std::int64_t v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Schema version 1 exactly as migration 1 shipped it: a frozen fixture, never updated.
constexpr const char* kSchemaV1 = R"sql(
PRAGMA application_id = 1936095076;
CREATE TABLE cursors (
  org        TEXT NOT NULL,
  source     TEXT NOT NULL,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (org, source)
) WITHOUT ROWID;
PRAGMA user_version = 1;
)sql";

TEST(StateStoreTest, OpenCreatesDirectoryAndDatabaseInWalMode) {
  TempDir tmp;
  fs::path dir = tmp.path() / "var" / "lib" / "sfwarden";

  auto store = StateStore::Open(dir);

  EXPECT_TRUE(fs::is_regular_file(dir / "sfwarden.db"));
  EXPECT_EQ(store->database_path(), dir / "sfwarden.db");
  EXPECT_EQ(store->schema_version(), kStateSchemaVersion);
  EXPECT_EQ(fs::status(dir).permissions(), fs::perms::owner_all);
  EXPECT_EQ(fs::status(dir / "sfwarden.db").permissions(),
            fs::perms::owner_read | fs::perms::owner_write);
  std::ifstream lock(dir / "sfwarden.lock");
  std::string pid;
  lock >> pid;
  EXPECT_EQ(pid, std::to_string(getpid()));
  RawDb raw(dir / "sfwarden.db");
  EXPECT_EQ(raw.Int("PRAGMA application_id"), 0x73667764);
  EXPECT_TRUE(fs::exists(dir / "sfwarden.db-wal"));  // WAL mode
}

TEST(StateStoreTest, ReopenKeepsData) {
  TempDir tmp;
  {
    auto store = StateStore::Open(tmp.path());
    store->SetCursor("prod", "logins", "2024-05-01T10:00:00.000+0000");
    EXPECT_TRUE(store->RecordSeenIp("prod", "hubspot@acme.com", "54.174.1.2", "US", At(100)));
  }
  auto store = StateStore::Open(tmp.path());
  EXPECT_EQ(store->GetCursor("prod", "logins"), "2024-05-01T10:00:00.000+0000");
  EXPECT_FALSE(store->RecordSeenIp("prod", "hubspot@acme.com", "54.174.1.2", "US", At(200)));
  EXPECT_EQ(store->schema_version(), kStateSchemaVersion);
}

TEST(StateStoreTest, EmptyExistingFileIsInitialised) {
  TempDir tmp;
  tmp.Write("sfwarden.db", "", 0600);

  auto store = StateStore::Open(tmp.path());

  EXPECT_EQ(store->schema_version(), kStateSchemaVersion);
}

TEST(StateStoreTest, MigratesFromSchemaVersion1KeepingData) {
  TempDir tmp;
  {
    RawDb raw(tmp.path() / "sfwarden.db");
    raw.Exec(kSchemaV1);
    raw.Exec("INSERT INTO cursors VALUES ('prod', 'audit_trail', '0Ym000000000001', 1)");
  }

  auto store = StateStore::Open(tmp.path());

  EXPECT_EQ(store->schema_version(), kStateSchemaVersion);
  EXPECT_EQ(store->GetCursor("prod", "audit_trail"), "0Ym000000000001");
  EXPECT_TRUE(store->RecordSeenIp("prod", "u@acme.com", "192.0.2.1", "", At(1)));
  EXPECT_GT(store->AppendJournal(
                {.org = "prod", .cycle_id = "c1", .kind = "k", .target = "t", .action = "create"}),
            0);
  store->UpsertAlert({.fingerprint = "f", .alertname = "A", .starts_at = At(1)});
}

TEST(StateStoreTest, FailedMigrationLeavesThePreviousVersion) {
  TempDir tmp;
  fs::path db = tmp.path() / "sfwarden.db";
  {
    RawDb raw(db);
    raw.Exec(kSchemaV1);
    raw.Exec("CREATE TABLE login_events (x)");  // collides with migration 2
  }

  std::string error = OpenError(tmp.path());

  EXPECT_THAT(error, StartsWith("cannot migrate " + Quote(db) + " from schema 1 to 2: "));
  EXPECT_THAT(error, HasSubstr("table login_events already exists"));
  EXPECT_THAT(error, HasSubstr("; it was left at schema 1"));
  RawDb raw(db);
  EXPECT_EQ(raw.Int("PRAGMA user_version"), 1);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM sqlite_schema WHERE name = 'seen_ips'"), 0);
}

TEST(StateStoreTest, RefusesDatabaseFromNewerSfwarden) {
  TempDir tmp;
  fs::path db = tmp.path() / "sfwarden.db";
  {
    RawDb raw(db);
    raw.Exec(kSchemaV1);
    raw.Exec("PRAGMA user_version = " + std::to_string(kStateSchemaVersion + 1));
  }

  EXPECT_EQ(OpenError(tmp.path()), Quote(db) + " was written by a newer sfwarden (schema " +
                                       std::to_string(kStateSchemaVersion + 1) +
                                       ", this binary knows " +
                                       std::to_string(kStateSchemaVersion) +
                                       "); upgrade sfwarden or point --state.dir elsewhere");
  RawDb raw(db);
  EXPECT_EQ(raw.Int("PRAGMA user_version"), kStateSchemaVersion + 1);  // untouched
}

TEST(StateStoreTest, SecondOpenOnSameDirFailsWhileFirstIsAlive) {
  TempDir tmp;
  auto first = StateStore::Open(tmp.path());

  EXPECT_EQ(OpenError(tmp.path()),
            "state directory " + Quote(tmp.path()) + " is in use by another sfwarden (pid " +
                std::to_string(getpid()) + ", holding " + Quote(tmp.path() / "sfwarden.lock") +
                "); stop that instance or point --state.dir elsewhere");

  first.reset();
  EXPECT_EQ(OpenError(tmp.path()), "");
}

TEST(StateStoreTest, LockHeldByAnotherProcessNamesItsPid) {
  TempDir tmp;
  fs::path lock = tmp.path() / "sfwarden.lock";
  // The shell locks the file on fd 9 with flock(1), then writes its pid and becomes
  // `sleep` (same pid, same fd): one process holding the lock, as another sfwarden would.
  Subprocess holder({"/bin/sh", "-c",
                     "exec 9>>'" + lock.string() + "' && flock 9 && echo $$ > '" + lock.string() +
                         "' && exec sleep 60"});
  std::string pid = "(pid " + std::to_string(holder.pid()) + ",";
  std::string error;
  for (int i = 0; i < 500 && error.find(pid) == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    error = OpenError(tmp.path());  // opens (and unlocks) until the holder has the lock
  }

  EXPECT_EQ(error, "state directory " + Quote(tmp.path()) + " is in use by another sfwarden (pid " +
                       std::to_string(holder.pid()) + ", holding " + Quote(lock) +
                       "); stop that instance or point --state.dir elsewhere");
}

TEST(StateStoreTest, DirectoryThatCannotBeCreated) {
  // A path below a regular file: mkdir fails with ENOTDIR for every user, root included.
  // (Tests run as root in CI, where chmod 0500 does not stop writes: root bypasses mode
  // bits, so a read-only directory would prove nothing there.)
  TempDir tmp;
  fs::path file = tmp.Write("not-a-dir", "x");

  EXPECT_EQ(OpenError(file / "state"),
            "cannot create state directory " + Quote(file / "state") +
                ": Not a directory; create it writable for the user sfwarden runs as, or point "
                "--state.dir elsewhere");
}

TEST(StateStoreTest, StateDirThatIsAFile) {
  TempDir tmp;
  fs::path file = tmp.Write("state", "x");

  EXPECT_EQ(OpenError(file), "state directory " + Quote(file) +
                                 " exists but is not a directory; point --state.dir elsewhere");
}

/// OpenError(dir) as an unprivileged user: as root (CI) it runs in a child process that
/// drops to uid/gid 65534 first, because root ignores mode bits.
std::string OpenErrorUnprivileged(const fs::path& dir) {
  if (geteuid() != 0) return OpenError(dir);
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(3);
    std::string message = OpenError(dir);
    ssize_t written = write(fds[1], message.data(), message.size());
    _exit(written == static_cast<ssize_t>(message.size()) ? 0 : 4);
  }
  close(fds[1]);
  std::string message;
  char buf[512];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;)
    message.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return "child failed: " + std::to_string(status);
  return message;
}

TEST(StateStoreTest, ReadOnlyDirectory) {
  TempDir tmp;
  fs::permissions(tmp.path(), fs::perms::others_exec, fs::perm_options::add);  // let 65534 in
  fs::path dir = tmp.path() / "ro";
  fs::create_directory(dir);
  fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::others_read |
                           fs::perms::others_exec);

  EXPECT_EQ(OpenErrorUnprivileged(dir),
            "state directory " + Quote(dir) + " is not writable: cannot open " +
                Quote(dir / "sfwarden.lock") +
                ": Permission denied; make it writable for the user sfwarden runs as, or point "
                "--state.dir elsewhere");
}

TEST(StateStoreTest, RefusesFileThatIsNotADatabase) {
  TempDir tmp;
  std::string junk = "this is a YAML file, not a database\n" + std::string(200, '#');
  fs::path db = tmp.Write("sfwarden.db", junk, 0600);

  EXPECT_EQ(OpenError(tmp.path()),
            Quote(db) +
                " is not a SQLite database (SQLite: file is not a database); move it away "
                "or point --state.dir elsewhere");
  std::ifstream in(db);
  std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, junk);  // not touched
}

TEST(StateStoreTest, RefusesAnotherApplicationsDatabase) {
  TempDir tmp;
  fs::path db = tmp.path() / "sfwarden.db";
  {
    RawDb raw(db);
    raw.Exec("CREATE TABLE invoices (id INTEGER)");
  }

  EXPECT_EQ(OpenError(tmp.path()),
            Quote(db) +
                " is a SQLite database with tables but no sfwarden schema version, not "
                "sfwarden state; move it away or point --state.dir elsewhere");
}

TEST(StateStoreTest, RefusesDatabaseWithForeignApplicationId) {
  TempDir tmp;
  fs::path db = tmp.path() / "sfwarden.db";
  {
    RawDb raw(db);
    raw.Exec("PRAGMA application_id = 42; PRAGMA user_version = 3");
  }

  EXPECT_EQ(OpenError(tmp.path()), Quote(db) +
                                       " is a SQLite database of another application "
                                       "(application_id 42), not sfwarden state; move it "
                                       "away or point --state.dir elsewhere");
}

TEST(StateStoreTest, CursorRoundTrip) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());

  EXPECT_EQ(store->GetCursor("prod", "logins"), std::nullopt);
  store->SetCursor("prod", "logins", "a");
  store->SetCursor("prod", "logins", "b");
  store->SetCursor("prod", "audit_trail", "c");
  store->SetCursor("dev", "logins", "it's \"quoted\"; DROP TABLE cursors;--");

  EXPECT_EQ(store->GetCursor("prod", "logins"), "b");
  EXPECT_EQ(store->GetCursor("prod", "audit_trail"), "c");
  EXPECT_EQ(store->GetCursor("dev", "logins"), "it's \"quoted\"; DROP TABLE cursors;--");
}

TEST(StateStoreTest, SeenIpIsNewOnlyOnceAndWidensItsWindow) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());

  EXPECT_TRUE(store->RecordSeenIp("prod", "u@acme.com", "203.0.113.9", "DE", At(500)));
  EXPECT_FALSE(store->RecordSeenIp("prod", "u@acme.com", "203.0.113.9", "", At(400)));
  EXPECT_FALSE(store->RecordSeenIp("prod", "u@acme.com", "203.0.113.9", "", At(900)));
  EXPECT_TRUE(store->RecordSeenIp("prod", "other@acme.com", "203.0.113.9", "DE", At(500)));
  EXPECT_TRUE(store->RecordSeenIp("dev", "u@acme.com", "203.0.113.9", "DE", At(500)));
  EXPECT_TRUE(store->RecordSeenIp("prod", "u@acme.com", "2600:1f18::1", "US", At(600)));

  auto ips = store->SeenIps("prod", "u@acme.com");
  ASSERT_EQ(ips.size(), 2u);
  EXPECT_EQ(ips[0].ip, "203.0.113.9");
  EXPECT_EQ(ips[0].country, "DE");  // an empty country does not erase a known one
  EXPECT_EQ(ips[0].first_seen, At(400));
  EXPECT_EQ(ips[0].last_seen, At(900));
  EXPECT_EQ(ips[0].count, 3);
  EXPECT_EQ(ips[1].ip, "2600:1f18::1");
  EXPECT_EQ(ips[1].count, 1);
}

TEST(StateStoreTest, SeenRecordsAreDeduplicatedPerSourceAndPruned) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());

  EXPECT_EQ(store->RecordSeenRecords("prod", "audit_trail", {"0Ym1", "0Ym2", "0Ym1"}, At(100),
                                     "cursor-a"),
            (std::vector<bool>{true, true, false}));
  EXPECT_EQ(store->RecordSeenRecords("prod", "audit_trail", {"0Ym2", "0Ym3"}, At(300)),
            (std::vector<bool>{false, true}));
  EXPECT_EQ(store->RecordSeenRecords("prod", "logins", {"0Ym1"}, At(100)),
            (std::vector<bool>{true}));
  EXPECT_EQ(store->RecordSeenRecords("dev", "audit_trail", {"0Ym1"}, At(100)),
            (std::vector<bool>{true}));
  EXPECT_EQ(store->GetCursor("prod", "audit_trail"), "cursor-a");

  EXPECT_EQ(store->PruneSeenRecords(At(200)), 4);
  EXPECT_EQ(store->RecordSeenRecords("prod", "audit_trail", {"0Ym1", "0Ym3"}, At(400)),
            (std::vector<bool>{true, false}));
}

// The store inserts ids in multi-row chunks (up to 256, powers of two); the flags must be
// what one insert per id gives: an id repeated inside a chunk and across chunks, and ids
// of an earlier batch, are new only the first time.
TEST(StateStoreTest, SeenRecordsOfAManyChunkBatchAreNewOnlyTheFirstTime) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  std::vector<std::string> earlier = {"id-7", "id-300", "id-599"};
  store->RecordSeenRecords("prod", "logins", earlier, At(1));
  std::vector<std::string> ids;
  for (int i = 0; i < 600; ++i) ids.push_back("id-" + std::to_string(i));
  ids[10] = "id-5";    // twice in the first chunk
  ids[400] = "id-20";  // in a later chunk than its first occurrence
  ids.push_back("id-599");
  ids.push_back("id-42");  // 602 ids: chunks of 256, 256, 64, 16, 8, 2

  std::set<std::string> seen(earlier.begin(), earlier.end());
  std::vector<bool> expected;
  for (const auto& id : ids) expected.push_back(seen.insert(id).second);
  EXPECT_EQ(store->RecordSeenRecords("prod", "logins", ids, At(2)), expected);
  EXPECT_EQ(std::count(expected.begin(), expected.end(), true), 600 - 2 - 3);
  EXPECT_EQ(store->RecordSeenRecords("prod", "logins", ids, At(3)),
            std::vector<bool>(ids.size(), false));
}

LoginRecord Login(std::string id, std::string user, std::int64_t time_ms,
                  std::string outcome = "success", std::string ip = "54.174.1.2",
                  std::string country = "US") {
  return {.id = std::move(id),
          .username = std::move(user),
          .time_ms = time_ms,
          .ip = std::move(ip),
          .country = std::move(country),
          .outcome = std::move(outcome),
          .type = "oauth"};
}

TEST(StateStoreTest, LoginsAreCountedOnceAcrossOverlappingBatchesAndReopens) {
  TempDir tmp;
  {
    auto store = StateStore::Open(tmp.path());
    auto fresh = store->RecordLogins(
        "prod",
        {Login("0Ya1", "u@acme.com", 1'000'500), Login("0Ya2", "u@acme.com", 2'000'000),
         Login("0Ya3", "u@acme.com", 3'000'000, "invalid_password", "203.0.113.9", "DE")},
        "c1", At(10));
    EXPECT_EQ(fresh, (std::vector<bool>{true, true, true}));
  }
  auto store = StateStore::Open(tmp.path());
  auto fresh = store->RecordLogins(
      "prod", {Login("0Ya3", "u@acme.com", 3'000'000), Login("0Ya4", "v@acme.com", 4'000'000)},
      "c2", At(20));

  EXPECT_EQ(fresh, (std::vector<bool>{false, true}));
  EXPECT_EQ(store->GetCursor("prod", "logins"), "c2");
  auto counts = store->LoginCounts("prod");
  ASSERT_EQ(counts.size(), 3u);
  EXPECT_EQ(counts[0].username, "u@acme.com");
  EXPECT_EQ(counts[0].outcome, "invalid_password");
  EXPECT_EQ(counts[0].count, 1);
  EXPECT_EQ(counts[1].outcome, "success");
  EXPECT_EQ(counts[1].type, "oauth");
  EXPECT_EQ(counts[1].count, 2);
  EXPECT_EQ(counts[2].username, "v@acme.com");
  EXPECT_EQ(
      store->LastSuccessfulLogins("prod"),
      (std::map<std::string, std::int64_t>{{"u@acme.com", 2'000'000}, {"v@acme.com", 4'000'000}}));
  auto ips = store->SeenIpSummaries("prod");
  ASSERT_EQ(ips.size(), 2u);
  EXPECT_EQ(ips[0].username, "u@acme.com");
  EXPECT_EQ(ips[0].ips, 2);
  EXPECT_EQ(ips[0].countries, 2);
  EXPECT_EQ(store->SeenIps("prod", "u@acme.com")[0].first_seen, At(1000));
  EXPECT_TRUE(store->LoginCounts("dev").empty());
}

// RecordLogins sums a batch per key before writing; the result must be what one write
// per row gives, including an Id repeated inside the batch, an empty country after a
// known one, and a later country replacing an earlier one.
TEST(StateStoreTest, LoginBatchLeavesTheSameStateAsOneRowPerBatch) {
  const std::vector<LoginRecord> rows = {
      Login("0Ya1", "u@acme.com", 5'000'000, "success", "54.174.1.2", "US"),
      Login("0Ya2", "u@acme.com", 1'000'900, "success", "54.174.1.2", ""),
      Login("0Ya3", "u@acme.com", 9'000'000, "invalid_password", "54.174.1.2", "CA"),
      Login("0Ya1", "u@acme.com", 5'000'000, "success", "54.174.1.2", "US"),
      Login("0Ya4", "v@acme.com", 7'000'000, "success", "", ""),
      Login("0Ya5", "v@acme.com", 3'000'000, "success", "203.0.113.9", "DE"),
      Login("0Ya6", "u@acme.com", 2'000'000, "success", "198.51.100.1", "")};
  TempDir batched_dir;
  TempDir single_dir;
  auto batched = StateStore::Open(batched_dir.path());
  auto single = StateStore::Open(single_dir.path());

  auto fresh = batched->RecordLogins("prod", rows, "c", At(1));
  std::vector<bool> fresh_single;
  for (const auto& row : rows) {
    fresh_single.push_back(single->RecordLogins("prod", {row}, "c", At(1))[0]);
  }

  EXPECT_EQ(fresh, (std::vector<bool>{true, true, true, false, true, true, true}));
  EXPECT_EQ(fresh, fresh_single);
  auto counts = batched->LoginCounts("prod");
  auto counts_single = single->LoginCounts("prod");
  ASSERT_EQ(counts.size(), counts_single.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    EXPECT_EQ(counts[i].username, counts_single[i].username);
    EXPECT_EQ(counts[i].outcome, counts_single[i].outcome);
    EXPECT_EQ(counts[i].count, counts_single[i].count);
  }
  EXPECT_EQ(batched->LastSuccessfulLogins("prod"), single->LastSuccessfulLogins("prod"));
  EXPECT_EQ(batched->LastSuccessfulLogins("prod").at("v@acme.com"), 7'000'000);
  for (std::string user : {"u@acme.com", "v@acme.com"}) {
    auto ips = batched->SeenIps("prod", user);
    auto ips_single = single->SeenIps("prod", user);
    ASSERT_EQ(ips.size(), ips_single.size()) << user;
    for (std::size_t i = 0; i < ips.size(); ++i) {
      EXPECT_EQ(ips[i].ip, ips_single[i].ip);
      EXPECT_EQ(ips[i].country, ips_single[i].country);
      EXPECT_EQ(ips[i].first_seen, ips_single[i].first_seen);
      EXPECT_EQ(ips[i].last_seen, ips_single[i].last_seen);
      EXPECT_EQ(ips[i].count, ips_single[i].count);
    }
  }
  auto u_ips = batched->SeenIps("prod", "u@acme.com");
  ASSERT_EQ(u_ips.size(), 2u);
  EXPECT_EQ(u_ips[0].ip, "54.174.1.2");
  EXPECT_EQ(u_ips[0].country, "CA");
  EXPECT_EQ(u_ips[0].count, 3);
  EXPECT_EQ(u_ips[0].first_seen, At(1000));
  EXPECT_EQ(u_ips[0].last_seen, At(9000));
}

TEST(StateStoreTest, FailedLoginBatchLeavesNeitherCountsNorCursor) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  store->RecordLogins("prod", {Login("0Ya1", "u@acme.com", 1000)}, "c1", At(1));
  {
    // Someone else holds the write lock: the batch cannot commit and must leave no trace.
    RawDb raw(tmp.path() / "sfwarden.db");
    raw.Exec("BEGIN IMMEDIATE");
    EXPECT_THROW(store->RecordLogins("prod", {Login("0Ya2", "u@acme.com", 2000)}, "c2", At(2)),
                 StateStoreError);
    raw.Exec("ROLLBACK");
  }

  EXPECT_EQ(store->GetCursor("prod", "logins"), "c1");
  EXPECT_EQ(store->RecordLogins("prod", {Login("0Ya2", "u@acme.com", 2000)}, "c2", At(3)),
            (std::vector<bool>{true}));
  ASSERT_EQ(store->LoginCounts("prod").size(), 1u);
  EXPECT_EQ(store->LoginCounts("prod")[0].count, 2);
}

StoreTime Day(int d, int hour = 0) {
  using namespace std::chrono;
  return StoreTime(sys_days(year(2024) / January / d) + hours(hour));
}

TEST(StateStoreTest, HourlyUsageCountsUntilTheDailyFileArrives) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());

  EXPECT_TRUE(
      store->RecordApiUsageFile("prod", {.id = "0AT1", .hourly = true, .period_start = Day(2, 3)},
                                {{.username = "u@acme.com", .connected_app = "HubSpot", .calls = 5},
                                 {.username = "u@acme.com", .connected_app = "HubSpot", .calls = 2},
                                 {.username = "v@acme.com", .calls = 1}},
                                "cur1", Day(2, 5)));
  EXPECT_TRUE(store->RecordApiUsageFile(
      "prod", {.id = "0AT2", .hourly = true, .period_start = Day(2, 4)},
      {{.username = "u@acme.com", .connected_app = "HubSpot", .calls = 10}}, "cur2", Day(2, 6)));
  // The same file again (a read overlap): not counted twice, the cursor still moves.
  EXPECT_FALSE(store->RecordApiUsageFile(
      "prod", {.id = "0AT2", .hourly = true, .period_start = Day(2, 4)},
      {{.username = "u@acme.com", .connected_app = "HubSpot", .calls = 10}}, "cur3", Day(2, 7)));

  EXPECT_EQ(store->GetCursor("prod", "api_usage_logs"), "cur3");
  EXPECT_EQ(store->ApiCallsByUser("prod", "2024-01-02"),
            (std::map<std::string, std::int64_t>{{"u@acme.com", 17}, {"v@acme.com", 1}}));

  // The daily file is authoritative for its day.
  EXPECT_TRUE(store->RecordApiUsageFile(
      "prod", {.id = "0AT3", .hourly = false, .period_start = Day(2)},
      {{.username = "u@acme.com", .connected_app = "HubSpot", .calls = 40}}, "cur4", Day(3, 1)));
  EXPECT_EQ(store->ApiCallsByUser("prod", "2024-01-02"),
            (std::map<std::string, std::int64_t>{{"u@acme.com", 40}}));
  EXPECT_TRUE(store->ApiCallsByUser("prod", "2024-01-03").empty());
  EXPECT_TRUE(store->ApiCallsByUser("dev", "2024-01-02").empty());
}

TEST(StateStoreTest, LateHourlyFilesAddToTheirHourAndTheNewestHourIsReported) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  EXPECT_FALSE(store->LatestHourApiCalls("prod"));
  store->RecordApiUsageFile("prod", {.id = "h3", .hourly = true, .period_start = Day(2, 3)},
                            {{.username = "u@acme.com", .calls = 4}}, std::nullopt, Day(2, 5));
  store->RecordApiUsageFile("prod", {.id = "h4", .hourly = true, .period_start = Day(2, 4)},
                            {{.username = "u@acme.com", .connected_app = "HubSpot", .calls = 5},
                             {.username = "v@acme.com", .calls = 1}},
                            std::nullopt, Day(2, 6));
  // A late file of hour 3 lists only the late events: added, not replacing.
  store->RecordApiUsageFile("prod", {.id = "h3b", .hourly = true, .period_start = Day(2, 3)},
                            {{.username = "u@acme.com", .calls = 2}}, std::nullopt, Day(2, 7));
  store->RecordApiUsageFile("prod", {.id = "h4b", .hourly = true, .period_start = Day(2, 4)},
                            {{.username = "u@acme.com", .connected_app = "HubSpot", .calls = 3}},
                            std::nullopt, Day(2, 8));

  EXPECT_EQ(store->ApiCallsByUser("prod", "2024-01-02"),
            (std::map<std::string, std::int64_t>{{"u@acme.com", 14}, {"v@acme.com", 1}}));
  auto latest = store->LatestHourApiCalls("prod");
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->hour, Day(2, 4));
  EXPECT_EQ(latest->calls,
            (std::map<std::string, std::int64_t>{{"u@acme.com", 8}, {"v@acme.com", 1}}));
  // The daily file takes over the day's total; the hourly figures stay.
  store->RecordApiUsageFile("prod", {.id = "d2", .period_start = Day(2)},
                            {{.username = "u@acme.com", .calls = 20}}, std::nullopt, Day(3, 1));
  EXPECT_EQ(store->ApiCallsByUser("prod", "2024-01-02").at("u@acme.com"), 20);
  EXPECT_EQ(store->LatestHourApiCalls("prod")->hour, Day(2, 4));
  EXPECT_FALSE(store->LatestHourApiCalls("dev"));
}

TEST(StateStoreTest, LastApiActivityBeforeIsTheEndOfTheNewestEarlierPeriod) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  EXPECT_FALSE(store->LastApiActivityBefore("prod", "u@acme.com", Day(5)));
  store->RecordApiUsageFile("prod", {.id = "d1", .period_start = Day(1)},
                            {{.username = "u@acme.com", .calls = 1}}, std::nullopt, Day(2));
  store->RecordApiUsageFile("prod", {.id = "h", .hourly = true, .period_start = Day(2, 6)},
                            {{.username = "u@acme.com", .calls = 1}}, std::nullopt, Day(2, 9));

  EXPECT_EQ(store->LastApiActivityBefore("prod", "u@acme.com", Day(2, 6)), Day(2));
  EXPECT_EQ(store->LastApiActivityBefore("prod", "u@acme.com", Day(2, 7)), Day(2, 7));
  EXPECT_EQ(store->LastApiActivityBefore("prod", "u@acme.com", Day(9)), Day(2, 7));
  EXPECT_FALSE(store->LastApiActivityBefore("prod", "u@acme.com", Day(1, 23)));
  EXPECT_FALSE(store->LastApiActivityBefore("prod", "v@acme.com", Day(9)));
}

TEST(StateStoreTest, ApiUsageIsPrunedAfterRetention) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  store->RecordApiUsageFile("prod", {.id = "a", .period_start = Day(1)},
                            {{.username = "u@acme.com", .calls = 1}}, std::nullopt, Day(2));
  store->RecordApiUsageFile("prod", {.id = "b", .period_start = Day(5)},
                            {{.username = "u@acme.com", .calls = 2}}, std::nullopt, Day(6));
  store->RecordApiUsageFile("prod", {.id = "c", .hourly = true, .period_start = Day(1, 2)},
                            {{.username = "u@acme.com", .calls = 3}}, std::nullopt, Day(2));

  EXPECT_EQ(store->PruneApiUsage("prod", Day(3, 12)), 4);  // 2 usage rows + 2 files
  EXPECT_TRUE(store->ApiCallsByUser("prod", "2024-01-01").empty());
  EXPECT_EQ(store->ApiCallsByUser("prod", "2024-01-05").at("u@acme.com"), 2);
}

TEST(StateStoreTest, LastOAuthTokenUseIsTheNewestCreationOrUsePerUser) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  store->RecordOAuthToken(
      "prod", {.id = "0CR1", .username = "u@acme.com", .created = At(100), .last_used = At(500)},
      At(600));
  store->RecordOAuthToken("prod", {.id = "0CR2", .username = "u@acme.com", .created = At(300)},
                          At(600));
  store->RecordOAuthToken("prod", {.id = "0CR3", .username = "v@acme.com", .created = At(700)},
                          At(800));
  EXPECT_EQ(store->LastOAuthTokenUses("prod"),
            (std::map<std::string, StoreTime>{{"u@acme.com", At(500)}, {"v@acme.com", At(700)}}));
  EXPECT_TRUE(store->LastOAuthTokenUses("dev").empty());
}

TEST(StateStoreTest, OAuthTokenIsNewOnlyOnce) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  OAuthTokenRecord token{
      .id = "0CR1", .username = "u@acme.com", .app_name = "HubSpot", .created = At(100)};

  EXPECT_TRUE(store->RecordOAuthToken("prod", token, At(200)));
  token.use_count = 7;
  token.last_used = At(250);
  EXPECT_FALSE(store->RecordOAuthToken("prod", token, At(200)));
  EXPECT_TRUE(store->RecordOAuthToken("prod", {.id = "0CR2", .username = "u@acme.com"}, At(300)));

  EXPECT_EQ(store->OAuthTokenCounts("prod"),
            (std::map<std::string, std::int64_t>{{"u@acme.com", 2}}));
}

TEST(StateStoreTest, MigratesLoginEventsIntoSeenRecords) {
  TempDir tmp;
  {
    // Schema 2 as shipped: v1 plus migration 2's login_events, with one processed login.
    RawDb raw(tmp.path() / "sfwarden.db");
    raw.Exec(kSchemaV1);
    raw.Exec(R"sql(
CREATE TABLE seen_ips (
  org TEXT NOT NULL, username TEXT NOT NULL, ip TEXT NOT NULL,
  country TEXT NOT NULL DEFAULT '', first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL,
  count INTEGER NOT NULL DEFAULT 1, PRIMARY KEY (org, username, ip)) WITHOUT ROWID;
CREATE TABLE login_events (
  org TEXT NOT NULL, login_id TEXT NOT NULL, seen_at INTEGER NOT NULL,
  PRIMARY KEY (org, login_id)) WITHOUT ROWID;
CREATE INDEX login_events_by_seen_at ON login_events (seen_at);
INSERT INTO login_events VALUES ('prod', '0Ya000000000001', 100);
PRAGMA user_version = 2;
)sql");
  }

  auto store = StateStore::Open(tmp.path());

  EXPECT_EQ(store->schema_version(), kStateSchemaVersion);
  EXPECT_EQ(store->RecordLogins("prod", {Login("0Ya000000000001", "u@acme.com", 1)}, "c", At(1)),
            (std::vector<bool>{false}));
  RawDb raw(tmp.path() / "sfwarden.db");
  EXPECT_EQ(raw.Int("SELECT count(*) FROM sqlite_schema WHERE name = 'login_events'"), 0);
}

TEST(StateStoreTest, JournalRoundTrip) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  JournalEntry entry{.org = "prod",
                     .cycle_id = "cycle-7",
                     .kind = "permission_set_assignment",
                     .target = "hubspot@acme.com/Extra_Access",
                     .action = "delete",
                     .before_json = R"({"assigned":true})",
                     .after_json = R"({"assigned":false})"};

  std::int64_t a = store->AppendJournal(entry);
  std::int64_t b = store->AppendJournal(entry);
  std::int64_t other = store->AppendJournal(
      {.org = "dev", .cycle_id = "c", .kind = "k", .target = "t", .action = "create"});
  store->MarkJournal(a, JournalState::kSent);
  store->MarkJournal(b, JournalState::kSent);
  store->MarkJournal(b, JournalState::kFailed, "403 INSUFFICIENT_ACCESS");

  auto pending = store->PendingJournal("prod");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, a);
  EXPECT_EQ(pending[0].state, JournalState::kSent);
  EXPECT_EQ(pending[0].cycle_id, "cycle-7");
  EXPECT_EQ(pending[0].kind, "permission_set_assignment");
  EXPECT_EQ(pending[0].target, "hubspot@acme.com/Extra_Access");
  EXPECT_EQ(pending[0].action, "delete");
  EXPECT_EQ(pending[0].before_json, R"({"assigned":true})");
  EXPECT_EQ(pending[0].after_json, R"({"assigned":false})");
  EXPECT_EQ(pending[0].rollback_of, std::nullopt);
  EXPECT_GT(pending[0].created_at.time_since_epoch().count(), 0);
  auto failed = store->FindJournal(b);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state, JournalState::kFailed);
  EXPECT_EQ(failed->error, "403 INSUFFICIENT_ACCESS");
  EXPECT_EQ(store->PendingJournal("dev").at(0).id, other);
  EXPECT_EQ(store->FindJournal(9999), std::nullopt);

  store->MarkJournal(a, JournalState::kDone);
  JournalEntry undo = entry;
  undo.rollback_of = a;
  std::int64_t c = store->AppendJournal(undo);
  EXPECT_EQ(store->FindJournal(c)->rollback_of, a);
  store->MarkJournal(c, JournalState::kDone);
  store->MarkJournal(a, JournalState::kRolledBack);
  EXPECT_EQ(store->FindJournal(a)->state, JournalState::kRolledBack);
  EXPECT_TRUE(store->PendingJournal("prod").empty());
}

TEST(StateStoreTest, PruneSeenIpsForgetsStaleIpsButKeepsEachUsersFirst) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  store->RecordSeenIp("prod", "u", "10.0.0.1", "US", At(100));  // u's first: kept
  store->RecordSeenIp("prod", "u", "10.0.0.1", "US", At(150));
  store->RecordSeenIp("prod", "u", "10.0.0.2", "US", At(200));  // last seen 300: pruned
  store->RecordSeenIp("prod", "u", "10.0.0.2", "US", At(300));
  store->RecordSeenIp("prod", "u", "10.0.0.3", "DE", At(250));  // seen again at 1000: kept
  store->RecordSeenIp("prod", "u", "10.0.0.3", "DE", At(1000));
  store->RecordSeenIp("prod", "v", "10.0.0.4", "", At(120));  // v's only IP: kept
  store->RecordSeenIp("dev", "u", "10.0.0.2", "", At(110));   // another org: untouched
  store->RecordSeenIp("dev", "u", "10.0.0.5", "", At(130));

  EXPECT_EQ(store->PruneSeenIps("prod", At(500)), 1);

  auto ips = store->SeenIps("prod", "u");
  ASSERT_EQ(ips.size(), 2u);
  EXPECT_EQ(ips[0].ip, "10.0.0.1");
  EXPECT_EQ(ips[1].ip, "10.0.0.3");
  EXPECT_EQ(store->SeenIps("prod", "v").size(), 1u);
  EXPECT_EQ(store->SeenIps("dev", "u").size(), 2u);
  // A forgotten IP is new again.
  EXPECT_TRUE(store->RecordSeenIp("prod", "u", "10.0.0.2", "US", At(1100)));
  EXPECT_EQ(store->PruneSeenIps("prod", At(500)), 0);
}

TEST(StateStoreTest, PruneJournalForgetsOnlyOldFinishedEntries) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  auto append = [&](std::string org, JournalState state,
                    std::optional<std::int64_t> rollback_of = std::nullopt) {
    std::int64_t id = store->AppendJournal({.org = std::move(org),
                                            .cycle_id = "c",
                                            .kind = "k",
                                            .target = "t",
                                            .action = "create",
                                            .rollback_of = rollback_of});
    if (state != JournalState::kPlanned) store->MarkJournal(id, state);
    return id;
  };
  const auto old_done = append("prod", JournalState::kDone);
  const auto old_failed = append("prod", JournalState::kFailed);
  const auto old_planned = append("prod", JournalState::kPlanned);
  const auto old_sent = append("prod", JournalState::kSent);
  // Rolled back by a recent entry: kept, or the recent entry would point nowhere.
  const auto old_undone = append("prod", JournalState::kRolledBack);
  const auto recent_undo = append("prod", JournalState::kDone, old_undone);
  // Rolled back by an entry that is old too: both go.
  const auto old_undone2 = append("prod", JournalState::kRolledBack);
  const auto old_undo2 = append("prod", JournalState::kDone, old_undone2);
  const auto recent_done = append("prod", JournalState::kDone);
  const auto other_org = append("dev", JournalState::kDone);
  {
    RawDb raw(tmp.path() / "sfwarden.db");
    raw.Exec("UPDATE remediation_journal SET updated_at = 100 WHERE id NOT IN (" +
             std::to_string(recent_undo) + ", " + std::to_string(recent_done) + ")");
  }

  EXPECT_EQ(store->PruneJournal("prod", At(1000)), 4);

  std::vector<std::int64_t> left;
  for (const auto& e : store->ListJournal(std::nullopt, 100)) left.push_back(e.id);
  EXPECT_EQ(left, (std::vector<std::int64_t>{old_planned, old_sent, old_undone, recent_undo,
                                             recent_done, other_org}));
  EXPECT_EQ(store->FindJournal(old_done), std::nullopt);
  EXPECT_EQ(store->FindJournal(old_failed), std::nullopt);
  EXPECT_EQ(store->FindJournal(old_undo2), std::nullopt);
  EXPECT_EQ(store->PendingJournal("prod").size(), 2u);
  EXPECT_EQ(store->PruneJournal("prod", At(1000)), 0);
}

TEST(StateStoreTest, JournalRejectsUnknownIdsAndInvalidJson) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());

  try {
    store->MarkJournal(42, JournalState::kDone);
    ADD_FAILURE() << "no throw";
  } catch (const StateStoreError& e) {
    EXPECT_EQ(std::string(e.what()),
              "remediation journal in " + Quote(tmp.path() / "sfwarden.db") + " has no entry 42");
  }
  try {
    store->AppendJournal({.org = "prod", .before_json = "{not json"});
    ADD_FAILURE() << "no throw";
  } catch (const StateStoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("CHECK constraint failed: json_valid(before_json)"));
    EXPECT_THAT(e.what(), StartsWith("state database " + Quote(tmp.path() / "sfwarden.db")));
  }
  try {
    store->AppendJournal({.org = "prod", .rollback_of = 77});
    ADD_FAILURE() << "no throw";
  } catch (const StateStoreError& e) {
    EXPECT_THAT(e.what(), HasSubstr("FOREIGN KEY constraint failed"));
  }
}

TEST(StateStoreTest, AlertUpsertAndLoad) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  AlertRecord alert{.fingerprint = "a1b2",
                    .alertname = "SfwardenLoginFromNewIp",
                    .labels_json = R"({"org":"prod","user":"u@acme.com"})",
                    .annotations_json = R"({"summary":"new IP"})",
                    .state = AlertState::kFiring,
                    .starts_at = At(1000),
                    .last_notified_at = At(1001)};
  store->UpsertAlert(alert);
  store->UpsertAlert({.fingerprint = "0000", .alertname = "Other", .starts_at = At(5)});
  alert.state = AlertState::kResolved;
  alert.ends_at = At(2000);
  alert.last_notified_at = At(2001);
  store->UpsertAlert(alert);

  auto alerts = store->LoadAlerts();

  ASSERT_EQ(alerts.size(), 2u);
  EXPECT_EQ(alerts[0].fingerprint, "0000");
  EXPECT_EQ(alerts[0].state, AlertState::kFiring);
  EXPECT_EQ(alerts[0].ends_at, std::nullopt);
  EXPECT_EQ(alerts[0].last_notified_at, std::nullopt);
  EXPECT_EQ(alerts[1].fingerprint, "a1b2");
  EXPECT_EQ(alerts[1].alertname, "SfwardenLoginFromNewIp");
  EXPECT_EQ(alerts[1].labels_json, R"({"org":"prod","user":"u@acme.com"})");
  EXPECT_EQ(alerts[1].annotations_json, R"({"summary":"new IP"})");
  EXPECT_EQ(alerts[1].state, AlertState::kResolved);
  EXPECT_EQ(alerts[1].starts_at, At(1000));
  EXPECT_EQ(alerts[1].ends_at, At(2000));
  EXPECT_EQ(alerts[1].last_notified_at, At(2001));
}

TEST(StateStoreTest, CheckpointEmptiesTheWal) {
  TempDir tmp;
  auto store = StateStore::Open(tmp.path());
  for (int i = 0; i < 50; ++i) store->SetCursor("prod", "logins", std::to_string(i));
  ASSERT_GT(fs::file_size(tmp.path() / "sfwarden.db-wal"), 0u);

  store->Checkpoint();

  EXPECT_EQ(fs::file_size(tmp.path() / "sfwarden.db-wal"), 0u);
  EXPECT_EQ(store->GetCursor("prod", "logins"), "49");
}

}  // namespace
}  // namespace sfwarden::daemon
