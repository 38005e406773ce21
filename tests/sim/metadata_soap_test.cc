#include "sim/metadata_soap.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "tests/sim/sim_fixture.h"

namespace sfwarden::sim {
namespace {
using testing::SimFixture;

std::string Envelope(const std::string& session, const std::string& body) {
  return R"(<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:met="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><met:SessionHeader><met:sessionId>)" +
         session + "</met:sessionId></met:SessionHeader></soapenv:Header><soapenv:Body>" + body +
         "</soapenv:Body></soapenv:Envelope>";
}

class MetadataSoapTest : public ::testing::Test {
 protected:
  Response Soap(const std::string& body, const std::string& session = "") {
    return f_.Call("POST", "/services/Soap/m/60.0",
                   Envelope(session.empty() ? token_ : session, body), "",
                   {{"content-type", "text/xml"}, {"soapaction", "\"\""}});
  }
  SimFixture f_;
  std::string token_ = f_.Login("admin@t.example");
};

TEST_F(MetadataSoapTest, ReadMetadataReturnsSharingRules) {
  auto r = Soap(
      "<met:readMetadata><met:type>SharingRules</met:type><met:fullNames>Account</"
      "met:fullNames><met:fullNames>Nope</met:fullNames></met:readMetadata>");
  ASSERT_EQ(r.status, 200) << r.body;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str()));
  auto result = doc.child("soapenv:Envelope")
                    .child("soapenv:Body")
                    .child("readMetadataResponse")
                    .child("result");
  auto records = result.child("records");
  EXPECT_STREQ(records.attribute("xsi:type").value(), "SharingRules");
  EXPECT_STREQ(records.child_value("fullName"), "Account");
  auto rule = records.child("sharingCriteriaRules");
  EXPECT_STREQ(rule.child_value("fullName"), "Share_It");
  EXPECT_STREQ(rule.child("sharedTo").child_value("group"), "Int_Group");
  EXPECT_STREQ(rule.child("criteriaItems").child_value("operation"), "equals");
  EXPECT_STREQ(rule.child("accountSettings").child_value("contactAccessLevel"), "Read");
  EXPECT_TRUE(records.next_sibling("records").first_child().empty());
}

TEST_F(MetadataSoapTest, UpsertCreatesAndUpdatesRulesWithAudit) {
  size_t audits = f_.org().table("SetupAuditTrail").rows.size();
  auto r = Soap(
      R"(<met:upsertMetadata><met:metadata xsi:type="met:SharingRules"><met:fullName>Account</met:fullName>
    <met:sharingCriteriaRules><met:fullName>Share_It</met:fullName><met:accessLevel>Read</met:accessLevel><met:label>Share It</met:label>
      <met:sharedTo><met:group>Int_Group</met:group></met:sharedTo>
      <met:criteriaItems><met:field>Type</met:field><met:operation>equals</met:operation><met:value>Partner</met:value></met:criteriaItems></met:sharingCriteriaRules>
    <met:sharingOwnerRules><met:fullName>Owners</met:fullName><met:accessLevel>Read</met:accessLevel><met:label>Owners</met:label>
      <met:sharedTo><met:group>Other_Group</met:group></met:sharedTo><met:sharedFrom><met:allInternalUsers></met:allInternalUsers></met:sharedFrom></met:sharingOwnerRules>
    </met:metadata></met:upsertMetadata>)");
  ASSERT_EQ(r.status, 200) << r.body;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str()));
  auto result = doc.child("soapenv:Envelope")
                    .child("soapenv:Body")
                    .child("upsertMetadataResponse")
                    .child("result");
  EXPECT_STREQ(result.child_value("success"), "true");
  EXPECT_STREQ(result.child_value("created"), "false");
  const auto& rules = f_.org().sharing_rules["Account"];
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].access_level, "Read");
  EXPECT_EQ(rules[1].kind, SharingRule::Kind::kOwner);
  const auto& rows = f_.org().table("SetupAuditTrail").rows;
  ASSERT_EQ(rows.size(), audits + 2);
  EXPECT_EQ(rows.back()["Section"], "Sharing Rules");
  EXPECT_EQ(rows.back()["CreatedById"], f_.UserId("admin@t.example"));
}

TEST_F(MetadataSoapTest, InvalidInputIsAnUnsuccessfulResult) {
  auto r = Soap(
      R"(<met:upsertMetadata><met:metadata xsi:type="met:SharingRules"><met:fullName>Account</met:fullName>
    <met:sharingCriteriaRules><met:fullName>X</met:fullName><met:accessLevel>Everything</met:accessLevel><met:label>X</met:label>
      <met:sharedTo><met:group>Int_Group</met:group></met:sharedTo></met:sharingCriteriaRules></met:metadata></met:upsertMetadata>)");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<success>false</success>"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<statusCode>FIELD_INTEGRITY_EXCEPTION</statusCode>"), std::string::npos);
  EXPECT_EQ(f_.org().sharing_rules["Account"].size(), 1u);
}

TEST_F(MetadataSoapTest, DeleteMetadataRemovesARuleByTypeAndObjectDotNameWithAudit) {
  SharingRule owners;
  owners.kind = SharingRule::Kind::kOwner;
  owners.full_name = "Owners";
  f_.org().sharing_rules["Account"].push_back(owners);
  const size_t audits = f_.org().table("SetupAuditTrail").rows.size();
  const auto now = f_.org().Now();
  const auto calls = f_.sim->state().usage.Used(now);
  // A criteria rule by the owner type is not found; then the criteria rule by its type.
  auto r = Soap(
      "<met:deleteMetadata><met:type>SharingOwnerRule</met:type>"
      "<met:fullNames>Account.Share_It</met:fullNames></met:deleteMetadata>");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("<statusCode>INVALID_CROSS_REFERENCE_KEY</statusCode>"), std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("<success>false</success>"), std::string::npos);
  r = Soap(
      "<met:deleteMetadata><met:type>SharingCriteriaRule</met:type>"
      "<met:fullNames>Account.Share_It</met:fullNames></met:deleteMetadata>");
  ASSERT_EQ(r.status, 200) << r.body;
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str()));
  auto result = doc.child("soapenv:Envelope")
                    .child("soapenv:Body")
                    .child("deleteMetadataResponse")
                    .child("result");
  EXPECT_STREQ(result.child_value("fullName"), "Account.Share_It");
  EXPECT_STREQ(result.child_value("success"), "true");
  EXPECT_TRUE(result.child("errors").empty());

  const auto& rules = f_.org().sharing_rules["Account"];
  ASSERT_EQ(rules.size(), 1u);  // the owner rule stays
  EXPECT_EQ(rules[0].full_name, "Owners");
  const auto& rows = f_.org().table("SetupAuditTrail").rows;
  ASSERT_EQ(rows.size(), audits + 1);  // only the deletion is audited
  EXPECT_EQ(rows.back()["Action"], "deleteSharingRule");
  EXPECT_EQ(rows.back()["Section"], "Sharing Rules");
  EXPECT_EQ(rows.back()["CreatedById"], f_.UserId("admin@t.example"));
  EXPECT_EQ(f_.sim->state().usage.Used(now), calls + 2);  // each call counts

  r = Soap(
      "<met:deleteMetadata><met:type>SharingCriteriaRule</met:type>"
      "<met:fullNames>Account.Share_It</met:fullNames></met:deleteMetadata>");
  EXPECT_NE(r.body.find("no SharingCriteriaRule named Account.Share_It found"), std::string::npos)
      << r.body;
}

TEST_F(MetadataSoapTest, BadSessionIsHttp500Fault) {
  auto r = Soap("<met:readMetadata><met:type>SharingRules</met:type></met:readMetadata>", "bogus");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("<faultcode>sf:INVALID_SESSION_ID</faultcode>"), std::string::npos);
  EXPECT_NE(
      r.body.find("INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session"),
      std::string::npos);
  auto garbage = f_.Call("POST", "/services/Soap/m/60.0", "<not xml");
  EXPECT_EQ(garbage.status, 500);
}

}  // namespace
}  // namespace sfwarden::sim
