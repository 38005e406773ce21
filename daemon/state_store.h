#pragma once
// The daemon's persistent state: one SQLite database in the state directory.
// The schema (tables, columns, why) is in state_store.cc next to its migrations.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "remediation/journal.h"

namespace sfwarden::daemon {

/// A state-store failure the operator must act on: the state directory cannot be created
/// or written, another sfwarden holds it, the database was written by a newer sfwarden,
/// the file is not an sfwarden database, or SQLite failed (disk full, I/O error). The
/// message names the path and says what to do.
class StateStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Schema version (PRAGMA user_version) this binary creates and understands.
inline constexpr int kStateSchemaVersion = 7;

/// Times in the store are whole seconds since the Unix epoch (UTC).
using StoreTime = std::chrono::sys_seconds;

// Every member below has an initializer so that designated initializers may leave any out
// (GCC's -Wmissing-field-initializers warns otherwise).

/// One source IP an integration user logged in from.
struct SeenIp {
  std::string ip{};
  std::string country{};  // as Salesforce reports it (LoginGeo); empty when unknown
  StoreTime first_seen{};
  StoreTime last_seen{};
  std::int64_t count = 0;
};

/// One LoginHistory row of an integration user, as the login collector hands it over.
struct LoginRecord {
  std::string id{};          // LoginHistory.Id: the de-duplication key
  std::string username{};    // the configured username
  std::int64_t time_ms = 0;  // LoginTime, milliseconds since the epoch
  std::string ip{};
  std::string country{};  // CountryIso; "" when unknown
  std::string outcome{};  // bounded set ("success", "invalid_password", ...)
  std::string type{};     // bounded set ("api", "oauth", "ui", "other")
};

/// Logins of one user with one outcome and type, counted since the database was created.
struct LoginCount {
  std::string username{};
  std::string outcome{};
  std::string type{};
  std::int64_t count = 0;
};

/// How many distinct source IPs and countries a user has logged in from.
struct SeenIpSummary {
  std::string username{};
  std::int64_t ips = 0;
  std::int64_t countries = 0;  // non-empty countries only
};

/// One ApiTotalUsage EventLogFile.
struct ApiUsageFile {
  std::string id{};          // EventLogFile.Id: each file is counted once
  bool hourly = false;       // Interval "Hourly"; else "Daily"
  StoreTime period_start{};  // LogDate (the hour or the UTC day it covers)
};

/// Calls of one user through one connected app within an ApiUsageFile's period.
struct ApiUsageRow {
  std::string username{};
  std::string connected_app{};  // "" when the log names none
  std::int64_t calls = 0;
};

/// Calls per user in one hour, from the Hourly files of that hour.
struct LatestHourUsage {
  StoreTime hour{};
  std::map<std::string, std::int64_t> calls{};  // username -> calls
};

/// One OAuthToken of an integration user.
struct OAuthTokenRecord {
  std::string id{};
  std::string username{};
  std::string app_name{};
  StoreTime created{};
  std::optional<StoreTime> last_used{};
  std::int64_t use_count = 0;
};

/// The remediation journal keeps remediation's own entries and states
/// (remediation/journal.h), column for column; their text spellings (ToString) are the
/// stored ones.
using JournalState = remediation::JournalState;
using JournalEntry = remediation::JournalEntry;

enum class AlertState { kFiring, kResolved };

/// An alert as last sent to the receivers; keyed by its label fingerprint.
struct AlertRecord {
  std::string fingerprint{};
  std::string alertname{};
  std::string labels_json = "{}";
  std::string annotations_json = "{}";
  AlertState state = AlertState::kFiring;
  StoreTime starts_at{};
  std::optional<StoreTime> ends_at{};
  std::optional<StoreTime> last_notified_at{};
};

/// The daemon's SQLite database, `sfwarden.db` in the state directory, in WAL mode.
///
/// Open() takes an exclusive lock on `sfwarden.lock` in the directory for the store's
/// lifetime, so two sfwarden processes never share a state directory. Owned by the daemon
/// (one per process); every method runs on the io_context thread: not thread-safe.
/// Writes are single short statements (no fsync except for journal writes, see .cc).
/// Every method throws StateStoreError when SQLite fails (disk full, I/O error); that
/// is not an expected outcome, so it is an exception, not a value.
class StateStore {
 public:
  static constexpr const char* kDatabaseName = "sfwarden.db";
  static constexpr const char* kLockName = "sfwarden.lock";

  /// Creates `state_dir` and the database if needed, locks the directory and migrates the
  /// schema to kStateSchemaVersion. Blocking file I/O: call at startup. Throws
  /// StateStoreError.
  static std::unique_ptr<StateStore> Open(const std::filesystem::path& state_dir);
  ~StateStore();  // closes the database (which checkpoints the WAL), then unlocks
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  const std::filesystem::path& database_path() const;
  int schema_version();

  /// Copies the WAL into the main database and truncates it (on shutdown).
  void Checkpoint();

  /// Per-org, per-source read position (a timestamp, an Id, a LogDate: opaque here).
  std::optional<std::string> GetCursor(std::string_view org, std::string_view source);
  void SetCursor(std::string_view org, std::string_view source, std::string_view value);

  /// Records a login of `username` from `ip` at `seen_at`; true when this user had never
  /// been seen from this IP. Widens first/last seen, counts, and keeps a non-empty country.
  bool RecordSeenIp(std::string_view org, std::string_view username, std::string_view ip,
                    std::string_view country, StoreTime seen_at);
  std::vector<SeenIp> SeenIps(std::string_view org, std::string_view username);

  /// De-duplicates the records of incremental sources (`source` "logins" for
  /// LoginHistory, "audit_trail" for SetupAuditTrail) across overlapping reads: in one
  /// transaction, remembers every id and, when `cursor` is given, moves the source's
  /// cursor. Returns one flag per id: true the first time it is recorded for org/source.
  std::vector<bool> RecordSeenRecords(std::string_view org, std::string_view source,
                                      const std::vector<std::string>& ids, StoreTime seen_at,
                                      std::optional<std::string_view> cursor = std::nullopt);
  /// Forgets records seen before `cutoff` (older than any read overlap); returns how many.
  std::int64_t PruneSeenRecords(StoreTime cutoff);
  /// Forgets the IPs of `org` last seen before `cutoff` (a LoginTime); returns how many
  /// rows. Each user's earliest-seen IP stays: its first_seen dates the start of watching
  /// the user, which the new-IP alert's learning period counts from, so a user dormant for
  /// longer than the retention still gets a new-IP alert when it logs in again.
  std::int64_t PruneSeenIps(std::string_view org, StoreTime cutoff);

  /// Takes a batch of LoginHistory rows in ONE transaction: each row not seen before (by
  /// Id, source "logins") is counted by user/outcome/type, moves the user's last
  /// successful login, and records its IP; then the "logins" cursor moves to `cursor`.
  /// A crash before the commit loses the whole batch and the cursor move together, so
  /// the next read counts it once. Returns one flag per row: true when it was new.
  std::vector<bool> RecordLogins(std::string_view org, const std::vector<LoginRecord>& logins,
                                 std::optional<std::string_view> cursor, StoreTime seen_at);
  std::vector<LoginCount> LoginCounts(std::string_view org);
  /// Username -> newest successful LoginTime (milliseconds since the epoch).
  std::map<std::string, std::int64_t> LastSuccessfulLogins(std::string_view org);
  std::vector<SeenIpSummary> SeenIpSummaries(std::string_view org);

  /// Takes one ApiTotalUsage file's rows and moves the "api_usage_logs" cursor to
  /// `cursor`, in one transaction. A file already taken (same Id) changes nothing but
  /// the cursor and returns false. An hourly file's rows add to its hour (a later file of
  /// an hour lists only the events that arrived late: REST API Developer Guide, "Query or
  /// View Hourly Event Log Files"); a daily file is authoritative for its day (its rows
  /// replace those of an earlier daily file of the same day, and the day's hourly rows no
  /// longer count toward the day).
  bool RecordApiUsageFile(std::string_view org, const ApiUsageFile& file,
                          const std::vector<ApiUsageRow>& rows,
                          std::optional<std::string_view> cursor, StoreTime now);
  /// Username -> calls on the UTC day `day` ("YYYY-MM-DD"): the daily file's total when
  /// one was taken for that day, else the sum of the day's hourly files.
  std::map<std::string, std::int64_t> ApiCallsByUser(std::string_view org, std::string_view day);
  /// The newest hour an Hourly file was taken for, and username -> calls in it (the sum
  /// of that hour's files so far); nullopt when the org has no hourly usage kept.
  std::optional<LatestHourUsage> LatestHourApiCalls(std::string_view org);
  /// End of `username`'s newest usage period (an hour, or a UTC day) that ended at or
  /// before `before`; nullopt when none is kept.
  std::optional<StoreTime> LastApiActivityBefore(std::string_view org, std::string_view username,
                                                 StoreTime before);
  /// Forgets usage of days before `cutoff`'s UTC day; returns how many rows.
  std::int64_t PruneApiUsage(std::string_view org, StoreTime cutoff);

  /// Remembers (or refreshes) an OAuth token; true the first time its Id is seen: a token
  /// issued since the last poll (or since sfwarden started watching).
  bool RecordOAuthToken(std::string_view org, const OAuthTokenRecord& token, StoreTime now);
  /// Username -> tokens known for the user.
  std::map<std::string, std::int64_t> OAuthTokenCounts(std::string_view org);
  /// Username -> the newest creation or use (LastUsedDate) of any of the user's tokens.
  std::map<std::string, StoreTime> LastOAuthTokenUses(std::string_view org);

  /// Journals a planned change (state, id, error and times of `entry` are ignored; it is
  /// stored kPlanned) and returns its id. Synced to disk before it returns.
  std::int64_t AppendJournal(const JournalEntry& entry);
  /// Moves entry `id` to `state` with `error` (empty unless failed) and, when not empty,
  /// the Id of the record its create made. Synced to disk. Throws StateStoreError if
  /// there is no such entry.
  void MarkJournal(std::int64_t id, JournalState state, std::string_view error = {},
                   std::string_view created_id = {});
  std::optional<JournalEntry> FindJournal(std::int64_t id);
  /// Entries of `org` still kPlanned or kSent (interrupted work), oldest first.
  std::vector<JournalEntry> PendingJournal(std::string_view org);
  /// The newest `limit` entries (of `org`, or of every org), oldest first.
  std::vector<JournalEntry> ListJournal(std::optional<std::string_view> org, std::int64_t limit);
  /// Forgets finished entries of `org` (done, failed, rolled back) last updated before
  /// `cutoff`; returns how many. Never a planned or sent entry (a restart concludes those),
  /// nor one that a kept entry rolls back (rollback_of must keep pointing somewhere).
  std::int64_t PruneJournal(std::string_view org, StoreTime cutoff);

  /// Remembers that the drift items `keys` were found drifted at `seen_at`, and forgets
  /// what was seen before `forget_before` (the flapping window), in one transaction.
  void RecordDriftSeen(std::string_view org, const std::vector<std::string>& keys,
                       StoreTime seen_at, StoreTime forget_before);
  /// Drift key -> the times it was found drifted (oldest first), for the flapping pause.
  std::map<std::string, std::vector<StoreTime>> DriftSeen(std::string_view org);

  /// Inserts or replaces the alert with `alert.fingerprint`.
  void UpsertAlert(const AlertRecord& alert);
  /// Every stored alert, by fingerprint.
  std::vector<AlertRecord> LoadAlerts();

 private:
  struct Impl;
  explicit StateStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfwarden::daemon
