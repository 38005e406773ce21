#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "collectors/detail/poll_sources.h"
#include "collectors/poll_cycle.h"
#include "tests/collectors/poll_test_util.h"

namespace sfwarden::collectors {
namespace {
using poll_testing::CompositeScript;
using poll_testing::Example;
using poll_testing::QueryBody;
using testing::FakeApi;
using testing::RunSync;

OrgTarget ExampleTarget() {
  OrgTarget target;
  target.usernames = {"integration.user@example.com"};
  target.permission_sets["Integration_Baseline"] = {};
  target.public_groups = {"Integration_Group"};
  target.sharing_rule_objects = {"Account"};
  return target;
}

UserDirectory ExampleUsers() {
  UserDirectory users;
  users.username_by_id["0055g00000EXAMPLEAA"] = "integration.user@example.com";
  users.name_by_username["integration.user@example.com"] = "Integration User";
  return users;
}

PollResult PollAudit(const nlohmann::json& body, const OrgTarget& target,
                     const UserDirectory& users) {
  FakeApi api;
  CompositeScript script;
  script.Install(api);
  script.On("audit_trail", [&](const std::string&) {
    salesforce::CompositeSubresponse sub;
    sub.http_status = 200;
    sub.body = body;
    return sub;
  });
  return RunSync(Poll(api, target, users, PollCursors{}, {Source::kAuditTrail}));
}

TEST(PollAuditTrailTest, UserChangesOfTheReferencePayloadConcernTheUserAndAskForARead) {
  auto target = ExampleTarget();
  auto users = ExampleUsers();
  auto result = PollAudit(
      nlohmann::json::parse(Example("composed-rest-query-setupaudittrail-user-changes.json")),
      target, users);
  ASSERT_EQ(result.audit.size(), 3u);
  const auto& assign = result.audit[0];
  EXPECT_EQ(assign.action, "PermSetAssign");
  EXPECT_EQ(assign.section, "Manage Users");
  EXPECT_EQ(assign.actor_id, "0055g00000ADMINAAA");
  EXPECT_EQ(assign.concerns.usernames, std::set<std::string>{"integration.user@example.com"});
  EXPECT_EQ(assign.concerns.permission_sets, std::set<std::string>{"Integration_Baseline"});
  EXPECT_TRUE(assign.requires_permission_read);
  EXPECT_EQ(result.audit[1].action, "changedprofileforuser");
  EXPECT_TRUE(result.audit[1].requires_permission_read);
  const auto& freeze = result.audit[2];
  EXPECT_EQ(freeze.action, "frozeuser");
  EXPECT_EQ(freeze.actor_username, "");  // CreatedBy is null in this row
  EXPECT_TRUE(freeze.requires_permission_read);
  EXPECT_TRUE(result.requires_permission_read());
  EXPECT_EQ(result.cursors.audit_trail, freeze.time);
}

TEST(PollAuditTrailTest, RealProfileEntriesConcernNothingWatchedAndCarryTheActor) {
  // 42 rows captured from a real org (ForceAuditTrail): profile FLS/object/login-hour edits
  // mentioning Account among others, none about the watched user, set or group.
  auto records = nlohmann::json::parse(Example("setupaudittrail-records-profile-actions.json"));
  auto named =
      nlohmann::json::parse(Example("setupaudittrail-records-namedcredential-actions.json"));
  for (auto& r : named) records.push_back(r);
  auto target = ExampleTarget();
  auto users = ExampleUsers();
  auto result = PollAudit(QueryBody(records.get<std::vector<nlohmann::json>>()), target, users);
  ASSERT_EQ(result.audit.size(), records.size());
  for (const auto& entry : result.audit) {
    EXPECT_TRUE(entry.concerns.empty()) << entry.display;
    EXPECT_FALSE(entry.requires_permission_read) << entry.display;
    EXPECT_FALSE(entry.actor_username.empty());
  }
  EXPECT_FALSE(result.requires_permission_read());
  // Oldest first, whatever the order of the payload.
  for (std::size_t i = 1; i < result.audit.size(); ++i) {
    EXPECT_LE(result.audit[i - 1].time, result.audit[i].time);
  }
}

TEST(PollAuditTrailTest, ProfileEntryAboutAWatchedObjectIsNotASharingChange) {
  auto watch = detail::MakeAuditWatch(ExampleTarget(), ExampleUsers());
  auto concerns = detail::FindConcerns(
      watch, "profileFlsChangedStandard", "Manage Users",
      "Changed profile Authenticated Website: field-level security for Account: Number of "
      "Locations was changed from Read/Write to No Access");
  EXPECT_TRUE(concerns.empty());
}

TEST(PollAuditTrailTest, SharingRuleChangeOfAWatchedObjectConcernsIt) {
  auto watch = detail::MakeAuditWatch(ExampleTarget(), ExampleUsers());
  // sfsim's layout (sim/changes.cc AuditSharingRule).
  auto concerns = detail::FindConcerns(watch, "updateSharingRule", "Sharing Rules",
                                       "Updated sharing rule Send_to_HubSpot for Account");
  EXPECT_EQ(concerns.objects, std::set<std::string>{"Account"});
  EXPECT_TRUE(detail::CanChangePermissions("updateSharingRule", "Sharing Rules"));
}

TEST(PollAuditTrailTest, LabelsIdsAndGroupNamesAreMatchedAsWholeWords) {
  OrgTarget target;
  target.usernames = {"int1@x.example", "int10@x.example"};
  target.permission_sets["HubSpot_Sync_Access"] = {};
  target.public_groups = {"HubSpot_Integration_Group"};
  UserDirectory users;
  users.username_by_id["0055g000001AAAAAAA"] = "int1@x.example";
  users.username_by_id["0055g000010AAAAAAA"] = "int10@x.example";
  users.name_by_username["int1@x.example"] = "Integration 1";
  users.name_by_username["int10@x.example"] = "Integration 10";
  users.permission_set_labels["HubSpot_Sync_Access"] = "HubSpot Sync";  // a label of its own
  auto watch = detail::MakeAuditWatch(target, users);

  auto assign = detail::FindConcerns(
      watch, "PermSetAssign", "Manage Users",
      "Permission set HubSpot Sync: assigned to user Integration 10 (UserID: [0055g000010AAAA])");
  EXPECT_EQ(assign.usernames, std::set<std::string>{"int10@x.example"});
  EXPECT_EQ(assign.permission_sets, std::set<std::string>{"HubSpot_Sync_Access"});

  // sfsim's groupMembership layout; the group label is guessed from its DeveloperName.
  auto member = detail::FindConcerns(watch, "groupMembership", "Groups",
                                     "Added Integration 1 to the group HubSpot Integration Group");
  EXPECT_EQ(member.usernames, std::set<std::string>{"int1@x.example"});
  EXPECT_EQ(member.groups, std::set<std::string>{"HubSpot_Integration_Group"});

  auto by_username = detail::FindConcerns(watch, "changedemail", "Manage Users",
                                          "Changed email for user INT1@x.example");
  EXPECT_EQ(by_username.usernames, std::set<std::string>{"int1@x.example"});
  EXPECT_FALSE(detail::CanChangePermissions("changedemail", "Manage Users"));

  auto other = detail::FindConcerns(watch, "PermSetAssign", "Manage Users",
                                    "Permission set HubSpot Sync Extra_Thing: assigned to user "
                                    "Integration 100 (UserID: [0055g000100AAAA])");
  EXPECT_TRUE(other.usernames.empty());
}

TEST(PollAuditTrailTest, AssignmentOfAnUnwatchedUserAsksForNoRead) {
  nlohmann::json row = {{"Id", "0Ym1"},
                        {"Action", "PermSetAssign"},
                        {"Section", "Manage Users"},
                        {"Display", "Permission set Sales: assigned to user Someone Else"},
                        {"CreatedDate", "2024-01-02T03:04:05.000+0000"},
                        {"CreatedById", "005A"},
                        {"CreatedBy", {{"Username", "admin@x.example"}}},
                        {"DelegateUser", "support@x.example"}};
  auto entry = detail::DecodeAudit(row, detail::MakeAuditWatch(ExampleTarget(), ExampleUsers()));
  ASSERT_TRUE(entry);
  EXPECT_TRUE(entry->concerns.empty());
  EXPECT_FALSE(entry->requires_permission_read);
  EXPECT_EQ(entry->actor_username, "admin@x.example");
  EXPECT_EQ(entry->delegate_user, "support@x.example");
}

TEST(PollAuditTrailTest, ActionsThatCanChangeAccess) {
  for (const char* action :
       {"PermSetAssign", "PermSetUnassign", "PermSetGroupAssign", "PermSetGroupUnassign",
        "changedprofileforuser", "frozeuser", "unfrozeuser", "activateduser", "deactivateduser",
        "PermSetEnableUserPerm", "PermSetDisableUserPerm", "PermSetEntityPermChanged",
        "PermSetFlsChanged", "PermSetCreate", "createSharingRule", "deleteSharingRule",
        "SetupEntityAccessAudit_PermissionSet_ApexClass_Enabled"}) {
    EXPECT_TRUE(detail::CanChangePermissions(action, "Manage Users")) << action;
  }
  EXPECT_TRUE(detail::CanChangePermissions("groupMembership", "Groups"));
  for (const char* action : {"namedCredentialInsert", "changedpassword", "resetpassword",
                             "insertConnectedApplication"}) {
    EXPECT_FALSE(detail::CanChangePermissions(action, "Named Credentials")) << action;
  }
}

}  // namespace
}  // namespace sfwarden::collectors
