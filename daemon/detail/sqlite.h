#pragma once
// A tiny RAII layer over the SQLite C API for the state store: a connection handle, a
// prepared statement with typed binds and columns, and errors that carry the result code.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/state_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace sfwarden::daemon::detail {

/// A failed SQLite call. The message names the database file and what was being done;
/// code() is SQLite's extended result code (SQLITE_NOTADB, SQLITE_BUSY, ...).
class SqliteError : public StateStoreError {
 public:
  SqliteError(const std::string& message, int code) : StateStoreError(message), code_(code) {}
  int code() const { return code_; }
  /// The primary result code (code() & 0xff).
  int primary_code() const { return code_ & 0xff; }

 private:
  int code_;
};

struct SqliteCloser {
  void operator()(sqlite3* db) const;
};
/// Owns a connection; closing it finalizes nothing, so statements must go first.
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

/// Throws SqliteError for `rc` unless it is SQLITE_OK, SQLITE_ROW or SQLITE_DONE.
/// `what` says what was being done ("preparing INSERT INTO cursors...").
void Check(sqlite3* db, int rc, std::string_view what);

/// Runs `sql` (one or more statements, no parameters, rows ignored).
void Exec(sqlite3* db, const char* sql);

/// One prepared statement. Binds are 1-based, columns 0-based. Owned by whoever prepared
/// it; must be destroyed before its connection.
class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::optional<std::int64_t> value);  // nullopt binds NULL

  /// Steps once: true when a row is ready, false when the statement is done.
  bool Step();
  /// Steps to completion (for writes).
  void Run();
  /// Resets and clears the binds. A statement that is not reset after reading keeps its
  /// read transaction open, which would stop checkpoints: see Use below.
  void Reset();

  std::int64_t Int(int column) const;
  std::string Text(int column) const;  // "" for NULL
  bool IsNull(int column) const;

 private:
  void CheckBind(int rc);  // throws SqliteError unless SQLITE_OK

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;  // for error messages
};

/// Borrows a cached statement for one use and resets it at the end of the scope.
class Use {
 public:
  explicit Use(Statement& statement) : statement_(statement) {}
  ~Use() { statement_.Reset(); }
  Use(const Use&) = delete;
  Use& operator=(const Use&) = delete;
  Statement* operator->() const { return &statement_; }
  Statement& operator*() const { return statement_; }

 private:
  Statement& statement_;
};

}  // namespace sfwarden::daemon::detail
