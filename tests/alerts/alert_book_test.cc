#include "alerts/alert_book.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sfwarden::alerts {
namespace {

using namespace std::chrono;
using ::testing::IsEmpty;
using ::testing::SizeIs;

const Time kT0 = Time(sys_days(year(2024) / 5 / 1));

Anomaly Event(const char* user = "hubspot@acme.com", const char* description = "evidence") {
  return Anomaly{.alertname = "IntegrationUserUiLogin",
                 .org = "prod",
                 .user = user,
                 .severity = "critical",
                 .extra_labels = {},
                 .summary = "UI login",
                 .description = description,
                 .at = kT0};
}

Anomaly Dormant(const char* user) {
  return Anomaly{.alertname = "IntegrationUserDormant",
                 .org = "prod",
                 .user = user,
                 .severity = "warning",
                 .extra_labels = {},
                 .summary = "dormant",
                 .description = "",
                 .at = kT0};
}

Findings Events(std::vector<Anomaly> events) {
  Findings f;
  f.events = std::move(events);
  return f;
}

Findings DormantEval(std::vector<Anomaly> active, std::optional<std::string> user = {}) {
  Findings f;
  f.conditions.push_back({.org = "prod",
                          .alertnames = {"IntegrationUserDormant"},
                          .user = std::move(user),
                          .active = std::move(active)});
  return f;
}

TEST(AlertBookTest, FingerprintDependsOnEveryLabelAndNotOnOrder) {
  Labels a{{"alertname", "X"}, {"org", "prod"}};
  Labels b{{"org", "prod"}, {"alertname", "X"}};
  EXPECT_EQ(Fingerprint(a), Fingerprint(b));
  EXPECT_NE(Fingerprint(a), Fingerprint({{"alertname", "X"}, {"org", "dev"}}));
  EXPECT_NE(Fingerprint({{"a", "bc"}}), Fingerprint({{"ab", "c"}}));
  EXPECT_EQ(Fingerprint(a).size(), 16u);
}

TEST(AlertBookTest, EventFiresOnceAndResolvesAfterTheHold) {
  AlertBook book(hours(1));
  auto t = book.Apply(Events({Event()}), kT0 + minutes(1));
  ASSERT_THAT(t.fired, SizeIs(1));
  EXPECT_EQ(t.fired[0].labels.at("alertname"), "IntegrationUserUiLogin");
  EXPECT_EQ(t.fired[0].labels.at("user"), "hubspot@acme.com");
  EXPECT_EQ(t.fired[0].starts_at, kT0);  // the login's own time
  EXPECT_EQ(t.fired[0].annotations.at("description"), "evidence");
  EXPECT_THAT(book.Expire(kT0 + minutes(60)).resolved, IsEmpty());
  auto expired = book.Expire(kT0 + minutes(61));
  ASSERT_THAT(expired.resolved, SizeIs(1));
  EXPECT_EQ(expired.resolved[0].ends_at, kT0 + minutes(61));
  EXPECT_FALSE(book.alerts().begin()->second.firing);
}

TEST(AlertBookTest, RepeatedEventIsDeduplicatedAndExtendsTheHold) {
  AlertBook book(hours(1));
  book.Apply(Events({Event()}), kT0);
  auto again = book.Apply(Events({Event("hubspot@acme.com", "second login")}), kT0 + minutes(30));
  EXPECT_THAT(again.fired, IsEmpty());  // no second notification
  EXPECT_THAT(again.changed, SizeIs(1));
  EXPECT_EQ(book.alerts().begin()->second.annotations.at("description"), "second login");
  EXPECT_THAT(book.Expire(kT0 + minutes(61)).resolved, IsEmpty());
  EXPECT_THAT(book.Expire(kT0 + minutes(90)).resolved, SizeIs(1));
  // After resolving, the same labels fire again as a new alert.
  auto refire = book.Apply(Events({Event()}), kT0 + minutes(120));
  EXPECT_THAT(refire.fired, SizeIs(1));
  EXPECT_EQ(book.alerts().size(), 1u);
}

TEST(AlertBookTest, ConditionResolvesWhenItsScopeNoLongerFindsIt) {
  AlertBook book(hours(1));
  auto fired = book.Apply(DormantEval({Dormant("a@x"), Dormant("b@x")}), kT0);
  EXPECT_THAT(fired.fired, SizeIs(2));
  auto still = book.Apply(DormantEval({Dormant("a@x"), Dormant("b@x")}), kT0 + minutes(1));
  EXPECT_TRUE(still.fired.empty() && still.resolved.empty());
  auto one = book.Apply(DormantEval({Dormant("b@x")}), kT0 + minutes(2));
  ASSERT_THAT(one.resolved, SizeIs(1));
  EXPECT_EQ(one.resolved[0].labels.at("user"), "a@x");
  EXPECT_FALSE(book.Expire(kT0 + days(2)).resolved.size());  // conditions never expire
}

TEST(AlertBookTest, UserScopedEvaluationLeavesOtherUsersAlone) {
  AlertBook book(hours(1));
  book.Apply(DormantEval({Dormant("a@x"), Dormant("b@x")}), kT0);
  auto t = book.Apply(DormantEval({}, "a@x"), kT0 + minutes(1));
  ASSERT_THAT(t.resolved, SizeIs(1));
  EXPECT_EQ(t.resolved[0].labels.at("user"), "a@x");
}

TEST(AlertBookTest, ConditionScopeNeverResolvesEventsOrOtherOrgs) {
  AlertBook book(hours(1));
  auto other_org = Dormant("a@x");
  other_org.org = "dev";
  Findings f = DormantEval({});
  f.conditions[0].alertnames.insert("IntegrationUserUiLogin");
  book.Apply(Events({Event()}), kT0);
  book.Apply(DormantEval({}), kT0);
  Findings dev;
  dev.conditions.push_back(
      {.org = "dev", .alertnames = {"IntegrationUserDormant"}, .user = {}, .active = {other_org}});
  book.Apply(dev, kT0);
  EXPECT_THAT(book.Apply(f, kT0 + minutes(1)).resolved, IsEmpty());
}

TEST(AlertBookTest, RestoredAlertsCauseNoTransitionsAndKeepTheirState) {
  AlertBook first(hours(1));
  first.Apply(DormantEval({Dormant("a@x")}), kT0);
  first.Apply(Events({Event()}), kT0);
  std::vector<Alert> saved;
  for (const auto& [fp, a] : first.alerts()) saved.push_back(a);

  AlertBook restarted(hours(1));
  restarted.Restore(saved);
  auto t = restarted.Apply(DormantEval({Dormant("a@x")}), kT0 + minutes(5));
  EXPECT_THAT(t.fired, IsEmpty());  // a restart does not re-notify
  EXPECT_THAT(restarted.Expire(kT0 + minutes(61)).resolved, SizeIs(1));  // nor forgets
  EXPECT_THAT(restarted.Apply(DormantEval({}), kT0 + minutes(62)).resolved, SizeIs(1));
}

}  // namespace
}  // namespace sfwarden::alerts
