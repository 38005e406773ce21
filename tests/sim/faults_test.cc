#include "sim/faults.h"

#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "tests/sim/sim_fixture.h"

namespace sfwarden::sim {
namespace {
using nlohmann::json;
using testing::SimFixture;

constexpr const char* kSoap = "/services/Soap/m/60.0";

class SoapFaultTest : public ::testing::Test {
 protected:
  void AddFault(const json& rule) {
    auto r = f_.Call("POST", "/__sim/faults", rule.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  Response ReadSharingRules() {
    std::string body =
        R"(<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:met="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><met:SessionHeader><met:sessionId>)" +
        token_ +
        R"(</met:sessionId></met:SessionHeader></soapenv:Header><soapenv:Body><met:readMetadata><met:type>SharingRules</met:type><met:fullNames>Account</met:fullNames></met:readMetadata></soapenv:Body></soapenv:Envelope>)";
    return f_.Call("POST", kSoap, body, "", {{"content-type", "text/xml"}});
  }
  /// The faultcode of a SOAP fault body; "" when the body is no fault (or no XML).
  static std::string FaultCode(const std::string& body) {
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size())) return "";
    return doc.select_node("//faultcode").node().text().as_string();
  }

  SimFixture f_;
  std::string token_ = f_.Login("admin@t.example");
};

TEST_F(SoapFaultTest, UnfaultedReadIsAnswered) {
  auto r = ReadSharingRules();
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(FaultCode(r.body), "");
}

TEST_F(SoapFaultTest, StatusFaultsOnTheSoapEndpointAreSoapFaults) {
  const std::pair<int, std::pair<int, std::string>> cases[] = {
      {401, {500, "sf:INVALID_SESSION_ID"}},
      {403, {500, "sf:REQUEST_LIMIT_EXCEEDED"}},
      {500, {500, "sf:UNKNOWN_EXCEPTION"}},
      {503, {503, "sf:SERVER_UNAVAILABLE"}},
  };
  for (const auto& [status, expected] : cases) {
    AddFault({{"path", "/services/Soap/"}, {"kind", "status"}, {"status", status}});
    auto r = ReadSharingRules();
    EXPECT_EQ(r.status, expected.first) << status;
    EXPECT_EQ(FaultCode(r.body), expected.second) << status << ": " << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "text/xml;charset=UTF-8");
  }
}

TEST_F(SoapFaultTest, MalformedSoapReplyIsNotWellFormedXml) {
  AddFault({{"path", "/services/Soap/"}, {"kind", "malformed"}});
  auto r = ReadSharingRules();
  pugi::xml_document doc;
  EXPECT_FALSE(doc.load_buffer(r.body.data(), r.body.size())) << r.body;
}

TEST_F(SoapFaultTest, RestStatusFaultsKeepTheRestErrorBody) {
  AddFault({{"kind", "status"}, {"status", 401}});
  auto r = f_.Call("GET", "/services/data/v60.0/limits", "", token_);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json::parse(r.body)[0]["errorCode"], "INVALID_SESSION_ID");
}

}  // namespace
}  // namespace sfwarden::sim
