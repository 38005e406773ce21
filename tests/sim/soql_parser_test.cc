#include <gtest/gtest.h>

#include "sim/soql.h"

namespace sfwarden::sim {
namespace {

TEST(SoqlParserTest, ParsesFieldsRelationshipsWhereOrderLimit) {
  auto q = ParseSoql(
      "SELECT Id, PermissionSet.Name, Assignee.Username FROM PermissionSetAssignment "
      "WHERE (PermissionSet.IsOwnedByProfile = false AND AssigneeId IN ('005000000000001')) "
      "ORDER BY SystemModstamp DESC NULLS LAST, Id LIMIT 10 OFFSET 5");
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_EQ(q->fields.size(), 3u);
  EXPECT_EQ(q->fields[1].parts, (std::vector<std::string>{"PermissionSet", "Name"}));
  EXPECT_EQ(q->object, "PermissionSetAssignment");
  ASSERT_TRUE(q->where);
  EXPECT_EQ(q->where->kind, Expr::Kind::kAnd);
  ASSERT_EQ(q->order_by.size(), 2u);
  EXPECT_TRUE(q->order_by[0].descending);
  EXPECT_FALSE(q->order_by[0].nulls_first);
  EXPECT_TRUE(q->order_by[1].nulls_first);
  EXPECT_EQ(q->limit, 10);
  EXPECT_EQ(q->offset, 5);
}

TEST(SoqlParserTest, ParsesLiteralKinds) {
  auto q = ParseSoql(
      "select id from LoginHistory where LoginTime > 2024-01-02T03:04:05Z and "
      "LoginTime < 2024-01-03T00:00:00.000+01:00 and Status != null and UserId NOT IN ('a', 'b') "
      "and Application LIKE 'it\\'s\\_%' and LoginTime = LAST_N_DAYS:7 and CountryIso <> 'US'");
  ASSERT_TRUE(q) << q.error().message;
  const auto& c = q->where->children;
  ASSERT_EQ(c.size(), 7u);
  EXPECT_EQ(c[0].condition.values[0].kind, Literal::Kind::kDateTime);
  EXPECT_EQ(c[1].condition.values[0].time - c[0].condition.values[0].time, 71755000);  // 19:55:55
  EXPECT_EQ(c[2].condition.values[0].kind, Literal::Kind::kNull);
  EXPECT_EQ(c[3].condition.op, "NOT IN");
  EXPECT_EQ(c[4].condition.values[0].text, "it's\\_%");
  EXPECT_EQ(c[5].condition.values[0].kind, Literal::Kind::kDateLiteral);
  EXPECT_EQ(c[5].condition.values[0].n, 7);
  EXPECT_EQ(c[6].condition.op, "!=");
}

TEST(SoqlParserTest, CountForms) {
  auto q = ParseSoql("SELECT COUNT() FROM User");
  ASSERT_TRUE(q);
  EXPECT_TRUE(q->count);
  EXPECT_FALSE(q->count_field);
  auto q2 = ParseSoql("SELECT COUNT(Id) FROM User");
  ASSERT_TRUE(q2);
  EXPECT_TRUE(q2->count_field);
}

TEST(SoqlParserTest, MalformedQueryHasSalesforceLayout) {
  auto q = ParseSoql("SELECT Id FRM LoginHistory");
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().code, "MALFORMED_QUERY");
  // Same text as composed-rest-error-400-malformed-query.json.
  EXPECT_EQ(
      q.error().message,
      "\nSELECT Id FRM LoginHistory\n          ^\nERROR at Row:1:Column:11\nunexpected token: FRM");
}

TEST(SoqlParserTest, Rejections) {
  for (const char* bad : {
           "",
           "SELECT FROM User",
           "SELECT Id FROM",
           "SELECT Id FROM User WHERE",
           "SELECT Id FROM User WHERE Name = 'a' AND Id = 'b' OR Id = 'c'",  // needs parentheses
           "SELECT Id FROM User WHERE Name = 'a' OR Id = 'b' AND Id = 'c'",
           "SELECT Id FROM User WHERE Name = 'unterminated",
           "SELECT Id FROM User WHERE Name = 'bad \\q escape'",
           "SELECT Id FROM User WHERE (Name = 'a'",
           "SELECT Id FROM User LIMIT -1",
           "SELECT Id FROM User LIMIT x",
           "SELECT Id FROM User GROUP BY Name",
           "SELECT Id FROM User WHERE CreatedDate = THIS_FISCAL_DECADE",
           "SELECT Id FROM User WHERE Name == 'a'",
           "SELECT Id, FROM User",
           "SELECT Id FROM User; DELETE",
           "SELECT (SELECT Id FROM Assignments) FROM PermissionSet",
       }) {
    auto q = ParseSoql(bad);
    EXPECT_FALSE(q) << bad;
    if (!q) {
      EXPECT_EQ(q.error().code, "MALFORMED_QUERY") << bad;
    }
  }
  EXPECT_FALSE(ParseSoql(std::string(kMaxSoqlLength + 1, ' ')));
}

TEST(SoqlParserTest, ErrorPositionOnLaterRows) {
  auto q = ParseSoql("SELECT Id\nFROM User\nWHERE Name === 'x'");
  ASSERT_FALSE(q);
  EXPECT_NE(q.error().message.find("ERROR at Row:3:Column:"), std::string::npos)
      << q.error().message;
  EXPECT_EQ(q.error().message.rfind("\nWHERE Name === 'x'\n", 0), 0u);
}

}  // namespace
}  // namespace sfwarden::sim
