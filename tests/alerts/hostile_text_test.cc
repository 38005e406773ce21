// Strings from Salesforce (IPs, status texts, audit trail display text, actor names) in
// alerts: the summary and description stay one bounded line, labels keep only configured
// values, and every notifier payload carries the text as data (valid JSON that reads back
// the same; in Slack no markup such as <!channel> gets through).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "alerts/alert_book.h"
#include "alerts/notifier.h"
#include "alerts/rules.h"

namespace sfwarden::alerts {
namespace {

using namespace std::chrono;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr const char* kUser = "hubspot@acme.com";
const Time kAt = Time(sys_days(year(2024) / 5 / 1) + hours(10));
// Quote, backslash, newline, ANSI escape, Slack markup and a very long tail.
const std::string kHostile = "x\"y\\z\nlevel=error msg=forged\r\x1b[31m<!channel> <@U123|boss> &" +
                             std::string(20'000, 'A');

OrgRules Rules() {
  UserRules user;
  user.username = kUser;
  user.allowed_ips = {*IpRange::Parse("54.174.0.0/16")};
  OrgRules org;
  org.org = "prod";
  org.users = {user};
  org.monitoring_user = "sfwarden@acme.com";
  return org;
}

std::vector<Anomaly> HostileFindings() {
  RuleEngine engine(Rules());
  std::vector<Anomaly> out;
  collectors::LoginObservation login;
  login.id = "0Ya000000000001";
  login.username = kUser;
  login.time = kAt;
  login.source_ip = kHostile;
  login.country_iso = kHostile;
  login.status = kHostile;
  login.login_type = kHostile;
  login.application = kHostile;
  login.outcome = collectors::LoginOutcome::kSuccess;
  login.kind = collectors::LoginKind::kUi;
  for (auto& a : engine.OnLogin(login, {}).events) out.push_back(std::move(a));

  collectors::AuditObservation audit;
  audit.id = "0Ym000000000001";
  audit.time = kAt;
  audit.action = kHostile;
  audit.section = kHostile;
  audit.display = kHostile;
  audit.actor_username = kHostile;
  audit.delegate_user = kHostile;
  audit.concerns.usernames = {kUser};
  audit.requires_permission_read = true;
  for (auto& a : engine.OnAudit(audit).events) out.push_back(std::move(a));
  return out;
}

Alert ToAlert(const Anomaly& a) {
  Alert alert;
  alert.labels = a.Labels();
  alert.annotations = {{"summary", a.summary}, {"description", a.description}};
  alert.fingerprint = Fingerprint(alert.labels);
  alert.starts_at = a.at;
  return alert;
}

bool HasControlCharacter(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

TEST(HostileTextTest, AlertTextIsOneBoundedLineAndLabelsAreConfiguredValues) {
  const auto findings = HostileFindings();
  ASSERT_GE(findings.size(), 3u);  // UI login, disallowed IP, unexpected actor
  for (const auto& a : findings) {
    SCOPED_TRACE(a.alertname);
    EXPECT_FALSE(HasControlCharacter(a.summary)) << a.summary;
    EXPECT_FALSE(HasControlCharacter(a.description)) << a.description;
    EXPECT_LT(a.summary.size(), 2'000u);
    EXPECT_LT(a.description.size(), 4'000u);
    for (const auto& [name, value] : a.Labels()) {
      EXPECT_THAT(value, Not(HasSubstr("forged"))) << name;
      EXPECT_LT(value.size(), 100u) << name;
    }
    EXPECT_EQ(a.Labels().at("user"), kUser);
  }
}

TEST(HostileTextTest, PayloadsCarryTheTextAsData) {
  std::vector<Alert> alerts;
  for (const auto& a : HostileFindings()) alerts.push_back(ToAlert(a));
  const json am = json::parse(AlertmanagerPayload(alerts, kAt, minutes(4), "http://sfwarden"));
  ASSERT_EQ(am.size(), alerts.size());
  for (std::size_t i = 0; i < alerts.size(); ++i) {
    EXPECT_EQ(am[i]["annotations"]["description"], alerts[i].annotations["description"]);
  }
  const json hook = json::parse(WebhookPayload(alerts, "http://sfwarden"));
  EXPECT_EQ(hook["alerts"][0]["annotations"]["summary"], alerts[0].annotations["summary"]);

  const std::string slack = json::parse(SlackPayload(alerts))["text"];
  EXPECT_THAT(slack, Not(HasSubstr("<!channel>")));
  EXPECT_THAT(slack, Not(HasSubstr("<@U123")));
  EXPECT_THAT(slack, HasSubstr("&lt;!channel&gt;"));
}

}  // namespace
}  // namespace sfwarden::alerts
