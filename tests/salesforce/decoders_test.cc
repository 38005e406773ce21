// Decoders against every reference payload and against malformed bodies.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "salesforce/composite.h"
#include "salesforce/limits.h"
#include "salesforce/metadata_soap.h"
#include "salesforce/oauth_token.h"
#include "salesforce/query_decoder.h"
#include "salesforce/rest_error.h"
#include "salesforce/save_result.h"
#include "tests/salesforce/reference_examples.h"

namespace sfwarden::salesforce {
namespace {
using testing::Example;

// ---- REST error bodies

TEST(RestErrorTest, DecodesEveryDocumentedErrorArray) {
  struct Case {
    const char* file;
    int status;
    const char* code;
    ErrorKind kind;
  };
  for (const Case& c : {
           Case{"rest-error-400-invalid-field-no-such-column.json", 400, "INVALID_FIELD",
                ErrorKind::kSalesforce},
           Case{"rest-error-400-malformed-search.json", 400, "MALFORMED_SEARCH",
                ErrorKind::kSalesforce},
           Case{"rest-error-401-invalid-session-id.json", 401, "INVALID_SESSION_ID",
                ErrorKind::kSalesforce},
           Case{"rest-error-404-not-found-external-id.json", 404, "NOT_FOUND",
                ErrorKind::kSalesforce},
           Case{"rest-error-404-not-found-resource.json", 404, "NOT_FOUND", ErrorKind::kSalesforce},
           Case{"rest-error-xml-not-found.xml", 404, "NOT_FOUND", ErrorKind::kSalesforce},
           Case{"composed-rest-error-400-duplicate-value-permissionsetassignment.json", 400,
                "DUPLICATE_VALUE", ErrorKind::kSalesforce},
           Case{"composed-rest-error-400-malformed-query.json", 400, "MALFORMED_QUERY",
                ErrorKind::kSalesforce},
           Case{"composed-rest-error-403-request-limit-exceeded.json", 403,
                "REQUEST_LIMIT_EXCEEDED", ErrorKind::kLimitExceeded},
       }) {
    SCOPED_TRACE(c.file);
    ApiError e = DecodeRestError(c.status, Example(c.file), "GET /x");
    EXPECT_EQ(e.kind, c.kind);
    EXPECT_EQ(e.http_status, c.status);
    EXPECT_EQ(e.error_code, c.code);
    EXPECT_FALSE(e.message.empty());
    EXPECT_EQ(e.context, "GET /x");
  }
}

TEST(RestErrorTest, KeepsMessageAndFields) {
  ApiError e = DecodeRestError(
      400,
      R"([{"message":"Required fields are missing: [Name]","errorCode":"REQUIRED_FIELD_MISSING","fields":["Name"]}])");
  EXPECT_EQ(e.message, "Required fields are missing: [Name]");
  EXPECT_EQ(e.fields, std::vector<std::string>{"Name"});
  EXPECT_NE(e.ToString().find("REQUIRED_FIELD_MISSING"), std::string::npos);
}

TEST(RestErrorTest, SessionExpiryIsRecognised) {
  ApiError e = DecodeRestError(401, Example("rest-error-401-invalid-session-id.json"));
  EXPECT_TRUE(e.IsInvalidSession());
  EXPECT_FALSE(e.IsRetryable());
}

TEST(RestErrorTest, NonSalesforceBodiesBecomeHttpErrorsWithAnExcerpt) {
  ApiError html = DecodeRestError(502, "<html><body>Bad gateway\n</body></html>");
  EXPECT_EQ(html.kind, ErrorKind::kHttp);
  EXPECT_EQ(html.http_status, 502);
  EXPECT_NE(html.message.find("Bad gateway"), std::string::npos);
  EXPECT_EQ(html.message.find('\n'), std::string::npos);
  EXPECT_TRUE(html.IsRetryable());
  for (const char* body : {"", "[]", "{}", "[1,2]", "[{\"x\":1}]", "null", "\"str\"",
                           "[{\"errorCode\":5}]", "<Errors></Errors>", "<<<"}) {
    SCOPED_TRACE(body);
    EXPECT_EQ(DecodeRestError(500, body).kind, ErrorKind::kHttp);
  }
}

TEST(RestErrorTest, LongBodiesAreTruncatedWhenPrinted) {
  ApiError e = DecodeRestError(500, std::string(100000, 'x'));
  EXPECT_LT(e.ToString().size(), 500u);
}

TEST(RestErrorTest, UnableToLockRowIsRetryable) {
  ApiError e = DecodeRestError(
      400,
      R"([{"message":"unable to obtain exclusive access to this record","errorCode":"UNABLE_TO_LOCK_ROW"}])");
  EXPECT_TRUE(e.IsRetryable());
}

// ---- query pages

TEST(QueryDecoderTest, DecodesPaginatedFirstAndLastPage) {
  auto first = DecodeQueryPage(Example("rest-query-paginated-first-page.json"));
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->total_size, 2);
  EXPECT_FALSE(first->done);
  EXPECT_EQ(first->next_records_url, "/services/data/v26.0/query/01gD");
  ASSERT_EQ(first->records.size(), 1u);
  EXPECT_EQ(FieldString(first->records[0], "Text_Label"), "First Page");
  auto last = DecodeQueryPage(Example("rest-query-paginated-last-page.json"));
  ASSERT_TRUE(last) << last.error();
  EXPECT_TRUE(last->done);
  EXPECT_EQ(last->next_records_url, "");
  EXPECT_EQ(FieldString(last->records[0], "attributes.type"), "Whizbang");
}

TEST(QueryDecoderTest, DecodesEmptyAndSingleRecordResults) {
  auto empty = DecodeQueryPage(Example("rest-query-empty.json"));
  ASSERT_TRUE(empty) << empty.error();
  EXPECT_EQ(empty->total_size, 0);
  EXPECT_TRUE(empty->records.empty());
  auto org = DecodeQueryPage(Example("rest-query-organization-id.json"));
  ASSERT_TRUE(org) << org.error();
  EXPECT_EQ(FieldString(org->records[0], "Id"), "00Dx0000000BV7z");
}

TEST(QueryDecoderTest, ParentAndChildRelationshipsAreNested) {
  auto page = DecodeQueryPage(Example("rest-query-with-parent-and-child-relationships.json"));
  ASSERT_TRUE(page) << page.error();
  const auto& r = page->records.at(0);
  EXPECT_EQ(FieldString(r, "ParentWhizbang__r.Name"), "Parent Whizbang");
  EXPECT_EQ(FieldString(r, "DateTime_Label"), "2011-07-07T00:37:00.000+0000");
  EXPECT_EQ(r["Checkbox_Label"], false);
  auto children = DecodeQueryPageJson(r["Whizbangs__r"]);
  ASSERT_TRUE(children) << children.error();
  EXPECT_EQ(FieldString(children->records.at(0), "Name"), "Child Whizbang");
  EXPECT_EQ(FieldString(r, "Missing__r.Name"), std::nullopt);
}

TEST(QueryDecoderTest, DecodesEveryQueryShapedExample) {
  for (const auto& file : testing::CompleteQueryPageExamples()) {
    SCOPED_TRACE(file);
    auto page = DecodeQueryPage(Example(file));
    ASSERT_TRUE(page) << page.error();
    EXPECT_TRUE(page->done);
    EXPECT_FALSE(page->records.empty());
    for (const auto& r : page->records) EXPECT_TRUE(FieldString(r, "attributes.type"));
  }
  auto elf = DecodeQueryPage(Example("eventlogfile-query-response.json"));
  EXPECT_EQ(FieldString(elf->records[0], "LogFile"),
            "/services/data/v56.0/sobjects/EventLogFile/0AT5j00002GVrfnGAD/LogFile");
}

TEST(QueryDecoderTest, NullParentRelationshipReadsAsAbsent) {
  auto page = DecodeQueryPage(Example("composed-rest-query-setupaudittrail-user-changes.json"));
  ASSERT_TRUE(page) << page.error();
  int nulls = 0;
  for (const auto& r : page->records) {
    if (r.contains("CreatedBy") && r["CreatedBy"].is_null()) {
      ++nulls;
      EXPECT_EQ(FieldString(r, "CreatedBy.Username"), std::nullopt);
    }
  }
  EXPECT_GT(nulls, 0);
}

TEST(QueryDecoderTest, SetupAuditTrailRecordsKeepCreatedByUsername) {
  for (const char* file : {"setupaudittrail-records-profile-actions.json",
                           "setupaudittrail-records-namedcredential-actions.json"}) {
    SCOPED_TRACE(file);
    auto records = nlohmann::json::parse(Example(file));
    nlohmann::json body = {{"totalSize", records.size()}, {"done", true}, {"records", records}};
    auto page = DecodeQueryPageJson(body);
    ASSERT_TRUE(page) << page.error();
    for (const auto& r : page->records) {
      EXPECT_TRUE(FieldString(r, "CreatedBy.Username"));
      EXPECT_TRUE(FieldString(r, "Action"));
    }
  }
  auto one = nlohmann::json::parse(Example("setupaudittrail-record-all-fields.json"));
  auto page =
      DecodeQueryPageJson(nlohmann::json{{"totalSize", 1}, {"done", true}, {"records", {one}}});
  ASSERT_TRUE(page);
  EXPECT_EQ(FieldString(page->records[0], "Section"), "Connected Apps");
  EXPECT_EQ(FieldString(page->records[0], "CreatedByIssuer"), std::nullopt);
}

TEST(QueryDecoderTest, MalformedPagesAreDecodeErrors) {
  for (const char* body : {
           "",
           "not json",
           "[]",
           "{}",
           R"({"totalSize":1,"done":true})",
           R"({"totalSize":"1","done":true,"records":[]})",
           R"({"totalSize":1,"done":"yes","records":[]})",
           R"({"totalSize":1,"done":true,"records":{}})",
           R"({"totalSize":1,"done":true,"records":[1]})",
           R"({"totalSize":-1,"done":true,"records":[]})",
           R"({"totalSize":2,"done":false,"records":[]})",
           R"({"totalSize":2,"done":false,"nextRecordsUrl":"https://evil.example/x","records":[]})",
           R"({"totalSize":2,"done":false,"nextRecordsUrl":7,"records":[]})",
           R"({"totalSize":1,"done":true,"records":[{"a":1}])",
       }) {
    SCOPED_TRACE(body);
    auto page = DecodeQueryPage(std::string_view(body));
    ASSERT_FALSE(page);
    EXPECT_EQ(page.error().kind, ErrorKind::kDecode);
    EXPECT_FALSE(page.error().message.empty());
    // The tree-less decoder refuses it with the same words (more in QueryPageRowsTest).
    auto rows = DecodeQueryPageRows(std::string_view(body), std::vector<std::string>{"Id"});
    ASSERT_FALSE(rows);
    EXPECT_EQ(rows.error().ToString(), page.error().ToString());
  }
}

// ---- OAuth

TEST(OAuthTokenTest, DecodesEverySuccessExample) {
  for (const char* file :
       {"oauth-token-success-jwt-bearer.json", "oauth-token-success-password-flow.json",
        "oauth-refresh-success.json", "composed-oauth-token-success-client-credentials.json"}) {
    SCOPED_TRACE(file);
    auto token = DecodeTokenResponse(200, Example(file));
    ASSERT_TRUE(token) << token.error();
    EXPECT_FALSE(token->access_token.empty());
    EXPECT_TRUE(token->instance_url.starts_with("https://"));
  }
  auto cc =
      DecodeTokenResponse(200, Example("composed-oauth-token-success-client-credentials.json"));
  EXPECT_EQ(cc->instance_url, "https://example-dev-ed.my.salesforce.com");
  EXPECT_EQ(cc->scope, "api");
  ASSERT_TRUE(cc->issued_at);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::milliseconds>(cc->issued_at->time_since_epoch())
                .count(),
            1704164645123);
}

TEST(OAuthTokenTest, IgnoresAnIssuedAtTheClockCannotHold) {
  // Milliseconds past 2262 overflowed the nanosecond system_clock (fuzz_rest_json).
  for (const char* issued : {"10413792000000", "9223372036854775807", "-1"}) {
    SCOPED_TRACE(issued);
    auto token = DecodeTokenResponse(
        200, std::string(R"({"access_token":"t","instance_url":"https://x.my.salesforce.com",)") +
                 R"("issued_at":")" + issued + R"("})");
    ASSERT_TRUE(token) << token.error();
    EXPECT_FALSE(token->issued_at);
  }
}

TEST(OAuthTokenTest, DecodesEveryErrorExampleAsAuthError) {
  struct Case {
    const char* file;
    const char* code;
    const char* description;
  };
  for (const Case& c : {Case{"oauth-token-error-400-invalid-client-id.json", "invalid_client_id",
                             "client identifier invalid"},
                        Case{"oauth-token-error-400-invalid-grant-authentication-failure.json",
                             "invalid_grant", "authentication failure - Invalid Password"},
                        Case{"oauth-token-error-400-invalid-grant-not-approved.json",
                             "invalid_grant", "user hasn't approved this consumer"},
                        Case{"oauth-refresh-error-400-invalid-grant-expired.json", "invalid_grant",
                             "expired access/refresh token"}}) {
    SCOPED_TRACE(c.file);
    auto token = DecodeTokenResponse(400, Example(c.file));
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().kind, ErrorKind::kAuth);
    EXPECT_EQ(token.error().error_code, c.code);
    EXPECT_EQ(token.error().message, c.description);
  }
}

TEST(OAuthTokenTest, MalformedResponsesNeverEchoTheBody) {
  const std::string secret = "00Dx!SECRET_TOKEN_VALUE";
  for (const std::string& body :
       {std::string("{\"access_token\":\"") + secret + "\"",
        "{\"access_token\":\"" + secret + "\"}",
        std::string("{\"access_token\":7,\"instance_url\":\"https://x\"}"),
        std::string("<html>") + secret}) {
    SCOPED_TRACE(body);
    auto token = DecodeTokenResponse(200, body);
    ASSERT_FALSE(token);
    EXPECT_EQ(token.error().ToString().find(secret), std::string::npos);
  }
  auto html = DecodeTokenResponse(400, "<html>" + secret + "</html>");
  ASSERT_FALSE(html);
  EXPECT_EQ(html.error().error_code, "ERROR_HTTP_400");
  EXPECT_EQ(html.error().ToString().find(secret), std::string::npos);
  auto unavailable = DecodeTokenResponse(503, "");
  ASSERT_FALSE(unavailable);
  EXPECT_TRUE(unavailable.error().IsRetryable());
}

// ---- limits

TEST(LimitsTest, DecodesPerAppSubObjects) {
  auto limits = DecodeLimits(Example("rest-limits-with-per-app-entries.json"));
  ASSERT_TRUE(limits) << limits.error();
  const auto& daily = limits->at("DailyApiRequests");
  EXPECT_EQ(daily.value.max, 25000);
  EXPECT_EQ(daily.value.remaining, 24926);
  EXPECT_EQ(daily.value.used(), 74);
  EXPECT_EQ(daily.children.size(), 24u);
  EXPECT_EQ(daily.children.at("Ant Migration Tool").max, 0);
  EXPECT_TRUE(limits->at("DataStorageMB").children.empty());
}

TEST(LimitsTest, DecodesSimpleLimits) {
  auto limits = DecodeLimits(Example("rest-limits-simple-no-per-app.json"));
  ASSERT_TRUE(limits) << limits.error();
  EXPECT_EQ(limits->at("DailyApiRequests").value.max, 15000);
  EXPECT_EQ(limits->at("DailyApiRequests").value.remaining, 14998);
}

TEST(LimitsTest, DecodesRecordCounts) {
  auto counts = DecodeRecordCounts(Example("rest-limits-recordcount.json"));
  ASSERT_TRUE(counts) << counts.error();
  EXPECT_EQ(counts->at("Contact"), 2);
}

TEST(LimitsTest, MalformedLimitsAreDecodeErrors) {
  for (const char* body :
       {"", "[]", R"({"A":1})", R"({"A":{"Max":1}})", R"({"A":{"Max":"1","Remaining":1}})",
        R"({"A":{"Max":1,"Remaining":1,"App":{"Max":1}}})"}) {
    SCOPED_TRACE(body);
    auto limits = DecodeLimits(body);
    ASSERT_FALSE(limits);
    EXPECT_EQ(limits.error().kind, ErrorKind::kDecode);
  }
  EXPECT_FALSE(DecodeRecordCounts(R"({"sObjects":[{"name":1}]})"));
}

// ---- composite

TEST(CompositeTest, DecodesQuerySubrequestsByReference) {
  auto r = DecodeCompositeResponse(Example("composite-response-4-query-subrequests.json"));
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->order.size(), 4u);
  auto page = r->Find("CCI__RefId__1__")->AsQueryPage("CCI__RefId__1__");
  ASSERT_TRUE(page) << page.error();
  EXPECT_EQ(FieldString(page->records.at(0), "Name"), "Smith Corp.");
  EXPECT_EQ(r->Find("nope"), nullptr);
}

TEST(CompositeTest, SubrequestErrorsAreTypedPerReference) {
  auto r = DecodeCompositeResponse(Example("composite-response-subrequest-400-invalid-type.json"));
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->Find("refAccount")->AsQueryPage("refAccount"));
  EXPECT_EQ(r->Find("refAccount")->AsQueryPage("refAccount")->total_size, 17);
  auto bad = r->Find("refXYZZY")->AsQueryPage("refXYZZY");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::kSalesforce);
  EXPECT_EQ(bad.error().http_status, 400);
  EXPECT_EQ(bad.error().error_code, "INVALID_TYPE");
  EXPECT_NE(bad.error().context.find("refXYZZY"), std::string::npos);

  auto nf = DecodeCompositeResponse(Example("composite-response-subrequest-404-not-found.json"));
  ASSERT_TRUE(nf) << nf.error();
  EXPECT_EQ(nf->Find("CCI__RefId__0__")->Error("CCI__RefId__0__").error_code, "NOT_FOUND");
}

TEST(CompositeTest, NotModifiedSubresponsesKeepHeaders) {
  auto r = DecodeCompositeResponse(Example("composite-response-304-httpheaders.json"));
  ASSERT_TRUE(r) << r.error();
  const auto* sub = r->Find("CCI__RefId__2__");
  ASSERT_NE(sub, nullptr);
  EXPECT_EQ(sub->http_status, 304);
  EXPECT_TRUE(sub->body.is_null());
  EXPECT_EQ(sub->http_headers.at("ETag"), "\"baf7f695\"");
}

TEST(CompositeTest, EncodesTheDocumentedRequestShape) {
  auto example = nlohmann::json::parse(Example("composed-composite-request-body.json"));
  CompositeRequest request;
  for (const auto& s : example["compositeRequest"]) {
    CompositeSubrequest sub{s["method"], s["url"], s["referenceId"], std::nullopt, {}};
    if (s.contains("body")) sub.body = s["body"];
    request.subrequests.push_back(sub);
  }
  EXPECT_EQ(nlohmann::json::parse(EncodeCompositeRequest(request)), example);
}

TEST(CompositeTest, RejectsMisuse) {
  CompositeRequest too_many;
  for (int i = 0; i < 26; ++i) {
    too_many.subrequests.push_back(
        {"GET", "/services/data/v60.0/sobjects", "r" + std::to_string(i), {}, {}});
  }
  EXPECT_THROW(EncodeCompositeRequest(too_many), std::invalid_argument);
  CompositeRequest six_queries;
  for (int i = 0; i < 6; ++i) {
    six_queries.subrequests.push_back({"GET",
                                       "/services/data/v60.0/query?q=SELECT+Id+FROM+User",
                                       "q" + std::to_string(i),
                                       {},
                                       {}});
  }
  EXPECT_THROW(EncodeCompositeRequest(six_queries), std::invalid_argument);
  CompositeRequest dup{false,
                       {{"GET", "/services/data/v60.0/limits", "a", {}, {}},
                        {"GET", "/services/data/v60.0/limits", "a", {}, {}}}};
  EXPECT_THROW(EncodeCompositeRequest(dup), std::invalid_argument);
  CompositeRequest bad_ref{false, {{"GET", "/services/data/v60.0/limits", "a b", {}, {}}}};
  EXPECT_THROW(EncodeCompositeRequest(bad_ref), std::invalid_argument);
  EXPECT_THROW(EncodeCompositeRequest({}), std::invalid_argument);
}

TEST(CompositeTest, MalformedResponsesAreDecodeErrors) {
  for (
      const char* body :
      {"", "[]", "{}", R"({"compositeResponse":{}})", R"({"compositeResponse":[1]})",
       R"({"compositeResponse":[{"referenceId":"a"}]})",
       R"({"compositeResponse":[{"httpStatusCode":200}]})",
       R"({"compositeResponse":[{"referenceId":"a","httpStatusCode":200},{"referenceId":"a","httpStatusCode":200}]})"}) {
    SCOPED_TRACE(body);
    auto r = DecodeCompositeResponse(body);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kDecode);
  }
}

// ---- sObject writes

TEST(SaveResultTest, DecodesCreateResponse) {
  auto r = DecodeSaveResult(Example("rest-create-account-201.json"));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->id, "0010xACCOUNTID0000");
  EXPECT_TRUE(r->success);
  EXPECT_TRUE(r->errors.empty());
}

TEST(SaveResultTest, DecodesCollectionResultsInOrder) {
  auto r = DecodeSaveResults(Example("sobject-collections-upsert-response-contacts.json"));
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->size(), 16u);
  EXPECT_EQ(r->front().id, "0035500001H9cakAAB");
  EXPECT_EQ(r->front().created, true);
}

TEST(SaveResultTest, DecodesPartialFailure) {
  auto r = DecodeSaveResults(
      R"([{"id":"0Pa1","success":true,"errors":[]},{"success":false,"errors":[{"statusCode":"DUPLICATE_VALUE","message":"Duplicate PermissionSetAssignment","fields":[]}]}])");
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_FALSE((*r)[1].success);
  EXPECT_EQ((*r)[1].errors.at(0).error_code, "DUPLICATE_VALUE");
}

TEST(SaveResultTest, MalformedResultsAreDecodeErrors) {
  for (const char* body : {"", "{}", R"({"id":"1"})", R"({"id":1,"success":true})",
                           R"({"id":"1","success":true,"errors":{}})"}) {
    SCOPED_TRACE(body);
    EXPECT_FALSE(DecodeSaveResult(body));
  }
  EXPECT_FALSE(DecodeSaveResults(R"({"id":"1","success":true})"));
}

// ---- every file in the reference folder is used by a test (or excused, with the reason)

TEST(ReferenceExamplesTest, EveryExampleIsDecodedSomewhere) {
  const std::map<std::string, std::string> excused = {
      {"metadata-describemetadata-response.xml", "describeMetadata: not called by the client"},
      {"soap-partner-create-error-insufficient-access.xml", "partner SOAP API: not used"},
      {"soap-partner-create-error-with-limitinfoheader.xml", "partner SOAP API: not used"},
  };
  // Files decoded by tests in this binary (decoders_test, metadata_soap_test, csv_test,
  // jwt_test); keep in step when adding tests.
  std::set<std::string> used = {
      "composed-composite-request-body.json",
      "composed-eventlogfile-logfile-apitotalusage.csv",
      "composed-jwt-bearer-assertion-parts.json",
      "composed-metadata-readmetadata-sharingrules-request.xml",
      "composed-metadata-readmetadata-sharingrules-response.xml",
      "composed-metadata-upsertmetadata-response.xml",
      "composed-metadata-upsertmetadata-sharingrules-request.xml",
      "composed-oauth-token-success-client-credentials.json",
      "composed-rest-error-400-duplicate-value-permissionsetassignment.json",
      "composed-rest-error-400-malformed-query.json",
      "composed-rest-error-403-request-limit-exceeded.json",
      "composite-response-304-httpheaders.json",
      "composite-response-4-query-subrequests.json",
      "composite-response-subrequest-400-invalid-type.json",
      "composite-response-subrequest-404-not-found.json",
      "eventlogfile-logfile-login.csv",
      "metadata-sharingrules-account-criteria-and-owner.xml",
      "metadata-sharingrules-account-owner-role.xml",
      "oauth-refresh-error-400-invalid-grant-expired.json",
      "oauth-refresh-success.json",
      "oauth-token-error-400-invalid-client-id.json",
      "oauth-token-error-400-invalid-grant-authentication-failure.json",
      "oauth-token-error-400-invalid-grant-not-approved.json",
      "oauth-token-success-jwt-bearer.json",
      "oauth-token-success-password-flow.json",
      "rest-create-account-201.json",
      "rest-error-400-invalid-field-no-such-column.json",
      "rest-error-400-malformed-search.json",
      "rest-error-401-invalid-session-id.json",
      "rest-error-404-not-found-external-id.json",
      "rest-error-404-not-found-resource.json",
      "rest-error-xml-not-found.xml",
      "rest-limits-recordcount.json",
      "rest-limits-simple-no-per-app.json",
      "rest-limits-with-per-app-entries.json",
      "rest-organization-record.json",
      "rest-query-empty.json",
      "rest-query-organization-id.json",
      "rest-query-paginated-first-page.json",
      "rest-query-paginated-last-page.json",
      "rest-query-with-parent-and-child-relationships.json",
      "setupaudittrail-record-all-fields.json",
      "setupaudittrail-records-namedcredential-actions.json",
      "setupaudittrail-records-profile-actions.json",
      "soap-fault-invalid-session-id-metadata-ns.xml",
      "soap-login-fault-invalid-login.xml",
      "soap-partner-fault-invalid-session-id.xml",
      "sobject-collections-upsert-response-contacts.json",
  };
  for (const auto& name : testing::CompleteQueryPageExamples()) used.insert(name);
  for (const auto& name : testing::AllExamples()) {
    EXPECT_TRUE(used.count(name) || excused.count(name))
        << name << " is neither decoded by a test nor excused";
  }
}

TEST(OrganizationRecordTest, ReadsOrgWideDefaults) {
  auto record = nlohmann::json::parse(Example("rest-organization-record.json"));
  EXPECT_EQ(FieldString(record, "DefaultAccountAccess"), "Edit");
  EXPECT_EQ(FieldString(record, "DefaultContactAccess"), "ControlledByParent");
  EXPECT_EQ(FieldString(record, "Division"), std::nullopt);
}

}  // namespace
}  // namespace sfwarden::salesforce
