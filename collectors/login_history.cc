// LoginHistory of the watched users, read incrementally (WIRE.md §5: LoginTime and UserId
// are filterable, Status is not).
#include <nlohmann/json.hpp>

#include "collectors/detail/poll_sources.h"
#include "salesforce/query_decoder.h"
#include "salesforce/soql.h"

namespace sfwarden::collectors::detail {

std::string LoginHistorySoql(std::span<const std::string> user_ids,
                             const std::optional<Time>& cursor, const OrgTarget& target) {
  salesforce::Soql q(
      "SELECT Id, UserId, LoginTime, LoginType, Status, SourceIp, CountryIso, Application "
      "FROM LoginHistory WHERE UserId IN ");
  q.StringList(user_ids);
  if (cursor) {
    // Rows arrive late: re-read the overlap; the same rows come again and consumers drop
    // them by Id.
    q.Raw(" AND LoginTime >= ").DateTime(*cursor - target.read_overlap);
  } else {
    q.Raw(" AND LoginTime = LAST_N_DAYS:").Int(target.initial_lookback_days);
  }
  q.Raw(" ORDER BY LoginTime ASC, Id ASC");
  return q.str();
}

std::optional<LoginObservation> DecodeLogin(const nlohmann::json& record,
                                            const UserDirectory& users) {
  using salesforce::FieldString;
  auto id = FieldString(record, "Id");
  auto user_id = FieldString(record, "UserId");
  auto time = TimeField(record, "LoginTime");
  if (!id || !user_id || !time) return std::nullopt;
  auto username = users.UsernameOf(*user_id);
  if (!username) return std::nullopt;
  LoginObservation login;
  login.id = std::move(*id);
  login.username = std::move(*username);
  login.user_id = std::move(*user_id);
  login.time = *time;
  login.source_ip = FieldString(record, "SourceIp").value_or("");
  login.country_iso = FieldString(record, "CountryIso").value_or("");
  login.status = FieldString(record, "Status").value_or("");
  login.login_type = FieldString(record, "LoginType").value_or("");
  login.application = FieldString(record, "Application").value_or("");
  login.outcome = ClassifyLoginStatus(login.status);
  login.kind = ClassifyLoginType(login.login_type);
  return login;
}

}  // namespace sfwarden::collectors::detail
