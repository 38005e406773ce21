#include "sim/sessions.h"

#include "sim/crypto.h"

namespace sfwarden::sim {

std::string_view BearerToken(std::string_view h) {
  for (std::string_view scheme : {"Bearer ", "OAuth "}) {
    if (h.size() > scheme.size() && EqualsIgnoreCase(h.substr(0, scheme.size()), scheme)) {
      return h.substr(scheme.size());
    }
  }
  return {};
}

const Session& Sessions::Issue(const Org& org, const std::string& user_id, const ConnectedApp* app,
                               const std::string& refresh_token) {
  Session s;
  s.access_token = Id15(org.settings.org_id) + "!" + RandomToken(96);
  s.user_id = user_id;
  if (app != nullptr) {
    s.app_id = app->id;
    s.app_name = app->name;
  }
  s.refresh_token = refresh_token;
  s.issued_at = s.last_used = org.Now();
  std::string key = s.access_token;
  return sessions_[key] = std::move(s);
}

const RefreshGrant& Sessions::IssueRefresh(Org& org, const std::string& user_id,
                                           const ConnectedApp* app) {
  RefreshGrant g;
  g.token = "5Aep" + RandomToken(83);
  g.user_id = user_id;
  if (app != nullptr) {
    g.app_id = app->id;
    g.app_name = app->name;
  }
  auto& row =
      org.Insert("OAuthToken",
                 {{"AppName", g.app_name.empty() ? nlohmann::json() : nlohmann::json(g.app_name)},
                  {"UseCount", 0},
                  {"UserId", user_id},
                  {"LastUsedDate", org.NowText()}});
  g.oauth_token_id = row["Id"];
  std::string key = g.token;
  return refresh_[key] = std::move(g);
}

const RefreshGrant* Sessions::FindRefresh(std::string_view token) const {
  auto it = refresh_.find(std::string(token));
  return it == refresh_.end() ? nullptr : &it->second;
}

Session* Sessions::Authenticate(std::string_view header, EpochMs now, std::int64_t timeout_ms) {
  std::string_view token = BearerToken(header);
  if (token.empty()) return nullptr;
  auto it = sessions_.find(std::string(token));
  if (it == sessions_.end()) return nullptr;
  if (now - it->second.last_used > timeout_ms) {
    sessions_.erase(it);
    return nullptr;
  }
  it->second.last_used = now;
  return &it->second;
}

bool Sessions::Revoke(Org& org, std::string_view token) {
  std::string key(token);
  if (sessions_.erase(key) > 0) return true;
  auto it = refresh_.find(key);
  if (it == refresh_.end()) return false;
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.refresh_token == key; });
  if (auto* row = org.Get(it->second.oauth_token_id)) org.MarkDeleted(*row, "");
  refresh_.erase(it);
  return true;
}

void Sessions::RevokeUser(const std::string& user_id) {
  std::erase_if(sessions_, [&](const auto& kv) { return kv.second.user_id == user_id; });
}

}  // namespace sfwarden::sim
