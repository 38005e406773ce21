#pragma once
// HTTP basic authentication against bcrypt password hashes (the exporter-toolkit's
// basic_auth_users), checked with libxcrypt.

#include <array>
#include <chrono>
#include <functional>
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

/// How much bcrypt work the io_context thread spends on credentials it has not seen pass
/// before, measured in bcrypt rounds (a check at cost c is 2^c rounds): a token bucket
/// that refills at `rounds_per_second` up to `burst`. The default allows two cost-10
/// checks (~70 ms each) a second, a burst of ten: a flood of wrong passwords takes at most
/// about a seventh of the thread, whatever the cost, instead of all of it.
struct BcryptBudget {
  double rounds_per_second = 2 * 1024;
  double burst = 10 * 1024;
};

/// Checks `Authorization: Basic ...` headers against users and their bcrypt hashes.
/// A right user/password pair is remembered (as a SHA-256 digest of user, password and
/// stored hash, in memory only, at most kCacheSize) so that a scraper pays bcrypt's cost
/// once, not every scrape; remembered pairs pass whatever the budget. Wrong ones are never
/// cached. Once the BcryptBudget is spent, other credentials are refused without a check
/// until it refills (the server answers 401; the client tries again).
/// Not thread-safe; lives on the io_context thread.
class BasicAuth {
 public:
  static constexpr std::size_t kCacheSize = 64;
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  /// `users`: name → bcrypt hash, each already accepted by CheckBcryptHash. `now`: the
  /// budget's clock (tests inject one); default the steady clock.
  explicit BasicAuth(std::map<std::string, std::string> users, BcryptBudget budget = {},
                     Clock now = {});
  ~BasicAuth();
  BasicAuth(const BasicAuth&) = delete;
  BasicAuth& operator=(const BasicAuth&) = delete;

  /// True when `authorization` (the header's value, "" when absent) names a configured
  /// user with the right password. The hash comparison is constant-time, and an unknown
  /// user costs one bcrypt run like a known one.
  bool Check(std::string_view authorization);
  /// Checks refused unchecked because the budget was spent.
  std::size_t throttled() const { return throttled_; }

 private:
  bool TakeBudget(std::string_view hash);

  std::map<std::string, std::string> users_;
  BcryptBudget budget_;
  Clock now_;
  double tokens_;  // bcrypt rounds left in the bucket
  std::chrono::steady_clock::time_point refilled_at_;
  std::size_t throttled_ = 0;
  std::set<std::array<unsigned char, 32>> accepted_;
  struct CryptBuffer;
  std::unique_ptr<CryptBuffer> buffer_;  // libxcrypt's large work area, reused
};

}  // namespace sfwarden::daemon
