// LoginHistory of the watched users, read incrementally (WIRE.md §5: LoginTime and UserId
// are filterable, Status is not).
#include <array>
#include <string>

#include "collectors/detail/poll_sources.h"
#include "salesforce/query_decoder.h"
#include "salesforce/soql.h"

namespace sfwarden::collectors::detail {
namespace {
// Positions in LoginHistoryFields().
enum LoginHistoryField : std::size_t {
  kLoginId,
  kLoginUserId,
  kLoginTime,
  kLoginType,
  kLoginStatus,
  kLoginSourceIp,
  kLoginCountryIso,
  kLoginApplication,
  kLoginFieldCount
};
}  // namespace

std::span<const std::string> LoginHistoryFields() {
  static const std::array<std::string, kLoginFieldCount> kFields = {
      "Id", "UserId", "LoginTime", "LoginType", "Status", "SourceIp", "CountryIso", "Application"};
  return kFields;
}

std::string LoginHistorySoql(std::span<const std::string> user_ids,
                             const std::optional<Time>& cursor, const OrgTarget& target) {
  std::string select = "SELECT ";
  for (const auto& field : LoginHistoryFields()) {
    if (select.size() > 7) select += ", ";
    select += field;
  }
  salesforce::Soql q(select + " FROM LoginHistory WHERE UserId IN ");
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

std::optional<LoginObservation> DecodeLogin(salesforce::StringRow&& row,
                                            const UserDirectory& users) {
  if (row.size() != kLoginFieldCount) return std::nullopt;
  auto& id = row[kLoginId];
  auto& user_id = row[kLoginUserId];
  auto& time_text = row[kLoginTime];
  if (!id || !user_id || !time_text) return std::nullopt;
  auto time = TimeOf(*time_text);
  if (!time) return std::nullopt;
  auto username = users.UsernameOf(*user_id);
  if (!username) return std::nullopt;
  auto take = [&row](LoginHistoryField field) { return std::move(row[field]).value_or(""); };
  LoginObservation login;
  login.id = std::move(*id);
  login.username = std::move(*username);
  login.user_id = std::move(*user_id);
  login.time = *time;
  login.source_ip = take(kLoginSourceIp);
  login.country_iso = take(kLoginCountryIso);
  login.status = take(kLoginStatus);
  login.login_type = take(kLoginType);
  login.application = take(kLoginApplication);
  login.outcome = ClassifyLoginStatus(login.status);
  login.kind = ClassifyLoginType(login.login_type);
  return login;
}

}  // namespace sfwarden::collectors::detail
