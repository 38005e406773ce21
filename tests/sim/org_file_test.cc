#include "sim/org_file.h"

#include <gtest/gtest.h>

namespace sfwarden::sim {
namespace {

constexpr const char* kOrg = R"(
organization: { name: Test Org }
clock: { start: 2024-01-02T03:04:05Z }
limits: { DailyApiRequests: 500 }
profiles: [ { name: System Administrator }, { name: API Only } ]
users:
  - { username: admin@t.example, name: Admin User, profile: System Administrator }
  - username: int@t.example
    name: Int User
    profile: API Only
    frozen: true
    permission_sets: [Int_Access]
    groups: [Int_Group]
permission_sets:
  - name: Int_Access
    system: { ApiEnabled: true, ModifyAllData: false }
    objects: { Account: [read, edit] }
    fields: { Account.Phone: [read] }
groups: [ { name: Int_Group } ]
sharing_rules:
  Account:
    - { name: Share_It, access: Edit, shared_to: { group: Int_Group },
        criteria: [ { field: Type, operation: equals, value: Partner } ] }
org_wide_defaults: { Account: Private }
connected_apps: [ { name: app, client_id: cid, client_secret: secret, execution_user: int@t.example } ]
)";

TEST(OrgFileTest, SeedsRecordsWithKeyPrefixesAndLinks) {
  auto org = LoadOrgText(kOrg);
  EXPECT_EQ(org->NowText(), "2024-01-02T03:04:05.000+0000");
  EXPECT_EQ(org->settings.daily_api_requests, 500);
  auto* user = org->FindBy("User", "Username", "int@t.example");
  ASSERT_NE(user, nullptr);
  EXPECT_EQ((*user)["Id"].get<std::string>().substr(0, 3), "005");
  auto* login = org->FindBy("UserLogin", "UserId", (*user)["Id"].get<std::string>());
  ASSERT_NE(login, nullptr);
  EXPECT_EQ((*login)["IsFrozen"], true);
  auto* ps = org->FindBy("PermissionSet", "Name", "Int_Access");
  ASSERT_NE(ps, nullptr);
  EXPECT_EQ((*ps)["PermissionsApiEnabled"], true);
  EXPECT_EQ((*ps)["PermissionsViewAllData"], false);
  auto* psa =
      org->FindBy("PermissionSetAssignment", "AssigneeId", (*user)["Id"].get<std::string>());
  ASSERT_NE(psa, nullptr);
  EXPECT_EQ((*psa)["Id"].get<std::string>().substr(0, 3), "0Pa");
  auto* op = org->FindBy("ObjectPermissions", "ParentId", (*ps)["Id"].get<std::string>());
  ASSERT_NE(op, nullptr);
  EXPECT_EQ((*op)["PermissionsEdit"], true);
  EXPECT_EQ((*op)["PermissionsCreate"], false);
  EXPECT_NE(org->FindBy("GroupMember", "UserOrGroupId", (*user)["Id"].get<std::string>()), nullptr);
  ASSERT_EQ(org->sharing_rules["Account"].size(), 1u);
  EXPECT_EQ(org->sharing_rules["Account"][0].shared_to, "Int_Group");
  auto& orgs = org->table("Organization").rows;
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(orgs[0]["DefaultAccountAccess"], "Private");
  ASSERT_EQ(org->apps.size(), 1u);
  EXPECT_EQ(org->apps[0].execution_user_id, (*user)["Id"]);
}

TEST(OrgFileTest, AMemberListedOnBothSidesIsOneGroupMember) {
  auto org = LoadOrgText(R"(
users:
  - { username: admin@t.example, profile: System Administrator }
  - { username: int@t.example, groups: [Int_Group] }
groups: [ { name: Int_Group, members: [int@t.example] } ]
)");
  EXPECT_EQ(org->table("GroupMember").rows.size(), 1u);
}

TEST(OrgFileTest, JsonOrgFilesWork) {
  auto org = LoadOrgText(R"({"users": [{"username": "a@b.example"}]})");
  EXPECT_NE(org->FindBy("User", "Username", "a@b.example"), nullptr);
}

TEST(OrgFileTest, ErrorsNameTheKey) {
  try {
    LoadOrgText("users: [ { username: a@b.example, profile: Nope } ]");
    FAIL();
  } catch (const OrgFileError& e) {
    EXPECT_STREQ(e.what(), "users[0].profile: unknown profile 'Nope'");
  }
  EXPECT_THROW(LoadOrgText("permission_sets: [ { name: X, system: { Bogus: true } } ]"),
               OrgFileError);
  EXPECT_THROW(LoadOrgText("[1, 2"), OrgFileError);
}

TEST(OrgFileTest, DefaultOrgLoads) {
  auto org = DefaultOrg();
  EXPECT_NE(org->FindBy("User", "Username", "hubspot.integration@acme.example"), nullptr);
  EXPECT_FALSE(org->DefaultAdminId().empty());
}

}  // namespace
}  // namespace sfwarden::sim
