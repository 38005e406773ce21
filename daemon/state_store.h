#pragma once
// OWNER: the state store (state_store.cc). See the implementation for the schema.

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

struct sqlite3;

namespace sfwarden::daemon {

/// A state-store failure the operator must fix (unwritable dir, locked by another
/// instance, written by a newer sfwarden, corrupt). The message says which and where.
class StateStoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The daemon's SQLite database (WAL) in the state directory.
/// Owned by the daemon; used only from the io_context thread.
class StateStore {
 public:
  /// Creates the directory and database if needed, migrates, and takes an exclusive
  /// lock so a second sfwarden on the same state dir fails. Throws StateStoreError.
  static std::unique_ptr<StateStore> Open(const std::filesystem::path& state_dir);
  ~StateStore();
  StateStore(const StateStore&) = delete;
  StateStore& operator=(const StateStore&) = delete;

  int schema_version() const;
  /// Flushes the WAL into the main database (on shutdown).
  void Checkpoint();

 private:
  explicit StateStore(sqlite3* db, int lock_fd);
  sqlite3* db_;
  int lock_fd_;
};

}  // namespace sfwarden::daemon
