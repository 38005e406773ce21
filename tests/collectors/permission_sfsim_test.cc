// ReadPermissions through the real salesforce::Client against sfsim in-process: the
// queries are accepted by sfsim's SOQL engine, the snapshot matches the org, changes
// made by another admin (/__sim/act) show up in the next read, and sfsim's own call
// counters agree with snapshot.api_calls at 1, 10, 100 and 1,000 integration users.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>

#include "collectors/permission_reader.h"
#include "sim/generator.h"
#include "tests/support/sim/in_process_sim.h"

namespace sfwarden::collectors {
namespace {

using nlohmann::json;
using sfwarden::testing::InProcessSim;

constexpr const char* kHubSpot = "hubspot.integration@acme.example";

OrgTarget BuiltInTarget() {
  OrgTarget t;
  t.org = "sim";
  t.api_version = "60.0";
  t.usernames = {kHubSpot};
  t.permission_sets = {{"HubSpot_Sync_Access", {"ApiEnabled", "ModifyAllData", "ViewAllData"}}};
  t.public_groups = {"HubSpot_Integration_Group"};
  t.sharing_rule_objects = {"Account"};
  t.org_wide_default_objects = {"Account", "Contact"};
  return t;
}

class PermissionSfsimTest : public ::testing::Test {
 protected:
  PermissionSfsimTest() : sim_(sim::DefaultOrg(), "sfwarden-client-id", "sfwarden-client-secret") {
    auto auth = sim_.Run(sim_.client().Authenticate());
    EXPECT_TRUE(auth.has_value()) << auth.error();
  }

  /// A read, checked against sfsim's counters.
  PermissionSnapshot Read(const OrgTarget& target = BuiltInTarget()) {
    auto before = sim_.CountedCalls();
    auto snapshot = sim_.Run(ReadPermissions(sim_.client(), target));
    EXPECT_TRUE(snapshot.has_value()) << snapshot.error();
    if (!snapshot) return {};
    EXPECT_EQ(sim_.CountedCalls() - before, snapshot->api_calls);
    return *snapshot;
  }

  InProcessSim sim_;
};

TEST_F(PermissionSfsimTest, BuiltInOrgHubSpotUserAndSetReadCorrectlyInThreeCalls) {
  auto s = Read();
  EXPECT_EQ(s.api_calls, 3);

  const auto& user = s.users.at(kHubSpot);
  EXPECT_TRUE(user.found);
  EXPECT_EQ(user.id.substr(0, 3), "005");
  EXPECT_EQ(user.name, "HubSpot Integration");
  EXPECT_TRUE(user.active);
  EXPECT_FALSE(user.frozen);
  EXPECT_EQ(user.profile, "Salesforce API Only System Integrations");
  ASSERT_EQ(user.assignments.size(), 1u);  // not the profile-owned set
  EXPECT_EQ(user.assignments[0].permission_set, "HubSpot_Sync_Access");
  EXPECT_EQ(user.assignments[0].assignment_id.substr(0, 3), "0Pa");
  EXPECT_FALSE(user.assignments[0].expiration.has_value());
  EXPECT_EQ(user.public_groups, std::vector<std::string>{"HubSpot_Integration_Group"});
  EXPECT_EQ(user.group_member_ids.at("HubSpot_Integration_Group").substr(0, 3), "011");

  const auto& set = s.permission_sets.at("HubSpot_Sync_Access");
  EXPECT_TRUE(set.found);
  EXPECT_EQ(set.id.substr(0, 3), "0PS");
  EXPECT_EQ(set.label, "HubSpot Sync Access");
  EXPECT_EQ(set.system,
            (std::map<std::string, bool>{
                {"ApiEnabled", true}, {"ModifyAllData", false}, {"ViewAllData", false}}));
  ASSERT_EQ(set.objects.size(), 2u);
  for (const char* object : {"Account", "Contact"}) {
    const auto& o = set.objects.at(object);
    EXPECT_EQ(o.id.substr(0, 3), "110");
    EXPECT_TRUE(o.read && o.create && o.edit) << object;
    EXPECT_FALSE(o.del || o.view_all || o.modify_all) << object;
  }
  ASSERT_EQ(set.fields.size(), 1u);
  EXPECT_EQ(set.fields.at("Account.AnnualRevenue").id.substr(0, 3), "01k");
  EXPECT_TRUE(set.fields.at("Account.AnnualRevenue").read);
  EXPECT_FALSE(set.fields.at("Account.AnnualRevenue").edit);

  const auto& group = s.public_groups.at("HubSpot_Integration_Group");
  EXPECT_TRUE(group.found);
  EXPECT_EQ(group.id.substr(0, 3), "00G");
  EXPECT_EQ(group.name, "HubSpot Integration Group");

  ASSERT_EQ(s.sharing_rules.size(), 1u);
  EXPECT_EQ(s.sharing_rules[0].object, "Account");
  ASSERT_EQ(s.sharing_rules[0].criteria_rules.size(), 1u);
  EXPECT_EQ(s.sharing_rules[0].criteria_rules[0].full_name, "Send_to_HubSpot");
  EXPECT_EQ(s.sharing_rules[0].criteria_rules[0].access_level, "Edit");
  EXPECT_EQ(s.org_wide_defaults, (std::map<std::string, std::string>{
                                     {"Account", "Private"}, {"Contact", "ControlledByParent"}}));
}

TEST_F(PermissionSfsimTest, ChangesByAnotherAdminShowUpInTheNextRead) {
  auto first = Read();
  ASSERT_TRUE(first.users.at(kHubSpot).found);

  sim_.Act({{"action", "create"},
            {"object", "PermissionSet"},
            {"fields", {{"Name", "Extra_Access"}, {"Label", "Extra Access"}}}});
  sim_.Act({{"action", "assign_permission_set"},
            {"username", kHubSpot},
            {"permission_set", "Extra_Access"}});
  sim_.Act({{"action", "remove_group_member"},
            {"username", kHubSpot},
            {"group", "HubSpot_Integration_Group"}});
  sim_.Act({{"action", "set_system_permission"},
            {"permission_set", "HubSpot_Sync_Access"},
            {"permission", "ViewAllData"},
            {"enabled", true}});
  sim_.Act({{"action", "set_system_permission"},
            {"permission_set", "HubSpot_Sync_Access"},
            {"permission", "ModifyAllData"},
            {"enabled", true}});
  sim_.Act({{"action", "set_object_permissions"},
            {"permission_set", "HubSpot_Sync_Access"},
            {"object", "Account"},
            {"access", {"read"}}});
  sim_.Act({{"action", "set_object_permissions"},
            {"permission_set", "HubSpot_Sync_Access"},
            {"object", "Contact"},
            {"access", json::array()}});
  sim_.Act({{"action", "set_field_permissions"},
            {"permission_set", "HubSpot_Sync_Access"},
            {"field", "Account.Phone"},
            {"access", {"read", "edit"}}});
  sim_.Act({{"action", "edit_sharing_rule"},
            {"object", "Account"},
            {"name", "Send_to_HubSpot"},
            {"access_level", "Read"}});
  sim_.Act({{"action", "freeze_user"}, {"username", kHubSpot}});

  auto s = Read();
  EXPECT_EQ(s.api_calls, 3);
  const auto& user = s.users.at(kHubSpot);
  EXPECT_TRUE(user.frozen);
  ASSERT_EQ(user.assignments.size(), 2u);
  std::set<std::string> assigned;
  for (const auto& a : user.assignments) assigned.insert(a.permission_set);
  EXPECT_EQ(assigned, (std::set<std::string>{"HubSpot_Sync_Access", "Extra_Access"}));
  EXPECT_TRUE(user.public_groups.empty());
  EXPECT_TRUE(user.group_member_ids.empty());

  const auto& set = s.permission_sets.at("HubSpot_Sync_Access");
  EXPECT_TRUE(set.system.at("ModifyAllData"));
  EXPECT_TRUE(set.system.at("ViewAllData"));
  const auto& account = set.objects.at("Account");
  EXPECT_EQ(account.id, first.permission_sets.at("HubSpot_Sync_Access").objects.at("Account").id);
  EXPECT_TRUE(account.read);
  EXPECT_FALSE(account.create || account.edit);
  EXPECT_EQ(set.objects.count("Contact"), 0u);
  EXPECT_TRUE(set.fields.at("Account.Phone").edit);

  ASSERT_EQ(s.sharing_rules.size(), 1u);
  EXPECT_EQ(s.sharing_rules[0].criteria_rules.at(0).access_level, "Read");
}

constexpr const char* kSmallOrg = R"(
organization: { name: Small }
query_batch_size: 2
profiles:
  - { name: System Administrator }
  - { name: API Only }
users:
  - { username: admin@s.example, name: Admin, profile: System Administrator }
  - username: int@s.example
    name: Int User
    profile: API Only
    permission_sets: [Int_Access]
    permission_set_groups: [Sales_Ops]
  - { username: frozen@s.example, name: Frozen User, profile: API Only, frozen: true, active: false }
permission_sets:
  - name: Int_Access
    label: Int Access
    system: { ApiEnabled: true }
    objects: { Account: [read, edit], Contact: [read], Lead: [read], Case: [read] }
    fields: { Account.Phone: [read], Account.Name: [read, edit], Contact.Email: [read] }
  - { name: Ops_Base, label: Ops Base }
permission_set_groups:
  - { name: Sales_Ops, label: Sales Ops, permission_sets: [Ops_Base] }
groups: [ { name: Int_Group, label: Int Group, members: [int@s.example, frozen@s.example] } ]
connected_apps:
  - { name: app, client_id: app-client, client_secret: app-secret, execution_user: admin@s.example }
)";

TEST(PermissionSfsimSmallOrgTest, PagesGroupsFrozenInactiveMissingAndAnInjectionAttempt) {
  InProcessSim sim(sim::LoadOrgText(kSmallOrg), "app-client", "app-secret");
  ASSERT_TRUE(sim.Run(sim.client().Authenticate()).has_value());
  OrgTarget target;
  target.api_version = "60.0";
  target.usernames = {"int@s.example", "frozen@s.example", "nobody@s.example",
                      "o'brien\\x@s.example') OR (Username != '"};
  target.permission_sets = {{"Int_Access", {"ApiEnabled"}}, {"Missing_Set", {"ApiEnabled"}}};
  target.permission_set_groups = {"Sales_Ops", "Missing_Group"};
  target.public_groups = {"Int_Group", "Missing_Public_Group"};

  auto before = sim.CountedCalls();
  auto s = sim.Run(ReadPermissions(sim.client(), target));
  ASSERT_TRUE(s.has_value()) << s.error();
  EXPECT_EQ(sim.CountedCalls() - before, s->api_calls);
  // Page size 2: users (2 rows) 1 page; logins 1; assignments (2) 1; sets (Int_Access +
  // the Sales_Ops aggregate) 1; groups 1; objects (4) 2; fields (3) 2; members (2) 1;
  // tokens (0) 1. No readMetadata (no watched objects).
  EXPECT_EQ(s->api_calls, 2 + 2);

  const auto& user = s->users.at("int@s.example");
  EXPECT_TRUE(user.found && user.active && !user.frozen);
  EXPECT_EQ(user.public_groups, std::vector<std::string>{"Int_Group"});
  ASSERT_EQ(user.assignments.size(), 2u);
  std::set<std::pair<std::string, std::string>> assigned;
  for (const auto& a : user.assignments)
    assigned.insert({a.permission_set, a.permission_set_group});
  EXPECT_EQ(assigned,
            (std::set<std::pair<std::string, std::string>>{{"Int_Access", ""}, {"", "Sales_Ops"}}));
  const auto& frozen = s->users.at("frozen@s.example");
  EXPECT_TRUE(frozen.found && frozen.frozen && !frozen.active);
  EXPECT_EQ(frozen.public_groups, std::vector<std::string>{"Int_Group"});
  EXPECT_FALSE(s->users.at("nobody@s.example").found);
  EXPECT_FALSE(s->users.at("o'brien\\x@s.example') OR (Username != '").found);

  EXPECT_EQ(s->permission_sets.at("Int_Access").objects.size(), 4u);
  EXPECT_EQ(s->permission_sets.at("Int_Access").fields.size(), 3u);
  EXPECT_FALSE(s->permission_sets.at("Missing_Set").found);
  EXPECT_TRUE(s->permission_set_groups.at("Sales_Ops").found);
  EXPECT_EQ(s->permission_set_groups.at("Sales_Ops").id.substr(0, 3), "0PG");
  EXPECT_EQ(s->permission_set_groups.at("Sales_Ops").name, "Sales Ops");
  EXPECT_FALSE(s->permission_set_groups.at("Missing_Group").found);
  EXPECT_TRUE(s->public_groups.at("Int_Group").found);
  EXPECT_FALSE(s->public_groups.at("Missing_Public_Group").found);
}

TEST(PermissionSfsimSmallOrgTest, UnknownSystemPermissionFailsWithItsName) {
  InProcessSim sim(sim::LoadOrgText(kSmallOrg), "app-client", "app-secret");
  OrgTarget target;
  target.api_version = "60.0";
  target.permission_sets = {{"Int_Access", {"ApiEnabled", "ManageUnicorns"}}};
  auto s = sim.Run(ReadPermissions(sim.client(), target));
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().error_code, "INVALID_FIELD");
  EXPECT_NE(s.error().message.find("system permission 'ManageUnicorns'"), std::string::npos)
      << s.error();
  EXPECT_NE(s.error().context.find("PermissionSet query"), std::string::npos) << s.error();
}

// The API-cost figures for bench/: one full read of N generated integration users, each
// with its own permission set, group and Account sharing rule, among 1,000 humans.
TEST(PermissionSfsimCostTest, FullReadCallsAt1To1000Users) {
  for (int n : {1, 10, 100, 1000}) {
    SCOPED_TRACE(n);
    sim::GeneratorOptions options;
    options.integrations = n;
    options.humans = 1000;
    InProcessSim sim(sim::LoadOrgText(sim::GenerateOrgYaml(options)), "bench-client",
                     "bench-secret");
    ASSERT_TRUE(sim.Run(sim.client().Authenticate()).has_value());
    OrgTarget target;
    target.api_version = "60.0";
    for (int i = 1; i <= n; ++i) {
      auto id = std::to_string(i);
      target.usernames.push_back("integration" + id + "@bench.example");
      target.permission_sets["Integration_" + id + "_Access"] = {"ApiEnabled", "ModifyAllData"};
      target.public_groups.push_back("Integration_" + id + "_Group");
    }
    target.sharing_rule_objects = {"Account"};
    target.org_wide_default_objects = {"Account", "Contact"};

    auto before = sim.CountedCalls();
    auto started = std::chrono::steady_clock::now();
    auto s = sim.Run(ReadPermissions(sim.client(), target));
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - started)
                  .count();
    ASSERT_TRUE(s.has_value()) << s.error();
    auto counted = sim.CountedCalls() - before;
    EXPECT_EQ(counted, s->api_calls);

    // Rows: users, logins, assignments, sets, groups, 2 object + 1 field rows per set,
    // memberships, the organization, no tokens.
    std::int64_t rows = 6 * n + 3 * n + 1;
    std::int64_t allowed = 3 + (rows + 1999) / 2000;
    EXPECT_LE(s->api_calls, allowed);
    EXPECT_EQ(s->api_calls, 3);  // every query fits one 2,000-row page up to 1,000 users
    std::size_t found = 0;
    for (const auto& [name, user] : s->users) found += user.found && user.public_groups.size() == 1;
    EXPECT_EQ(found, static_cast<std::size_t>(n));
    EXPECT_EQ(s->sharing_rules.at(0).criteria_rules.size(), static_cast<std::size_t>(n));
    std::printf(
        "[ permission read ] users=%d rows=%lld api_calls=%d sfsim_counted=%lld bound=%lld "
        "(3 + ceil(rows/2000)) wall_ms=%lld\n",
        n, static_cast<long long>(rows), s->api_calls, static_cast<long long>(counted),
        static_cast<long long>(allowed), static_cast<long long>(ms));
  }
}

}  // namespace
}  // namespace sfwarden::collectors
