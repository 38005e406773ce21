#include "sim/login_history.h"

namespace sfwarden::sim {
namespace {
nlohmann::json OrNull(const std::string& s) {
  return s.empty() ? nlohmann::json() : nlohmann::json(s);
}
}  // namespace

nlohmann::json& RecordLogin(Org& org, const LoginRecord& l) {
  std::string when = FormatDateTime(l.time == 0 ? org.Now() : l.time);
  auto& row = org.Insert("LoginHistory", {{"UserId", l.user_id},
                                          {"LoginTime", when},
                                          {"LoginType", l.login_type},
                                          {"LoginUrl", l.login_url},
                                          {"SourceIp", l.source_ip},
                                          {"Status", l.status},
                                          {"Application", OrNull(l.application)},
                                          {"Browser", "Unknown"},
                                          {"Platform", "Unknown"},
                                          {"ApiType", "N/A"},
                                          {"ApiVersion", "N/A"},
                                          {"ClientVersion", "N/A"},
                                          {"TlsProtocol", "TLS 1.2"},
                                          {"CipherSuite", "ECDHE-RSA-AES256-GCM-SHA384"},
                                          {"CountryIso", OrNull(l.country_iso)},
                                          {"LoginSubType", OrNull(l.login_sub_type)},
                                          {"OptionsIsGet", false},
                                          {"OptionsIsPost", true}});
  if (l.status == "Success") {
    if (auto* user = org.Get(l.user_id)) {
      if (!(*user)["LastLoginDate"].is_string() ||
          (*user)["LastLoginDate"].get<std::string>() < when)
        (*user)["LastLoginDate"] = when;
    }
  }
  return row;
}

}  // namespace sfwarden::sim
