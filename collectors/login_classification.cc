// LoginHistory.Status and LoginType folded into the bounded label sets of observations.h.
//
// Sources for the values (WIRE.md §5):
//  - Status is a free string, not a picklist, and Salesforce publishes no list of its
//    values. Seen in real orgs: "Success", "Invalid Password", "User is Inactive",
//    "Password Lockout", "User Is Frozen", "Failed: Computer activation required",
//    "Failed: API security token required", "Failed: Mobile License Required"
//    (salesforce.stackexchange.com/q/146422); "Restricted IP", "Restricted Time"
//    (livesalesforcetraining.com, "Salesforce Login Troubleshooting"). Capitalisation varies
//    between sources ("Invalid Password" / "Invalid password"), so matching ignores case.
//  - LoginType is a restricted picklist (Object Reference, LoginHistory:
//    developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/
//    sforce_api_objects_loginhistory.htm). "Remote Access 2.0" and "Application" are
//    confirmed by real payloads (examples/loginevent-query-response.json); "Other Apex API",
//    "Partner Product", "Remote Access Client", "OAuth Device Flow", "SAML Idp Initiated SSO",
//    "SAML Sfdc Initiated SSO", "Lightning Login", "Employee Login to Community" appear in
//    public detection queries and tooling that filter LoginHistory by LoginType; the full
//    picklist could not be retrieved here (UNCONFIRMED). Anything unknown folds to kOther.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>

#include "collectors/observations.h"

namespace sfwarden::collectors {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Without a lowered copy: these run for every LoginHistory row (bench/README.md, figure 4).
bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  return std::equal(a.begin(), a.end(), lower.begin(), lower.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) == static_cast<unsigned char>(y);
  });
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

}  // namespace

std::string_view ToString(LoginOutcome outcome) {
  switch (outcome) {
    case LoginOutcome::kSuccess:
      return "success";
    case LoginOutcome::kInvalidPassword:
      return "invalid_password";
    case LoginOutcome::kLockedOut:
      return "locked_out";
    case LoginOutcome::kInactiveUser:
      return "inactive_user";
    case LoginOutcome::kIpRestricted:
      return "ip_restricted";
    case LoginOutcome::kHoursRestricted:
      return "hours_restricted";
    case LoginOutcome::kOAuthFailure:
      return "oauth_failure";
    case LoginOutcome::kOther:
      return "other";
  }
  return "other";
}

std::string_view ToString(LoginKind kind) {
  switch (kind) {
    case LoginKind::kApi:
      return "api";
    case LoginKind::kOAuth:
      return "oauth";
    case LoginKind::kUi:
      return "ui";
    case LoginKind::kOther:
      return "other";
  }
  return "other";
}

LoginOutcome ClassifyLoginStatus(std::string_view status) {
  if (EqualsIgnoreCase(status, "success")) return LoginOutcome::kSuccess;
  const std::string s = Lower(status);
  // Order matters: "Password Lockout" names a password but is a lockout.
  if (Contains(s, "lockout") || Contains(s, "locked") || Contains(s, "frozen")) {
    return LoginOutcome::kLockedOut;
  }
  if (Contains(s, "inactive")) return LoginOutcome::kInactiveUser;
  if (Contains(s, "restricted ip") || Contains(s, "ip restricted") || Contains(s, "invalid ip")) {
    return LoginOutcome::kIpRestricted;
  }
  if (Contains(s, "restricted time") || Contains(s, "login hours")) {
    return LoginOutcome::kHoursRestricted;
  }
  if (Contains(s, "password")) return LoginOutcome::kInvalidPassword;  // "Invalid Password"
  if (s.starts_with("failed:")) return LoginOutcome::kOAuthFailure;
  return LoginOutcome::kOther;
}

LoginKind ClassifyLoginType(std::string_view login_type) {
  static constexpr std::array<std::string_view, 3> kApi = {"other apex api", "partner product",
                                                           "apex api"};
  static constexpr std::array<std::string_view, 4> kOAuth = {
      "remote access 2.0", "remote access client", "oauth device flow", "oauth 2.0"};
  static constexpr std::array<std::string_view, 8> kUi = {
      "application",        "saml idp initiated sso",           "saml sfdc initiated sso",
      "lightning login",    "employee login to community",      "third party sso",
      "passwordless login", "chatter communities external user"};
  auto in = [&](const auto& list) {
    return std::any_of(list.begin(), list.end(),
                       [&](std::string_view known) { return EqualsIgnoreCase(login_type, known); });
  };
  if (in(kApi)) return LoginKind::kApi;
  if (in(kOAuth)) return LoginKind::kOAuth;
  if (in(kUi)) return LoginKind::kUi;
  return LoginKind::kOther;
}

}  // namespace sfwarden::collectors
