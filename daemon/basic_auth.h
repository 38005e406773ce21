#pragma once
// HTTP basic authentication against bcrypt password hashes (the exporter-toolkit's
// basic_auth_users), checked with libxcrypt.

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace sfwarden::daemon {

/// Why `hash` is not a bcrypt hash sfwarden accepts ($2a$/$2b$/$2y$, cost 4 to
/// kMaxBcryptCost, 60 characters, accepted by libxcrypt); nullopt when it is fine.
/// The message never contains the hash.
std::optional<std::string> CheckBcryptHash(std::string_view hash);

/// bcrypt runs on the daemon's only thread: a cost of 15 would block every other request
/// for seconds per check. 12 (~0.3 s) is as far as we go.
inline constexpr int kMaxBcryptCost = 12;

/// Checks `Authorization: Basic ...` headers against users and their bcrypt hashes.
/// A right user/password pair is remembered (as a SHA-256 digest, at most kCacheSize) so
/// that a scraper pays bcrypt's cost once, not every scrape. Wrong ones are never cached.
/// Not thread-safe; lives on the io_context thread.
class BasicAuth {
 public:
  static constexpr std::size_t kCacheSize = 64;

  /// `users`: name → bcrypt hash, each already accepted by CheckBcryptHash.
  explicit BasicAuth(std::map<std::string, std::string> users);
  ~BasicAuth();
  BasicAuth(const BasicAuth&) = delete;
  BasicAuth& operator=(const BasicAuth&) = delete;

  /// True when `authorization` (the header's value, "" when absent) names a configured
  /// user with the right password. The hash comparison is constant-time, and an unknown
  /// user costs one bcrypt run like a known one.
  bool Check(std::string_view authorization);

 private:
  std::map<std::string, std::string> users_;
  std::set<std::array<unsigned char, 32>> accepted_;
  struct CryptBuffer;
  std::unique_ptr<CryptBuffer> buffer_;  // libxcrypt's large work area, reused
};

}  // namespace sfwarden::daemon
