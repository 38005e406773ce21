#include "daemon/collector_target.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sfwarden::daemon {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

OrgConfig Org() {
  OrgConfig org;
  org.name = "prod";
  org.api_version = "61.0";
  IntegrationUserConfig hubspot;
  hubspot.username = "hubspot@acme.com";
  hubspot.baseline.permission_sets = {"HubSpot_Sync", "Shared_Read"};
  hubspot.baseline.public_groups = {"HubSpot_Group"};
  hubspot.baseline.permission_set_groups = {"Sales_Ops"};
  IntegrationUserConfig marketo;
  marketo.username = "marketo@acme.com";
  marketo.baseline.permission_sets = {"Shared_Read"};
  org.integration_users = {marketo, hubspot};
  org.permission_sets["HubSpot_Sync"].system = {{"ApiEnabled", true}, {"ModifyAllData", false}};
  org.permission_sets["Defined_Only"].objects["Account"].read = true;
  SharingRuleConfig rule;
  rule.object = "Account";
  rule.name = "Send_to_HubSpot";
  rule.shared_to = {SharingTarget::Kind::kGroup, "Rule_Group"};
  org.sharing_rules["Account"] = {rule};
  org.org_wide_defaults = {{"Account", SharingModel::kPrivate},
                           {"Contact", SharingModel::kControlledByParent}};
  return org;
}

TEST(CollectorTargetTest, TakesUsersSetsGroupsAndObjectsFromTheConfig) {
  auto target = MakeOrgTarget(Org());

  EXPECT_EQ(target.org, "prod");
  EXPECT_EQ(target.api_version, "61.0");
  EXPECT_THAT(target.usernames, ElementsAre("hubspot@acme.com", "marketo@acme.com"));
  ASSERT_EQ(target.permission_sets.size(), 3u);
  EXPECT_THAT(target.permission_sets.at("HubSpot_Sync"),
              ElementsAre("ApiEnabled", "ModifyAllData"));
  EXPECT_THAT(target.permission_sets.at("Shared_Read"), IsEmpty());
  EXPECT_THAT(target.permission_sets.at("Defined_Only"), IsEmpty());
  EXPECT_THAT(target.permission_set_groups, ElementsAre("Sales_Ops"));
  EXPECT_THAT(target.public_groups, ElementsAre("HubSpot_Group", "Rule_Group"));
  EXPECT_THAT(target.sharing_rule_objects, ElementsAre("Account"));
  EXPECT_THAT(target.org_wide_default_objects, ElementsAre("Account", "Contact"));
}

TEST(CollectorTargetTest, EmptyOrgWatchesNothing) {
  OrgConfig org;
  org.name = "empty";

  auto target = MakeOrgTarget(org);

  EXPECT_THAT(target.usernames, IsEmpty());
  EXPECT_THAT(target.permission_sets, IsEmpty());
  EXPECT_THAT(target.public_groups, IsEmpty());
}

}  // namespace
}  // namespace sfwarden::daemon
