#include <gtest/gtest.h>

#include "tests/sim/sim_fixture.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;
using testing::SimFixture;

class RestWritesTest : public ::testing::Test {
 protected:
  Response Call(const std::string& method, const std::string& path, const json& body = nullptr) {
    return f_.Call(method, "/services/data/v60.0/" + path, body.is_null() ? "" : body.dump(),
                   token_);
  }
  std::string PsId(const std::string& name) {
    return (*f_.org().FindBy("PermissionSet", "Name", name))["Id"];
  }
  const json& LastAudit() { return f_.org().table("SetupAuditTrail").rows.back(); }
  size_t AuditCount() { return f_.org().table("SetupAuditTrail").rows.size(); }
  std::string ErrorCode(const Response& r) { return json::parse(r.body)[0]["errorCode"]; }

  SimFixture f_;
  std::string token_ = f_.Login("admin@t.example");
};

TEST_F(RestWritesTest, AssignAndUnassignPermissionSetWithAuditRows) {
  std::string user = f_.UserId("int@t.example");
  auto created = Call("POST", "sobjects/PermissionSetAssignment",
                      {{"AssigneeId", user}, {"PermissionSetId", PsId("Extra_Access")}});
  ASSERT_EQ(created.status, 201) << created.body;
  auto body = json::parse(created.body);
  EXPECT_EQ(body["success"], true);
  EXPECT_EQ(body["errors"], json::array());
  std::string id = body["id"];
  EXPECT_EQ(id.substr(0, 3), "0Pa");
  EXPECT_EQ(LastAudit()["Action"], "PermSetAssign");
  EXPECT_EQ(LastAudit()["Section"], "Manage Users");
  EXPECT_EQ(LastAudit()["Display"],
            "Permission set Extra Access: assigned to user Int User (UserID: [" +
                user.substr(0, 15) + "])");
  EXPECT_EQ(LastAudit()["CreatedById"], f_.UserId("admin@t.example"));

  auto dup = Call("POST", "sobjects/PermissionSetAssignment",
                  {{"AssigneeId", user}, {"PermissionSetId", PsId("Extra_Access")}});
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(json::parse(dup.body)[0]["errorCode"], "DUPLICATE_VALUE");
  EXPECT_EQ(json::parse(dup.body)[0]["message"].get<std::string>().rfind(
                "Duplicate PermissionSetAssignment. Assignee: ", 0),
            0u);

  EXPECT_EQ(Call("DELETE", "sobjects/PermissionSetAssignment/" + id).status, 204);
  EXPECT_EQ(LastAudit()["Action"], "PermSetUnassign");
  auto again = Call("DELETE", "sobjects/PermissionSetAssignment/" + id);
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(ErrorCode(again), "ENTITY_IS_DELETED");
}

TEST_F(RestWritesTest, ValidationErrors) {
  std::string user = f_.UserId("int@t.example");
  EXPECT_EQ(ErrorCode(Call("POST", "sobjects/PermissionSetAssignment",
                           {{"AssigneeId", "bogus"}, {"PermissionSetId", PsId("Extra_Access")}})),
            "MALFORMED_ID");
  EXPECT_EQ(ErrorCode(Call(
                "POST", "sobjects/PermissionSetAssignment",
                {{"AssigneeId", PsId("Extra_Access")}, {"PermissionSetId", PsId("Extra_Access")}})),
            "INVALID_CROSS_REFERENCE_KEY");
  auto missing = Call("POST", "sobjects/PermissionSetAssignment", {{"AssigneeId", user}});
  EXPECT_EQ(ErrorCode(missing), "REQUIRED_FIELD_MISSING");
  EXPECT_EQ(json::parse(missing.body)[0]["fields"], json::array({"PermissionSetId"}));
  EXPECT_EQ(ErrorCode(Call("POST", "sobjects/PermissionSetAssignment", {{"Bogus", 1}})),
            "INVALID_FIELD");
  EXPECT_EQ(ErrorCode(Call("PATCH", "sobjects/User/" + user, {{"UserType", "Guest"}})),
            "INVALID_FIELD_FOR_INSERT_UPDATE");
  auto not_found = Call("PATCH", "sobjects/User/005000000000000AAA", {{"IsActive", false}});
  EXPECT_EQ(not_found.status, 404);
  EXPECT_EQ(ErrorCode(not_found), "NOT_FOUND");
  auto bad_id = Call("GET", "sobjects/User/23foo");
  EXPECT_EQ(
      bad_id.body,
      R"([{"message":"Provided external ID field does not exist or is not accessible: 23foo","errorCode":"NOT_FOUND"}])");
  EXPECT_EQ(
      ErrorCode(Call("PATCH", "sobjects/User/" + PsId("Extra_Access"), {{"IsActive", false}})),
      "MALFORMED_ID");
  EXPECT_EQ(Call("POST", "sobjects/Nope", json::object()).status, 404);
  EXPECT_EQ(ErrorCode(Call("POST", "sobjects/ObjectPermissions",
                           {{"ParentId", PsId("Extra_Access")},
                            {"SobjectType", "Lead"},
                            {"PermissionsEdit", true}})),
            "FIELD_INTEGRITY_EXCEPTION");
}

TEST_F(RestWritesTest, FreezeDeactivateAndProfileChangeAreAudited) {
  std::string user = f_.UserId("int@t.example");
  std::string int_token = f_.Login("int@t.example");
  std::string login_id = (*f_.org().FindBy("UserLogin", "UserId", user))["Id"];
  EXPECT_EQ(Call("PATCH", "sobjects/UserLogin/" + login_id, {{"IsFrozen", true}}).status, 204);
  EXPECT_EQ(LastAudit()["Action"], "frozeuser");
  EXPECT_EQ(LastAudit()["Display"], "Froze user Int User");
  EXPECT_EQ(f_.Call("GET", "/services/data/v60.0/limits", "", int_token).status, 401);
  EXPECT_EQ(Call("PATCH", "sobjects/User/" + user, {{"IsActive", false}}).status, 204);
  EXPECT_EQ(LastAudit()["Action"], "deactivateduser");
  std::string admin_profile = (*f_.org().FindBy("Profile", "Name", "System Administrator"))["Id"];
  EXPECT_EQ(Call("PATCH", "sobjects/User/" + user, {{"ProfileId", admin_profile}}).status, 204);
  EXPECT_EQ(LastAudit()["Display"],
            "Changed profile for user Int User from API Only to System Administrator");
  auto rec = json::parse(Call("GET", "sobjects/User/" + user + "?fields=IsActive,ProfileId").body);
  EXPECT_EQ(rec["IsActive"], false);
  EXPECT_EQ(rec["ProfileId"], admin_profile);
  EXPECT_FALSE(rec.contains("Username"));
}

TEST_F(RestWritesTest, PermissionEditsAreAudited) {
  std::string ps = PsId("Int_Access");
  EXPECT_EQ(
      Call("PATCH", "sobjects/PermissionSet/" + ps, {{"PermissionsModifyAllData", true}}).status,
      204);
  EXPECT_EQ(LastAudit()["Action"], "PermSetEnableUserPerm");
  EXPECT_EQ(LastAudit()["Display"],
            "Changed permission set Int Access: general user permission ModifyAllData was changed "
            "from disabled to enabled");
  std::string op = (*f_.org().FindBy("ObjectPermissions", "ParentId", ps))["Id"];
  EXPECT_EQ(Call("PATCH", "sobjects/ObjectPermissions/" + op, {{"PermissionsDelete", true}}).status,
            204);
  EXPECT_EQ(LastAudit()["Action"], "PermSetEntityPermChanged");
  EXPECT_EQ(LastAudit()["Display"],
            "Changed permission set Int Access: Account object permissions were changed from Read, "
            "Edit to Read, Edit, Delete");
  auto fp = Call("POST", "sobjects/FieldPermissions",
                 {{"ParentId", ps},
                  {"SobjectType", "Account"},
                  {"Field", "Account.Industry"},
                  {"PermissionsRead", true}});
  ASSERT_EQ(fp.status, 201) << fp.body;
  EXPECT_EQ(LastAudit()["Display"],
            "Changed permission set Int Access: field-level security for Account: Industry was "
            "changed from No Access to Read Only");
  size_t before = AuditCount();
  std::string gm =
      (*f_.org().FindBy("GroupMember", "UserOrGroupId", f_.UserId("int@t.example")))["Id"];
  EXPECT_EQ(Call("DELETE", "sobjects/GroupMember/" + gm).status, 204);
  EXPECT_EQ(AuditCount(), before + 1);
  EXPECT_EQ(LastAudit()["Section"], "Groups");
  EXPECT_EQ(LastAudit()["Action"], "groupMembership");
}

TEST_F(RestWritesTest, DuplicateGroupMemberReturnsTheExistingRecordWithoutAnAuditRow) {
  std::string user = f_.UserId("int@t.example");
  std::string group = (*f_.org().FindBy("Group", "DeveloperName", "Int_Group"))["Id"];
  std::string existing = (*f_.org().FindBy("GroupMember", "UserOrGroupId", user))["Id"];
  size_t before = AuditCount();
  size_t members = f_.org().table("GroupMember").rows.size();
  auto again = Call("POST", "sobjects/GroupMember", {{"GroupId", group}, {"UserOrGroupId", user}});
  ASSERT_EQ(again.status, 201) << again.body;
  EXPECT_EQ(json::parse(again.body)["id"], existing);
  EXPECT_EQ(json::parse(again.body)["success"], true);
  EXPECT_EQ(f_.org().table("GroupMember").rows.size(), members);
  EXPECT_EQ(AuditCount(), before);
  // A duplicate PermissionSetAssignment still fails.
  auto dup = Call("POST", "sobjects/PermissionSetAssignment",
                  {{"AssigneeId", user}, {"PermissionSetId", PsId("Int_Access")}});
  EXPECT_EQ(dup.status, 400);
  EXPECT_EQ(ErrorCode(dup), "DUPLICATE_VALUE");
}

TEST_F(RestWritesTest, CompositeBatchRunsIndependentSubrequestsEachCounted) {
  std::string user = f_.UserId("int@t.example");
  auto used = [&] { return f_.sim->state().usage.Used(f_.org().Now()); };
  auto before = used();
  json req = {
      {"batchRequests",
       {{{"method", "POST"},
         {"url", "v60.0/sobjects/PermissionSetAssignment"},
         {"richInput", {{"AssigneeId", user}, {"PermissionSetId", PsId("Extra_Access")}}}},
        {{"method", "POST"},  // duplicate: fails on its own, the first stays
         {"url", "v60.0/sobjects/PermissionSetAssignment"},
         {"richInput", {{"AssigneeId", user}, {"PermissionSetId", PsId("Extra_Access")}}}},
        {{"method", "GET"},
         {"url", "v60.0/query?q=SELECT+Id+FROM+PermissionSetAssignment+WHERE+AssigneeId+%3D+%27" +
                     user + "%27"}},
        {{"method", "GET"}, {"url", "/v60.0/limits"}}}}};
  auto r = Call("POST", "composite/batch", req);
  ASSERT_EQ(r.status, 200) << r.body;
  auto out = json::parse(r.body);
  EXPECT_EQ(out["hasErrors"], true);
  ASSERT_EQ(out["results"].size(), 4u);
  EXPECT_EQ(out["results"][0]["statusCode"], 201);
  EXPECT_EQ(out["results"][0]["result"]["success"], true);
  EXPECT_EQ(out["results"][1]["statusCode"], 400);
  EXPECT_EQ(out["results"][1]["result"][0]["errorCode"], "DUPLICATE_VALUE");
  EXPECT_EQ(out["results"][2]["statusCode"], 200);
  EXPECT_EQ(out["results"][2]["result"]["totalSize"], 2);  // Int_Access + Extra_Access
  EXPECT_EQ(out["results"][3]["result"]["DailyApiRequests"]["Max"], 1000);
  // "Each subrequest counts against rate limits" (unlike /composite).
  EXPECT_EQ(used(), before + 4);
  EXPECT_EQ(r.Header("Sforce-Limit-Info"), "api-usage=" + std::to_string(before + 4) + "/1000");
}

TEST_F(RestWritesTest, CompositeBatchHaltOnErrorAndItsRefusals) {
  std::string user = f_.UserId("int@t.example");
  json req = {{"haltOnError", true},
              {"batchRequests",
               {{{"method", "DELETE"},
                 {"url", "v60.0/sobjects/PermissionSetAssignment/0Pa000000000000AAA"}},
                {{"method", "GET"}, {"url", "v60.0/limits"}}}}};
  auto out = json::parse(Call("POST", "composite/batch", req).body);
  EXPECT_EQ(out["hasErrors"], true);
  EXPECT_GE(out["results"][0]["statusCode"].get<int>(), 400);
  EXPECT_EQ(out["results"][1]["statusCode"], 412);
  EXPECT_EQ(out["results"][1]["result"][0]["errorCode"], "BATCH_PROCESSING_HALTED");

  json ok = {{"batchRequests", {{{"method", "GET"}, {"url", "v60.0/limits"}}}}};
  EXPECT_EQ(json::parse(Call("POST", "composite/batch", ok).body)["hasErrors"], false);
  json big = {{"batchRequests", json::array()}};
  for (int i = 0; i < 26; ++i)
    big["batchRequests"].push_back({{"method", "GET"}, {"url", "v60.0/limits"}});
  EXPECT_EQ(Call("POST", "composite/batch", big).status, 400);
  json bad = {{"batchRequests", {{{"method", "GET"}, {"url", "nowhere"}}}}};
  EXPECT_EQ(Call("POST", "composite/batch", bad).status, 400);
  EXPECT_EQ(Call("GET", "composite/batch").status, 405);

  // The allowance runs out inside the batch: the rest get 403 REQUEST_LIMIT_EXCEEDED.
  f_.org().settings.daily_api_requests = f_.sim->state().usage.Used(f_.org().Now()) + 2;
  json three = {{"batchRequests", json::array()}};
  for (int i = 0; i < 3; ++i)
    three["batchRequests"].push_back({{"method", "GET"}, {"url", "v60.0/limits"}});
  auto limited = json::parse(Call("POST", "composite/batch", three).body);
  EXPECT_EQ(limited["results"][1]["statusCode"], 200);
  EXPECT_EQ(limited["results"][2]["statusCode"], 403);
  EXPECT_EQ(limited["results"][2]["result"][0]["errorCode"], "REQUEST_LIMIT_EXCEEDED");
  EXPECT_EQ(limited["hasErrors"], true);
}

TEST_F(RestWritesTest, CompositeCountsOnceAndResolvesReferences) {
  std::string user = f_.UserId("int@t.example");
  json req = {
      {"allOrNone", false},
      {"compositeRequest",
       {{{"method", "POST"},
         {"url", "/services/data/v60.0/sobjects/PermissionSetAssignment"},
         {"referenceId", "assign"},
         {"body", {{"AssigneeId", user}, {"PermissionSetId", PsId("Extra_Access")}}}},
        {{"method", "GET"},
         {"url",
          "/services/data/v60.0/"
          "query?q=SELECT+Id+FROM+PermissionSetAssignment+WHERE+Id+=+'@{assign.id}'"},
         {"referenceId", "check"}},
        {{"method", "DELETE"},
         {"url", "/services/data/v60.0/sobjects/PermissionSetAssignment/@{check.records[0].Id}"},
         {"referenceId", "remove"}},
        {{"method", "GET"},
         {"url", "/services/data/v60.0/sobjects/Foo"},
         {"referenceId", "missing"}}}}};
  auto before = f_.sim->state().usage.Used(f_.org().Now());
  auto r = Call("POST", "composite", req);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(f_.sim->state().usage.Used(f_.org().Now()), before + 1);
  auto out = json::parse(r.body)["compositeResponse"];
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0]["httpStatusCode"], 201);
  EXPECT_EQ(out[1]["body"]["totalSize"], 1);
  EXPECT_EQ(out[2]["httpStatusCode"], 204);
  EXPECT_TRUE(out[2]["body"].is_null());
  EXPECT_EQ(out[3]["httpStatusCode"], 404);
  EXPECT_EQ(out[3]["body"][0]["errorCode"], "NOT_FOUND");
  EXPECT_EQ(out[3]["referenceId"], "missing");
  auto counters = f_.sim->state().usage.Counters();
  EXPECT_EQ(counters["per_composite_subrequest"]["POST sobjects/PermissionSetAssignment"], 1);
}

TEST_F(RestWritesTest, CompositeAllOrNoneRollsBack) {
  std::string user = f_.UserId("int@t.example");
  size_t audits = AuditCount();
  json req = {{"allOrNone", true},
              {"compositeRequest",
               {{{"method", "POST"},
                 {"url", "/services/data/v60.0/sobjects/PermissionSetAssignment"},
                 {"referenceId", "a"},
                 {"body", {{"AssigneeId", user}, {"PermissionSetId", PsId("Extra_Access")}}}},
                {{"method", "POST"},
                 {"url", "/services/data/v60.0/sobjects/PermissionSetAssignment"},
                 {"referenceId", "b"},
                 {"body", {{"AssigneeId", user}, {"PermissionSetId", PsId("Extra_Access")}}}}}}};
  auto out = json::parse(Call("POST", "composite", req).body)["compositeResponse"];
  EXPECT_EQ(out[0]["httpStatusCode"], 400);
  EXPECT_EQ(out[0]["body"][0]["errorCode"], "PROCESSING_HALTED");
  EXPECT_EQ(out[1]["body"][0]["errorCode"], "DUPLICATE_VALUE");
  EXPECT_EQ(AuditCount(), audits);
  json many = {{"compositeRequest", json::array()}};
  for (int i = 0; i < 26; ++i)
    many["compositeRequest"].push_back({{"method", "GET"},
                                        {"url", "/services/data/v60.0/limits"},
                                        {"referenceId", "r" + std::to_string(i)}});
  EXPECT_EQ(Call("POST", "composite", many).status, 400);
  json queries = {{"compositeRequest", json::array()}};
  for (int i = 0; i < 6; ++i)
    queries["compositeRequest"].push_back(
        {{"method", "GET"},
         {"url", "/services/data/v60.0/query?q=SELECT+Id+FROM+User"},
         {"referenceId", "q" + std::to_string(i)}});
  EXPECT_EQ(Call("POST", "composite", queries).status, 400);
}

// A 1,000-user IN list makes a ~27 KB subrequest URL; the composite handler once matched
// it with std::regex, which recursed per character and overflowed the stack.
TEST_F(RestWritesTest, CompositeAcceptsLongQueryUrlsAndRejectsForeignOnes) {
  std::string ids;
  for (int i = 0; i < 3000; ++i)
    ids += (ids.empty() ? "" : ",") + std::string("'005000000000000AAA'");
  std::string soql = "SELECT Id FROM User WHERE Id IN (" + ids + ")";
  std::string encoded;
  for (char c : soql)
    encoded += c == ' ' ? std::string("+") : c == '\'' ? std::string("%27") : std::string(1, c);
  ASSERT_GT(encoded.size(), 60000u);
  json req = {{"compositeRequest",
               {{{"method", "GET"},
                 {"url", "/services/data/v60.0/query?q=" + encoded},
                 {"referenceId", "long"}},
                {{"method", "GET"}, {"url", "/services/data/vX.0/limits"}, {"referenceId", "bad"}},
                {{"method", "GET"}, {"url", "/services/data/v60.0"}, {"referenceId", "short"}}}}};
  auto r = Call("POST", "composite", req);
  ASSERT_EQ(r.status, 200) << r.body;
  auto out = json::parse(r.body)["compositeResponse"];
  EXPECT_EQ(out[0]["httpStatusCode"], 200) << out[0].dump();
  EXPECT_EQ(out[0]["body"]["totalSize"], 0);
  EXPECT_EQ(out[1]["httpStatusCode"], 404);
  EXPECT_EQ(out[2]["httpStatusCode"], 404);
}

TEST_F(RestWritesTest, CollectionsCreateAndDeleteWithPerRecordResults) {
  std::string user = f_.UserId("int@t.example"), admin = f_.UserId("admin@t.example");
  json req = {{"allOrNone", false},
              {"records",
               {{{"attributes", {{"type", "PermissionSetAssignment"}}},
                 {"AssigneeId", user},
                 {"PermissionSetId", PsId("Extra_Access")}},
                {{"attributes", {{"type", "PermissionSetAssignment"}}},
                 {"AssigneeId", user},
                 {"PermissionSetId", PsId("Int_Access")}},
                {{"attributes", {{"type", "PermissionSetAssignment"}}},
                 {"AssigneeId", admin},
                 {"PermissionSetId", PsId("Extra_Access")}}}}};
  auto r = Call("POST", "composite/sobjects", req);
  ASSERT_EQ(r.status, 200) << r.body;
  auto out = json::parse(r.body);
  EXPECT_EQ(out[0]["success"], true);
  EXPECT_EQ(out[1]["success"], false);
  EXPECT_EQ(out[1]["errors"][0]["statusCode"], "DUPLICATE_VALUE");
  EXPECT_EQ(out[2]["success"], true);
  auto del = Call("DELETE", "composite/sobjects?ids=" + out[0]["id"].get<std::string>() + "," +
                                out[2]["id"].get<std::string>());
  auto d = json::parse(del.body);
  EXPECT_EQ(d[0]["success"], true);
  EXPECT_EQ(d[1]["success"], true);
  req["allOrNone"] = true;
  auto all = json::parse(Call("POST", "composite/sobjects", req).body);
  EXPECT_EQ(all[0]["success"], false);
  EXPECT_EQ(all[0]["errors"][0]["statusCode"], "ALL_OR_NONE_OPERATION_ROLLED_BACK");
  EXPECT_EQ(json::parse(f_.Call("GET",
                                "/services/data/v60.0/"
                                "query?q=SELECT+COUNT()+FROM+PermissionSetAssignment+WHERE+"
                                "PermissionSet.Name+=+'Extra_Access'",
                                "", token_)
                            .body)["totalSize"],
            0);
  json big = {{"records", json::array()}};
  for (int i = 0; i < 201; ++i)
    big["records"].push_back({{"attributes", {{"type", "GroupMember"}}}});
  EXPECT_EQ(Call("POST", "composite/sobjects", big).status, 400);
}

}  // namespace
}  // namespace sfwarden::sim
