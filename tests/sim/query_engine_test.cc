#include "sim/query_engine.h"

#include <gtest/gtest.h>

#include "sim/login_history.h"
#include "tests/sim/sim_fixture.h"

namespace sfwarden::sim {
namespace {
using nlohmann::ordered_json;
using testing::SimFixture;

// A QueryResult with its record texts parsed.
struct Parsed {
  long total_size = 0;
  ordered_json records = ordered_json::array();
};

class QueryEngineTest : public ::testing::Test {
 protected:
  Parsed Ok(const std::string& soql, bool all = false) {
    auto r = RunSoql(f_.org(), soql, all, "60.0");
    EXPECT_TRUE(r) << soql << "\n" << (r ? "" : r.error().message);
    return r ? Parsed{r->total_size, r->Records(f_.org())} : Parsed{};
  }
  SoqlError Err(const std::string& soql) {
    auto r = RunSoql(f_.org(), soql, false, "60.0");
    EXPECT_FALSE(r) << soql;
    return r ? SoqlError{} : r.error();
  }
  std::vector<std::string> Column(const Parsed& r, const std::string& field) {
    std::vector<std::string> out;
    for (const auto& rec : r.records)
      out.push_back(rec[field].is_null() ? "null" : rec[field].get<std::string>());
    return out;
  }
  void AddLogin(const std::string& user, const std::string& when, const std::string& ip,
                const std::string& status = "Success") {
    LoginRecord l;
    l.user_id = f_.UserId(user);
    l.time = *ParseDateTime(when);
    l.source_ip = ip;
    l.status = status;
    RecordLogin(f_.org(), l);
  }
  SimFixture f_;
};

TEST_F(QueryEngineTest, FieldNewerThanTheRequestVersionIsNoSuchColumn) {
  const std::string soql = "SELECT Id, PermissionsViewAllFields FROM ObjectPermissions";
  auto old = RunSoql(f_.org(), soql, false, "62.0");
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, "INVALID_FIELD");
  EXPECT_NE(old.error().message.find("No such column 'PermissionsViewAllFields'"),
            std::string::npos);
  EXPECT_FALSE(RunSoql(f_.org(),
                       "SELECT Id FROM ObjectPermissions WHERE "
                       "PermissionsViewAllFields = true",
                       false, "62.0"));
  EXPECT_TRUE(RunSoql(f_.org(), soql, false, "63.0"));
}

TEST_F(QueryEngineTest, RendersAttributesFieldsInSelectOrderAndParents) {
  auto r =
      Ok("SELECT Username, Id, Profile.Name, IsActive, LastLoginDate FROM User WHERE Username = "
         "'INT@t.example'");
  ASSERT_EQ(r.total_size, 1);
  const auto& rec = r.records[0];
  std::vector<std::string> keys;
  for (auto it = rec.begin(); it != rec.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"attributes", "Username", "Id", "Profile", "IsActive",
                                            "LastLoginDate"}));
  std::string id = rec["Id"];
  EXPECT_EQ(rec["attributes"],
            (ordered_json{{"type", "User"}, {"url", "/services/data/v60.0/sobjects/User/" + id}}));
  EXPECT_EQ(rec["Profile"]["attributes"]["type"], "Profile");
  EXPECT_EQ(rec["Profile"]["Name"], "API Only");
  EXPECT_TRUE(rec["IsActive"].is_boolean());
  EXPECT_TRUE(rec["LastLoginDate"].is_null());
}

TEST_F(QueryEngineTest, NullParentRendersAsNull) {
  auto r =
      Ok("SELECT Id, PermissionSetGroup.DeveloperName, PermissionSet.Name FROM "
         "PermissionSetAssignment");
  ASSERT_GE(r.total_size, 1);
  EXPECT_TRUE(r.records[0]["PermissionSetGroup"].is_null());
  EXPECT_EQ(r.records[0]["PermissionSet"]["Name"], "Int_Access");
}

TEST_F(QueryEngineTest, FiltersWithParentFieldsInAndLikeNot) {
  EXPECT_EQ(
      Ok("SELECT Id FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false "
         "AND Assignee.Username = 'int@t.example'")
          .total_size,
      1);
  EXPECT_EQ(
      Ok("SELECT Id FROM User WHERE Username IN ('int@t.example', 'admin@t.example')").total_size,
      2);
  EXPECT_EQ(Ok("SELECT Id FROM User WHERE Username NOT IN ('int@t.example')").total_size, 3);
  EXPECT_EQ(Ok("SELECT Id FROM User WHERE Username LIKE '%@T.EXAMPLE'").total_size, 4);
  EXPECT_EQ(Ok("SELECT Id FROM User WHERE Username LIKE 'i_t@%'").total_size, 1);
  EXPECT_EQ(Ok("SELECT Id FROM User WHERE NOT (IsActive = true)").total_size, 1);
  EXPECT_EQ(
      Ok("SELECT Id FROM User WHERE (IsActive = false OR Username = 'admin@t.example')").total_size,
      2);
  EXPECT_EQ(Ok("SELECT Id FROM User WHERE LastLoginDate = null").total_size, 4);
  EXPECT_EQ(Ok("SELECT Id FROM User WHERE FirstName != 'Int'").total_size, 3);
  std::string id = f_.UserId("int@t.example");
  EXPECT_EQ(Ok("SELECT Id FROM User WHERE Id = '" + id.substr(0, 15) + "'").total_size, 1);
}

TEST_F(QueryEngineTest, DateTimeComparisonsOrderAndPagingHelpers) {
  AddLogin("int@t.example", "2024-01-01T10:00:00Z", "203.0.113.1");
  AddLogin("int@t.example", "2024-01-02T01:00:00Z", "203.0.113.2", "Restricted IP");
  AddLogin("admin@t.example", "2023-12-20T00:00:00Z", "198.51.100.1");
  auto r =
      Ok("SELECT SourceIp, LoginTime FROM LoginHistory WHERE LoginTime > 2023-12-31T00:00:00Z "
         "ORDER BY LoginTime DESC");
  EXPECT_EQ(Column(r, "SourceIp"), (std::vector<std::string>{"203.0.113.2", "203.0.113.1"}));
  EXPECT_EQ(r.records[0]["LoginTime"], "2024-01-02T01:00:00.000+0000");
  // The clock is at 2024-01-02T03:04:05Z.
  EXPECT_EQ(Ok("SELECT Id FROM LoginHistory WHERE LoginTime = TODAY").total_size, 1);
  EXPECT_EQ(Ok("SELECT Id FROM LoginHistory WHERE LoginTime = YESTERDAY").total_size, 1);
  EXPECT_EQ(Ok("SELECT Id FROM LoginHistory WHERE LoginTime = LAST_N_DAYS:1").total_size, 2);
  EXPECT_EQ(Ok("SELECT Id FROM LoginHistory WHERE LoginTime < LAST_N_DAYS:1").total_size, 1);
  EXPECT_EQ(Ok("SELECT Id FROM LoginHistory WHERE LoginTime = N_DAYS_AGO:13").total_size, 1);
  EXPECT_EQ(Ok("SELECT Id FROM LoginHistory ORDER BY LoginTime LIMIT 1").records[0]["Id"],
            f_.org().table("LoginHistory").rows[2]["Id"]);
  EXPECT_EQ(Ok("SELECT Id FROM LoginHistory ORDER BY LoginTime OFFSET 2").total_size, 1);
  // Elastic's incremental pattern [WIRE.md §2].
  EXPECT_EQ(Ok("SELECT Id FROM LoginHistory WHERE (LoginTime > 2024-01-01T10:00:00Z OR "
               "(LoginTime = 2024-01-01T10:00:00Z AND Id > '0Ya000000000000')) "
               "ORDER BY LoginTime ASC NULLS FIRST, Id ASC")
                .total_size,
            2);
}

TEST_F(QueryEngineTest, OrderByStringsIgnoresCaseAndNullsFirstByDefault) {
  auto r = Ok("SELECT FirstName FROM User ORDER BY FirstName");
  EXPECT_EQ(Column(r, "FirstName"), (std::vector<std::string>{"Admin", "Frozen", "Gone", "Int"}));
  auto nulls = Ok("SELECT LoginSubType FROM LoginHistory ORDER BY LoginSubType");
  EXPECT_EQ(nulls.total_size, 0);
}

TEST_F(QueryEngineTest, CountAndQueryAll) {
  auto c = Ok("SELECT COUNT() FROM User WHERE IsActive = true");
  EXPECT_EQ(c.total_size, 3);
  EXPECT_TRUE(c.records.empty());
  auto agg = Ok("SELECT COUNT(Id) FROM User");
  EXPECT_EQ(agg.records[0]["expr0"], 4);
  auto& psa = f_.org().table("PermissionSetAssignment").rows[0];
  f_.org().MarkDeleted(psa, "");
  EXPECT_EQ(Ok("SELECT Id FROM PermissionSetAssignment").total_size, 0);
  EXPECT_EQ(Ok("SELECT Id, IsDeleted FROM PermissionSetAssignment", true).records[0]["IsDeleted"],
            true);
}

TEST_F(QueryEngineTest, UnknownNamesAndBadLiteralsAreSalesforceErrors) {
  auto t = Err("select count() from XYZZY");
  EXPECT_EQ(t.code, "INVALID_TYPE");
  // Real body: composite-response-subrequest-400-invalid-type.json.
  EXPECT_EQ(
      t.message,
      "\nselect count() from XYZZY\n                    ^\nERROR at Row:1:Column:21\nsObject type "
      "'XYZZY' is not supported. If you are attempting to use a custom object, be sure to append "
      "the '__c' after the entity name. Please reference your WSDL or the describe call for the "
      "appropriate names.");
  auto f = Err("SELECT Id, Bogus FROM User");
  EXPECT_EQ(f.code, "INVALID_FIELD");
  EXPECT_NE(f.message.find("ERROR at Row:1:Column:12\nNo such column 'Bogus' on entity 'User'"),
            std::string::npos);
  EXPECT_EQ(Err("SELECT Nope.Name FROM User").code, "INVALID_FIELD");
  EXPECT_EQ(Err("SELECT Id FROM User WHERE IsActive = 'true'").code, "INVALID_FIELD");
  EXPECT_EQ(Err("SELECT Id FROM LoginHistory WHERE LoginTime > '2024-01-01T00:00:00Z'").code,
            "INVALID_FIELD");
  EXPECT_EQ(Err("SELECT Id FROM User WHERE Username = 5").code, "INVALID_FIELD");
  EXPECT_EQ(Err("SELECT Id FROM User WHERE Id = 'not-an-id'").code,
            "INVALID_QUERY_FILTER_OPERATOR");
  EXPECT_EQ(Err("SELECT Id, Id FROM User").code, "INVALID_FIELD");
  EXPECT_EQ(Err("SELECT Id FROM User WHERE IsActive LIKE 'x'").code, "INVALID_FIELD");
}

}  // namespace
}  // namespace sfwarden::sim
