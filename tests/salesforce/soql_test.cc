#include "salesforce/soql.h"

#include <gtest/gtest.h>

namespace sfwarden::salesforce {
namespace {
using namespace std::chrono;

// The escaped literal must be one token: no unescaped quote before its end, and every
// backslash starts one of the documented escape sequences.
bool IsSingleSafeLiteral(const std::string& literal) {
  if (literal.size() < 2 || literal.front() != '\'' || literal.back() != '\'') return false;
  for (std::size_t i = 1; i + 1 < literal.size(); ++i) {
    char c = literal[i];
    if (c == '\n' || c == '\r') return false;
    if (c == '\'') return false;
    if (c == '\\') {
      if (i + 2 >= literal.size()) return false;
      if (std::string_view("nrtbf\"'\\").find(literal[i + 1]) == std::string_view::npos)
        return false;
      ++i;
    }
  }
  return true;
}

TEST(SoqlTest, EscapesQuotesBackslashesAndNewlines) {
  EXPECT_EQ(EscapeSoqlString(R"(o'brien\x@acme.com)"), R"(o\'brien\\x@acme.com)");
  EXPECT_EQ(EscapeSoqlString("a\nb\rc\td\"e"), R"(a\nb\rc\td\"e)");
  EXPECT_EQ(SoqlString("plain"), "'plain'");
}

TEST(SoqlTest, InjectionAttemptsStayInsideTheLiteral) {
  for (const char* attack :
       {R"(o'brien\x@acme.com)", "' OR Name != '", R"(\' OR Name != \')", "\\", "'", "\\'", "x\\",
        "x'\n OR Id != null --", "' OR IsActive = true OR Username = '", "abc\\\\' OR 1=1"}) {
    SCOPED_TRACE(attack);
    std::string q = Soql("SELECT Id FROM User WHERE Username = ").String(attack).str();
    std::string literal = q.substr(std::string("SELECT Id FROM User WHERE Username = ").size());
    EXPECT_TRUE(IsSingleSafeLiteral(literal)) << literal;
  }
  EXPECT_EQ(Soql("SELECT Id FROM User WHERE Username = ").String("' OR Name != '").str(),
            R"(SELECT Id FROM User WHERE Username = '\' OR Name != \'')");
}

TEST(SoqlTest, BuildsInListsAndNumbers) {
  std::vector<std::string> names = {"a'b", "c"};
  EXPECT_EQ(
      Soql("SELECT Id FROM User WHERE Username IN ").StringList(names).Raw(" LIMIT ").Int(5).str(),
      R"(SELECT Id FROM User WHERE Username IN ('a\'b','c') LIMIT 5)");
  EXPECT_THROW(Soql().StringList({}), std::invalid_argument);
  EXPECT_EQ(Soql("WHERE IsActive = ").Bool(true).str(), "WHERE IsActive = true");
}

TEST(SoqlTest, FieldNamesAreValidated) {
  EXPECT_EQ(Soql("SELECT ").Field("CreatedBy.Username").str(), "SELECT CreatedBy.Username");
  EXPECT_THROW(Soql().Field("Name FROM User--"), std::invalid_argument);
  EXPECT_THROW(Soql().Field(""), std::invalid_argument);
  EXPECT_THROW(Soql().Field("a'b"), std::invalid_argument);
}

TEST(SoqlTest, FormatsDateTimeLiteralsUnquotedInUtc) {
  auto t = sys_days{2010y / September / 20} + 22h + 16min + 30s + 45ms;
  EXPECT_EQ(SoqlDateTime(t), "2010-09-20T22:16:30.045Z");
  EXPECT_EQ(Soql("WHERE LoginTime > ").DateTime(t).str(),
            "WHERE LoginTime > 2010-09-20T22:16:30.045Z");
  EXPECT_EQ(SoqlDateTime(sys_days{1999y / January / 1}), "1999-01-01T00:00:00.000Z");
}

TEST(SoqlTest, ParsesSalesforceDateTimes) {
  auto expected = sys_days{2011y / July / 7} + 37min;
  EXPECT_EQ(ParseSalesforceDateTime("2011-07-07T00:37:00.000+0000"), expected);
  EXPECT_EQ(ParseSalesforceDateTime("2011-07-07T00:37:00Z"), expected);
  EXPECT_EQ(ParseSalesforceDateTime("2011-07-07T02:37:00.000+02:00"), expected);
  EXPECT_EQ(ParseSalesforceDateTime("2011-07-06T23:37:00.000-0100"), expected);
  EXPECT_EQ(ParseSalesforceDateTime("2022-11-22T04:46:15.591Z"),
            sys_days{2022y / November / 22} + 4h + 46min + 15s + 591ms);
  auto t = sys_days{2024y / February / 29} + 1h + 2min + 3s + 4ms;
  EXPECT_EQ(ParseSalesforceDateTime(SoqlDateTime(t)), t);
  EXPECT_EQ(ParseSalesforceDateTime("1700-01-01T00:00:00Z"), sys_days{1700y / January / 1});
  EXPECT_EQ(ParseSalesforceDateTime("2261-12-31T23:59:59Z"),
            sys_days{2261y / December / 31} + 23h + 59min + 59s);
  for (const char* bad : {"", "2011-07-07", "2011-07-07T00:37:00", "2011-13-07T00:37:00Z",
                          "2011-07-07T00:37:00.Z", "2011-07-07T00:37:00+0", "x011-07-07T00:37:00Z",
                          "2011-02-30T00:00:00Z", "2011-07-07T25:00:00Z",
                          // Outside what a nanosecond system_clock holds (fuzz_rest_json).
                          "1011-03-15T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                          "-999-01-01T00:00:00Z"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseSalesforceDateTime(bad));
  }
}

}  // namespace
}  // namespace sfwarden::salesforce
