#include "daemon/state_store.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <set>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "daemon/detail/login_totals.h"
#include "daemon/detail/sqlite.h"

namespace sfwarden::daemon {
namespace fs = std::filesystem;
using detail::Statement;
using detail::Use;

namespace {

// The schema, as forward migrations: step i (0-based) moves user_version from i to i+1,
// in one transaction with the version bump, so a failed step leaves the previous version.
// A step that has shipped is never edited: later issues append steps (ALTER TABLE, new
// tables, data fixes). Times are INTEGER seconds since the Unix epoch (UTC); JSON columns
// are TEXT checked with json_valid. Usernames are the Salesforce usernames of the
// integration users; `org` is the org's configured name.
constexpr const char* kMigrations[] = {
    // 1: mark the file as ours (application_id 'sfwd') and per-org read cursors.
    R"sql(
PRAGMA application_id = 1936095076;
-- Where each incremental read resumes: one row per org and source ("logins",
-- "audit_trail", "api_usage_logs", ...). The value is opaque to the store (a
-- LoginTime, a CreatedDate, an EventLogFile LogDate).
CREATE TABLE cursors (
  org        TEXT NOT NULL,
  source     TEXT NOT NULL,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (org, source)
) WITHOUT ROWID;
)sql",
    // 2: what the login collector remembers between polls.
    R"sql(
-- Every source IP an integration user has logged in from: a login from an IP (or a
-- country) not in here is news, whatever the allow-list says. IPs never become metric
-- labels (unbounded), so they live here.
CREATE TABLE seen_ips (
  org        TEXT NOT NULL,
  username   TEXT NOT NULL,
  ip         TEXT NOT NULL,
  country    TEXT NOT NULL DEFAULT '',  -- empty when Salesforce had no LoginGeo
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  count      INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (org, username, ip)
) WITHOUT ROWID;
-- LoginHistory rows already processed. Incremental reads overlap (a cursor rewinds a
-- little to catch late-arriving rows), so each login is counted once by its Id.
-- Pruned by seen_at once older than any overlap.
CREATE TABLE login_events (
  org      TEXT NOT NULL,
  login_id TEXT NOT NULL,
  seen_at  INTEGER NOT NULL,
  PRIMARY KEY (org, login_id)
) WITHOUT ROWID;
CREATE INDEX login_events_by_seen_at ON login_events (seen_at);
)sql",
    // 3: API usage history, for budgets and "runaway sync" baselines.
    R"sql(
-- Daily API calls per integration user and connected app, from EventLogFile
-- ApiTotalUsage. `day` is the UTC LogDate 'YYYY-MM-DD'; connected_app is '' when the
-- log names none. Re-reading a day's log replaces its rows (calls is a total, not a delta).
CREATE TABLE api_usage_daily (
  org           TEXT NOT NULL,
  username      TEXT NOT NULL,
  day           TEXT NOT NULL,
  connected_app TEXT NOT NULL DEFAULT '',
  calls         INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (org, username, day, connected_app)
) WITHOUT ROWID;
)sql",
    // 4: alert lifecycle, so a restart neither re-notifies nor forgets to resolve.
    R"sql(
-- One row per alert, keyed by the fingerprint of its label set (as Alertmanager keys
-- alerts). ends_at is set once resolved; last_notified_at drives repeat intervals.
CREATE TABLE alerts (
  fingerprint      TEXT PRIMARY KEY NOT NULL,
  alertname        TEXT NOT NULL,
  labels           TEXT NOT NULL CHECK (json_valid(labels)),
  annotations      TEXT NOT NULL CHECK (json_valid(annotations)),
  state            TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
  starts_at        INTEGER NOT NULL,
  ends_at          INTEGER,
  last_notified_at INTEGER
) WITHOUT ROWID;
CREATE INDEX alerts_by_state ON alerts (state);
)sql",
    // 5: the remediation journal (DESIGN.md "Safety of enforcement").
    R"sql(
-- Every write to an org, journaled before it is sent, with the state it replaces.
-- planned -> sent -> done | failed; rolled_back once a later entry (rollback_of = id)
-- has undone it. AUTOINCREMENT: ids are never reused, so "rollback 42" stays unambiguous
-- after old entries are deleted.
CREATE TABLE remediation_journal (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  org         TEXT NOT NULL,
  cycle_id    TEXT NOT NULL,
  kind        TEXT NOT NULL,
  target      TEXT NOT NULL,
  action      TEXT NOT NULL,
  before_json TEXT NOT NULL CHECK (json_valid(before_json)),
  after_json  TEXT NOT NULL CHECK (json_valid(after_json)),
  rollback_of INTEGER REFERENCES remediation_journal (id),
  state       TEXT NOT NULL
              CHECK (state IN ('planned', 'sent', 'done', 'failed', 'rolled_back')),
  error       TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX remediation_journal_by_org_state ON remediation_journal (org, state);
)sql",
    // 6: what the collectors must remember across restarts (issue 5).
    R"sql(
-- Records of incremental sources already taken, per source ('logins': LoginHistory,
-- 'audit_trail': SetupAuditTrail). Reads overlap (Salesforce writes rows late), so each
-- row counts once by its Id. Generalises login_events (copied over, then dropped).
-- Pruned by seen_at once older than any read overlap.
CREATE TABLE seen_records (
  org       TEXT NOT NULL,
  source    TEXT NOT NULL,
  record_id TEXT NOT NULL,
  seen_at   INTEGER NOT NULL,
  PRIMARY KEY (org, source, record_id)
) WITHOUT ROWID;
CREATE INDEX seen_records_by_seen_at ON seen_records (seen_at);
INSERT INTO seen_records (org, source, record_id, seen_at)
  SELECT org, 'logins', login_id, seen_at FROM login_events;
DROP TABLE login_events;
-- Logins per integration user by outcome and type (bounded sets). Counted in the same
-- transaction that records the row's Id and moves the cursor, so a restart neither
-- loses nor double-counts; the exported counters start from here.
CREATE TABLE login_counts (
  org      TEXT NOT NULL,
  username TEXT NOT NULL,
  outcome  TEXT NOT NULL,
  type     TEXT NOT NULL,
  count    INTEGER NOT NULL,
  PRIMARY KEY (org, username, outcome, type)
) WITHOUT ROWID;
-- Newest successful login per user: LoginTime in milliseconds since the epoch.
CREATE TABLE last_logins (
  org           TEXT NOT NULL,
  username      TEXT NOT NULL,
  login_time_ms INTEGER NOT NULL,
  PRIMARY KEY (org, username)
) WITHOUT ROWID;
-- ApiTotalUsage EventLogFiles taken, each once (by Id). `day` is the UTC day of LogDate.
-- A day with a Daily file takes its calls from api_usage_daily; a day without one sums
-- api_usage_hourly.
CREATE TABLE api_usage_files (
  org          TEXT NOT NULL,
  log_file_id  TEXT NOT NULL,
  log_interval TEXT NOT NULL CHECK (log_interval IN ('Daily', 'Hourly')),
  period_start INTEGER NOT NULL,
  day          TEXT NOT NULL,
  taken_at     INTEGER NOT NULL,
  PRIMARY KEY (org, log_file_id)
) WITHOUT ROWID;
CREATE INDEX api_usage_files_by_day ON api_usage_files (org, day);
-- Calls per user, connected app and hour, from Hourly files (hour = period start).
CREATE TABLE api_usage_hourly (
  org           TEXT NOT NULL,
  username      TEXT NOT NULL,
  hour          INTEGER NOT NULL,
  day           TEXT NOT NULL,
  connected_app TEXT NOT NULL DEFAULT '',
  calls         INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (org, username, hour, connected_app)
) WITHOUT ROWID;
CREATE INDEX api_usage_hourly_by_day ON api_usage_hourly (org, day);
-- OAuthToken rows of integration users, to spot newly issued tokens.
CREATE TABLE oauth_tokens (
  org           TEXT NOT NULL,
  token_id      TEXT NOT NULL,
  username      TEXT NOT NULL,
  app_name      TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER,
  use_count     INTEGER NOT NULL DEFAULT 0,
  first_seen_at INTEGER NOT NULL,
  PRIMARY KEY (org, token_id)
) WITHOUT ROWID;
)sql",
    // 7: what enforcement must remember across restarts (issue 6).
    R"sql(
-- The Id of the record a journaled create made (Salesforce's answer), so a rollback
-- deletes exactly that record; '' for other actions or while unknown.
ALTER TABLE remediation_journal ADD COLUMN created_id TEXT NOT NULL DEFAULT '';
-- When each drift item (remediation DriftItem::key) was found drifted: the flapping
-- detector counts these within its window, so a restart does not reset a pause.
-- Pruned once older than the org's flapping window.
CREATE TABLE drift_seen (
  org      TEXT NOT NULL,
  item_key TEXT NOT NULL,
  seen_at  INTEGER NOT NULL,
  PRIMARY KEY (org, item_key, seen_at)
) WITHOUT ROWID;
)sql",
};
static_assert(std::size(kMigrations) == kStateSchemaVersion,
              "kStateSchemaVersion must equal the number of migrations");

constexpr std::int64_t kApplicationId = 0x73667764;  // 'sfwd', set by migration 1

// A waiting write blocks the io_context thread. We hold the directory lock, so the only
// other party can be an operator's sqlite3 shell or a backup: wait briefly, then fail.
constexpr int kBusyTimeoutMs = 250;

// For a file that is not ours: sfwarden never overwrites it.
constexpr const char* kWhatToDo = "; move it away or point --state.dir elsewhere";

StoreTime Now() {
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}
// Record ids of incremental sources are remembered up to this many per INSERT: one
// statement execution per chunk instead of one per row (a 2,000-row LoginHistory page
// spent most of its store time there: bench/README.md, figure 4). Chunks are powers of
// two, so at most nine such statements are ever prepared; 3 + 256 parameters stay far
// under SQLite's default limit of 32,766 (sqlite.org/limits.html).
constexpr std::size_t kMaxSeenChunk = 256;

// The INSERT for a chunk of `rows` ids (a power of two up to kMaxSeenChunk): ?1 org,
// ?2 source, ?3 seen_at, ?4... the ids. Static: Prepared() keys its cache by this text.
const std::string& InsertSeenChunkSql(std::size_t rows) {
  static const auto kSql = [] {
    std::array<std::string, std::bit_width(kMaxSeenChunk)> sql;
    for (std::size_t i = 0; i < sql.size(); ++i) {
      std::string& s = sql[i];
      s = "INSERT INTO seen_records (org, source, record_id, seen_at) VALUES ";
      for (std::size_t r = 0; r < (std::size_t{1} << i); ++r) {
        s += r == 0 ? "(?1, ?2, ?" : ", (?1, ?2, ?";
        s += std::to_string(r + 4) + ", ?3)";
      }
      s += " ON CONFLICT (org, source, record_id) DO NOTHING RETURNING record_id";
    }
    return sql;
  }();
  return kSql[static_cast<std::size_t>(std::countr_zero(rows))];
}

std::int64_t ToInt(StoreTime t) { return t.time_since_epoch().count(); }
StoreTime FromInt(std::int64_t seconds) { return StoreTime(std::chrono::seconds(seconds)); }

std::string Quote(const fs::path& p) { return "'" + p.string() + "'"; }

JournalState ParseJournalState(const std::string& s) {
  for (auto state : {JournalState::kPlanned, JournalState::kSent, JournalState::kDone,
                     JournalState::kFailed, JournalState::kRolledBack}) {
    if (ToString(state) == s) return state;
  }
  throw StateStoreError("remediation journal: unknown state '" + s + "'");
}

std::string_view ToString(AlertState state) {
  return state == AlertState::kFiring ? "firing" : "resolved";
}

// Closes the lock file last, after the database: the lock must cover every write.
struct LockFile {
  int fd = -1;
  LockFile() = default;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;
  ~LockFile() {
    if (fd >= 0) close(fd);  // releases the flock
  }
};

// Reads the pid the holder wrote into the lock file ("" when unknown).
std::string ReadHolderPid(int fd) {
  char buf[32] = {};
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  if (n <= 0) return "";
  std::string pid(buf, static_cast<std::size_t>(n));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return "";
  return pid;
}

void Lock(const fs::path& dir, const fs::path& lock_path, LockFile& lock) {
  lock.fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (lock.fd < 0) {
    throw StateStoreError("state directory " + Quote(dir) + " is not writable: cannot open " +
                          Quote(lock_path) + ": " + std::strerror(errno) +
                          "; make it writable for the user sfwarden runs as, or point "
                          "--state.dir elsewhere");
  }
  // flock, not fcntl locks: SQLite takes and drops POSIX locks on the database, and POSIX
  // locks of one process are dropped when it closes any fd of the file; flock belongs to
  // this open file description only, so a second Open in the same process is refused too.
  if (flock(lock.fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      std::string pid = ReadHolderPid(lock.fd);
      throw StateStoreError(
          "state directory " + Quote(dir) + " is in use by another sfwarden (pid " +
          (pid.empty() ? std::string("unknown") : pid) + ", holding " + Quote(lock_path) +
          "); stop that instance or point --state.dir elsewhere");
    }
    throw StateStoreError("cannot lock " + Quote(lock_path) + ": " + std::strerror(errno));
  }
  // Best effort: the pid only makes the message above more useful.
  std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(lock.fd, 0) == 0) {
    [[maybe_unused]] ssize_t n = pwrite(lock.fd, pid.data(), pid.size(), 0);
  }
}

// Creates the database file 0600 before SQLite does: it holds usernames and IPs, and
// SQLite gives the -wal and -shm files the database file's permissions.
void CreateDatabaseFile(const fs::path& dir, const fs::path& db_path) {
  int fd = open(db_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw StateStoreError("state directory " + Quote(dir) + " is not writable: cannot open " +
                          Quote(db_path) + ": " + std::strerror(errno) +
                          "; make it writable for the user sfwarden runs as, or point "
                          "--state.dir elsewhere");
  }
  close(fd);
}

void CreateDirectory(const fs::path& dir) {
  if (dir.empty()) {
    throw StateStoreError("no state directory: set --state.dir or global.state_dir");
  }
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec)) {
    throw StateStoreError("state directory " + Quote(dir) +
                          " exists but is not a directory; point --state.dir elsewhere");
  }
  bool created = fs::create_directories(dir, ec);
  if (ec) {
    throw StateStoreError("cannot create state directory " + Quote(dir) + ": " + ec.message() +
                          "; create it writable for the user sfwarden runs as, or point "
                          "--state.dir elsewhere");
  }
  // Only a directory we made: an operator's own directory keeps its mode.
  if (created) fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
}

}  // namespace

struct StateStore::Impl {
  fs::path dir;
  fs::path db_path;
  // Destroyed in reverse: statements, then the connection, then the lock.
  LockFile lock;
  detail::SqliteHandle db;
  std::unordered_map<std::string_view, std::unique_ptr<Statement>> statements;

  // Prepares `sql` once and keeps it. `sql` must outlive the store (a literal or a
  // function-local static): the cache key views it.
  Statement& Prepared(std::string_view sql) {
    auto& slot = statements[sql];
    if (!slot) slot = std::make_unique<Statement>(db.get(), sql);
    return *slot;
  }
  std::int64_t Changes() { return sqlite3_changes64(db.get()); }
  std::int64_t UserVersion() {
    Use st(Prepared("PRAGMA user_version"));
    st->Step();
    return st->Int(0);
  }

  // Inside a caller's transaction: remembers `ids` for org/source. One flag per id: true
  // for the first occurrence of an id not remembered before.
  std::vector<bool> InsertSeen(std::string_view org, std::string_view source,
                               const std::vector<std::string_view>& ids, std::int64_t seen_at);
  void PutCursor(std::string_view org, std::string_view source, std::string_view value);

  void OpenDatabase();
  void CheckOwnership(std::int64_t version);
  void Migrate(std::int64_t from);
  [[noreturn]] void Explain(const detail::SqliteError& e);
};

void StateStore::Impl::OpenDatabase() {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  db.reset(raw);  // sqlite3_open_v2 returns a handle even on failure; it must be closed
  if (rc != SQLITE_OK) detail::Check(db.get(), rc, "opening");
  sqlite3_extended_result_codes(db.get(), 1);
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);

  // Reads the header first: a file that is not SQLite fails here (SQLITE_NOTADB), before
  // anything is written to it.
  std::int64_t version = UserVersion();
  CheckOwnership(version);
  if (version > kStateSchemaVersion) {
    throw StateStoreError(Quote(db_path) + " was written by a newer sfwarden (schema " +
                          std::to_string(version) + ", this binary knows " +
                          std::to_string(kStateSchemaVersion) +
                          "); upgrade sfwarden or point --state.dir elsewhere");
  }

  {
    Use st(Prepared("PRAGMA journal_mode = WAL"));
    st->Step();
    if (std::string mode = st->Text(0); mode != "wal") {
      throw StateStoreError("cannot put " + Quote(db_path) + " in WAL mode (SQLite says '" + mode +
                            "'); the state directory must be on a local file system");
    }
  }
  // WAL + NORMAL: commits are not fsynced, only checkpoints are. The database stays
  // consistent after a crash; an OS crash or power cut may lose the last commits. That is
  // the right trade for cursors, seen IPs and alert state (re-read or re-derived on the
  // next poll), and an fsync per write would stall the one io_context thread. Journal
  // writes, which must not be lost, switch to FULL (see SyncFull).
  detail::Exec(db.get(), "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
  Migrate(version);
}

// Refuses SQLite files that are someone else's: user_version 0 with tables, or another
// application_id. Migrating those would scribble our tables into a stranger's database.
void StateStore::Impl::CheckOwnership(std::int64_t version) {
  std::int64_t app_id = 0;
  {
    Use st(Prepared("PRAGMA application_id"));
    st->Step();
    app_id = st->Int(0);
  }
  if (version > 0 && app_id != kApplicationId) {
    throw StateStoreError(Quote(db_path) + " is a SQLite database of another application " +
                          "(application_id " + std::to_string(app_id) + "), not sfwarden state" +
                          kWhatToDo);
  }
  if (version == 0) {
    Use st(Prepared("SELECT count(*) FROM sqlite_schema"));
    st->Step();
    if (st->Int(0) > 0) {
      throw StateStoreError(Quote(db_path) +
                            " is a SQLite database with tables but no sfwarden schema version, "
                            "not sfwarden state" +
                            kWhatToDo);
    }
  }
}

void StateStore::Impl::Migrate(std::int64_t from) {
  for (std::int64_t v = from; v < kStateSchemaVersion; ++v) {
    try {
      // IMMEDIATE: take the write lock up front rather than fail half-way.
      detail::Exec(db.get(), "BEGIN IMMEDIATE");
      detail::Exec(db.get(), kMigrations[v]);
      // PRAGMA takes no bound parameters; v is our own loop counter.
      detail::Exec(db.get(), ("PRAGMA user_version = " + std::to_string(v + 1)).c_str());
      detail::Exec(db.get(), "COMMIT");
    } catch (const detail::SqliteError& e) {
      sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw StateStoreError("cannot migrate " + Quote(db_path) + " from schema " +
                            std::to_string(v) + " to " + std::to_string(v + 1) + ": " + e.what() +
                            "; it was left at schema " + std::to_string(v));
    }
  }
}

void StateStore::Impl::Explain(const detail::SqliteError& e) {
  switch (e.primary_code()) {
    case SQLITE_NOTADB:
      throw StateStoreError(Quote(db_path) +
                            " is not a SQLite database (SQLite: file is not a database)" +
                            kWhatToDo);
    case SQLITE_CORRUPT:
      throw StateStoreError(Quote(db_path) +
                            " is corrupt; restore it from a backup or move it away (sfwarden "
                            "starts afresh without it): " +
                            e.what());
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      throw StateStoreError(Quote(db_path) +
                            " is locked by another process (an sqlite3 shell or a backup?); "
                            "close it and retry: " +
                            e.what());
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      throw StateStoreError(Quote(db_path) +
                            " cannot be opened for writing; make it and its directory writable "
                            "for the user sfwarden runs as, or point --state.dir elsewhere: " +
                            e.what());
    default:
      throw StateStoreError(std::string("cannot open the state database: ") + e.what());
  }
}

StateStore::StateStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
StateStore::~StateStore() = default;

std::unique_ptr<StateStore> StateStore::Open(const fs::path& state_dir) {
  auto impl = std::make_unique<Impl>();
  impl->dir = state_dir;
  impl->db_path = state_dir / kDatabaseName;
  CreateDirectory(impl->dir);
  Lock(impl->dir, impl->dir / kLockName, impl->lock);
  CreateDatabaseFile(impl->dir, impl->db_path);
  try {
    impl->OpenDatabase();
  } catch (const detail::SqliteError& e) {
    impl->Explain(e);
  }
  return std::unique_ptr<StateStore>(new StateStore(std::move(impl)));
}

const fs::path& StateStore::database_path() const { return impl_->db_path; }

int StateStore::schema_version() { return static_cast<int>(impl_->UserVersion()); }

void StateStore::Checkpoint() {
  detail::Check(impl_->db.get(),
                sqlite3_wal_checkpoint_v2(impl_->db.get(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                          nullptr, nullptr),
                "checkpointing the WAL");
}

std::optional<std::string> StateStore::GetCursor(std::string_view org, std::string_view source) {
  Use st(impl_->Prepared("SELECT value FROM cursors WHERE org = ?1 AND source = ?2"));
  st->Bind(1, org).Bind(2, source);
  if (!st->Step()) return std::nullopt;
  return st->Text(0);
}

void StateStore::SetCursor(std::string_view org, std::string_view source, std::string_view value) {
  impl_->PutCursor(org, source, value);
}

bool StateStore::RecordSeenIp(std::string_view org, std::string_view username, std::string_view ip,
                              std::string_view country, StoreTime seen_at) {
  Use st(impl_->Prepared(
      "INSERT INTO seen_ips (org, username, ip, country, first_seen, last_seen, count) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?5, 1) "
      "ON CONFLICT (org, username, ip) DO UPDATE SET "
      "country = CASE WHEN excluded.country <> '' THEN excluded.country ELSE country END, "
      "first_seen = min(first_seen, excluded.first_seen), "
      "last_seen = max(last_seen, excluded.last_seen), "
      "count = count + 1 "
      "RETURNING count"));
  st->Bind(1, org).Bind(2, username).Bind(3, ip).Bind(4, country).Bind(5, ToInt(seen_at));
  st->Step();
  bool first = st->Int(0) == 1;
  st->Run();
  return first;
}

std::vector<SeenIp> StateStore::SeenIps(std::string_view org, std::string_view username) {
  Use st(
      impl_->Prepared("SELECT ip, country, first_seen, last_seen, count FROM seen_ips "
                      "WHERE org = ?1 AND username = ?2 ORDER BY first_seen, ip"));
  st->Bind(1, org).Bind(2, username);
  std::vector<SeenIp> out;
  while (st->Step()) {
    out.push_back({.ip = st->Text(0),
                   .country = st->Text(1),
                   .first_seen = FromInt(st->Int(2)),
                   .last_seen = FromInt(st->Int(3)),
                   .count = st->Int(4)});
  }
  return out;
}

namespace {
// BEGIN IMMEDIATE ... COMMIT; rolls back unless Commit() was reached (an exception).
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { detail::Exec(db_, "BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit() {
    detail::Exec(db_, "COMMIT");
    committed_ = true;
  }

 private:
  sqlite3* db_;
  bool committed_ = false;
};

// "YYYY-MM-DD" of a UTC time.
std::string DayOf(StoreTime t) {
  auto day = std::chrono::floor<std::chrono::days>(t);
  std::chrono::year_month_day ymd(day);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}
}  // namespace

std::vector<bool> StateStore::Impl::InsertSeen(std::string_view org, std::string_view source,
                                               const std::vector<std::string_view>& ids,
                                               std::int64_t seen_at) {
  std::vector<bool> fresh(ids.size(), false);
  std::vector<std::string> returned;
  for (std::size_t at = 0; at < ids.size();) {
    const std::size_t rows = std::bit_floor(std::min(kMaxSeenChunk, ids.size() - at));
    Use st(Prepared(InsertSeenChunkSql(rows)));
    st->Bind(1, org).Bind(2, source).Bind(3, seen_at);
    for (std::size_t r = 0; r < rows; ++r) st->Bind(static_cast<int>(r + 4), ids[at + r]);
    // RETURNING yields the rows the statement inserted, in no set order
    // (sqlite.org/lang_returning.html). An id twice in one chunk is inserted once: its
    // first occurrence is the new one, as with one INSERT per row.
    returned.clear();
    while (st->Step()) returned.push_back(st->Text(0));
    if (returned.size() == rows) {  // every id was new (the usual case): nothing to match
      std::fill_n(fresh.begin() + static_cast<std::ptrdiff_t>(at), rows, true);
      at += rows;
      continue;
    }
    std::set<std::string, std::less<>> inserted(returned.begin(), returned.end());
    for (std::size_t r = 0; r < rows; ++r, ++at) {
      if (auto it = inserted.find(ids[at]); it != inserted.end()) {
        fresh[at] = true;
        inserted.erase(it);
      }
    }
  }
  return fresh;
}

void StateStore::Impl::PutCursor(std::string_view org, std::string_view source,
                                 std::string_view value) {
  Use st(
      Prepared("INSERT INTO cursors (org, source, value, updated_at) VALUES (?1, ?2, ?3, ?4) "
               "ON CONFLICT (org, source) DO UPDATE SET value = excluded.value, "
               "updated_at = excluded.updated_at"));
  st->Bind(1, org).Bind(2, source).Bind(3, value).Bind(4, ToInt(Now()));
  st->Run();
}

std::vector<bool> StateStore::RecordSeenRecords(std::string_view org, std::string_view source,
                                                const std::vector<std::string>& ids,
                                                StoreTime seen_at,
                                                std::optional<std::string_view> cursor) {
  Transaction tx(impl_->db.get());
  auto fresh = impl_->InsertSeen(org, source, std::vector<std::string_view>(ids.begin(), ids.end()),
                                 ToInt(seen_at));
  if (cursor) impl_->PutCursor(org, source, *cursor);
  tx.Commit();
  return fresh;
}

std::int64_t StateStore::PruneSeenRecords(StoreTime cutoff) {
  Use st(impl_->Prepared("DELETE FROM seen_records WHERE seen_at < ?1"));
  st->Bind(1, ToInt(cutoff));
  st->Run();
  return impl_->Changes();
}

std::int64_t StateStore::PruneSeenIps(std::string_view org, StoreTime cutoff) {
  Use st(
      impl_->Prepared("DELETE FROM seen_ips WHERE org = ?1 AND last_seen < ?2 AND first_seen > "
                      "(SELECT min(first_seen) FROM seen_ips s WHERE s.org = ?1 "
                      " AND s.username = seen_ips.username)"));
  st->Bind(1, org).Bind(2, ToInt(cutoff));
  st->Run();
  return impl_->Changes();
}

std::vector<bool> StateStore::RecordLogins(std::string_view org,
                                           const std::vector<LoginRecord>& logins,
                                           std::optional<std::string_view> cursor,
                                           StoreTime seen_at) {
  Transaction tx(impl_->db.get());
  // De-duplication decides what is new; what the new rows add to the per-user tables is
  // summed first and written once per key: same end state as a write per row, a fraction
  // of the statements (bench/README.md, figure 4).
  std::vector<std::string_view> ids;
  ids.reserve(logins.size());
  for (const auto& login : logins) ids.push_back(login.id);
  auto fresh = impl_->InsertSeen(org, "logins", ids, ToInt(seen_at));
  detail::LoginTotals totals;
  for (std::size_t i = 0; i < logins.size(); ++i) {
    if (fresh[i]) totals.Add(logins[i]);
  }
  {
    Statement& st = impl_->Prepared(
        "INSERT INTO login_counts (org, username, outcome, type, count) "
        "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (org, username, outcome, type) "
        "DO UPDATE SET count = count + excluded.count");
    for (const auto& [key, count] : totals.counts()) {
      Use use(st);
      st.Bind(1, org).Bind(2, key.username).Bind(3, key.outcome).Bind(4, key.type).Bind(5, count);
      st.Run();
    }
  }
  {
    Statement& st = impl_->Prepared(
        "INSERT INTO last_logins (org, username, login_time_ms) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (org, username) DO UPDATE SET "
        "login_time_ms = max(login_time_ms, excluded.login_time_ms)");
    for (const auto& [username, time_ms] : totals.last_success_ms()) {
      Use use(st);
      st.Bind(1, org).Bind(2, username).Bind(3, time_ms);
      st.Run();
    }
  }
  {
    // As RecordSeenIp, with a batch's count.
    Statement& st = impl_->Prepared(
        "INSERT INTO seen_ips (org, username, ip, country, first_seen, last_seen, count) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT (org, username, ip) DO UPDATE SET "
        "country = CASE WHEN excluded.country <> '' THEN excluded.country ELSE country END, "
        "first_seen = min(first_seen, excluded.first_seen), "
        "last_seen = max(last_seen, excluded.last_seen), "
        "count = count + excluded.count");
    for (const auto& [key, ip] : totals.ips()) {
      Use use(st);
      st.Bind(1, org).Bind(2, key.username).Bind(3, key.ip).Bind(4, ip.country);
      st.Bind(5, ip.first_seen).Bind(6, ip.last_seen).Bind(7, ip.count);
      st.Run();
    }
  }
  if (cursor) impl_->PutCursor(org, "logins", *cursor);
  tx.Commit();
  return fresh;
}

std::vector<LoginCount> StateStore::LoginCounts(std::string_view org) {
  Use st(
      impl_->Prepared("SELECT username, outcome, type, count FROM login_counts WHERE org = ?1 "
                      "ORDER BY username, outcome, type"));
  st->Bind(1, org);
  std::vector<LoginCount> out;
  while (st->Step()) {
    out.push_back({.username = st->Text(0),
                   .outcome = st->Text(1),
                   .type = st->Text(2),
                   .count = st->Int(3)});
  }
  return out;
}

std::map<std::string, std::int64_t> StateStore::LastSuccessfulLogins(std::string_view org) {
  Use st(impl_->Prepared("SELECT username, login_time_ms FROM last_logins WHERE org = ?1"));
  st->Bind(1, org);
  std::map<std::string, std::int64_t> out;
  while (st->Step()) out[st->Text(0)] = st->Int(1);
  return out;
}

std::vector<SeenIpSummary> StateStore::SeenIpSummaries(std::string_view org) {
  Use st(impl_->Prepared(
      "SELECT username, count(*), count(DISTINCT NULLIF(country, '')) FROM seen_ips "
      "WHERE org = ?1 GROUP BY username ORDER BY username"));
  st->Bind(1, org);
  std::vector<SeenIpSummary> out;
  while (st->Step()) {
    out.push_back({.username = st->Text(0), .ips = st->Int(1), .countries = st->Int(2)});
  }
  return out;
}

bool StateStore::RecordApiUsageFile(std::string_view org, const ApiUsageFile& file,
                                    const std::vector<ApiUsageRow>& rows,
                                    std::optional<std::string_view> cursor, StoreTime now) {
  Transaction tx(impl_->db.get());
  const std::string day = DayOf(file.period_start);
  bool fresh = false;
  {
    Use st(impl_->Prepared(
        "INSERT INTO api_usage_files (org, log_file_id, log_interval, period_start, day, "
        "taken_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (org, log_file_id) DO NOTHING"));
    st->Bind(1, org)
        .Bind(2, file.id)
        .Bind(3, file.hourly ? "Hourly" : "Daily")
        .Bind(4, ToInt(file.period_start))
        .Bind(5, day)
        .Bind(6, ToInt(now));
    st->Run();
    fresh = impl_->Changes() == 1;
  }
  if (fresh) {
    // Sum the rows per (user, app) first: a file may carry several rows for one pair
    // (other client names or IPs).
    std::map<std::pair<std::string, std::string>, std::int64_t> calls;
    for (const auto& row : rows) calls[{row.username, row.connected_app}] += row.calls;
    if (!file.hourly) {
      // The day's authoritative total: replaces an earlier daily file of the same day.
      Use del(impl_->Prepared("DELETE FROM api_usage_daily WHERE org = ?1 AND day = ?2"));
      del->Bind(1, org).Bind(2, day);
      del->Run();
    }
    for (const auto& [key, n] : calls) {
      if (file.hourly) {
        Use st(impl_->Prepared(
            "INSERT INTO api_usage_hourly (org, username, hour, day, connected_app, calls, "
            "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
            "ON CONFLICT (org, username, hour, connected_app) DO UPDATE SET "
            "calls = calls + excluded.calls, updated_at = excluded.updated_at"));
        st->Bind(1, org)
            .Bind(2, key.first)
            .Bind(3, ToInt(file.period_start))
            .Bind(4, day)
            .Bind(5, key.second)
            .Bind(6, n)
            .Bind(7, ToInt(now));
        st->Run();
      } else {
        Use st(impl_->Prepared(
            "INSERT INTO api_usage_daily (org, username, day, connected_app, calls, updated_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
        st->Bind(1, org)
            .Bind(2, key.first)
            .Bind(3, day)
            .Bind(4, key.second)
            .Bind(5, n)
            .Bind(6, ToInt(now));
        st->Run();
      }
    }
  }
  if (cursor) impl_->PutCursor(org, "api_usage_logs", *cursor);
  tx.Commit();
  return fresh;
}

std::map<std::string, std::int64_t> StateStore::ApiCallsByUser(std::string_view org,
                                                               std::string_view day) {
  Use st(impl_->Prepared(
      "SELECT username, sum(calls) FROM api_usage_daily WHERE org = ?1 AND day = ?2 "
      "AND EXISTS (SELECT 1 FROM api_usage_files f WHERE f.org = ?1 AND f.day = ?2 "
      "            AND f.log_interval = 'Daily') GROUP BY username "
      "UNION ALL "
      "SELECT username, sum(calls) FROM api_usage_hourly WHERE org = ?1 AND day = ?2 "
      "AND NOT EXISTS (SELECT 1 FROM api_usage_files f WHERE f.org = ?1 AND f.day = ?2 "
      "                AND f.log_interval = 'Daily') GROUP BY username"));
  st->Bind(1, org).Bind(2, day);
  std::map<std::string, std::int64_t> out;
  while (st->Step()) out[st->Text(0)] += st->Int(1);
  return out;
}

std::optional<LatestHourUsage> StateStore::LatestHourApiCalls(std::string_view org) {
  std::optional<LatestHourUsage> out;
  {
    Use st(impl_->Prepared(
        "SELECT max(period_start) FROM api_usage_files WHERE org = ?1 AND log_interval = "
        "'Hourly'"));
    st->Bind(1, org);
    if (!st->Step() || st->IsNull(0)) return out;
    out.emplace();
    out->hour = FromInt(st->Int(0));
  }
  Use st(impl_->Prepared(
      "SELECT username, sum(calls) FROM api_usage_hourly WHERE org = ?1 AND hour = ?2 "
      "GROUP BY username"));
  st->Bind(1, org).Bind(2, ToInt(out->hour));
  while (st->Step()) out->calls[st->Text(0)] = st->Int(1);
  return out;
}

std::optional<StoreTime> StateStore::LastApiActivityBefore(std::string_view org,
                                                           std::string_view username,
                                                           StoreTime before) {
  // Any row is activity: rows exist only for users with rows in a file. A daily row's
  // period ends at the end of its UTC day.
  Use st(
      impl_->Prepared("SELECT max(e) FROM ("
                      "  SELECT hour + 3600 AS e FROM api_usage_hourly "
                      "  WHERE org = ?1 AND username = ?2 AND hour + 3600 <= ?3 "
                      "  UNION ALL "
                      "  SELECT CAST(strftime('%s', day) AS INTEGER) + 86400 FROM api_usage_daily "
                      "  WHERE org = ?1 AND username = ?2 "
                      "  AND CAST(strftime('%s', day) AS INTEGER) + 86400 <= ?3)"));
  st->Bind(1, org).Bind(2, username).Bind(3, ToInt(before));
  if (!st->Step() || st->IsNull(0)) return std::nullopt;
  return FromInt(st->Int(0));
}

std::int64_t StateStore::PruneApiUsage(std::string_view org, StoreTime cutoff) {
  const std::string day = DayOf(cutoff);
  std::int64_t removed = 0;
  Transaction tx(impl_->db.get());
  for (const char* sql : {"DELETE FROM api_usage_daily WHERE org = ?1 AND day < ?2",
                          "DELETE FROM api_usage_hourly WHERE org = ?1 AND day < ?2",
                          "DELETE FROM api_usage_files WHERE org = ?1 AND day < ?2"}) {
    Use st(impl_->Prepared(sql));
    st->Bind(1, org).Bind(2, day);
    st->Run();
    removed += impl_->Changes();
  }
  tx.Commit();
  return removed;
}

bool StateStore::RecordOAuthToken(std::string_view org, const OAuthTokenRecord& token,
                                  StoreTime now) {
  std::optional<std::int64_t> last_used;
  if (token.last_used) last_used = ToInt(*token.last_used);
  {
    Use st(impl_->Prepared(
        "INSERT INTO oauth_tokens (org, token_id, username, app_name, created_at, "
        "last_used_at, use_count, first_seen_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (org, token_id) DO NOTHING"));
    st->Bind(1, org)
        .Bind(2, token.id)
        .Bind(3, token.username)
        .Bind(4, token.app_name)
        .Bind(5, ToInt(token.created))
        .Bind(6, last_used)
        .Bind(7, token.use_count)
        .Bind(8, ToInt(now));
    st->Run();
    if (impl_->Changes() == 1) return true;
  }
  Use st(
      impl_->Prepared("UPDATE oauth_tokens SET last_used_at = ?3, use_count = ?4 "
                      "WHERE org = ?1 AND token_id = ?2"));
  st->Bind(1, org).Bind(2, token.id).Bind(3, last_used).Bind(4, token.use_count);
  st->Run();
  return false;
}

std::map<std::string, std::int64_t> StateStore::OAuthTokenCounts(std::string_view org) {
  Use st(impl_->Prepared(
      "SELECT username, count(*) FROM oauth_tokens WHERE org = ?1 GROUP BY username"));
  st->Bind(1, org);
  std::map<std::string, std::int64_t> out;
  while (st->Step()) out[st->Text(0)] = st->Int(1);
  return out;
}

std::map<std::string, StoreTime> StateStore::LastOAuthTokenUses(std::string_view org) {
  Use st(
      impl_->Prepared("SELECT username, max(max(created_at, coalesce(last_used_at, created_at))) "
                      "FROM oauth_tokens WHERE org = ?1 GROUP BY username"));
  st->Bind(1, org);
  std::map<std::string, StoreTime> out;
  while (st->Step()) out[st->Text(0)] = FromInt(st->Int(1));
  return out;
}

namespace {
// Journal writes must survive a power cut ("journaled before it is sent", DESIGN.md):
// they run with synchronous=FULL, which in WAL mode fsyncs the WAL at commit. They are
// few (bounded per cycle) and each precedes a network call that takes far longer.
class SyncFull {
 public:
  explicit SyncFull(sqlite3* db) : db_(db) { detail::Exec(db_, "PRAGMA synchronous = FULL"); }
  ~SyncFull() { sqlite3_exec(db_, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr); }
  SyncFull(const SyncFull&) = delete;
  SyncFull& operator=(const SyncFull&) = delete;

 private:
  sqlite3* db_;
};

constexpr const char* kJournalColumns =
    "id, org, cycle_id, kind, target, action, before_json, after_json, rollback_of, state, "
    "error, created_at, updated_at, created_id";

JournalEntry ReadJournal(Statement& st) {
  JournalEntry e;
  e.id = st.Int(0);
  e.org = st.Text(1);
  e.cycle_id = st.Text(2);
  e.kind = st.Text(3);
  e.target = st.Text(4);
  e.action = st.Text(5);
  e.before_json = st.Text(6);
  e.after_json = st.Text(7);
  if (!st.IsNull(8)) e.rollback_of = st.Int(8);
  e.state = ParseJournalState(st.Text(9));
  e.error = st.Text(10);
  e.created_at = FromInt(st.Int(11));
  e.updated_at = FromInt(st.Int(12));
  e.created_id = st.Text(13);
  return e;
}
}  // namespace

std::int64_t StateStore::AppendJournal(const JournalEntry& entry) {
  SyncFull sync(impl_->db.get());
  Use st(impl_->Prepared(
      "INSERT INTO remediation_journal (org, cycle_id, kind, target, action, before_json, "
      "after_json, rollback_of, state, error, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'planned', '', ?9, ?9) RETURNING id"));
  st->Bind(1, entry.org)
      .Bind(2, entry.cycle_id)
      .Bind(3, entry.kind)
      .Bind(4, entry.target)
      .Bind(5, entry.action)
      .Bind(6, entry.before_json)
      .Bind(7, entry.after_json)
      .Bind(8, entry.rollback_of)
      .Bind(9, ToInt(Now()));
  st->Step();
  std::int64_t id = st->Int(0);
  st->Run();
  return id;
}

void StateStore::MarkJournal(std::int64_t id, JournalState state, std::string_view error,
                             std::string_view created_id) {
  SyncFull sync(impl_->db.get());
  Use st(
      impl_->Prepared("UPDATE remediation_journal SET state = ?2, error = ?3, updated_at = ?4, "
                      "created_id = CASE WHEN ?5 = '' THEN created_id ELSE ?5 END WHERE id = ?1"));
  st->Bind(1, id).Bind(2, ToString(state)).Bind(3, error).Bind(4, ToInt(Now())).Bind(5, created_id);
  st->Run();
  if (impl_->Changes() == 0) {
    throw StateStoreError("remediation journal in " + Quote(impl_->db_path) + " has no entry " +
                          std::to_string(id));
  }
}

std::optional<JournalEntry> StateStore::FindJournal(std::int64_t id) {
  static const std::string sql =
      std::string("SELECT ") + kJournalColumns + " FROM remediation_journal WHERE id = ?1";
  Use st(impl_->Prepared(sql));
  st->Bind(1, id);
  if (!st->Step()) return std::nullopt;
  return ReadJournal(*st);
}

std::vector<JournalEntry> StateStore::PendingJournal(std::string_view org) {
  static const std::string sql = std::string("SELECT ") + kJournalColumns +
                                 " FROM remediation_journal WHERE org = ?1 AND state IN "
                                 "('planned', 'sent') ORDER BY id";
  Use st(impl_->Prepared(sql));
  st->Bind(1, org);
  std::vector<JournalEntry> out;
  while (st->Step()) out.push_back(ReadJournal(*st));
  return out;
}

std::vector<JournalEntry> StateStore::ListJournal(std::optional<std::string_view> org,
                                                  std::int64_t limit) {
  static const std::string sql = std::string("SELECT ") + kJournalColumns +
                                 " FROM remediation_journal WHERE ?1 = 0 OR org = ?2 "
                                 "ORDER BY id DESC LIMIT ?3";
  Use st(impl_->Prepared(sql));
  st->Bind(1, std::int64_t{org.has_value()}).Bind(2, org.value_or("")).Bind(3, limit);
  std::vector<JournalEntry> out;
  while (st->Step()) out.push_back(ReadJournal(*st));
  std::reverse(out.begin(), out.end());
  return out;
}

void StateStore::RecordDriftSeen(std::string_view org, const std::vector<std::string>& keys,
                                 StoreTime seen_at, StoreTime forget_before) {
  Transaction tx(impl_->db.get());
  {
    Use del(impl_->Prepared("DELETE FROM drift_seen WHERE org = ?1 AND seen_at < ?2"));
    del->Bind(1, org).Bind(2, ToInt(forget_before));
    del->Run();
  }
  for (const auto& key : keys) {
    Use st(impl_->Prepared(
        "INSERT OR IGNORE INTO drift_seen (org, item_key, seen_at) VALUES (?1, ?2, ?3)"));
    st->Bind(1, org).Bind(2, key).Bind(3, ToInt(seen_at));
    st->Run();
  }
  tx.Commit();
}

std::map<std::string, std::vector<StoreTime>> StateStore::DriftSeen(std::string_view org) {
  Use st(impl_->Prepared(
      "SELECT item_key, seen_at FROM drift_seen WHERE org = ?1 ORDER BY item_key, seen_at"));
  st->Bind(1, org);
  std::map<std::string, std::vector<StoreTime>> out;
  while (st->Step()) out[st->Text(0)].push_back(FromInt(st->Int(1)));
  return out;
}

void StateStore::UpsertAlert(const AlertRecord& alert) {
  Use st(impl_->Prepared(
      "INSERT INTO alerts (fingerprint, alertname, labels, annotations, state, starts_at, "
      "ends_at, last_notified_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
      "ON CONFLICT (fingerprint) DO UPDATE SET alertname = excluded.alertname, "
      "labels = excluded.labels, annotations = excluded.annotations, state = excluded.state, "
      "starts_at = excluded.starts_at, ends_at = excluded.ends_at, "
      "last_notified_at = excluded.last_notified_at"));
  auto optional_time = [](const std::optional<StoreTime>& t) -> std::optional<std::int64_t> {
    if (!t) return std::nullopt;
    return ToInt(*t);
  };
  st->Bind(1, alert.fingerprint)
      .Bind(2, alert.alertname)
      .Bind(3, alert.labels_json)
      .Bind(4, alert.annotations_json)
      .Bind(5, ToString(alert.state))
      .Bind(6, ToInt(alert.starts_at))
      .Bind(7, optional_time(alert.ends_at))
      .Bind(8, optional_time(alert.last_notified_at));
  st->Run();
}

std::vector<AlertRecord> StateStore::LoadAlerts() {
  Use st(impl_->Prepared(
      "SELECT fingerprint, alertname, labels, annotations, state, starts_at, ends_at, "
      "last_notified_at FROM alerts ORDER BY fingerprint"));
  std::vector<AlertRecord> out;
  while (st->Step()) {
    AlertRecord a;
    a.fingerprint = st->Text(0);
    a.alertname = st->Text(1);
    a.labels_json = st->Text(2);
    a.annotations_json = st->Text(3);
    a.state = st->Text(4) == "firing" ? AlertState::kFiring : AlertState::kResolved;
    a.starts_at = FromInt(st->Int(5));
    if (!st->IsNull(6)) a.ends_at = FromInt(st->Int(6));
    if (!st->IsNull(7)) a.last_notified_at = FromInt(st->Int(7));
    out.push_back(std::move(a));
  }
  return out;
}

std::int64_t StateStore::PruneJournal(std::string_view org, StoreTime cutoff) {
  // `kept`: every entry that stays, closed under rollback_of, so that no remaining entry
  // points at a deleted one (the foreign key would refuse the DELETE).
  Use st(impl_->Prepared(
      "WITH RECURSIVE kept(id) AS ("
      "  SELECT id FROM remediation_journal WHERE NOT (org = ?1 AND updated_at < ?2 "
      "  AND state IN ('done', 'failed', 'rolled_back')) "
      "  UNION SELECT j.rollback_of FROM remediation_journal j JOIN kept ON j.id = kept.id "
      "  WHERE j.rollback_of IS NOT NULL) "
      "DELETE FROM remediation_journal WHERE org = ?1 AND updated_at < ?2 "
      "AND state IN ('done', 'failed', 'rolled_back') AND id NOT IN (SELECT id FROM kept)"));
  st->Bind(1, org).Bind(2, ToInt(cutoff));
  st->Run();
  return impl_->Changes();
}

}  // namespace sfwarden::daemon
