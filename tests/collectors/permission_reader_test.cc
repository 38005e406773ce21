// ReadPermissions against a scripted FakeApi: what is asked, in how many calls, how rows
// become a snapshot, and that any failure fails the whole read with the part named.
#include "collectors/permission_reader.h"

#include <gtest/gtest.h>

#include "salesforce/soql.h"
#include "tests/collectors/fake_api.h"
#include "tests/collectors/permission_test_org.h"

namespace sfwarden::collectors {
namespace {

using nlohmann::json;
using testing::FakeApi;
using testing::Record;
using testing::RunSync;
using testing::ScriptedOrg;

constexpr const char* kUser = "005000000000001AAA";
constexpr const char* kSet = "0PS000000000001AAA";
constexpr const char* kSetGroup = "0PG000000000001AAA";
constexpr const char* kGroup = "00G000000000001AAA";

OrgTarget Target() {
  OrgTarget t;
  t.org = "prod";
  t.usernames = {"HubSpot@Acme.com"};
  t.permission_sets = {{"HubSpot_Sync_Access", {"ApiEnabled", "ModifyAllData"}}};
  t.permission_set_groups = {"Sales_Ops"};
  t.public_groups = {"HubSpot_Integration_Group"};
  t.sharing_rule_objects = {"Account"};
  t.org_wide_default_objects = {"Account", "Contact"};
  return t;
}

/// The org as Salesforce would answer for Target().
ScriptedOrg HubSpotOrg() {
  ScriptedOrg org;
  org.records["User"] = {Record("User", {{"Id", kUser},
                                         {"Username", "hubspot@acme.com"},
                                         {"Name", "HubSpot Integration"},
                                         {"IsActive", true},
                                         {"Profile",
                                          {{"attributes", {{"type", "Profile"}}},
                                           {"Name", "Salesforce API Only System Integrations"}}}})};
  org.records["UserLogin"] = {
      Record("UserLogin", {{"Id", "0Yw000000000001AAA"}, {"UserId", kUser}, {"IsFrozen", true}})};
  org.records["PermissionSetAssignment"] = {
      Record("PermissionSetAssignment", {{"Id", "0Pa000000000001AAA"},
                                         {"AssigneeId", kUser},
                                         {"PermissionSetId", kSet},
                                         {"PermissionSet", {{"Name", "HubSpot_Sync_Access"}}},
                                         {"PermissionSetGroupId", nullptr},
                                         {"PermissionSetGroup", nullptr},
                                         {"ExpirationDate", nullptr}}),
      Record("PermissionSetAssignment", {{"Id", "0Pa000000000002AAA"},
                                         {"AssigneeId", kUser},
                                         {"PermissionSetId", "0PS000000000002AAA"},
                                         {"PermissionSet", {{"Name", "Temp_Access"}}},
                                         {"PermissionSetGroupId", nullptr},
                                         {"PermissionSetGroup", nullptr},
                                         {"ExpirationDate", "2026-12-01T10:20:30.000+0000"}}),
      Record("PermissionSetAssignment", {{"Id", "0Pa000000000003AAA"},
                                         {"AssigneeId", kUser},
                                         {"PermissionSetId", "0PS000000000009AAA"},
                                         {"PermissionSet", {{"Name", "X0PG000000000001"}}},
                                         {"PermissionSetGroupId", kSetGroup},
                                         {"PermissionSetGroup", {{"DeveloperName", "Sales_Ops"}}},
                                         {"ExpirationDate", nullptr}})};
  org.records["PermissionSet"] = {
      Record("PermissionSet", {{"Id", kSet},
                               {"Name", "HubSpot_Sync_Access"},
                               {"Label", "HubSpot Sync Access"},
                               {"PermissionSetGroupId", nullptr},
                               {"PermissionSetGroup", nullptr},
                               {"PermissionsApiEnabled", true},
                               {"PermissionsModifyAllData", false}}),
      Record("PermissionSet", {{"Id", "0PS000000000009AAA"},
                               {"Name", "X0PG000000000001"},
                               {"Label", "Sales Ops"},
                               {"PermissionSetGroupId", kSetGroup},
                               {"PermissionSetGroup",
                                {{"DeveloperName", "Sales_Ops"}, {"MasterLabel", "Sales Ops"}}},
                               {"PermissionsApiEnabled", false},
                               {"PermissionsModifyAllData", false}})};
  org.records["Group"] = {Record("Group", {{"Id", kGroup},
                                           {"DeveloperName", "HubSpot_Integration_Group"},
                                           {"Name", "HubSpot Integration Group"}})};
  org.records["ObjectPermissions"] = {
      Record("ObjectPermissions", {{"Id", "110000000000001AAA"},
                                   {"ParentId", kSet},
                                   {"SobjectType", "Account"},
                                   {"PermissionsRead", true},
                                   {"PermissionsCreate", true},
                                   {"PermissionsEdit", true},
                                   {"PermissionsDelete", false},
                                   {"PermissionsViewAllRecords", false},
                                   {"PermissionsModifyAllRecords", false}})};
  org.records["FieldPermissions"] = {Record("FieldPermissions", {{"Id", "01k000000000001AAA"},
                                                                 {"ParentId", kSet},
                                                                 {"SobjectType", "Account"},
                                                                 {"Field", "Account.AnnualRevenue"},
                                                                 {"PermissionsRead", true},
                                                                 {"PermissionsEdit", false}})};
  org.records["GroupMember"] = {
      Record("GroupMember",
             {{"Id", "011000000000001AAA"}, {"GroupId", kGroup}, {"UserOrGroupId", kUser}})};
  org.records["Organization"] = {
      Record("Organization", {{"Id", "00D000000000001AAA"},
                              {"DefaultAccountAccess", "Private"},
                              {"DefaultContactAccess", "ControlledByParent"}})};
  org.records["OAuthToken"] = {
      Record("OAuthToken", {{"Id", "0CR000000000001AAA"},
                            {"UserId", kUser},
                            {"AppName", "HubSpot"},
                            {"CreatedDate", "2024-01-02T03:04:05.000+0000"},
                            {"LastUsedDate", nullptr},
                            {"UseCount", 3}})};
  salesforce::SharingRules rules;
  rules.object = "Account";
  salesforce::SharingRule rule;
  rule.full_name = "Send_to_HubSpot";
  rule.access_level = "Edit";
  rule.shared_to = {"group", "HubSpot_Integration_Group"};
  rules.criteria_rules.push_back(rule);
  org.sharing_rules = {rules};
  return org;
}

Time At(const char* iso) {
  return std::chrono::floor<std::chrono::milliseconds>(*salesforce::ParseSalesforceDateTime(iso));
}

struct Reader {
  FakeApi api;
  ScriptedOrg org = HubSpotOrg();
  tl::expected<PermissionSnapshot, salesforce::ApiError> Read(const OrgTarget& target = Target()) {
    org.Install(api);
    return RunSync(ReadPermissions(api, target));
  }
};

TEST(PermissionReaderTest, SmallReadCostsTwoCompositesAndOneMetadataRead) {
  Reader run;
  auto snapshot = run.Read();
  ASSERT_TRUE(snapshot.has_value()) << snapshot.error();
  ASSERT_EQ(run.api.calls.size(), 3u);
  EXPECT_EQ(run.api.calls[0].method, "Composite");
  EXPECT_EQ(run.api.calls[0].argument, "users,logins,assignments,sets,groups");
  EXPECT_EQ(run.api.calls[1].method, "Composite");
  EXPECT_EQ(run.api.calls[1].argument, "objects,fields,members,organization,tokens");
  EXPECT_EQ(run.api.calls[2].method, "ReadSharingRules");
  EXPECT_EQ(run.api.calls[2].argument, "Account");
  EXPECT_EQ(run.api.api_calls, 3);
  EXPECT_EQ(snapshot->api_calls, 3);
  for (const auto& url : run.org.composite_urls) {
    EXPECT_EQ(url.rfind("/services/data/v62.0/query?q=", 0), 0u) << url;
  }
}

TEST(PermissionReaderTest, FirstCompositeAsksByNameSecondByTheIdsItReturned) {
  Reader run;
  ASSERT_TRUE(run.Read().has_value());
  const auto& org = run.org;
  EXPECT_NE(org.SoqlFor("User").find("WHERE Username IN ('HubSpot@Acme.com')"), std::string::npos);
  EXPECT_NE(org.SoqlFor("UserLogin").find("WHERE User.Username IN ('HubSpot@Acme.com')"),
            std::string::npos);
  EXPECT_NE(
      org.SoqlFor("PermissionSetAssignment").find("Assignee.Username IN ('HubSpot@Acme.com')"),
      std::string::npos);
  EXPECT_NE(org.SoqlFor("PermissionSet").find("PermissionsApiEnabled, PermissionsModifyAllData"),
            std::string::npos);
  EXPECT_NE(org.SoqlFor("PermissionSet")
                .find("Name IN ('HubSpot_Sync_Access') OR "
                      "PermissionSetGroup.DeveloperName IN ('Sales_Ops')"),
            std::string::npos);
  EXPECT_NE(org.SoqlFor("Group").find("DeveloperName IN ('HubSpot_Integration_Group')"),
            std::string::npos);
  EXPECT_NE(org.SoqlFor("ObjectPermissions").find("ParentId IN ('0PS000000000001AAA')"),
            std::string::npos);
  EXPECT_NE(org.SoqlFor("FieldPermissions").find("ParentId IN ('0PS000000000001AAA')"),
            std::string::npos);
  EXPECT_NE(org.SoqlFor("GroupMember")
                .find("GroupId IN ('00G000000000001AAA') AND UserOrGroupId "
                      "IN ('005000000000001AAA')"),
            std::string::npos);
  EXPECT_EQ(org.SoqlFor("Organization"),
            "SELECT Id, DefaultAccountAccess, DefaultContactAccess FROM Organization");
  EXPECT_NE(org.SoqlFor("OAuthToken").find("UserId IN ('005000000000001AAA')"), std::string::npos);
}

TEST(PermissionReaderTest, InjectionAttemptInAUsernameDoesNotChangeTheQueries) {
  Reader run;
  auto target = Target();
  target.usernames = {"o'brien\\x@acme.com') OR Username != ('"};
  run.org.records["User"].clear();
  ASSERT_TRUE(run.Read(target).has_value());
  const std::string quoted = "('o\\'brien\\\\x@acme.com\\') OR Username != (\\'')";
  EXPECT_EQ(run.org.SoqlFor("User"),
            "SELECT Id, Username, Name, IsActive, Profile.Name FROM User WHERE Username IN " +
                quoted + " ORDER BY Id");
  EXPECT_NE(run.org.SoqlFor("UserLogin").find("User.Username IN " + quoted + " ORDER BY Id"),
            std::string::npos);
  EXPECT_NE(run.org.SoqlFor("PermissionSetAssignment")
                .find("Assignee.Username IN " + quoted + " AND PermissionSet.IsOwnedByProfile"),
            std::string::npos);
}

TEST(PermissionReaderTest, DecodesEveryPartOfTheSnapshot) {
  Reader run;
  auto before = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  auto snapshot = run.Read();
  ASSERT_TRUE(snapshot.has_value()) << snapshot.error();
  EXPECT_GE(snapshot->read_at, before);

  ASSERT_EQ(snapshot->users.size(), 1u);
  const auto& user = snapshot->users.at("HubSpot@Acme.com");  // keyed as configured
  EXPECT_TRUE(user.found);
  EXPECT_EQ(user.id, kUser);
  EXPECT_EQ(user.username, "HubSpot@Acme.com");
  EXPECT_EQ(user.name, "HubSpot Integration");
  EXPECT_TRUE(user.active);
  EXPECT_TRUE(user.frozen);
  EXPECT_EQ(user.profile, "Salesforce API Only System Integrations");
  ASSERT_EQ(user.assignments.size(), 3u);
  EXPECT_EQ(user.assignments[0].assignment_id, "0Pa000000000001AAA");
  EXPECT_EQ(user.assignments[0].permission_set, "HubSpot_Sync_Access");
  EXPECT_EQ(user.assignments[0].permission_set_group, "");
  EXPECT_FALSE(user.assignments[0].expiration.has_value());
  EXPECT_EQ(user.assignments[1].permission_set, "Temp_Access");
  EXPECT_EQ(user.assignments[1].expiration, At("2026-12-01T10:20:30.000+0000"));
  EXPECT_EQ(user.assignments[2].permission_set, "");
  EXPECT_EQ(user.assignments[2].permission_set_group, "Sales_Ops");
  // The Ids too: a rollback re-creates an assignment of a set no baseline names from them.
  EXPECT_EQ(user.assignments[1].permission_set_id, "0PS000000000002AAA");
  EXPECT_EQ(user.assignments[1].permission_set_group_id, "");
  EXPECT_EQ(user.assignments[2].permission_set_group_id, kSetGroup);
  EXPECT_EQ(user.public_groups, std::vector<std::string>{"HubSpot_Integration_Group"});
  EXPECT_EQ(user.group_member_ids.at("HubSpot_Integration_Group"), "011000000000001AAA");

  const auto& set = snapshot->permission_sets.at("HubSpot_Sync_Access");
  EXPECT_TRUE(set.found);
  EXPECT_EQ(set.id, kSet);
  EXPECT_EQ(set.label, "HubSpot Sync Access");
  EXPECT_EQ(set.system,
            (std::map<std::string, bool>{{"ApiEnabled", true}, {"ModifyAllData", false}}));
  ASSERT_EQ(set.objects.size(), 1u);
  const auto& account = set.objects.at("Account");
  EXPECT_EQ(account.id, "110000000000001AAA");
  EXPECT_TRUE(account.read && account.create && account.edit);
  EXPECT_FALSE(account.del || account.view_all || account.modify_all);
  ASSERT_EQ(set.fields.size(), 1u);
  EXPECT_EQ(set.fields.at("Account.AnnualRevenue").id, "01k000000000001AAA");
  EXPECT_TRUE(set.fields.at("Account.AnnualRevenue").read);
  EXPECT_FALSE(set.fields.at("Account.AnnualRevenue").edit);
  EXPECT_EQ(snapshot->permission_sets.size(), 1u);  // the aggregate set is the group's

  const auto& psg = snapshot->permission_set_groups.at("Sales_Ops");
  EXPECT_TRUE(psg.found);
  EXPECT_EQ(psg.id, kSetGroup);
  EXPECT_EQ(psg.name, "Sales Ops");
  const auto& group = snapshot->public_groups.at("HubSpot_Integration_Group");
  EXPECT_TRUE(group.found);
  EXPECT_EQ(group.id, kGroup);
  EXPECT_EQ(group.name, "HubSpot Integration Group");

  EXPECT_EQ(snapshot->org_wide_defaults,
            (std::map<std::string, std::string>{{"Account", "Private"},
                                                {"Contact", "ControlledByParent"}}));
  ASSERT_EQ(snapshot->oauth_tokens.size(), 1u);
  const auto& token = snapshot->oauth_tokens.at("0CR000000000001AAA");
  EXPECT_EQ(token.username, "HubSpot@Acme.com");
  EXPECT_EQ(token.app_name, "HubSpot");
  EXPECT_EQ(token.created, At("2024-01-02T03:04:05.000+0000"));
  EXPECT_FALSE(token.last_used.has_value());
  EXPECT_EQ(token.use_count, 3);
  ASSERT_EQ(snapshot->sharing_rules.size(), 1u);
  EXPECT_EQ(snapshot->sharing_rules[0].object, "Account");
  EXPECT_EQ(snapshot->sharing_rules[0].criteria_rules.at(0).full_name, "Send_to_HubSpot");
}

TEST(PermissionReaderTest, ViewAllFieldsIsReadFromApi63On) {
  Reader run;
  run.org.records["ObjectPermissions"][0]["PermissionsViewAllFields"] = true;
  auto target = Target();
  target.api_version = "63.0";

  auto snapshot = run.Read(target);

  ASSERT_TRUE(snapshot.has_value()) << snapshot.error();
  EXPECT_TRUE(snapshot->view_all_fields_read);
  EXPECT_NE(run.org.SoqlFor("ObjectPermissions").find("PermissionsViewAllFields"),
            std::string::npos);
  EXPECT_TRUE(
      snapshot->permission_sets.at("HubSpot_Sync_Access").objects.at("Account").view_all_fields);
}

TEST(PermissionReaderTest, ViewAllFieldsIsNotAskedBeforeApi63) {
  Reader run;
  auto target = Target();
  target.api_version = "62.0";

  auto snapshot = run.Read(target);

  ASSERT_TRUE(snapshot.has_value()) << snapshot.error();
  EXPECT_FALSE(snapshot->view_all_fields_read);
  EXPECT_EQ(run.org.SoqlFor("ObjectPermissions").find("ViewAllFields"), std::string::npos);
  EXPECT_FALSE(
      snapshot->permission_sets.at("HubSpot_Sync_Access").objects.at("Account").view_all_fields);
}

TEST(PermissionReaderTest, ReadsViewAllFieldsByMajorVersion) {
  EXPECT_FALSE(ReadsViewAllFields("62.0"));
  EXPECT_TRUE(ReadsViewAllFields("63.0"));
  EXPECT_TRUE(ReadsViewAllFields("100.0"));
  EXPECT_FALSE(ReadsViewAllFields(""));
}

TEST(PermissionReaderTest, MissingUserSetAndGroupsAreNotFoundNotErrors) {
  Reader run;
  for (auto object : {"User", "UserLogin", "PermissionSetAssignment", "PermissionSet", "Group"}) {
    run.org.records[object].clear();
  }
  auto snapshot = run.Read();
  ASSERT_TRUE(snapshot.has_value()) << snapshot.error();
  const auto& user = snapshot->users.at("HubSpot@Acme.com");
  EXPECT_FALSE(user.found);
  EXPECT_EQ(user.username, "HubSpot@Acme.com");
  EXPECT_TRUE(user.id.empty() && user.assignments.empty() && user.public_groups.empty());
  EXPECT_FALSE(snapshot->permission_sets.at("HubSpot_Sync_Access").found);
  EXPECT_FALSE(snapshot->permission_set_groups.at("Sales_Ops").found);
  EXPECT_FALSE(snapshot->public_groups.at("HubSpot_Integration_Group").found);
  // Nothing found, nothing to ask by Id: the second composite has only Organization.
  ASSERT_EQ(run.org.composites.size(), 2u);
  EXPECT_EQ(run.api.calls[1].argument, "organization");
  EXPECT_TRUE(snapshot->oauth_tokens.empty());
  EXPECT_EQ(snapshot->api_calls, 3);
}

TEST(PermissionReaderTest, NothingToReadByIdAndNoOrgWideDefaultsSkipsTheSecondComposite) {
  Reader run;
  run.org.records["User"].clear();
  run.org.records["PermissionSet"].clear();
  auto target = Target();
  target.org_wide_default_objects.clear();
  auto snapshot = run.Read(target);
  ASSERT_TRUE(snapshot.has_value()) << snapshot.error();
  EXPECT_EQ(run.org.composites.size(), 1u);
  EXPECT_EQ(snapshot->api_calls, 2);
  EXPECT_EQ(run.api.api_calls, 2);
}

TEST(PermissionReaderTest, EmptyTargetCostsNothing) {
  Reader run;
  auto snapshot = run.Read(OrgTarget{});
  ASSERT_TRUE(snapshot.has_value());
  EXPECT_TRUE(run.api.calls.empty());
  EXPECT_EQ(snapshot->api_calls, 0);
}

TEST(PermissionReaderTest, GroupsAndSetGroupsOnlyStillFitTheFirstComposite) {
  Reader run;
  OrgTarget target;
  target.permission_set_groups = {"Sales_Ops"};
  target.public_groups = {"HubSpot_Integration_Group"};
  auto snapshot = run.Read(target);
  ASSERT_TRUE(snapshot.has_value()) << snapshot.error();
  EXPECT_EQ(run.api.calls.at(0).argument, "sets,groups");
  EXPECT_TRUE(snapshot->permission_set_groups.at("Sales_Ops").found);
  EXPECT_TRUE(snapshot->permission_sets.empty());  // the aggregate set is not reported as a set
  EXPECT_EQ(snapshot->api_calls, 1);
}

TEST(PermissionReaderTest, FurtherPagesCostOneQueryMoreCallEach) {
  Reader run;
  // 2 more pages of ObjectPermissions, 1 more page of User.
  auto extra_object = run.org.records["ObjectPermissions"][0];
  extra_object["Id"] = "110000000000002AAA";
  extra_object["SobjectType"] = "Contact";
  auto extra_object2 = extra_object;
  extra_object2["Id"] = "110000000000003AAA";
  extra_object2["SobjectType"] = "Lead";
  run.org.more_pages["ObjectPermissions"] = {{extra_object}, {extra_object2}};
  auto second_user = run.org.records["User"][0];
  second_user["Id"] = "005000000000002AAA";
  second_user["Username"] = "marketo@acme.com";
  run.org.more_pages["User"] = {{second_user}};
  auto target = Target();
  target.usernames.push_back("marketo@acme.com");

  auto snapshot = run.Read(target);
  ASSERT_TRUE(snapshot.has_value()) << snapshot.error();
  EXPECT_EQ(snapshot->api_calls, 3 + 3);
  EXPECT_EQ(run.api.api_calls, 3 + 3);
  int query_more = 0;
  for (const auto& call : run.api.calls) query_more += call.method == "QueryMore";
  EXPECT_EQ(query_more, 2);  // one per query that had more pages; the fake counts pages
  // The user from the second page was found, and its Id reached the second composite.
  EXPECT_TRUE(snapshot->users.at("marketo@acme.com").found);
  EXPECT_NE(run.org.SoqlFor("OAuthToken").find("'005000000000002AAA'"), std::string::npos);
  const auto& objects = snapshot->permission_sets.at("HubSpot_Sync_Access").objects;
  EXPECT_EQ(objects.size(), 3u);
  EXPECT_EQ(objects.at("Lead").id, "110000000000003AAA");
}

TEST(PermissionReaderTest, FailedSubrequestOfAnyQueryFailsTheWholeRead) {
  for (const char* object :
       {"User", "UserLogin", "PermissionSetAssignment", "PermissionSet", "Group",
        "ObjectPermissions", "FieldPermissions", "GroupMember", "Organization", "OAuthToken"}) {
    SCOPED_TRACE(object);
    Reader run;
    run.org.errors[object] = {
        500, json::array({{{"errorCode", "UNKNOWN_EXCEPTION"}, {"message", "boom"}}})};
    auto snapshot = run.Read();
    ASSERT_FALSE(snapshot.has_value());
    EXPECT_EQ(snapshot.error().error_code, "UNKNOWN_EXCEPTION");
    EXPECT_NE(snapshot.error().context.find(std::string(object) + " query"), std::string::npos)
        << snapshot.error().context;
  }
}

TEST(PermissionReaderTest, FailedCallOfAnyKindFailsTheWholeRead) {
  auto timeout = salesforce::MakeError(salesforce::ErrorKind::kTimeout, "deadline passed");
  {
    Reader run;
    int composites = 0;
    run.org.Install(run.api);
    auto scripted = run.api.on_composite;
    run.api.on_composite = [&](const salesforce::CompositeRequest& r)
        -> FakeApi::Result<salesforce::CompositeResponse> {
      if (++composites == 2) return tl::unexpected(timeout);
      return scripted(r);
    };
    auto snapshot = RunSync(ReadPermissions(run.api, Target()));
    ASSERT_FALSE(snapshot.has_value());
    EXPECT_EQ(snapshot.error().kind, salesforce::ErrorKind::kTimeout);
    EXPECT_NE(snapshot.error().context.find("second composite"), std::string::npos);
  }
  {
    Reader run;
    run.org.more_pages["FieldPermissions"] = {{run.org.records["FieldPermissions"][0]}};
    run.org.query_more_errors["FieldPermissions"] = timeout;
    auto snapshot = run.Read();
    ASSERT_FALSE(snapshot.has_value());
    EXPECT_NE(snapshot.error().context.find("FieldPermissions query, further pages"),
              std::string::npos);
  }
  {
    Reader run;
    run.org.Install(run.api);
    run.api.on_read_sharing_rules = [&](const std::vector<std::string>&)
        -> FakeApi::Result<std::vector<salesforce::SharingRules>> {
      return tl::unexpected(timeout);
    };
    auto snapshot = RunSync(ReadPermissions(run.api, Target()));
    ASSERT_FALSE(snapshot.has_value());
    EXPECT_NE(snapshot.error().context.find("SharingRules"), std::string::npos);
  }
}

TEST(PermissionReaderTest, UnknownSystemPermissionIsNamedInTheError) {
  Reader run;
  auto target = Target();
  target.permission_sets["HubSpot_Sync_Access"].insert("ManageUnicorns");
  run.org.errors["PermissionSet"] = {
      400,
      json::array(
          {{{"errorCode", "INVALID_FIELD"},
            {"message",
             "\nSELECT Id, PermissionsApiEnabled, PermissionsManageUnicorns FROM PermissionSet\n"
             "           ^\nERROR at Row:1:Column:12\nNo such column "
             "'PermissionsManageUnicorns' on entity 'PermissionSet'."}}})};
  auto snapshot = run.Read(target);
  ASSERT_FALSE(snapshot.has_value());
  EXPECT_EQ(snapshot.error().error_code, "INVALID_FIELD");
  EXPECT_EQ(snapshot.error().message.rfind(
                "system permission 'ManageUnicorns' (baseline of HubSpot_Sync_Access) is not "
                "known to this org",
                0),
            0u)
      << snapshot.error().message;
}

TEST(PermissionReaderTest, UnknownOrgWideDefaultObjectIsNamedInTheError) {
  Reader run;
  auto target = Target();
  target.org_wide_default_objects = {"Account", "Widget__c"};
  run.org.errors["Organization"] = {
      400, json::array({{{"errorCode", "INVALID_FIELD"},
                         {"message",
                          "No such column 'DefaultWidget__cAccess' on entity "
                          "'Organization'."}}})};
  auto snapshot = run.Read(target);
  ASSERT_FALSE(snapshot.has_value());
  EXPECT_NE(snapshot.error().message.find("org-wide default of 'Widget__c'"), std::string::npos)
      << snapshot.error().message;
}

TEST(PermissionReaderTest, RowWithoutASelectedFieldIsADecodeError) {
  Reader run;
  run.org.records["ObjectPermissions"][0].erase("PermissionsEdit");
  auto snapshot = run.Read();
  ASSERT_FALSE(snapshot.has_value());
  EXPECT_EQ(snapshot.error().kind, salesforce::ErrorKind::kDecode);
  EXPECT_NE(snapshot.error().message.find("PermissionsEdit"), std::string::npos);
  EXPECT_NE(snapshot.error().context.find("ObjectPermissions rows"), std::string::npos);
}

TEST(PermissionReaderTest, RowsOfThingsNotWatchedAreIgnored) {
  Reader run;
  auto stray = run.org.records["GroupMember"][0];
  stray["Id"] = "011000000000009AAA";
  stray["GroupId"] = "00G000000000009AAA";  // not a watched group
  run.org.records["GroupMember"].push_back(stray);
  auto other_token = run.org.records["OAuthToken"][0];
  other_token["Id"] = "0CR000000000009AAA";
  other_token["UserId"] = "005000000000009AAA";
  run.org.records["OAuthToken"].push_back(other_token);
  auto snapshot = run.Read();
  ASSERT_TRUE(snapshot.has_value()) << snapshot.error();
  EXPECT_EQ(snapshot->users.at("HubSpot@Acme.com").group_member_ids.size(), 1u);
  EXPECT_EQ(snapshot->oauth_tokens.count("0CR000000000009AAA"), 0u);
}

TEST(PermissionReaderTest, MoreThanTenSharingRuleObjectsTakeOneReadPerTen) {
  Reader run;
  auto target = Target();
  target.sharing_rule_objects.clear();
  for (int i = 0; i < 11; ++i)
    target.sharing_rule_objects.push_back("Obj" + std::to_string(i) + "__c");
  auto snapshot = run.Read(target);
  ASSERT_TRUE(snapshot.has_value());
  EXPECT_EQ(snapshot->api_calls, 4);
  EXPECT_EQ(run.api.api_calls, 4);
}

}  // namespace
}  // namespace sfwarden::collectors
