#include "alerts/rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sfwarden::alerts {
namespace {

using namespace std::chrono;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr const char* kUser = "hubspot@acme.com";

Time At(int y, unsigned m, unsigned d, int h, int min = 0, int s = 0) {
  return Time(sys_days(year(y) / month(m) / day(d)) + hours(h) + minutes(min) + seconds(s));
}

IpRange Range(const char* text) { return *IpRange::Parse(text); }

OrgRules Rules() {
  UserRules user;
  user.username = kUser;
  user.allowed_ips = {Range("54.174.0.0/16"), Range("2600:1f18::/36")};
  OrgRules org;
  org.org = "prod";
  org.users = {user};
  org.monitoring_user = "sfwarden@acme.com";
  org.expected_actors = {"admin@acme.com"};
  return org;
}

collectors::LoginObservation Login(
    Time t, const char* ip = "54.174.1.2",
    collectors::LoginOutcome outcome = collectors::LoginOutcome::kSuccess,
    collectors::LoginKind kind = collectors::LoginKind::kOAuth) {
  collectors::LoginObservation l;
  l.id = "0Ya000000000001";
  l.username = kUser;
  l.time = t;
  l.source_ip = ip;
  l.country_iso = "US";
  l.status = outcome == collectors::LoginOutcome::kSuccess ? "Success" : "Invalid Password";
  l.login_type = kind == collectors::LoginKind::kUi ? "Application" : "Remote Access 2.0";
  l.outcome = outcome;
  l.kind = kind;
  return l;
}

std::vector<std::string> Names(const std::vector<Anomaly>& anomalies) {
  std::vector<std::string> out;
  for (const auto& a : anomalies) out.push_back(a.alertname + "/" + a.severity);
  return out;
}

// --- UI login -----------------------------------------------------------------------

TEST(RulesTest, UiLoginOfApiOnlyUserIsCritical) {
  RuleEngine engine(Rules());
  auto f = engine.OnLogin(Login(At(2024, 5, 1, 10), "54.174.1.2",
                                collectors::LoginOutcome::kSuccess, collectors::LoginKind::kUi),
                          {});
  ASSERT_EQ(Names(f.events), std::vector<std::string>{"IntegrationUserUiLogin/critical"});
  const auto labels = f.events[0].Labels();
  EXPECT_EQ(labels.at("org"), "prod");
  EXPECT_EQ(labels.at("user"), kUser);
  EXPECT_THAT(f.events[0].description, HasSubstr("54.174.1.2"));
  EXPECT_THAT(f.events[0].description, HasSubstr("Application"));
  EXPECT_THAT(f.events[0].description, HasSubstr("2024-05-01T10:00:00Z"));
}

TEST(RulesTest, FailedUiLoginIsAWarningAndApiLoginIsNothing) {
  RuleEngine engine(Rules());
  auto failed =
      engine.OnLogin(Login(At(2024, 5, 1, 10), "54.174.1.2",
                           collectors::LoginOutcome::kInvalidPassword, collectors::LoginKind::kUi),
                     {});
  EXPECT_EQ(Names(failed.events), std::vector<std::string>{"IntegrationUserUiLogin/warning"});
  EXPECT_THAT(engine.OnLogin(Login(At(2024, 5, 1, 10)), {}).events, IsEmpty());
}

TEST(RulesTest, UnwatchedUserRaisesNothing) {
  RuleEngine engine(Rules());
  auto l = Login(At(2024, 5, 1, 10), "203.0.113.9", collectors::LoginOutcome::kSuccess,
                 collectors::LoginKind::kUi);
  l.username = "someone.else@acme.com";
  EXPECT_THAT(engine.OnLogin(l, {}).events, IsEmpty());
}

// --- allowed IPs --------------------------------------------------------------------

TEST(RulesTest, LoginOutsideAllowedRangesIsCriticalIPv4AndIPv6) {
  RuleEngine engine(Rules());
  for (const char* ip :
       {"203.0.113.9", "54.175.0.1", "2600:1f18:f000::1", "2001:db8::1", "not-an-ip", ""}) {
    auto f = engine.OnLogin(Login(At(2024, 5, 1, 10), ip), {});
    EXPECT_EQ(Names(f.events),
              std::vector<std::string>{"IntegrationUserLoginFromDisallowedIp/critical"})
        << ip;
  }
}

TEST(RulesTest, LoginInsideAllowedRangesIncludingEdgesAndMappedV4IsFine) {
  RuleEngine engine(Rules());
  for (const char* ip : {"54.174.0.0", "54.174.255.255", "::ffff:54.174.3.4", "2600:1f18::1",
                         "2600:1f18:0fff:ffff:ffff:ffff:ffff:ffff"}) {
    EXPECT_THAT(engine.OnLogin(Login(At(2024, 5, 1, 10), ip), {}).events, IsEmpty()) << ip;
  }
}

TEST(RulesTest, EmptyAllowListAllowsAnyAddress) {
  auto rules = Rules();
  rules.users[0].allowed_ips.clear();
  RuleEngine engine(rules);
  EXPECT_THAT(engine.OnLogin(Login(At(2024, 5, 1, 10), "203.0.113.9"), {}).events, IsEmpty());
}

TEST(RulesTest, ApiCallsFromOutsideAllowedRangesAreReportedWithoutALogin) {
  RuleEngine engine(Rules());
  collectors::ApiUsageObservation inside{.log_file_id = "0AT1",
                                         .interval = "Hourly",
                                         .period_start = At(2024, 5, 1, 9),
                                         .username = kUser,
                                         .connected_app = "HubSpot",
                                         .client_name = "",
                                         .client_ip = "54.174.9.9",
                                         .calls = 100,
                                         .calls_not_counted = 0};
  auto outside = inside;
  outside.client_ip = "2001:db8::7";
  outside.calls = 7;
  auto f = engine.OnApiUsage({inside, outside});
  ASSERT_EQ(Names(f.events),
            std::vector<std::string>{"IntegrationUserApiCallsFromDisallowedIp/critical"});
  EXPECT_THAT(f.events[0].summary, HasSubstr("2001:db8::7"));
  EXPECT_THAT(f.events[0].description, HasSubstr("7 calls"));
  EXPECT_THAT(f.events[0].description, HasSubstr("HubSpot"));
}

// --- OAuth tokens, audit ------------------------------------------------------------

TEST(RulesTest, NewOAuthTokenIsReported) {
  RuleEngine engine(Rules());
  collectors::OAuthTokenObservation t{.id = "0CQ1",
                                      .username = kUser,
                                      .app_name = "HubSpot",
                                      .created = At(2024, 5, 1, 8),
                                      .last_used = {},
                                      .use_count = 0};
  auto f = engine.OnTokenIssued(t);
  ASSERT_EQ(Names(f.events), std::vector<std::string>{"IntegrationUserOAuthTokenIssued/warning"});
  EXPECT_THAT(f.events[0].description, HasSubstr("HubSpot"));
}

TEST(RulesTest, ApiActivityWithoutLoginIsReportedWithItsEvidence) {
  RuleEngine engine(Rules());
  collectors::ActivityWithoutLoginObservation a{.username = kUser,
                                                .log_file_id = "0AT9",
                                                .interval = "Hourly",
                                                .period_start = At(2024, 5, 1, 8),
                                                .period_end = At(2024, 5, 1, 9),
                                                .calls = 42,
                                                .last_login = At(2024, 4, 28, 8),
                                                .last_token_use = {},
                                                .last_activity = {}};
  auto f = engine.OnActivityWithoutLogin(a);
  ASSERT_EQ(Names(f.events),
            std::vector<std::string>{"IntegrationUserApiActivityWithoutLogin/warning"});
  EXPECT_EQ(f.events[0].user, kUser);
  EXPECT_EQ(f.events[0].at, At(2024, 5, 1, 8));
  EXPECT_THAT(f.events[0].description, HasSubstr("42 calls"));
  EXPECT_THAT(f.events[0].description, HasSubstr("login: 2024-04-28T08:00:00Z"));
  EXPECT_THAT(f.events[0].description, HasSubstr("token use: none seen"));

  a.username = "someone.else@acme.com";  // not a watched user
  EXPECT_TRUE(engine.OnActivityWithoutLogin(a).events.empty());
}

collectors::AuditObservation PermAssign(const char* actor) {
  collectors::AuditObservation a;
  a.id = "0Ym1";
  a.time = At(2024, 5, 1, 11);
  a.action = "PermSetAssign";
  a.section = "Manage Users";
  a.display = "Permission set Extra_Access: assigned to user HubSpot Integration\n<evil>";
  a.actor_username = actor;
  a.concerns.usernames = {kUser};
  a.requires_permission_read = true;
  return a;
}

TEST(RulesTest, PermissionChangeByUnexpectedActorIsCritical) {
  RuleEngine engine(Rules());
  auto f = engine.OnAudit(PermAssign("mallory@acme.com"));
  ASSERT_EQ(Names(f.events),
            std::vector<std::string>{"PermissionChangeByUnexpectedActor/critical"});
  EXPECT_EQ(f.events[0].user, kUser);
  EXPECT_THAT(f.events[0].summary, HasSubstr("mallory@acme.com"));
  EXPECT_THAT(f.events[0].description, HasSubstr("PermSetAssign"));
  EXPECT_THAT(f.events[0].description, Not(HasSubstr("\n")));  // control chars replaced
}

TEST(RulesTest, ExpectedActorsAndSfwardenItselfAreExpected) {
  RuleEngine engine(Rules());
  EXPECT_THAT(engine.OnAudit(PermAssign("admin@acme.com")).events, IsEmpty());
  EXPECT_THAT(engine.OnAudit(PermAssign("sfwarden@acme.com")).events, IsEmpty());
  auto unknown = PermAssign("");
  unknown.actor_id = "005000000000001";
  EXPECT_EQ(engine.OnAudit(unknown).events.size(), 1u);  // no username: not expected
}

TEST(RulesTest, AuditEntriesNotTouchingWatchedPermissionsAreIgnored) {
  RuleEngine engine(Rules());
  auto a = PermAssign("mallory@acme.com");
  a.requires_permission_read = false;
  EXPECT_THAT(engine.OnAudit(a).events, IsEmpty());
  a = PermAssign("mallory@acme.com");
  a.concerns = {};
  EXPECT_THAT(engine.OnAudit(a).events, IsEmpty());
}

// --- new IP / country ---------------------------------------------------------------

TEST(RulesTest, NewIpAndCountryAlertOnlyAfterTheLearningPeriod) {
  RuleEngine engine(Rules());  // learning period 7 days
  const Time first = At(2024, 5, 1, 0);
  LoginContext ctx{.first_from_ip = true, .first_from_country = true, .watching_since = first};
  EXPECT_THAT(engine.OnLogin(Login(first + days(7) - milliseconds(1)), ctx).events, IsEmpty());
  auto f = engine.OnLogin(Login(first + days(7)), ctx);  // exactly at the end: learned
  EXPECT_EQ(Names(f.events),
            (std::vector<std::string>{"IntegrationUserLoginFromNewIp/warning",
                                      "IntegrationUserLoginFromNewCountry/warning"}));
  LoginContext known{.first_from_ip = false, .first_from_country = false, .watching_since = first};
  EXPECT_THAT(engine.OnLogin(Login(first + days(8)), known).events, IsEmpty());
  LoginContext unknown_start{
      .first_from_ip = true, .first_from_country = true, .watching_since = std::nullopt};
  EXPECT_THAT(engine.OnLogin(Login(first + days(8)), unknown_start).events, IsEmpty());
}

TEST(RulesTest, NewIpOutsideTheAllowListRaisesOnlyTheAllowListAlert) {
  RuleEngine engine(Rules());
  LoginContext ctx{
      .first_from_ip = true, .first_from_country = false, .watching_since = At(2024, 1, 1, 0)};
  auto f = engine.OnLogin(Login(At(2024, 5, 1, 0), "198.51.100.1"), ctx);
  EXPECT_EQ(Names(f.events),
            std::vector<std::string>{"IntegrationUserLoginFromDisallowedIp/critical"});
}

// --- failed-login burst -------------------------------------------------------------

TEST(RulesTest, FailedLoginBurstFiresAtExactlyTheCountWithinTheWindow) {
  auto rules = Rules();
  rules.users[0].failed_login_burst_count = 3;
  rules.users[0].failed_login_burst_window = minutes(10);
  RuleEngine engine(rules);
  const Time t0 = At(2024, 5, 1, 10);
  auto fail = [&](Time t) {
    return engine.OnLogin(Login(t, "54.174.1.2", collectors::LoginOutcome::kInvalidPassword), {});
  };
  EXPECT_THAT(fail(t0).events, IsEmpty());
  EXPECT_THAT(fail(t0 + minutes(5)).events, IsEmpty());
  auto third = fail(t0 + minutes(10));  // window edge: t0 is exactly 10 min before, counts
  ASSERT_EQ(Names(third.events),
            std::vector<std::string>{"IntegrationUserFailedLoginBurst/warning"});
  EXPECT_THAT(third.events[0].summary, HasSubstr("3 failed logins"));
}

TEST(RulesTest, FailuresFurtherApartThanTheWindowAreNoBurst) {
  auto rules = Rules();
  rules.users[0].failed_login_burst_count = 3;
  rules.users[0].failed_login_burst_window = minutes(10);
  RuleEngine engine(rules);
  const Time t0 = At(2024, 5, 1, 10);
  auto fail = [&](Time t) {
    return engine.OnLogin(Login(t, "54.174.1.2", collectors::LoginOutcome::kInvalidPassword), {});
  };
  fail(t0);
  fail(t0 + minutes(5));
  EXPECT_THAT(fail(t0 + minutes(10) + milliseconds(1)).events, IsEmpty());
  // Out of order within a poll: an earlier failure arriving late still counts.
  EXPECT_EQ(fail(t0 + minutes(4)).events.size(), 1u);
}

// --- login hours --------------------------------------------------------------------

TEST(RulesTest, LoginHoursAreEvaluatedInTheUsersTimeZone) {
  auto rules = Rules();
  LoginHours paris{
      .tz = *TimeZone::Load("Europe/Paris"), .from = hours(8), .to = hours(18), .days = {}};
  rules.users[0].login_hours = paris;
  RuleEngine engine(rules);
  // Summer (UTC+2): 06:00 UTC is 08:00 in Paris (inside, start inclusive); 16:00 UTC is
  // 18:00 (outside, end exclusive); 05:59 UTC is 07:59 (outside).
  EXPECT_THAT(engine.OnLogin(Login(At(2024, 7, 1, 6, 0)), {}).events, IsEmpty());
  EXPECT_THAT(engine.OnLogin(Login(At(2024, 7, 1, 15, 59)), {}).events, IsEmpty());
  auto late = engine.OnLogin(Login(At(2024, 7, 1, 16, 0)), {});
  EXPECT_EQ(Names(late.events),
            std::vector<std::string>{"IntegrationUserLoginOutsideHours/warning"});
  EXPECT_THAT(late.events[0].summary, HasSubstr("Europe/Paris"));
  EXPECT_EQ(engine.OnLogin(Login(At(2024, 7, 1, 5, 59)), {}).events.size(), 1u);
  // Winter (UTC+1): 07:00 UTC is 08:00.
  EXPECT_THAT(engine.OnLogin(Login(At(2024, 1, 15, 7, 0)), {}).events, IsEmpty());
  EXPECT_EQ(engine.OnLogin(Login(At(2024, 1, 15, 6, 59)), {}).events.size(), 1u);
}

TEST(RulesTest, LoginHoursDaysAndWindowsAcrossMidnight) {
  auto rules = Rules();
  // 22:00-06:00 UTC, windows starting Monday only. 2024-07-01 is a Monday.
  rules.users[0].login_hours =
      LoginHours{.tz = TimeZone::Utc(), .from = hours(22), .to = hours(6), .days = {Monday}};
  RuleEngine engine(rules);
  EXPECT_THAT(engine.OnLogin(Login(At(2024, 7, 1, 22, 0)), {}).events, IsEmpty());  // Mon
  EXPECT_THAT(engine.OnLogin(Login(At(2024, 7, 2, 5, 59)), {}).events, IsEmpty());  // Tue, Mon's
  EXPECT_EQ(engine.OnLogin(Login(At(2024, 7, 2, 6, 0)), {}).events.size(), 1u);
  EXPECT_EQ(engine.OnLogin(Login(At(2024, 7, 1, 3, 0)), {}).events.size(), 1u);   // Sun's window
  EXPECT_EQ(engine.OnLogin(Login(At(2024, 7, 2, 22, 0)), {}).events.size(), 1u);  // Tue
  // Failed logins are not judged by login hours (the burst rule covers them).
  EXPECT_THAT(engine
                  .OnLogin(Login(At(2024, 7, 2, 12, 0), "54.174.1.2",
                                 collectors::LoginOutcome::kInvalidPassword),
                           {})
                  .events,
              IsEmpty());
}

// --- dormant ------------------------------------------------------------------------

TEST(RulesTest, DormantAfterExpectedIntervalStrictly) {
  auto rules = Rules();
  rules.users[0].expected_login_every = hours(6);
  RuleEngine engine(rules);
  const Time last = At(2024, 5, 1, 0);
  auto at_edge = engine.CheckDormant({{kUser, last}}, At(2024, 4, 1, 0), last + hours(6));
  ASSERT_EQ(at_edge.conditions.size(), 1u);
  EXPECT_THAT(at_edge.conditions[0].active, IsEmpty());
  EXPECT_EQ(at_edge.conditions[0].alertnames, std::set<std::string>{"IntegrationUserDormant"});
  auto after =
      engine.CheckDormant({{kUser, last}}, At(2024, 4, 1, 0), last + hours(6) + milliseconds(1));
  ASSERT_EQ(Names(after.conditions[0].active),
            std::vector<std::string>{"IntegrationUserDormant/warning"});
  EXPECT_THAT(after.conditions[0].active[0].description, HasSubstr("2024-05-01T00:00:00Z"));
}

TEST(RulesTest, NeverSeenUserIsDormantCountingFromWatchStart) {
  auto rules = Rules();
  rules.users[0].expected_login_every = hours(1);
  RuleEngine engine(rules);
  const Time start = At(2024, 5, 1, 0);
  EXPECT_THAT(engine.CheckDormant({}, start, start + minutes(30)).conditions[0].active, IsEmpty());
  EXPECT_EQ(engine.CheckDormant({}, start, start + hours(2)).conditions[0].active.size(), 1u);
  rules.users[0].expected_login_every.reset();
  RuleEngine without(rules);
  EXPECT_THAT(without.CheckDormant({}, start, start + days(30)).conditions[0].active, IsEmpty());
}

// --- API usage ----------------------------------------------------------------------

collectors::LimitsObservation Limits(std::int64_t max, std::int64_t remaining) {
  collectors::LimitsObservation l;
  l.observed_at = At(2024, 5, 1, 12);
  l.limits["DailyApiRequests"].value = {.max = max, .remaining = remaining};
  return l;
}

TEST(RulesTest, OrgApiUsageWarningAndCriticalAtExactlyTheThresholds) {
  RuleEngine engine(Rules());  // 0.8 / 0.95
  const Time now = At(2024, 5, 1, 12);
  EXPECT_THAT(engine.OnLimits(Limits(1000, 201), now).conditions[0].active, IsEmpty());
  EXPECT_EQ(Names(engine.OnLimits(Limits(1000, 200), now).conditions[0].active),
            std::vector<std::string>{"OrgApiUsageHigh/warning"});
  EXPECT_EQ(Names(engine.OnLimits(Limits(1000, 50), now).conditions[0].active),
            (std::vector<std::string>{"OrgApiUsageHigh/warning", "OrgApiUsageHigh/critical"}));
  auto f = engine.OnLimits(Limits(1000, 50), now);
  EXPECT_THAT(f.conditions[0].active[1].description, HasSubstr("950 of 1000"));
  EXPECT_FALSE(f.conditions[0].user.has_value());
  collectors::LimitsObservation none;
  EXPECT_THAT(engine.OnLimits(none, now).conditions, IsEmpty());  // nothing evaluated
}

TEST(RulesTest, UserBudgetWarnsAtTheRatioAndIsCriticalAboveTheBudget) {
  auto rules = Rules();
  rules.users[0].api_daily_budget = 1000;
  rules.users[0].api_budget_warning = 0.8;
  RuleEngine engine(rules);
  const Time now = At(2024, 5, 1, 12);
  auto eval = [&](std::int64_t calls) {
    return Names(
        engine
            .OnDailyCalls(
                kUser,
                {{.username = kUser, .day = "2024-05-01", .calls = calls, .previous_days = {}}},
                now)
            .conditions[0]
            .active);
  };
  EXPECT_THAT(eval(799), IsEmpty());
  EXPECT_EQ(eval(800), std::vector<std::string>{"IntegrationUserApiBudgetExceeded/warning"});
  EXPECT_EQ(eval(1000), std::vector<std::string>{"IntegrationUserApiBudgetExceeded/warning"});
  EXPECT_EQ(eval(1001), std::vector<std::string>{"IntegrationUserApiBudgetExceeded/critical"});
}

TEST(RulesTest, SpikeAboveThreeTimesTheMedianWithAMinimum) {
  auto rules = Rules();
  rules.baseline_min_calls = 1000;
  RuleEngine engine(rules);
  const Time now = At(2024, 5, 1, 12);
  auto eval = [&](std::int64_t calls, std::vector<std::int64_t> history) {
    auto f = engine.OnDailyCalls(kUser,
                                 {{.username = kUser,
                                   .day = "2024-05-01",
                                   .calls = calls,
                                   .previous_days = std::move(history)}},
                                 now);
    EXPECT_EQ(f.conditions[0].user, std::optional<std::string>(kUser));
    return Names(f.conditions[0].active);
  };
  const std::vector<std::int64_t> week = {500, 400, 600, 10000, 500, 450, 550};  // median 500
  EXPECT_THAT(eval(1500, week), IsEmpty());  // exactly 3x: not above
  EXPECT_EQ(eval(1501, week), std::vector<std::string>{"IntegrationUserApiSpike/warning"});
  EXPECT_THAT(eval(900, {100, 100, 100}), IsEmpty());  // 9x but below the minimum
  EXPECT_THAT(eval(5000, {100, 100}), IsEmpty());      // too little history
}

// --- drift --------------------------------------------------------------------------

TEST(RulesTest, DriftOutcomesMapToAlertsAndRevertedIsAnEvent) {
  RuleEngine engine(Rules());
  std::vector<DriftItem> items(4);
  items[0] = {.user = kUser,
              .kind = "extra_permission_set",
              .subject = kUser,
              .item = "Extra_Access",
              .expected = "absent",
              .actual = "assigned",
              .changed_by = "mallory@acme.com",
              .outcome = DriftItem::Outcome::kReported};
  items[1] = items[0];
  items[1].outcome = DriftItem::Outcome::kFailed;
  items[1].error = "INSUFFICIENT_ACCESS";
  items[2] = items[0];
  items[2].outcome = DriftItem::Outcome::kPaused;
  items[3] = items[0];
  items[3].outcome = DriftItem::Outcome::kRestored;
  auto f = engine.OnDrift(items, At(2024, 5, 1, 12));
  ASSERT_EQ(f.conditions.size(), 1u);
  EXPECT_EQ(
      Names(f.conditions[0].active),
      (std::vector<std::string>{"EnforcementPaused/critical", "PermissionDriftDetected/warning",
                                "RemediationFailed/critical"}));
  EXPECT_EQ(Names(f.events), std::vector<std::string>{"PermissionDriftReverted/warning"});
  const auto& detected = f.conditions[0].active[1];
  EXPECT_EQ(detected.Labels().at("kind"), "extra_permission_set");
  EXPECT_THAT(detected.description, HasSubstr("Extra_Access"));
  EXPECT_THAT(detected.description, HasSubstr("mallory@acme.com"));
  EXPECT_THAT(f.conditions[0].active[2].description, HasSubstr("INSUFFICIENT_ACCESS"));
  EXPECT_THAT(engine.OnDrift({}, At(2024, 5, 1, 13)).conditions[0].active, IsEmpty());
}

TEST(RulesTest, OrgLevelDriftHasNoUserLabel) {
  RuleEngine engine(Rules());
  DriftItem owd{.kind = "org_wide_default",
                .subject = "Account",
                .item = "sharing model",
                .expected = "Private",
                .actual = "Read",
                .outcome = DriftItem::Outcome::kOverBound};
  auto f = engine.OnDrift({owd}, At(2024, 5, 1, 12));
  ASSERT_EQ(f.conditions[0].active.size(), 1u);
  EXPECT_EQ(f.conditions[0].active[0].Labels().count("user"), 0u);
  EXPECT_EQ(f.conditions[0].active[0].severity, "critical");
}

// --- text ---------------------------------------------------------------------------

TEST(RulesTest, UntrustedTextIsCleanedAndBoundedOnUtf8Boundaries) {
  EXPECT_EQ(Untrusted("a\nb\x1b[31m\x7f"), "a?b?[31m?");
  EXPECT_EQ(Untrusted("a\xc2\x9b[31m\xc2\xa0"), "a?[31m\xc2\xa0");  // C1 CSI; NBSP stays
  EXPECT_EQ(Untrusted("abcdef", 3), "abc...");
  EXPECT_EQ(Untrusted("ab\xc3\xa9", 3), "ab...");  // é not split
  EXPECT_EQ(FormatTime(At(2024, 1, 31, 23, 59, 59)), "2024-01-31T23:59:59Z");
  EXPECT_EQ(FormatTime(At(2024, 1, 31, 23, 59, 59) + milliseconds(250)),
            "2024-01-31T23:59:59.250Z");
}

}  // namespace
}  // namespace sfwarden::alerts
