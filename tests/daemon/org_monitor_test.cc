#include "daemon/org_monitor.h"

#include <gtest/gtest.h>

#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {

OrgConfig Org() {
  OrgConfig org;
  org.name = "prod";
  org.login_url = "https://acme.my.salesforce.com";
  org.auth.flow = AuthFlow::kClientCredentials;
  org.auth.client_id = Secret("id");
  org.auth.client_secret = Secret("secret");
  IntegrationUserConfig user;
  user.username = "hubspot@acme.com";
  user.baseline.permission_sets = {"HubSpot_Sync"};
  org.integration_users = {user};
  return org;
}

TEST(OrgMonitorTest, SameConfigKeepsTheMonitor) {
  auto org = Org();
  EXPECT_FALSE(MonitorNeedsRestart(org, MonitorFingerprint(org), Org()));
}

TEST(OrgMonitorTest, ScheduleBaselineOrSecretChangesRestartIt) {
  auto running = Org();
  auto fingerprint = MonitorFingerprint(running);

  auto poll = Org();
  poll.poll.logins = std::chrono::seconds(30);
  auto baseline = Org();
  baseline.integration_users[0].baseline.public_groups = {"HubSpot_Group"};
  auto secret = Org();
  secret.auth.client_secret = Secret("rotated");
  auto user = Org();
  user.integration_users[0].username = "marketo@acme.com";

  for (const auto* next : {&poll, &baseline, &secret, &user}) {
    EXPECT_TRUE(MonitorNeedsRestart(running, fingerprint, *next));
  }
}

TEST(OrgMonitorTest, RotatedPrivateKeyFileRestartsIt) {
  testing::TempDir dir;
  auto org = Org();
  org.auth.flow = AuthFlow::kJwtBearer;
  org.auth.private_key_file = dir.Write("key.pem", "old key", 0600);
  auto fingerprint = MonitorFingerprint(org);

  dir.Write("key.pem", "new key", 0600);

  EXPECT_TRUE(MonitorNeedsRestart(org, fingerprint, org));
  EXPECT_EQ(MonitorFingerprint(org).find("new key"), std::string::npos);
}

}  // namespace
}  // namespace sfwarden::daemon
