#pragma once
// Writing LoginHistory rows the way a real org does for API logins.

#include <string>

#include "sim/org.h"

namespace sfwarden::sim {

struct LoginRecord {
  std::string user_id;
  EpochMs time = 0;  // 0: now
  std::string source_ip = "127.0.0.1";
  // Status texts seen in real orgs: Success, Invalid Password, User is Inactive,
  // User Is Frozen, Restricted IP, Restricted Time, … [WIRE.md §5 LoginHistory].
  std::string status = "Success";
  std::string login_type = "Remote Access 2.0";  // OAuth / connected app logins
  std::string login_sub_type;                    // "" → null
  std::string application;                       // the connected app's name
  std::string login_url = "login.salesforce.com";
  std::string country_iso;  // "" → null
};

/// Inserts the LoginHistory row (API-login value style of composed-rest-query-loginhistory.json:
/// Browser/Platform "Unknown", ApiType/ApiVersion "N/A", TLS 1.2) and, on Success, sets
/// User.LastLoginDate. Returns the row.
nlohmann::json& RecordLogin(Org& org, const LoginRecord& login);

}  // namespace sfwarden::sim
