#include "daemon/detail/sqlite.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace sfwarden::daemon::detail {

namespace {
constexpr std::size_t kSqlInMessage = 60;  // enough to recognise the statement

std::string Abbreviate(std::string_view sql) {
  std::string out(sql.substr(0, kSqlInMessage));
  for (char& c : out) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  if (sql.size() > kSqlInMessage) out += "...";
  return out;
}
}  // namespace

void SqliteCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

void Check(sqlite3* db, int rc, std::string_view what) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) return;
  const int errno_now = errno;  // the failed system call's, if SQLite did not record it
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  const char* detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string message = "state database '";
  message += file && *file ? file : "?";
  message += "': ";
  message += detail;
  // The operating system's errno says why a write failed: disk full (ENOSPC), file too
  // large (EFBIG), read-only file system (EROFS), permission denied. SQLite's own text
  // ("disk I/O error") does not.
  const int primary = rc & 0xff;
  if (db && (primary == SQLITE_IOERR || primary == SQLITE_FULL || primary == SQLITE_CANTOPEN ||
             primary == SQLITE_READONLY)) {
    int err = sqlite3_system_errno(db);
    if (err == 0) err = errno_now;
    if (err != 0) {
      message += ": ";
      message += std::strerror(err);
      message += " (errno " + std::to_string(err) + ")";
    }
  }
  message += " (while ";
  message += what;
  message += ")";
  throw SqliteError(message, rc);
}

void Exec(sqlite3* db, const char* sql) {
  Check(db, sqlite3_exec(db, sql, nullptr, nullptr, nullptr), "running " + Abbreviate(sql));
}

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db), sql_(sql) {
  // PERSISTENT: these statements are cached for the life of the store.
  Check(db_,
        sqlite3_prepare_v3(db_, sql_.data(), static_cast<int>(sql_.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr),
        "preparing " + Abbreviate(sql_));
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

// The error text is built only on failure: binds run several times per stored row, and
// abbreviating the SQL each time cost two allocations per bound value (bench/README.md).
void Statement::CheckBind(int rc) {
  if (rc != SQLITE_OK) Check(db_, rc, "binding " + Abbreviate(sql_));
}

Statement& Statement::Bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's view may die first. An empty
  // view may have a null data(), which SQLite would bind as NULL rather than ''.
  CheckBind(sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(),
                                SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::Bind(int index, std::int64_t value) {
  CheckBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::optional<std::int64_t> value) {
  if (value) return Bind(index, *value);
  CheckBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

bool Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) Check(db_, rc, "running " + Abbreviate(sql_));
  return false;
}

void Statement::Run() {
  while (Step()) {
  }
}

void Statement::Reset() {
  // The error of a failed step is reported by Step(); reset repeats it, so ignore it here.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Text(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

}  // namespace sfwarden::daemon::detail
