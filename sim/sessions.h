#pragma once
// OAuth access tokens (sessions) and refresh tokens issued by the simulator.

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "sim/clock.h"
#include "sim/org.h"

namespace sfwarden::sim {

struct Session {
  std::string access_token;
  std::string user_id;
  std::string app_id;  // "" when issued without a connected app (control API)
  std::string app_name;
  std::string refresh_token;  // the grant it came from, if any
  EpochMs issued_at = 0;
  EpochMs last_used = 0;
};

struct RefreshGrant {
  std::string token;
  std::string user_id;
  std::string app_id;
  std::string app_name;
  std::string oauth_token_id;  // the OAuthToken row (0CR…) that shows this grant
};

/// Not thread-safe; owned by SimState.
class Sessions {
 public:
  /// A new access token "<org Id 15>!<random>" for `user_id`.
  const Session& Issue(const Org& org, const std::string& user_id, const ConnectedApp* app,
                       const std::string& refresh_token = "");
  /// A new refresh token; also writes the OAuthToken row that lists the grant.
  const RefreshGrant& IssueRefresh(Org& org, const std::string& user_id, const ConnectedApp* app);
  const RefreshGrant* FindRefresh(std::string_view token) const;

  /// The session for an "Authorization: Bearer <t>" (or "OAuth <t>") header value, or
  /// nullptr when unknown, revoked, or idle longer than `timeout_ms` — Salesforce's
  /// session timeout counts inactivity, and each successful request resets it
  /// (salesforce.stackexchange.com/q/212976). Marks the session used.
  Session* Authenticate(std::string_view authorization_header, EpochMs now,
                        std::int64_t timeout_ms);
  /// Revokes an access token, or a refresh token together with the access tokens issued
  /// from it [WIRE.md §1 Revoke]. False when the token is unknown.
  bool Revoke(Org& org, std::string_view token);
  /// Ends every session of a user (deactivation).
  void RevokeUser(const std::string& user_id);
  size_t active_count() const { return sessions_.size(); }

 private:
  std::unordered_map<std::string, Session> sessions_;
  std::unordered_map<std::string, RefreshGrant> refresh_;
};

/// The token from an Authorization header value ("Bearer x" / "OAuth x"), or "".
std::string_view BearerToken(std::string_view authorization_header);

}  // namespace sfwarden::sim
