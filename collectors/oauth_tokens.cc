// OAuthToken rows of the watched users that were created or used since the cursor. A
// refresh-token exchange writes no LoginHistory row (issue 5), so token use is the only
// trace of a replayed refresh token. Fields: Id, AppName, CreatedDate, LastUsedDate,
// UseCount, UserId (Object Reference, OAuthToken; the fields sfsim models in sim/schema.cc).
#include <nlohmann/json.hpp>

#include "collectors/detail/poll_sources.h"
#include "salesforce/query_decoder.h"
#include "salesforce/soql.h"

namespace sfwarden::collectors::detail {

std::string OAuthTokenSoql(std::span<const std::string> user_ids, const std::optional<Time>& cursor,
                           const OrgTarget& target) {
  salesforce::Soql q(
      "SELECT Id, AppName, CreatedDate, LastUsedDate, UseCount, UserId FROM OAuthToken "
      "WHERE UserId IN ");
  q.StringList(user_ids);
  if (cursor) {
    // Whether LastUsedDate is filterable on a real org is UNCONFIRMED (the Object Reference
    // page was not retrievable here); sfsim filters it. Without a cursor every token of the
    // users is read: they are few.
    auto since = *cursor - target.read_overlap;
    q.Raw(" AND (CreatedDate >= ").DateTime(since).Raw(" OR LastUsedDate >= ").DateTime(since);
    q.Raw(")");
  }
  q.Raw(" ORDER BY CreatedDate ASC, Id ASC");
  return q.str();
}

std::optional<OAuthTokenObservation> DecodeOAuthToken(const nlohmann::json& record,
                                                      const UserDirectory& users) {
  using salesforce::FieldString;
  auto id = FieldString(record, "Id");
  auto user_id = FieldString(record, "UserId");
  auto created = TimeField(record, "CreatedDate");
  if (!id || !user_id || !created) return std::nullopt;
  auto username = users.UsernameOf(*user_id);
  if (!username) return std::nullopt;
  OAuthTokenObservation token;
  token.id = *id;
  token.username = *username;
  token.app_name = FieldString(record, "AppName").value_or("");
  token.created = *created;
  token.last_used = TimeField(record, "LastUsedDate");
  if (auto it = record.find("UseCount"); it != record.end() && it->is_number()) {
    token.use_count = static_cast<std::int64_t>(it->get<double>());
  }
  return token;
}

}  // namespace sfwarden::collectors::detail
