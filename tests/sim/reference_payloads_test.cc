// Compares sfsim's payloads field by field with the reference payloads in
// ../shared/salesforce-reference/examples (names, JSON types, datetime format,
// attributes, key order of records).
// GCC 12 with -fsanitize reports false -Wmaybe-uninitialized inside <regex>'s
// std::function members (libstdc++ headers, not our code).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <pugixml.hpp>
#include <regex>
#include <sstream>

#include "sim/event_log.h"
#include "sim/http.h"
#include "tests/sim/sim_fixture.h"

namespace sfwarden::sim {
namespace {
namespace fs = std::filesystem;
using json = nlohmann::ordered_json;  // key order matters here
using testing::SimFixture;

// In CI the repo is cloned into some folder with shared/ beside it.
fs::path ExamplesDir() {
  const char* env = std::getenv("SFWARDEN_SOURCE_DIR");
  fs::path source = env != nullptr ? fs::path(env) : fs::path(SFWARDEN_SOURCE_DIR_FALLBACK);
  return source / ".." / "shared" / "salesforce-reference" / "examples";
}

json LoadJson(const std::string& name) {
  fs::path p = ExamplesDir() / name;
  std::ifstream in(p);
  if (!in)
    throw std::runtime_error("reference payload missing: " + p.string() +
                             " (expected shared/ beside the repo)");
  return json::parse(in);
}

std::string LoadText(const std::string& name) {
  std::ifstream in(ExamplesDir() / name);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsDateTime(const json& v) {
  static const std::regex kFormat(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000)");
  return v.is_string() && std::regex_match(v.get<std::string>(), kFormat);
}

// Every key of `ref` exists in `got` with the same JSON type (null is compatible with
// anything: a nullable field), datetimes keep the REST format, nested objects recurse.
void ExpectSameShape(const json& ref, const json& got, const std::string& where) {
  if (ref.is_null() || got.is_null()) return;
  if (ref.is_object()) {
    ASSERT_TRUE(got.is_object()) << where << ": expected an object, got " << got.dump();
    for (auto it = ref.begin(); it != ref.end(); ++it) {
      ASSERT_TRUE(got.contains(it.key()))
          << where << ": missing key " << it.key() << " in " << got.dump();
      ExpectSameShape(*it, got[it.key()], where + "." + it.key());
    }
    return;
  }
  if (ref.is_array()) {
    ASSERT_TRUE(got.is_array()) << where;
    if (!ref.empty() && !got.empty()) ExpectSameShape(ref[0], got[0], where + "[0]");
    return;
  }
  EXPECT_EQ(ref.is_number(), got.is_number()) << where << ": " << ref << " vs " << got;
  EXPECT_EQ(ref.is_boolean(), got.is_boolean()) << where << ": " << ref << " vs " << got;
  EXPECT_EQ(ref.is_string(), got.is_string()) << where << ": " << ref << " vs " << got;
  if (IsDateTime(ref)) {
    EXPECT_TRUE(IsDateTime(got)) << where << ": " << got;
  }
}

std::vector<std::string> Keys(const json& o) {
  std::vector<std::string> out;
  for (auto it = o.begin(); it != o.end(); ++it) out.push_back(it.key());
  return out;
}

// SELECT list that reproduces a reference record: top-level keys, and Rel.Field for
// nested relationship objects.
std::string SelectList(const json& record) {
  std::string out;
  for (auto it = record.begin(); it != record.end(); ++it) {
    if (it.key() == "attributes") continue;
    if (it->is_object()) {
      for (auto sub = it->begin(); sub != it->end(); ++sub) {
        if (sub.key() != "attributes")
          out += (out.empty() ? "" : ", ") + it.key() + "." + sub.key();
      }
    } else {
      out += (out.empty() ? "" : ", ") + it.key();
    }
  }
  return out;
}

class ReferencePayloadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::is_directory(ExamplesDir()))
        << "reference examples not found at " << ExamplesDir()
        << ": shared/salesforce-reference must sit beside the repository";
    // Give every object at least one row.
    std::string admin = f_.Login("admin@t.example");
    token_ = admin;
    auto control = [&](const std::string& path, const json& body) {
      auto r = f_.Call("POST", "/__sim/" + path, body.dump());
      ASSERT_EQ(r.status, 200) << r.body;
    };
    control("act", {{"action", "assign_permission_set"},
                    {"username", "int@t.example"},
                    {"permission_set", "Extra_Access"}});
    control("act", {{"action", "freeze_user"}, {"username", "frozen@t.example"}});
    control("tokens", {{"username", "int@t.example"}, {"app", "cc-app"}, {"refresh_token", true}});
    control("api-usage", {{"username", "int@t.example"}, {"app", "cc-app"}});
    control("event-log-files", {{"date", "2024-01-02"}});
  }

  json Get(const std::string& path) {
    auto r = f_.Call("GET", path, "", token_);
    EXPECT_EQ(r.status, 200) << path << " " << r.body;
    EXPECT_EQ(r.Header("Content-Type"), "application/json;charset=UTF-8");
    return json::parse(r.body);
  }

  void CompareQuery(const std::string& file, const std::string& where = "") {
    SCOPED_TRACE(file);
    json ref = LoadJson(file);
    const json& ref_record = ref["records"][0];
    std::string type = ref_record["attributes"]["type"];
    std::string soql = "SELECT " + SelectList(ref_record) + " FROM " + type + where;
    json got = Get("/services/data/v60.0/query?q=" + UrlEncode(soql));
    EXPECT_EQ(Keys(got), Keys(ref)) << "top-level keys";
    ASSERT_GT(got["records"].size(), 0u) << soql;
    const json& record = got["records"][0];
    EXPECT_EQ(Keys(record), Keys(ref_record)) << "record key order";
    ExpectSameShape(ref_record, record, type);
    static const std::regex kUrl(R"(/services/data/v\d+\.\d/sobjects/(\w+)/([0-9A-Za-z]{18}))");
    std::smatch m;
    std::string url = record["attributes"]["url"];
    ASSERT_TRUE(std::regex_match(url, m, kUrl)) << url;
    EXPECT_EQ(m[1], type);
    if (record.contains("Id")) {
      EXPECT_EQ(m[2], record["Id"].get<std::string>());
    }
  }

  SimFixture f_;
  std::string token_;
};

TEST_F(ReferencePayloadsTest, QueryRecordsMatchTheComposedExamples) {
  CompareQuery("composed-rest-query-loginhistory.json");
  CompareQuery("composed-rest-query-permissionsetassignment.json",
               " WHERE PermissionSet.IsOwnedByProfile = false");
  CompareQuery("composed-rest-query-objectpermissions.json");
  CompareQuery("composed-rest-query-fieldpermissions.json");
  CompareQuery("composed-rest-query-groupmember.json");
  CompareQuery("composed-rest-query-user-integration.json");
  CompareQuery("composed-rest-query-userlogin.json");
  CompareQuery("composed-rest-query-setupaudittrail-user-changes.json");
  CompareQuery("eventlogfile-query-response.json");
  CompareQuery("rest-query-organization-id.json");
}

TEST_F(ReferencePayloadsTest, SetupAuditTrailMatchesRealRecords) {
  json ref = LoadJson("setupaudittrail-records-profile-actions.json");
  json got = Get("/services/data/v60.0/query?q=" +
                 UrlEncode("SELECT " + SelectList(ref[0]) + " FROM SetupAuditTrail"));
  ASSERT_GT(got["records"].size(), 0u);
  EXPECT_EQ(Keys(got["records"][0]), Keys(ref[0]));
  ExpectSameShape(ref[0], got["records"][0], "SetupAuditTrail");
}

TEST_F(ReferencePayloadsTest, ErrorBodiesMatch) {
  auto expired = f_.Call("GET", "/services/data/v60.0/limits", "", "expired");
  EXPECT_EQ(json::parse(expired.body), LoadJson("rest-error-401-invalid-session-id.json"));
  json malformed = LoadJson("composed-rest-error-400-malformed-query.json");
  auto r = f_.Call("GET", "/services/data/v60.0/query?q=" + UrlEncode("SELECT Id FRM LoginHistory"),
                   "", token_);
  EXPECT_EQ(json::parse(r.body), malformed);
  json dup_ref = LoadJson("composed-rest-error-400-duplicate-value-permissionsetassignment.json");
  auto dup = f_.Call("POST", "/__sim/act",
                     json{{"action", "assign_permission_set"},
                          {"username", "int@t.example"},
                          {"permission_set", "Extra_Access"}}
                         .dump());
  EXPECT_EQ(Keys(json::parse(dup.body)[0]), Keys(dup_ref[0]));
  auto not_found = f_.Call("GET", "/services/data/v60.0/nothing", "", token_);
  EXPECT_EQ(json::parse(not_found.body), LoadJson("rest-error-404-not-found-resource.json"));
  f_.org().settings.daily_api_requests = 0;
  auto limited = f_.Call("GET", "/services/data/v60.0/limits", "", token_);
  EXPECT_EQ(json::parse(limited.body),
            LoadJson("composed-rest-error-403-request-limit-exceeded.json"));
}

TEST_F(ReferencePayloadsTest, OAuthResponsesHaveTheReferenceKeys) {
  auto jwt = f_.Call("POST", "/services/oauth2/token",
                     "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=" +
                         f_.Jwt("int@t.example"));
  ExpectSameShape(LoadJson("oauth-token-success-jwt-bearer.json"), json::parse(jwt.body), "jwt");
  auto cc = f_.Call("POST", "/services/oauth2/token",
                    "grant_type=client_credentials&client_id=cc-client&client_secret=cc-secret");
  EXPECT_EQ(Keys(json::parse(cc.body)),
            Keys(LoadJson("composed-oauth-token-success-client-credentials.json")));
  auto pw = f_.Call("POST", "/services/oauth2/token",
                    "grant_type=password&client_id=jwt-client&client_secret=jwt-secret&username="
                    "int%40t.example&password=int-pw");
  ExpectSameShape(LoadJson("oauth-token-success-password-flow.json"), json::parse(pw.body),
                  "password");
  auto bad = f_.Call("POST", "/services/oauth2/token",
                     "grant_type=client_credentials&client_id=nope&client_secret=x");
  EXPECT_EQ(json::parse(bad.body), LoadJson("oauth-token-error-400-invalid-client-id.json"));
  auto wrong = f_.Call("POST", "/services/oauth2/token",
                       "grant_type=password&client_id=jwt-client&client_secret=jwt-secret&username="
                       "int%40t.example&password=x");
  EXPECT_EQ(json::parse(wrong.body),
            LoadJson("oauth-token-error-400-invalid-grant-authentication-failure.json"));
  auto refresh = f_.Call("POST", "/services/oauth2/token",
                         "grant_type=refresh_token&client_id=jwt-client&refresh_token=nope");
  EXPECT_EQ(json::parse(refresh.body),
            LoadJson("oauth-refresh-error-400-invalid-grant-expired.json"));
}

TEST_F(ReferencePayloadsTest, LimitsHaveEveryReferenceLimit) {
  json got = Get("/services/data/v60.0/limits");
  ExpectSameShape(LoadJson("rest-limits-simple-no-per-app.json"), got, "limits");
  json per_app = LoadJson("rest-limits-with-per-app-entries.json");
  ExpectSameShape(per_app["DailyApiRequests"]["Workbench"], got["DailyApiRequests"]["jwt-app"],
                  "per-app");
}

TEST_F(ReferencePayloadsTest, CompositeAndCollectionsShapes) {
  json req = {
      {"compositeRequest",
       {{{"method", "GET"},
         {"url", "/services/data/v60.0/query?q=SELECT+Id+FROM+User+LIMIT+1"},
         {"referenceId", "q"}},
        {{"method", "GET"},
         {"url", "/services/data/v60.0/query/?q=select+count()+from+XYZZY"},
         {"referenceId", "bad"}},
        {{"method", "GET"}, {"url", "/services/data/v60.0/sobjects/Foo"}, {"referenceId", "nf"}}}}};
  auto r = f_.Call("POST", "/services/data/v60.0/composite", req.dump(), token_);
  json got = json::parse(r.body);
  json ref = LoadJson("composite-response-4-query-subrequests.json");
  EXPECT_EQ(Keys(got["compositeResponse"][0]), Keys(ref["compositeResponse"][0]));
  ExpectSameShape(ref["compositeResponse"][0], got["compositeResponse"][0], "composite");
  json invalid_type =
      LoadJson("composite-response-subrequest-400-invalid-type.json")["compositeResponse"][1];
  EXPECT_EQ(got["compositeResponse"][1]["body"], invalid_type["body"]);
  EXPECT_EQ(got["compositeResponse"][1]["httpStatusCode"], 400);
  json nf = LoadJson("composite-response-subrequest-404-not-found.json")["compositeResponse"][0];
  EXPECT_EQ(got["compositeResponse"][2]["body"][0]["errorCode"], nf["body"][0]["errorCode"]);
  EXPECT_EQ(got["compositeResponse"][2]["body"][0]["message"], nf["body"][0]["message"]);

  json records = {
      {"allOrNone", false},
      {"records",
       {{{"attributes", {{"type", "PermissionSetAssignment"}}},
         {"AssigneeId", f_.UserId("admin@t.example")},
         {"PermissionSetId", (*f_.org().FindBy("PermissionSet", "Name", "Extra_Access"))["Id"]}}}}};
  auto c = nlohmann::ordered_json::parse(
      f_.Call("POST", "/services/data/v60.0/composite/sobjects", records.dump(), token_).body);
  json cref = LoadJson("sobject-collections-upsert-response-contacts.json")[0];
  cref.erase("created");  // only upserts report "created"
  EXPECT_EQ(Keys(c[0]), (std::vector<std::string>{"id", "success", "errors"}));
  ExpectSameShape(cref, json::parse(c[0].dump()), "collections");
  auto created = f_.Call(
      "POST", "/services/data/v60.0/sobjects/PermissionSetAssignment",
      json{{"AssigneeId", f_.UserId("frozen@t.example")},
           {"PermissionSetId", (*f_.org().FindBy("PermissionSet", "Name", "Extra_Access"))["Id"]}}
          .dump(),
      token_);
  EXPECT_EQ(Keys(nlohmann::ordered_json::parse(created.body)),
            (std::vector<std::string>{"id", "success", "errors"}));
  ExpectSameShape(LoadJson("rest-create-account-201.json"), json::parse(created.body), "create");
}

TEST_F(ReferencePayloadsTest, ApiTotalUsageCsvHeaderMatches) {
  std::string ref = LoadText("composed-eventlogfile-logfile-apitotalusage.csv");
  std::string csv = ApiTotalUsageCsv(f_.sim->state(), 0, f_.org().Now() + 1);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), ref.substr(0, ref.find('\n')));
  std::string row = csv.substr(csv.find('\n') + 1);
  static const std::regex kTimestamp(
      R"("ApiTotalUsage","\d{14}\.\d{3}",.*"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z","005\w{15}"\n?)");
  EXPECT_TRUE(std::regex_search(row, kTimestamp)) << row;
}

TEST_F(ReferencePayloadsTest, ReadMetadataMatchesTheComposedResponseStructure) {
  pugi::xml_document ref;
  ASSERT_TRUE(ref.load_string(
      LoadText("composed-metadata-readmetadata-sharingrules-response.xml").c_str()));
  std::string req = LoadText("composed-metadata-readmetadata-sharingrules-request.xml");
  req = std::regex_replace(req, std::regex("<met:sessionId>[^<]*</met:sessionId>"),
                           "<met:sessionId>" + token_ + "</met:sessionId>");
  auto r = f_.Call("POST", "/services/Soap/m/60.0", req);
  ASSERT_EQ(r.status, 200) << r.body;
  pugi::xml_document got;
  ASSERT_TRUE(got.load_string(r.body.c_str()));
  auto path = [](pugi::xml_document& d) {
    return d.child("soapenv:Envelope")
        .child("soapenv:Body")
        .child("readMetadataResponse")
        .child("result")
        .child("records");
  };
  auto ref_rule = path(ref).child("sharingCriteriaRules");
  auto got_rule = path(got).child("sharingCriteriaRules");
  ASSERT_TRUE(got_rule);
  std::vector<std::string> ref_names, got_names;
  for (auto c : ref_rule.children()) {
    if (std::string(c.name()) != "booleanFilter" &&
        std::string(c.name()) != "includeRecordsOwnedByAll")
      ref_names.push_back(c.name());
  }
  for (auto c : got_rule.children()) got_names.push_back(c.name());
  ref_names.erase(std::unique(ref_names.begin(), ref_names.end()), ref_names.end());
  got_names.erase(std::unique(got_names.begin(), got_names.end()), got_names.end());
  EXPECT_EQ(got_names, ref_names);
  EXPECT_STREQ(path(got).attribute("xsi:type").value(), "SharingRules");
  auto bad =
      f_.Call("POST", "/services/Soap/m/60.0", std::regex_replace(req, std::regex(token_), "nope"));
  pugi::xml_document fault_ref, fault_got;
  fault_ref.load_string(LoadText("soap-fault-invalid-session-id-metadata-ns.xml").c_str());
  fault_got.load_string(bad.body.c_str());
  auto fault = [](pugi::xml_document& d) {
    return d.child("soapenv:Envelope").child("soapenv:Body").child("soapenv:Fault");
  };
  EXPECT_STREQ(fault(fault_got).child_value("faultcode"),
               fault(fault_ref).child_value("faultcode"));
  EXPECT_STREQ(fault(fault_got).child_value("faultstring"),
               fault(fault_ref).child_value("faultstring"));
  EXPECT_EQ(bad.status, 500);
}

}  // namespace
}  // namespace sfwarden::sim
