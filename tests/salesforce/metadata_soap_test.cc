#include "salesforce/metadata_soap.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <sstream>

#include "tests/salesforce/reference_examples.h"

namespace sfwarden::salesforce {
namespace {
using testing::Example;

// Canonical form for comparing XML: element local names (the namespace is checked
// separately), trimmed text, attributes with local names; whitespace-only text ignored.
std::string Canonical(pugi::xml_node n) {
  auto local = [](std::string_view s) {
    auto c = s.find(':');
    return std::string(c == std::string_view::npos ? s : s.substr(c + 1));
  };
  std::string out = "<" + local(n.name());
  for (auto a : n.attributes()) {
    if (std::string_view(a.name()).starts_with("xmlns")) continue;
    out += " " + local(a.name()) + "=" + local(a.value());
  }
  out += ">";
  for (auto c : n.children()) {
    if (c.type() == pugi::node_element) {
      out += Canonical(c);
    } else if (c.type() == pugi::node_pcdata) {
      std::string text = c.value();
      auto b = text.find_first_not_of(" \n\t\r");
      if (b != std::string::npos) out += text.substr(b, text.find_last_not_of(" \n\t\r") - b + 1);
    }
  }
  return out + "</" + local(n.name()) + ">";
}
std::string Canonical(std::string_view xml) {
  pugi::xml_document doc;
  EXPECT_TRUE(doc.load_buffer(xml.data(), xml.size()));
  return Canonical(doc.document_element());
}

constexpr char kSession[] = "00D5g000004EXAMPLE!AQ0AQEXAMPLEACCESSTOKEN";

TEST(MetadataSoapTest, ReadMetadataEnvelopeMatchesTheReference) {
  std::vector<std::string> names = {"Account"};
  std::string envelope = BuildReadMetadataEnvelope(kSession, "SharingRules", names);
  EXPECT_EQ(Canonical(envelope),
            Canonical(Example("composed-metadata-readmetadata-sharingrules-request.xml")));
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(envelope.c_str()));
  EXPECT_STREQ(doc.document_element().attribute("xmlns:met").value(),
               "http://soap.sforce.com/2006/04/metadata");
}

TEST(MetadataSoapTest, EnvelopesEscapeText) {
  std::vector<std::string> names = {"A<&>\"'"};
  std::string envelope = BuildReadMetadataEnvelope("s<id>", "SharingRules", names);
  EXPECT_NE(envelope.find("A&lt;&amp;&gt;"), std::string::npos);
  EXPECT_NE(envelope.find("s&lt;id&gt;"), std::string::npos);
}

TEST(MetadataSoapTest, ParsesReadMetadataResponse) {
  auto rules = ParseReadSharingRulesResponse(
      Example("composed-metadata-readmetadata-sharingrules-response.xml"));
  ASSERT_TRUE(rules) << rules.error();
  ASSERT_EQ(rules->size(), 1u);
  const SharingRules& account = rules->front();
  EXPECT_EQ(account.object, "Account");
  ASSERT_EQ(account.criteria_rules.size(), 1u);
  const SharingRule& c = account.criteria_rules[0];
  EXPECT_EQ(c.full_name, "Integration_Read_Access");
  EXPECT_EQ(c.access_level, "Read");
  EXPECT_EQ(c.label, "Integration Read Access");
  EXPECT_EQ(c.shared_to, (SharedTo{"group", "Integration_Users"}));
  EXPECT_EQ(c.boolean_filter, "1 OR 2");
  ASSERT_EQ(c.criteria_items.size(), 2u);
  EXPECT_EQ(c.criteria_items[1], (CriteriaItem{"Industry", "equals", "Banking", ""}));
  EXPECT_EQ(c.include_records_owned_by_all, true);
  EXPECT_EQ(c.account_settings->contact_access_level, "Read");
  ASSERT_EQ(account.owner_rules.size(), 1u);
  EXPECT_EQ(account.owner_rules[0].shared_from, (SharedTo{"role", "Western_Sales_Team"}));
}

TEST(MetadataSoapTest, ParsesRealSharingRulesFiles) {
  auto both = ParseSharingRulesFile(Example("metadata-sharingrules-account-criteria-and-owner.xml"),
                                    "Account");
  ASSERT_TRUE(both) << both.error();
  EXPECT_EQ(both->object, "Account");
  ASSERT_EQ(both->criteria_rules.size(), 1u);
  EXPECT_EQ(both->criteria_rules[0].criteria_items.at(0),
            (CriteriaItem{"Name", "equals", "Foo", ""}));
  ASSERT_EQ(both->owner_rules.size(), 1u);
  EXPECT_EQ(both->owner_rules[0].shared_from, (SharedTo{"allInternalUsers", ""}));
  auto role =
      ParseSharingRulesFile(Example("metadata-sharingrules-account-owner-role.xml"), "Account");
  ASSERT_TRUE(role) << role.error();
  EXPECT_EQ(role->owner_rules.at(0).shared_to, (SharedTo{"role", "Eastern_Sales_Team"}));
}

TEST(MetadataSoapTest, UpsertEnvelopeMatchesTheReference) {
  SharingRules rules;
  rules.object = "Account";
  SharingRule r;
  r.full_name = "Integration_Read_Access";
  r.access_level = "Read";
  r.account_settings = AccountSettings{"None", "Read", "None"};
  r.label = "Integration Read Access";
  r.shared_to = {"group", "Integration_Users"};
  r.criteria_items = {{"Type", "equals", "Customer", ""}};
  rules.criteria_rules.push_back(r);
  std::string envelope = BuildUpsertSharingRulesEnvelope(kSession, std::span(&rules, 1));
  EXPECT_EQ(Canonical(envelope),
            Canonical(Example("composed-metadata-upsertmetadata-sharingrules-request.xml")));
}

TEST(MetadataSoapTest, ReadThenUpsertRoundTripsEveryRuleKind) {
  std::string file = Example("metadata-sharingrules-account-criteria-and-owner.xml");
  // A guest rule this client does not model must survive a read-modify-upsert.
  file.insert(file.find("<sharingOwnerRules>"),
              "<sharingGuestRules><fullName>Guest_1</fullName><accessLevel>Read</accessLevel>"
              "<label>G</label><sharedTo><guestUser>site</guestUser></sharedTo>"
              "<criteriaItems><field>Name</field><operation>equals</operation><value>x</value>"
              "</criteriaItems></sharingGuestRules>");
  auto parsed = ParseSharingRulesFile(file, "Account");
  ASSERT_TRUE(parsed) << parsed.error();
  ASSERT_EQ(parsed->other_rules.size(), 1u);
  std::string envelope = BuildUpsertSharingRulesEnvelope(kSession, std::span(&*parsed, 1));
  // Turn the upsert payload into a readMetadata response and parse it back.
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(envelope.c_str()));
  auto metadata = doc.document_element()
                      .child("soapenv:Body")
                      .child("met:upsertMetadata")
                      .child("met:metadata");
  ASSERT_TRUE(metadata);
  std::string response =
      "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" "
      "xmlns:met=\"http://soap.sforce.com/2006/04/metadata\" "
      "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>"
      "<met:readMetadataResponse><met:result>";
  std::ostringstream records;
  metadata.set_name("met:records");
  metadata.print(records, "", pugi::format_raw);
  response +=
      records.str() + "</met:result></met:readMetadataResponse></soapenv:Body></soapenv:Envelope>";
  auto back = ParseReadSharingRulesResponse(response);
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->size(), 1u);
  EXPECT_EQ(back->front().criteria_rules, parsed->criteria_rules);
  EXPECT_EQ(back->front().owner_rules, parsed->owner_rules);
  EXPECT_EQ(back->front().other_rules, parsed->other_rules);
  // WSDL order: criteria, guest, owner.
  EXPECT_LT(envelope.find("sharingCriteriaRules"), envelope.find("sharingGuestRules"));
  EXPECT_LT(envelope.find("sharingGuestRules"), envelope.find("sharingOwnerRules"));
}

TEST(MetadataSoapTest, ParsesUpsertResponse) {
  auto results =
      ParseUpsertMetadataResponse(Example("composed-metadata-upsertmetadata-response.xml"));
  ASSERT_TRUE(results) << results.error();
  ASSERT_EQ(results->size(), 1u);
  EXPECT_EQ(results->at(0).full_name, "Account");
  EXPECT_TRUE(results->at(0).success);
  EXPECT_FALSE(results->at(0).created);
  auto failed = ParseUpsertMetadataResponse(
      R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><upsertMetadataResponse><result><created>false</created><errors><fields>sharedTo</fields><message>no such group</message><statusCode>FIELD_INTEGRITY_EXCEPTION</statusCode></errors><fullName>Account</fullName><success>false</success></result></upsertMetadataResponse></soapenv:Body></soapenv:Envelope>)");
  ASSERT_TRUE(failed) << failed.error();
  EXPECT_FALSE(failed->at(0).success);
  EXPECT_EQ(failed->at(0).errors.at(0).error_code, "FIELD_INTEGRITY_EXCEPTION");
  EXPECT_EQ(failed->at(0).errors.at(0).fields, std::vector<std::string>{"sharedTo"});
}

TEST(MetadataSoapTest, DeleteMetadataEnvelopeAndResponse) {
  std::vector<std::string> names = {"Account.Send_to_HubSpot", "Account.Old_Rule"};
  pugi::xml_document doc;
  const std::string envelope = BuildDeleteMetadataEnvelope(kSession, "SharingCriteriaRule", names);
  ASSERT_TRUE(doc.load_string(envelope.c_str()));
  EXPECT_EQ(Canonical(doc.document_element().child("soapenv:Body")),
            "<Body><deleteMetadata><type>SharingCriteriaRule</type>"
            "<fullNames>Account.Send_to_HubSpot</fullNames><fullNames>Account.Old_Rule</fullNames>"
            "</deleteMetadata></Body>");
  EXPECT_EQ(Canonical(doc.document_element().child("soapenv:Header")),
            std::string("<Header><SessionHeader><sessionId>") + kSession +
                "</sessionId></SessionHeader></Header>");

  auto results = ParseDeleteMetadataResponse(
      R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><deleteMetadataResponse><result><fullName>Account.Send_to_HubSpot</fullName><success>true</success></result><result><errors><message>In field: fullName - no SharingCriteriaRule named Account.Old_Rule found</message><statusCode>INVALID_CROSS_REFERENCE_KEY</statusCode></errors><fullName>Account.Old_Rule</fullName><success>false</success></result></deleteMetadataResponse></soapenv:Body></soapenv:Envelope>)");
  ASSERT_TRUE(results) << results.error();
  ASSERT_EQ(results->size(), 2u);
  EXPECT_TRUE(results->at(0).success);
  EXPECT_EQ(results->at(1).full_name, "Account.Old_Rule");
  EXPECT_FALSE(results->at(1).success);
  EXPECT_EQ(results->at(1).errors.at(0).error_code, "INVALID_CROSS_REFERENCE_KEY");
  EXPECT_FALSE(ParseDeleteMetadataResponse(
      R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><deleteMetadataResponse/></soapenv:Body></soapenv:Envelope>)"));
}

TEST(MetadataSoapTest, ParsesFaults) {
  for (const char* file : {"soap-fault-invalid-session-id-metadata-ns.xml",
                           "soap-partner-fault-invalid-session-id.xml"}) {
    SCOPED_TRACE(file);
    auto fault = ParseSoapFault(500, Example(file));
    ASSERT_TRUE(fault);
    EXPECT_EQ(fault->kind, ErrorKind::kSalesforce);
    EXPECT_EQ(fault->http_status, 500);
    EXPECT_TRUE(fault->IsInvalidSession());
    EXPECT_NE(fault->message.find("Invalid Session ID"), std::string::npos);
    auto read = ParseReadSharingRulesResponse(Example(file));
    ASSERT_FALSE(read);
    EXPECT_TRUE(read.error().IsInvalidSession());
  }
  auto login = ParseSoapFault(500, Example("soap-login-fault-invalid-login.xml"));
  ASSERT_TRUE(login);
  EXPECT_EQ(login->error_code, "INVALID_LOGIN");
  EXPECT_FALSE(ParseSoapFault(200, Example("composed-metadata-upsertmetadata-response.xml")));
}

TEST(MetadataSoapTest, MissingRecordsAreSkipped) {
  auto rules = ParseReadSharingRulesResponse(
      R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><readMetadataResponse><result><records xsi:nil="true"/></result></readMetadataResponse></soapenv:Body></soapenv:Envelope>)");
  ASSERT_TRUE(rules) << rules.error();
  EXPECT_TRUE(rules->empty());
}

TEST(MetadataSoapTest, MalformedResponsesAreDecodeErrors) {
  for (const char* body :
       {"", "<<", "<a/>", "<soapenv:Envelope xmlns:soapenv=\"x\"/>", "<Envelope><Body/></Envelope>",
        "<Envelope><Body><readMetadataResponse><result><records "
        "xsi:type=\"CustomObject\"><fullName>A</fullName></records></result></"
        "readMetadataResponse></Body></Envelope>",
        "<Envelope><Body><readMetadataResponse><result><records><fullName>A</"
        "fullName><sharingOwnerRules><label>x</label></sharingOwnerRules></records></result></"
        "readMetadataResponse></Body></Envelope>"}) {
    SCOPED_TRACE(body);
    auto rules = ParseReadSharingRulesResponse(body);
    ASSERT_FALSE(rules);
    EXPECT_EQ(rules.error().kind, ErrorKind::kDecode);
    EXPECT_FALSE(ParseUpsertMetadataResponse(body));
  }
  EXPECT_FALSE(ParseSharingRulesFile("<Other/>", "Account"));
}

}  // namespace
}  // namespace sfwarden::salesforce
