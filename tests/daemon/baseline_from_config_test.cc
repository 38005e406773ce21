#include "daemon/baseline_from_config.h"

#include <gtest/gtest.h>

namespace sfwarden::daemon {
namespace {

OrgConfig SampleOrg() {
  OrgConfig org;
  org.name = "prod";
  org.mode = Mode::kEnforce;
  org.enforcement.max_changes_per_cycle = 7;
  org.enforcement.enforce = {EnforceKind::kPermissionSets, EnforceKind::kSystemPermissions};
  org.enforcement.flapping = {.window = std::chrono::minutes(5), .threshold = 4};
  IntegrationUserConfig user;
  user.username = "hubspot@acme.com";
  user.mode = Mode::kObserve;
  user.baseline.profile = "Integration";
  user.baseline.permission_sets = {"HubSpot_Sync"};
  user.baseline.exclusive_permission_sets = true;
  user.baseline.permission_set_groups = {"Sync_Group"};
  user.baseline.public_groups = {"Sales_Ops"};
  user.baseline.exclusive_public_groups = true;
  org.integration_users.push_back(user);
  PermissionSetConfig set;
  set.name = "HubSpot_Sync";
  set.system = {{"ModifyAllData", false}, {"ApiEnabled", true}};
  set.objects["Account"] = {.read = true, .edit = true};
  set.fields["Account.Phone"] = {.read = true};
  org.permission_sets["HubSpot_Sync"] = set;
  SharingRuleConfig criteria;
  criteria.object = "Account";
  criteria.name = "Tech_Accounts";
  criteria.label = "Tech accounts";
  criteria.access = SharingAccess::kEdit;
  criteria.shared_to = {SharingTarget::Kind::kGroup, "Sales_Ops"};
  criteria.criteria = {{"Industry", "equals", "Technology", ""}};
  criteria.boolean_filter = "1";
  criteria.case_access = RelatedAccess::kRead;
  SharingRuleConfig owner;
  owner.object = "Account";
  owner.name = "From_Managers";
  owner.shared_to = {SharingTarget::Kind::kRoleAndSubordinates, "CEO"};
  owner.owned_by = SharingTarget{SharingTarget::Kind::kRole, "Manager"};
  org.sharing_rules["Account"] = {criteria, owner};
  org.org_wide_defaults["Account"] = SharingModel::kReadWrite;
  return org;
}

TEST(BaselineFromConfigTest, OrgSettingsMapOneToOne) {
  auto b = BaselineFromConfig(SampleOrg());
  EXPECT_EQ(b.org, "prod");
  EXPECT_EQ(b.mode, remediation::Mode::kEnforce);
  EXPECT_EQ(b.max_changes_per_cycle, 7);
  EXPECT_EQ(b.enforce,
            (std::set<remediation::EnforceKind>{remediation::EnforceKind::kPermissionSets,
                                                remediation::EnforceKind::kSystemPermissions}));
  EXPECT_EQ(b.flapping.window, std::chrono::minutes(5));
  EXPECT_EQ(b.flapping.threshold, 4);
  EXPECT_EQ(b.org_wide_defaults.at("Account"), "ReadWrite");
}

TEST(BaselineFromConfigTest, EmptyEnforceListEnforcesNothing) {
  OrgConfig org = SampleOrg();
  org.enforcement.enforce.clear();
  EXPECT_TRUE(BaselineFromConfig(org).enforce.empty());
}

TEST(BaselineFromConfigTest, UserEnforceKindsOverrideTheOrgsOnlyWhenGiven) {
  OrgConfig org = SampleOrg();
  EXPECT_EQ(BaselineFromConfig(org).users[0].enforce, std::nullopt);  // the org's set
  org.integration_users[0].enforce = std::vector<EnforceKind>{EnforceKind::kGroups};
  EXPECT_EQ(BaselineFromConfig(org).users[0].enforce,
            (std::set<remediation::EnforceKind>{remediation::EnforceKind::kGroups}));
  org.integration_users[0].enforce = std::vector<EnforceKind>{};  // enforce nothing for it
  EXPECT_EQ(BaselineFromConfig(org).users[0].enforce, std::set<remediation::EnforceKind>{});
}

TEST(BaselineFromConfigTest, UserBaselineKeepsItsOwnModeAndExclusiveSwitches) {
  auto b = BaselineFromConfig(SampleOrg());
  ASSERT_EQ(b.users.size(), 1u);
  const auto& u = b.users[0];
  EXPECT_EQ(u.username, "hubspot@acme.com");
  EXPECT_EQ(u.mode, remediation::Mode::kObserve);
  EXPECT_EQ(u.profile, "Integration");
  EXPECT_EQ(u.permission_sets, std::vector<std::string>{"HubSpot_Sync"});
  EXPECT_TRUE(u.exclusive_permission_sets);
  EXPECT_TRUE(u.exclusive_permission_set_groups);  // the config's one switch
  EXPECT_EQ(u.permission_set_groups, std::vector<std::string>{"Sync_Group"});
  EXPECT_EQ(u.public_groups, std::vector<std::string>{"Sales_Ops"});
  EXPECT_TRUE(u.exclusive_public_groups);
}

TEST(BaselineFromConfigTest, PermissionSetContents) {
  auto b = BaselineFromConfig(SampleOrg());
  const auto& set = b.permission_sets.at("HubSpot_Sync");
  EXPECT_EQ(set.system,
            (std::map<std::string, bool>{{"ApiEnabled", true}, {"ModifyAllData", false}}));
  EXPECT_EQ(set.objects.at("Account"), (remediation::ObjectAccess{.read = true, .edit = true}));
  EXPECT_EQ(set.fields.at("Account.Phone"), (remediation::FieldAccess{.read = true}));
}

TEST(BaselineFromConfigTest, SharingRulesUseTheMetadataSpelling) {
  auto b = BaselineFromConfig(SampleOrg());
  const auto& rules = b.sharing_rules.at("Account");
  ASSERT_EQ(rules.size(), 2u);
  const auto& c = rules[0];
  EXPECT_EQ(c.type, salesforce::SharingRule::Type::kCriteria);
  EXPECT_EQ(c.full_name, "Tech_Accounts");
  EXPECT_EQ(c.label, "Tech accounts");
  EXPECT_EQ(c.access_level, "Edit");
  EXPECT_EQ(c.shared_to, (salesforce::SharedTo{"group", "Sales_Ops"}));
  ASSERT_EQ(c.criteria_items.size(), 1u);
  EXPECT_EQ(c.criteria_items[0].field, "Industry");
  EXPECT_EQ(c.criteria_items[0].value, "Technology");
  EXPECT_EQ(c.boolean_filter, "1");
  EXPECT_EQ(c.include_records_owned_by_all, false);
  ASSERT_TRUE(c.account_settings.has_value());
  EXPECT_EQ(c.account_settings->case_access_level, "Read");
  EXPECT_EQ(c.account_settings->contact_access_level, "");  // left to the rule as read
  const auto& o = rules[1];
  EXPECT_EQ(o.type, salesforce::SharingRule::Type::kOwner);
  EXPECT_EQ(o.access_level, "Read");
  EXPECT_EQ(o.shared_to, (salesforce::SharedTo{"roleAndSubordinates", "CEO"}));
  EXPECT_EQ(o.shared_from, (salesforce::SharedTo{"role", "Manager"}));
  EXPECT_FALSE(o.account_settings.has_value());
}

}  // namespace
}  // namespace sfwarden::daemon
