#include "remediation/render.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "remediation/sharing_rules_json.h"
#include "tests/remediation/fixtures.h"

namespace sfwarden::remediation {
namespace {

using namespace fixtures;
using nlohmann::json;
using ::testing::HasSubstr;

Plan PlanFor(const OrgBaseline& baseline, const collectors::PermissionSnapshot& snapshot,
             const std::vector<collectors::AuditObservation>& audit = {}) {
  return BuildPlan(baseline, snapshot, DetectDrift(baseline, snapshot, audit));
}

// One drift of each step kind: a removal, an update, an addition, and an alert-only item.
collectors::PermissionSnapshot MixedDrift() {
  auto snapshot = Snapshot();
  auto& user = snapshot.users[kUser];
  user.profile = "System Administrator";
  user.assignments = {{.assignment_id = "0Pa000000000002AAA", .permission_set_group = kSetGroup},
                      {.assignment_id = "0Pa000000000009AAA", .permission_set = "Marketing_Admin"}};
  snapshot.permission_sets[kSet].objects["Account"].create = false;
  return snapshot;
}

TEST(RenderPlanTextTest, NoDrift) {
  EXPECT_EQ(RenderPlanText(PlanFor(Baseline(), Snapshot())),
            "Org prod, read at 2026-01-01T00:00:00.000Z\n"
            "\n"
            "No drift: the org matches its baseline.\n");
}

TEST(RenderPlanTextTest, DriftStepsSkippedAndSummary) {
  collectors::AuditObservation entry;
  entry.id = "0YM1";
  entry.time = At(-5);
  entry.action = "PermSetAssign";
  entry.actor_username = "alice@acme.com";
  entry.concerns.usernames = {kUser};

  const std::string text = RenderPlanText(PlanFor(Baseline(), MixedDrift(), {entry}));

  EXPECT_EQ(text,
            "Org prod, read at 2026-01-01T00:00:00.000Z\n"
            "\n"
            "Drift (4):\n"
            "  profile_mismatch  hubspot@acme.com: expected Salesforce API Only System "
            "Integrations, actual System Administrator [alert_only]\n"
            "  missing_permission_set_assignment  hubspot@acme.com  HubSpot_Sync_Access: expected "
            "assigned, actual not assigned [enforce]\n"
            "  extra_permission_set_assignment  hubspot@acme.com  Marketing_Admin: expected not "
            "assigned, actual assigned; changed by alice@acme.com at 2025-12-31T23:55:00.000Z "
            "[enforce]\n"
            "  object_permission_mismatch  HubSpot_Sync_Access  Account: expected read, create, "
            "edit, actual read, edit [enforce]\n"
            "\n"
            "Steps:\n"
            "  - PermissionSetAssignment 0Pa000000000009AAA  hubspot@acme.com: Marketing_Admin\n"
            "  ~ ObjectPermissions 110000000000001AAA  HubSpot_Sync_Access: Account -> read, "
            "create, edit\n"
            "  + PermissionSetAssignment  hubspot@acme.com: HubSpot_Sync_Access\n"
            "\n"
            "Not applied:\n"
            "  profile/hubspot@acme.com: alert_only\n"
            "\n"
            "Plan: 1 to add, 1 to change, 1 to remove; 3 API calls.\n");
}

TEST(RenderPlanTextTest, CircuitBreakerIsSaid) {
  auto baseline = Baseline();
  baseline.max_changes_per_cycle = 1;

  const std::string text = RenderPlanText(PlanFor(baseline, MixedDrift()));

  EXPECT_THAT(text, HasSubstr("\nCircuit breaker: 3 changes exceed max_changes_per_cycle 1"));
  EXPECT_THAT(text, HasSubstr("permission_set_assignment/hubspot@acme.com/Marketing_Admin: "
                              "circuit_breaker\n"));
  EXPECT_THAT(text, HasSubstr("Plan: 0 to add, 0 to change, 0 to remove; 0 API calls.\n"));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("Steps:")));
}

TEST(RenderPlanTextTest, ControlCharactersFromTheOrgCannotForgeLines) {
  auto snapshot = Snapshot();
  snapshot.users[kUser].profile = "Evil\n  + PermissionSetAssignment  fake\x1b[0m";

  const std::string text = RenderPlanText(PlanFor(Baseline(), snapshot));

  EXPECT_THAT(text, HasSubstr("actual Evil\\x0a  + PermissionSetAssignment  fake\\x1b[0m "
                              "[alert_only]\n"));
}

TEST(RenderPlanJsonTest, CarriesDriftStepsAndCounts) {
  const json j = RenderPlanJson(PlanFor(Baseline(), MixedDrift()));

  EXPECT_EQ(j["org"], "prod");
  EXPECT_EQ(j["read_at"], "2026-01-01T00:00:00.000Z");
  ASSERT_EQ(j["drift"].size(), 4u);
  EXPECT_EQ(j["drift"][0]["kind"], "profile_mismatch");
  EXPECT_EQ(j["drift"][0]["enforceable"], false);
  EXPECT_EQ(j["drift"][0]["disposition"], "alert_only");
  EXPECT_TRUE(j["drift"][0]["changed_by"].is_null());
  EXPECT_EQ(j["drift"][2]["key"], "permission_set_assignment/hubspot@acme.com/Marketing_Admin");
  ASSERT_EQ(j["steps"].size(), 3u);
  EXPECT_EQ(j["steps"][0]["action"], "delete");
  EXPECT_EQ(j["steps"][0]["sobject"], "PermissionSetAssignment");
  EXPECT_EQ(j["steps"][0]["id"], "0Pa000000000009AAA");
  EXPECT_EQ(j["steps"][0]["replaces"]["PermissionSet.Name"], "Marketing_Admin");
  EXPECT_EQ(j["steps"][1]["fields"]["PermissionsCreate"], true);
  EXPECT_EQ(j["steps"][2]["action"], "create");
  EXPECT_FALSE(j["steps"][2].contains("id"));
  EXPECT_EQ(j["steps"][2]["fixes"],
            json::array({"permission_set_assignment/hubspot@acme.com/HubSpot_Sync_Access"}));
  EXPECT_EQ(j["skipped"], json::parse(R"([{"key": "profile/hubspot@acme.com",
                                           "reason": "alert_only", "detail": ""}])"));
  EXPECT_EQ(j["changes"], 3);
  EXPECT_EQ(j["api_calls"], 3);
  EXPECT_TRUE(j["circuit_breaker"].is_null());
  EXPECT_EQ(j["summary"], (json{{"add", 1}, {"change", 1}, {"remove", 1}}));
}

TEST(RenderPlanJsonTest, AttributionAndSharingRules) {
  auto snapshot = Snapshot();
  snapshot.sharing_rules.clear();
  collectors::AuditObservation entry;
  entry.id = "0YM7";
  entry.time = At(-1);
  entry.section = "Sharing Rules";
  entry.action = "deleteRule";
  entry.actor_username = "bob@acme.com";
  entry.delegate_user = "support@acme.com";
  entry.concerns.objects = {"Account"};

  const json j = RenderPlanJson(PlanFor(Baseline(), snapshot, {entry}));

  ASSERT_EQ(j["drift"].size(), 1u);
  EXPECT_EQ(j["drift"][0]["changed_by"]["actor_username"], "bob@acme.com");
  EXPECT_EQ(j["drift"][0]["changed_by"]["delegate_user"], "support@acme.com");
  EXPECT_EQ(j["drift"][0]["changed_by"]["time"], "2025-12-31T23:59:00.000Z");
  ASSERT_EQ(j["steps"].size(), 1u);
  EXPECT_EQ(j["steps"][0]["action"], "upsert");
  EXPECT_EQ(j["steps"][0]["id"], "Account");
  EXPECT_EQ(j["steps"][0]["sharing_rules"]["sharingCriteriaRules"][0]["fullName"],
            "Send_to_HubSpot");
  EXPECT_TRUE(j["steps"][0]["replaces"].is_null());
}

TEST(SharingRulesJsonTest, RoundTrips) {
  salesforce::SharingRules rules{.object = "Account"};
  salesforce::SharingRule criteria = SendToHubSpot();
  criteria.boolean_filter = "1 OR 2";
  criteria.criteria_items.push_back(
      {.field = "Type", .operation = "equals", .value = "", .value_field = "Other__c"});
  criteria.include_records_owned_by_all = true;
  criteria.account_settings = salesforce::AccountSettings{.case_access_level = "None",
                                                          .contact_access_level = "Read",
                                                          .opportunity_access_level = "Edit"};
  criteria.description = "sync";
  salesforce::SharingRule owner;
  owner.type = salesforce::SharingRule::Type::kOwner;
  owner.full_name = "Owner_Rule";
  owner.access_level = "Read";
  owner.label = "Owner rule";
  owner.shared_to = {.kind = "allInternalUsers", .value = ""};
  owner.shared_from = {.kind = "roleAndSubordinates", .value = "CEO"};
  rules.criteria_rules = {criteria};
  rules.owner_rules = {owner};
  rules.other_rules = {{"sharingGuestRules", "<sharingGuestRules><x/></sharingGuestRules>"}};

  const json j = SharingRulesToJson(rules);
  const auto back = SharingRulesFromJson(json::parse(j.dump()));

  ASSERT_TRUE(back.has_value()) << back.error();
  EXPECT_EQ(back->object, "Account");
  EXPECT_EQ(back->criteria_rules, rules.criteria_rules);
  EXPECT_EQ(back->owner_rules, rules.owner_rules);
  EXPECT_EQ(back->other_rules, rules.other_rules);
  EXPECT_EQ(j["sharingCriteriaRules"][0]["accessLevel"], "Edit");
}

TEST(SharingRulesJsonTest, MalformedValueIsAnError) {
  const auto back = SharingRulesFromJson(json{{"object", "Account"}});
  ASSERT_FALSE(back.has_value());
  EXPECT_THAT(back.error(), HasSubstr("not a SharingRules journal value"));
}

}  // namespace
}  // namespace sfwarden::remediation
