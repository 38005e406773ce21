#include "daemon/alert_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <signal.h>
#include <sys/resource.h>

#include <boost/asio/io_context.hpp>

#include "daemon/state_store.h"
#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {

using namespace std::chrono;
using ::testing::HasSubstr;

constexpr const char* kUser = "hubspot@acme.com";

Config TestConfig() {
  Config config;
  OrgConfig org;
  org.name = "prod";
  org.auth.username = "sfwarden@acme.com";
  IntegrationUserConfig user;
  user.username = kUser;
  user.allowed_ips = {*alerts::IpRange::Parse("54.174.0.0/16")};
  user.expected_login_every = hours(6);
  user.login_hours =
      LoginHoursConfig{.tz = "Europe/Paris", .from = hours(8), .to = hours(18), .days = {}};
  org.integration_users = {user};
  config.orgs = {org};
  config.alerting.resolve_events_after = minutes(30);
  return config;
}

collectors::LoginObservation UiLogin(alerts::Time t) {
  collectors::LoginObservation l;
  l.id = "0Ya1";
  l.username = kUser;
  l.time = t;
  l.source_ip = "54.174.1.2";
  l.status = "Success";
  l.login_type = "Application";
  l.outcome = collectors::LoginOutcome::kSuccess;
  l.kind = collectors::LoginKind::kUi;
  return l;
}

// An extra permission set that enforcement failed to remove.
DriftEvent FailedRemediation() {
  return {.user = kUser,
          .kind = "extra_permission_set",
          .key = "k1",
          .subject = kUser,
          .item = "Extra_Access",
          .expected = "absent",
          .actual = "assigned",
          .outcome = DriftEvent::Outcome::kFailed,
          .error = "INSUFFICIENT_ACCESS"};
}

// The value of the gauge or counter `name` whose label `label` is `value`; `missing` when
// there is none.
double Value(prometheus::Registry& registry, const std::string& name, const std::string& label,
             const std::string& value, double missing) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      for (const auto& l : m.label) {
        if (l.name == label && l.value == value) {
          return family.type == prometheus::MetricType::Counter ? m.counter.value : m.gauge.value;
        }
      }
    }
  }
  return missing;
}

double Firing(prometheus::Registry& registry, const std::string& alertname) {
  return Value(registry, "sfwarden_alerts_firing", "alertname", alertname, -1);
}

class AlertServiceTest : public ::testing::Test {
 protected:
  AlertServiceTest() : store_(StateStore::Open(dir_.path() / "state")) {}

  std::unique_ptr<AlertService> Make(prometheus::Registry& registry,
                                     const Config& config = TestConfig()) {
    AlertServiceOptions options;
    options.now = [this] { return now_; };
    return std::make_unique<AlertService>(ioc_, registry, *store_, config, options);
  }

  testing::TempDir dir_;
  boost::asio::io_context ioc_;
  std::unique_ptr<StateStore> store_;
  alerts::Time now_ = alerts::Time(sys_days(year(2024) / 5 / 1) + hours(10));
};

TEST_F(AlertServiceTest, ConfigMapsToRules) {
  auto rules = ToOrgRules(TestConfig().orgs[0], TestConfig().alerting);
  EXPECT_EQ(rules.org, "prod");
  EXPECT_EQ(rules.monitoring_user, "sfwarden@acme.com");
  ASSERT_EQ(rules.users.size(), 1u);
  EXPECT_EQ(rules.users[0].login_hours->tz.name(), "Europe/Paris");
  EXPECT_EQ(rules.users[0].expected_login_every, hours(6));
  EXPECT_EQ(rules.learning_period, days(7));
}

TEST_F(AlertServiceTest, UiLoginFiresIsStoredAndSurvivesARestartWithoutRefiring) {
  {
    prometheus::Registry registry;
    auto service = Make(registry);
    service->OnObservations({.org = "prod", .logins = {UiLogin(now_ - minutes(1))}});
    EXPECT_EQ(Firing(registry, "IntegrationUserUiLogin"), 1);
    auto stored = store_->LoadAlerts();
    ASSERT_EQ(stored.size(), 1u);
    EXPECT_EQ(stored[0].alertname, "IntegrationUserUiLogin");
    EXPECT_EQ(stored[0].state, AlertState::kFiring);
    EXPECT_THAT(stored[0].labels_json, HasSubstr(kUser));
    EXPECT_THAT(stored[0].annotations_json, HasSubstr("54.174.1.2"));
  }
  prometheus::Registry registry;
  auto restarted = Make(registry);
  EXPECT_EQ(Firing(registry, "IntegrationUserUiLogin"), 1);  // not forgotten
  now_ += minutes(29);
  restarted->Tick();
  EXPECT_EQ(Firing(registry, "IntegrationUserUiLogin"), 1);
  now_ += minutes(2);  // past the 30 min hold
  restarted->Tick();
  EXPECT_EQ(Firing(registry, "IntegrationUserUiLogin"), 0);
  EXPECT_EQ(store_->LoadAlerts()[0].state, AlertState::kResolved);
}

TEST_F(AlertServiceTest, DormantUserFiresOnTheTimerAndResolvesOnLogin) {
  prometheus::Registry registry;
  auto service = Make(registry);
  service->Tick();
  EXPECT_NE(Firing(registry, "IntegrationUserDormant"), 1);
  now_ += hours(7);  // never logged in since the service started
  service->Tick();
  EXPECT_EQ(Firing(registry, "IntegrationUserDormant"), 1);
  LoginRecord login{.id = "0Ya2",
                    .username = kUser,
                    .time_ms = duration_cast<milliseconds>(now_.time_since_epoch()).count(),
                    .ip = "54.174.1.2",
                    .country = "US",
                    .outcome = "success",
                    .type = "oauth"};
  store_->RecordLogins("prod", {login}, std::nullopt, floor<seconds>(now_));
  service->Tick();
  EXPECT_EQ(Firing(registry, "IntegrationUserDormant"), 0);
}

TEST_F(AlertServiceTest, DriftCycleFiresAndAnEmptyCycleResolves) {
  prometheus::Registry registry;
  auto service = Make(registry);
  service->OnDrift({.org = "prod", .read_at = now_, .items = {FailedRemediation()}});
  EXPECT_EQ(Firing(registry, "RemediationFailed"), 1);
  service->OnDrift({.org = "prod", .read_at = now_, .items = {}});
  EXPECT_EQ(Firing(registry, "RemediationFailed"), 0);
}

TEST_F(AlertServiceTest, ConditionAlertsOfAnOrgRemovedFromTheConfigResolve) {
  prometheus::Registry registry;
  auto service = Make(registry);
  service->OnDrift({.org = "prod", .read_at = now_, .items = {FailedRemediation()}});
  ASSERT_EQ(Firing(registry, "RemediationFailed"), 1);

  Config kept = TestConfig();
  service->Reconfigure(kept);  // still configured: still firing
  EXPECT_EQ(Firing(registry, "RemediationFailed"), 1);

  Config without = TestConfig();
  without.orgs.clear();
  service->Reconfigure(without);
  EXPECT_EQ(Firing(registry, "RemediationFailed"), 0);
  ASSERT_EQ(store_->LoadAlerts().size(), 1u);
  EXPECT_EQ(store_->LoadAlerts()[0].state, AlertState::kResolved);
}

// Every write to a regular file fails with EFBIG while it lives (the test process's
// RLIMIT_FSIZE at 0, SIGXFSZ ignored as the daemon ignores it): a full disk, in-process.
class NoFileWrites {
 public:
  NoFileWrites() {
    getrlimit(RLIMIT_FSIZE, &saved_);
    previous_ = signal(SIGXFSZ, SIG_IGN);
    rlimit none = saved_;
    none.rlim_cur = 0;
    setrlimit(RLIMIT_FSIZE, &none);
  }
  ~NoFileWrites() {
    setrlimit(RLIMIT_FSIZE, &saved_);
    signal(SIGXFSZ, previous_);
  }
  NoFileWrites(const NoFileWrites&) = delete;
  NoFileWrites& operator=(const NoFileWrites&) = delete;

 private:
  rlimit saved_{};
  sighandler_t previous_ = SIG_DFL;
};

double StateStoreErrors(prometheus::Registry& registry, const std::string& org) {
  return Value(registry, "sfwarden_state_store_errors_total", "org", org, 0);
}

TEST_F(AlertServiceTest, AlertTheStoreCannotTakeIsCountedNotifiedAndSavedOnceItCan) {
  prometheus::Registry registry;
  auto service = Make(registry);
  {
    NoFileWrites disk_full;
    service->OnDrift({.org = "prod", .read_at = now_, .items = {FailedRemediation()}});
    EXPECT_EQ(Firing(registry, "RemediationFailed"), 1);  // raised all the same
    EXPECT_GE(StateStoreErrors(registry, "prod"), 1);
    service->Tick();  // tries again, fails again
  }
  const double errors = StateStoreErrors(registry, "prod");
  EXPECT_GE(errors, 2);
  EXPECT_TRUE(store_->LoadAlerts().empty());

  service->Tick();  // the store takes writes again
  auto stored = store_->LoadAlerts();
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].alertname, "RemediationFailed");
  EXPECT_EQ(stored[0].state, AlertState::kFiring);
  service->Tick();
  EXPECT_EQ(StateStoreErrors(registry, "prod"), errors);  // nothing left to retry
}

TEST_F(AlertServiceTest, UnknownOrgIsIgnored) {
  prometheus::Registry registry;
  auto service = Make(registry);
  service->OnObservations({.org = "other", .logins = {UiLogin(now_)}});
  EXPECT_TRUE(service->book().alerts().empty());
}

}  // namespace
}  // namespace sfwarden::daemon
