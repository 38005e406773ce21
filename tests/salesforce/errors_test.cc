// ApiError::ToString() goes into log lines as is: whatever an org (or something posing as
// one) puts in an error body must print as one line without control characters.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "salesforce/errors.h"
#include "salesforce/metadata_soap.h"
#include "salesforce/rest_error.h"

namespace sfwarden::salesforce {
namespace {

bool HasControlCharacter(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

TEST(ApiErrorTest, HostileRestErrorPrintsAsOneLine) {
  const std::string body =
      R"([{"errorCode":"BAD\nlevel=error msg=forged","message":"red \u001b[31mtext\u001b[0m\rback",)"
      R"("fields":["Name\n2026-01-01T00:00:00Z error forged","Quote\"Back\\slash"]}])";
  const ApiError e = DecodeRestError(400, body, "GET /services/data/v60.0/query");
  ASSERT_EQ(e.kind, ErrorKind::kSalesforce);
  const std::string text = e.ToString();
  EXPECT_FALSE(HasControlCharacter(text)) << text;
  EXPECT_NE(text.find("BAD level=error msg=forged"), std::string::npos) << text;
  EXPECT_NE(text.find("red ?[31mtext?[0m back"), std::string::npos) << text;
  EXPECT_NE(text.find("Name 2026-01-01T00:00:00Z error forged"), std::string::npos) << text;
  EXPECT_NE(text.find("Quote\"Back\\slash"), std::string::npos) << text;
}

TEST(ApiErrorTest, ControlCharactersInSoapFaultAreReplaced) {
  // Found by fuzz_soap (fuzz/corpus/fuzz_soap/fault-control-character.xml).
  const std::string body =
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
      "<soapenv:Body><soapenv:Fault><faultcode>sf:INVALID_SESSION_ID</faultcode>"
      "<faultstring>Invalid Session\x01ID\x1b[2J</faultstring></soapenv:Fault>"
      "</soapenv:Body></soapenv:Envelope>";
  const auto fault = ParseSoapFault(500, body);
  ASSERT_TRUE(fault.has_value());
  const std::string text = fault->ToString();
  EXPECT_FALSE(HasControlCharacter(text)) << text;
  EXPECT_NE(text.find("Invalid Session?ID?[2J"), std::string::npos) << text;
}

TEST(ApiErrorTest, VeryLongHostileFieldsAreBounded) {
  ApiError e = MakeError(ErrorKind::kSalesforce, std::string(100'000, 'm'));
  e.error_code = std::string(100'000, 'C');
  e.fields = {std::string(100'000, 'f')};
  e.context = std::string(100'000, 'x');
  EXPECT_LT(e.ToString().size(), 4'000u);
}

}  // namespace
}  // namespace sfwarden::salesforce
