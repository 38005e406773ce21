#include "salesforce/client.h"

#include <gtest/gtest.h>

// GCC 12 warns on designated initializers that leave members defaulted (on purpose here).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <prometheus/registry.h>

#include <boost/asio/io_context.hpp>
#include <map>

#include "tests/salesforce/async_test_util.h"
#include "tests/salesforce/fake_transport.h"
#include "tests/salesforce/reference_examples.h"

namespace sfwarden::salesforce {
namespace {
using testing::Example;
using testing::FakeTransport;
using testing::Reply;
using testing::RunAwaitable;
using Response = tl::expected<HttpResponse, ApiError>;

constexpr char kLogin[] = "https://login.salesforce.com";
constexpr char kInstance[] = "https://acme.my.salesforce.com";

std::string TestKey() {
  static const std::string pem = [] {
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), &EVP_PKEY_free);
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
    PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(n));
  }();
  return pem;
}

std::string TokenBody(const std::string& token) {
  return nlohmann::json{
      {"access_token", token}, {"instance_url", kInstance}, {"token_type", "Bearer"}}
      .dump();
}

std::string Page(int total, bool done, const std::string& next, std::vector<std::string> names) {
  nlohmann::json records = nlohmann::json::array();
  for (const auto& n : names)
    records.push_back({{"attributes", {{"type", "User"}}}, {"Username", n}});
  nlohmann::json page = {{"totalSize", total}, {"done", done}, {"records", records}};
  if (!done) page["nextRecordsUrl"] = next;
  return page.dump();
}

bool IsToken(const HttpRequest& r) {
  return r.url == std::string(kLogin) + "/services/oauth2/token";
}

class ClientTest : public ::testing::Test {
 protected:
  ClientConfig Config() {
    ClientConfig c;
    c.org = "prod";
    c.api_version = "60.0";
    c.auth.flow = AuthConfig::Flow::kJwtBearer;
    c.auth.login_url = kLogin;
    c.auth.client_id = "3MVGclient";
    c.auth.username = "sfwarden@acme.com";
    c.auth.private_key_pem = TestKey();
    c.backoff = BackoffPolicy{.max_attempts = 3,
                              .base = std::chrono::milliseconds(1),
                              .cap = std::chrono::milliseconds(5),
                              .max_retry_after = std::chrono::milliseconds(5)};
    return c;
  }
  Client MakeClient(FakeTransport& transport, ClientConfig config) {
    return Client(ioc_, transport, registry_, std::move(config), [] { return 0.5; });
  }
  // A transport that grants tokens tok1, tok2, ... and sends data calls to `data`.
  FakeTransport Org(std::function<Response(const HttpRequest&)> data) {
    return FakeTransport([this, data](const HttpRequest& r) -> Response {
      if (IsToken(r)) return Reply(200, TokenBody("tok" + std::to_string(++tokens_issued_)));
      return data(r);
    });
  }
  template <class T>
  T Run(boost::asio::awaitable<T> task) {
    return RunAwaitable(ioc_, std::move(task));
  }
  double MetricValue(const std::string& name, const std::map<std::string, std::string>& labels) {
    for (const auto& family : registry_.Collect()) {
      if (family.name != name) continue;
      for (const auto& m : family.metric) {
        bool match = true;
        for (const auto& [k, v] : labels) {
          bool found = false;
          for (const auto& l : m.label) found |= l.name == k && l.value == v;
          match &= found;
        }
        if (match)
          return m.counter.value + m.gauge.value + static_cast<double>(m.histogram.sample_count);
      }
    }
    return -1;
  }
  static std::string Header(const HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) return v;
    }
    return "";
  }

  boost::asio::io_context ioc_;
  prometheus::Registry registry_;
  int tokens_issued_ = 0;
};

auto QueryAll(Client& client, std::string soql, std::vector<QueryPage>* pages,
              QueryOptions options = {}) {
  return client.Query(
      std::move(soql),
      [pages](QueryPage&& p) {
        pages->push_back(std::move(p));
        return true;
      },
      options);
}

TEST_F(ClientTest, JwtLoginThenCallsGoToTheInstanceWithTheBearerToken) {
  auto transport =
      Org([](const HttpRequest&) { return Reply(200, Example("rest-query-empty.json")); });
  Client client = MakeClient(transport, Config());
  std::vector<QueryPage> pages;
  auto summary = Run(QueryAll(client, "SELECT Id FROM User WHERE Username = 'a b'", &pages));
  ASSERT_TRUE(summary) << summary.error();
  ASSERT_EQ(transport.requests.size(), 2u);
  const HttpRequest& login = transport.requests[0];
  EXPECT_EQ(login.method, "POST");
  EXPECT_EQ(Header(login, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_TRUE(login.body.starts_with(
      "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion="));
  const HttpRequest& query = transport.requests[1];
  EXPECT_EQ(query.url,
            std::string(kInstance) +
                "/services/data/v60.0/"
                "query?q=SELECT%20Id%20FROM%20User%20WHERE%20Username%20%3D%20%27a%20b%27");
  EXPECT_EQ(Header(query, "Authorization"), "Bearer tok1");
  EXPECT_EQ(query.context, "GET /services/data/v60.0/query");
  EXPECT_EQ(client.instance_url(), kInstance);
}

TEST_F(ClientTest, ClientCredentialsUseHttpBasic) {
  auto config = Config();
  config.auth.flow = AuthConfig::Flow::kClientCredentials;
  config.auth.client_secret = "s3cret";
  auto transport = Org([](const HttpRequest&) { return Reply(200, "{}"); });
  Client client = MakeClient(transport, config);
  ASSERT_TRUE(Run(client.Authenticate()));
  EXPECT_EQ(transport.requests[0].body, "grant_type=client_credentials");
  EXPECT_EQ(Header(transport.requests[0], "Authorization"), "Basic M01WR2NsaWVudDpzM2NyZXQ=");
}

TEST_F(ClientTest, AuthErrorsAreTyped) {
  FakeTransport transport([](const HttpRequest&) {
    return Reply(400, Example("oauth-token-error-400-invalid-grant-not-approved.json"));
  });
  Client client = MakeClient(transport, Config());
  std::vector<QueryPage> pages;
  auto r = Run(QueryAll(client, "SELECT Id FROM User", &pages));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kAuth);
  EXPECT_EQ(r.error().error_code, "invalid_grant");
  EXPECT_EQ(transport.requests.size(), 1u);  // not retried
  auto bad_key = Config();
  bad_key.auth.private_key_pem = "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n";
  Client broken = MakeClient(transport, bad_key);
  auto auth = Run(broken.Authenticate());
  ASSERT_FALSE(auth);
  EXPECT_EQ(auth.error().kind, ErrorKind::kAuth);
}

TEST_F(ClientTest, TokenIsCachedAndReauthenticatesOnceOnInvalidSession) {
  int data_calls = 0;
  auto transport = Org([&](const HttpRequest& r) {
    ++data_calls;
    if (Header(r, "Authorization") == "Bearer tok1" && data_calls > 1) {
      return Reply(401, Example("rest-error-401-invalid-session-id.json"));
    }
    return Reply(200, Example("rest-query-empty.json"));
  });
  Client client = MakeClient(transport, Config());
  std::vector<QueryPage> pages;
  ASSERT_TRUE(Run(QueryAll(client, "SELECT Id FROM User", &pages)));
  ASSERT_TRUE(Run(QueryAll(client, "SELECT Id FROM User", &pages)));  // 401 -> login -> retry
  EXPECT_EQ(tokens_issued_, 2);
  EXPECT_EQ(Header(transport.requests.back(), "Authorization"), "Bearer tok2");
  EXPECT_EQ(MetricValue("sfwarden_salesforce_token_refreshes_total", {{"org", "prod"}}), 2);
}

TEST_F(ClientTest, ConcurrentCallsShareOneLogin) {
  auto transport =
      Org([](const HttpRequest&) { return Reply(200, Example("rest-query-empty.json")); });
  transport.yield_before_reply = true;
  Client client = MakeClient(transport, Config());
  int done = 0;
  for (int i = 0; i < 3; ++i) {
    boost::asio::co_spawn(ioc_, client.GetLimits(), [&](std::exception_ptr, auto result) {
      EXPECT_FALSE(result);  // the fake's body is not /limits: decode error, after login
      ++done;
    });
  }
  ioc_.run();
  EXPECT_EQ(done, 3);
  EXPECT_EQ(tokens_issued_, 1);
}

TEST_F(ClientTest, PersistentInvalidSessionIsAnAuthError) {
  auto transport = Org([](const HttpRequest&) {
    return Reply(401, Example("rest-error-401-invalid-session-id.json"));
  });
  Client client = MakeClient(transport, Config());
  auto r = Run(client.GetLimits());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kAuth);
  EXPECT_EQ(r.error().error_code, "INVALID_SESSION_ID");
  EXPECT_EQ(tokens_issued_, 2);
}

TEST_F(ClientTest, QueryFollowsNextRecordsUrlPageByPage) {
  auto transport = Org([](const HttpRequest& r) {
    if (r.url.ends_with("/query/01g-2"))
      return Reply(200, Page(5, false, "/services/data/v60.0/query/01g-4", {"c", "d"}));
    if (r.url.ends_with("/query/01g-4")) return Reply(200, Page(5, true, "", {"e"}));
    return Reply(200, Page(5, false, "/services/data/v60.0/query/01g-2", {"a", "b"}));
  });
  Client client = MakeClient(transport, Config());
  std::vector<std::string> seen;
  std::vector<std::size_t> requests_when_delivered;
  auto summary = Run(client.Query("SELECT Username FROM User",
                                  [&](QueryPage&& page) {
                                    requests_when_delivered.push_back(transport.requests.size());
                                    for (const auto& r : page.records)
                                      seen.push_back(*FieldString(r, "Username"));
                                    return true;
                                  },
                                  {}));
  ASSERT_TRUE(summary) << summary.error();
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(requests_when_delivered, (std::vector<std::size_t>{2, 3, 4}));  // not buffered
  EXPECT_EQ(summary->pages, 3);
  EXPECT_EQ(summary->records, 5);
  EXPECT_TRUE(summary->complete);
  EXPECT_EQ(transport.requests[2].url, std::string(kInstance) + "/services/data/v60.0/query/01g-2");

  std::vector<QueryPage> pages;
  auto capped = Run(QueryAll(client, "SELECT Username FROM User", &pages, {.max_pages = 2}));
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->pages, 2);
  EXPECT_FALSE(capped->complete);
  auto stopped =
      Run(client.Query("SELECT Username FROM User", [](QueryPage&&) { return false; }, {}));
  ASSERT_TRUE(stopped);
  EXPECT_EQ(stopped->pages, 1);
}

TEST_F(ClientTest, QueryWithStringFieldsDeliversRowsInsteadOfRecords) {
  auto transport = Org([](const HttpRequest& r) {
    if (r.url.ends_with("/query/01g-2")) return Reply(200, Page(3, true, "", {"c"}));
    return Reply(200, Page(3, false, "/services/data/v60.0/query/01g-2", {"a", "b"}));
  });
  Client client = MakeClient(transport, Config());
  std::vector<std::string> seen;
  const std::vector<std::string> fields = {"Username", "Missing"};
  auto summary = Run(client.QueryMore("/services/data/v60.0/query/01g-1",
                                      [&](QueryPage&& page) {
                                        EXPECT_TRUE(page.records.empty());
                                        for (auto& row : page.rows) {
                                          EXPECT_EQ(row.size(), 2u);
                                          EXPECT_EQ(row.at(1), std::nullopt);
                                          seen.push_back(row.at(0).value_or("?"));
                                        }
                                        return true;
                                      },
                                      {.string_fields = fields}));
  ASSERT_TRUE(summary) << summary.error();
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(summary->records, 3);
  EXPECT_TRUE(summary->complete);
}

TEST_F(ClientTest, QueryAllUsesTheQueryAllResource) {
  auto transport =
      Org([](const HttpRequest&) { return Reply(200, Example("rest-query-empty.json")); });
  Client client = MakeClient(transport, Config());
  std::vector<QueryPage> pages;
  ASSERT_TRUE(Run(QueryAll(client, "SELECT Id FROM User", &pages, {.include_deleted = true})));
  EXPECT_NE(transport.requests.back().url.find("/services/data/v60.0/queryAll?q="),
            std::string::npos);
}

TEST_F(ClientTest, TransientFailuresAreRetriedWithBackoff) {
  int n = 0;
  auto transport = Org([&](const HttpRequest& r) -> Response {
    ++n;
    if (n == 1) return Reply(503, "<html>Service Unavailable</html>");
    if (n == 2) return tl::unexpected(MakeError(ErrorKind::kTimeout, "read timed out", r.context));
    return Reply(200, Example("rest-limits-simple-no-per-app.json"));
  });
  Client client = MakeClient(transport, Config());
  auto limits = Run(client.GetLimits());
  ASSERT_TRUE(limits) << limits.error();
  EXPECT_EQ(n, 3);
  EXPECT_EQ(MetricValue("sfwarden_salesforce_retries_total", {{"kind", "limits"}}), 2);
  EXPECT_EQ(MetricValue("sfwarden_salesforce_calls_total",
                        {{"kind", "limits"}, {"outcome", "http_error"}}),
            1);
  EXPECT_EQ(
      MetricValue("sfwarden_salesforce_calls_total", {{"kind", "limits"}, {"outcome", "timeout"}}),
      1);
  EXPECT_EQ(
      MetricValue("sfwarden_salesforce_calls_total", {{"kind", "limits"}, {"outcome", "success"}}),
      1);
}

TEST_F(ClientTest, AttemptsAreBounded) {
  int n = 0;
  auto transport = Org([&](const HttpRequest&) {
    ++n;
    return Reply(500, R"([{"message":"query timeout","errorCode":"QUERY_TIMEOUT"}])");
  });
  Client client = MakeClient(transport, Config());
  auto r = Run(client.GetLimits());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().error_code, "QUERY_TIMEOUT");
  EXPECT_EQ(n, 3);
}

TEST_F(ClientTest, CancelledCallsAreNotRetried) {
  auto transport = Org([](const HttpRequest&) -> Response {
    ApiError e = MakeError(ErrorKind::kCancelled, "cancelled: the transport is shutting down");
    e.request_sent = true;
    return tl::unexpected(e);
  });
  Client client = MakeClient(transport, Config());
  auto r = Run(client.Update("UserLogin", "0Yw1", {{"IsFrozen", true}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kCancelled);
  EXPECT_EQ(transport.requests.size(), 2u);  // the login and one attempt
  EXPECT_EQ(MetricValue("sfwarden_salesforce_calls_total",
                        {{"kind", "sobject_update"}, {"outcome", "cancelled"}}),
            1);
  // A create cancelled after it was written may have been applied.
  auto created = Run(client.Create("PermissionSetAssignment", {{"AssigneeId", "005x"}}));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, ErrorKind::kOutcomeUnknown);
  EXPECT_EQ(transport.requests.size(), 3u);
}

TEST_F(ClientTest, OtherClientErrorsAreNotRetried) {
  int n = 0;
  auto transport = Org([&](const HttpRequest&) {
    ++n;
    return Reply(400, Example("composed-rest-error-400-malformed-query.json"));
  });
  Client client = MakeClient(transport, Config());
  std::vector<QueryPage> pages;
  auto r = Run(QueryAll(client, "SELECT Id FRM LoginHistory", &pages));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().error_code, "MALFORMED_QUERY");
  EXPECT_EQ(n, 1);
}

TEST_F(ClientTest, CreateIsRetriedOnlyOnRowLock) {
  int n = 0;
  auto transport = Org([&](const HttpRequest&) {
    ++n;
    if (n == 1) {
      return Reply(
          400,
          R"([{"message":"unable to obtain exclusive access to this record","errorCode":"UNABLE_TO_LOCK_ROW"}])");
    }
    if (n == 2) return Reply(503, "");
    return Reply(201, Example("rest-create-account-201.json"));
  });
  Client client = MakeClient(transport, Config());
  auto r = Run(client.Create("PermissionSetAssignment",
                             {{"AssigneeId", "005"}, {"PermissionSetId", "0PS"}}));
  ASSERT_FALSE(r);  // the 503 may have been applied: not repeated
  EXPECT_EQ(r.error().http_status, 503);
  EXPECT_EQ(n, 2);
  auto created = Run(client.Create("Account", {{"Name", "Smith Corp."}}));
  ASSERT_TRUE(created) << created.error();
  EXPECT_EQ(created->id, "0010xACCOUNTID0000");
  EXPECT_EQ(transport.requests.back().url,
            std::string(kInstance) + "/services/data/v60.0/sobjects/Account/");
  EXPECT_EQ(nlohmann::json::parse(transport.requests.back().body),
            (nlohmann::json{{"Name", "Smith Corp."}}));
}

ApiError SentButNoReply(const HttpRequest& r) {
  ApiError e = MakeError(ErrorKind::kTimeout, "reading the response header timed out", r.context);
  e.request_sent = true;
  return e;
}

TEST_F(ClientTest, CreateWithoutAReplyIsOutcomeUnknownAndNotRepeated) {
  int sent = 0;
  auto transport = Org([&](const HttpRequest& r) -> Response {
    ++sent;
    return tl::unexpected(SentButNoReply(r));
  });
  Client client = MakeClient(transport, Config());
  auto r = Run(client.Create("Account", {{"Name", "Smith Corp."}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kOutcomeUnknown) << r.error();
  EXPECT_FALSE(r.error().IsRetryable());
  EXPECT_NE(r.error().message.find("timed out"), std::string::npos);  // the cause is kept
  EXPECT_EQ(sent, 1);
  EXPECT_EQ(MetricValue("sfwarden_salesforce_calls_total",
                        {{"kind", "sobject_create"}, {"outcome", "outcome_unknown"}}),
            1);
  EXPECT_FALSE(transport.requests.back().replayable);
}

TEST_F(ClientTest, CreateIsRetriedWhenNothingReachedTheServer) {
  int sent = 0;
  auto transport = Org([&](const HttpRequest& r) -> Response {
    if (++sent == 1) {
      return tl::unexpected(MakeError(ErrorKind::kTransport, "connect failed", r.context));
    }
    return Reply(201, Example("rest-create-account-201.json"));
  });
  Client client = MakeClient(transport, Config());
  auto r = Run(client.Create("Account", {{"Name", "Smith Corp."}}));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(sent, 2);
}

TEST_F(ClientTest, GatewayErrorsOnNonIdempotentWritesAreOutcomeUnknown) {
  int sent = 0;
  auto transport = Org([&](const HttpRequest&) {
    ++sent;
    return Reply(504, "<html>Gateway Timeout</html>");
  });
  Client client = MakeClient(transport, Config());
  std::vector<nlohmann::json> records = {{{"attributes", {{"type", "Account"}}}, {"Name", "A"}}};
  auto created = Run(client.CreateCollection(records, true));
  ASSERT_FALSE(created);
  EXPECT_EQ(created.error().kind, ErrorKind::kOutcomeUnknown);
  EXPECT_EQ(created.error().http_status, 504);
  EXPECT_EQ(sent, 1);

  CompositeRequest request;
  request.subrequests = {
      {"POST", "/services/data/v60.0/sobjects/Account", "a", nlohmann::json{{"Name", "A"}}, {}}};
  auto composite = Run(client.Composite(request, CallPriority::kRequired));
  ASSERT_FALSE(composite);
  EXPECT_EQ(composite.error().kind, ErrorKind::kOutcomeUnknown);
  EXPECT_EQ(sent, 2);
}

TEST_F(ClientTest, IdempotentCallsAreRetriedAfterALostReply) {
  int sent = 0;
  auto transport = Org([&](const HttpRequest& r) -> Response {
    if (++sent % 2 == 1) return tl::unexpected(SentButNoReply(r));
    if (r.method == "PATCH") return Reply(204, "");
    return Reply(200, R"({"compositeResponse":[]})");
  });
  Client client = MakeClient(transport, Config());
  auto updated = Run(client.Update("Account", "001xx000003DGb2AAG", {{"Name", "B"}}));
  EXPECT_TRUE(updated) << updated.error();
  CompositeRequest reads;
  reads.subrequests = {{"GET", "/services/data/v60.0/limits", "limits", std::nullopt, {}}};
  auto composite = Run(client.Composite(reads, CallPriority::kOptional));
  EXPECT_TRUE(composite) << composite.error();
  EXPECT_EQ(sent, 4);
  EXPECT_TRUE(transport.requests.back().replayable);
}

TEST_F(ClientTest, UpdateAndDeleteSendTheDocumentedRequests) {
  int n = 0;
  auto transport = Org([&](const HttpRequest& r) {
    ++n;
    if (r.method == "DELETE" && n == 2) return Reply(502, "");  // lost reply
    if (r.method == "DELETE" && n == 3)
      return Reply(404, Example("rest-error-404-not-found-resource.json"));
    return Reply(204, "");
  });
  Client client = MakeClient(transport, Config());
  ASSERT_TRUE(Run(client.Update("UserLogin", "0Yw5g00000EXAMPLEAA", {{"IsFrozen", true}})));
  EXPECT_EQ(transport.requests.back().method, "PATCH");
  EXPECT_EQ(transport.requests.back().url,
            std::string(kInstance) + "/services/data/v60.0/sobjects/UserLogin/0Yw5g00000EXAMPLEAA");
  auto deleted = Run(client.Delete("PermissionSetAssignment", "0Pa5g00000EXAMPLE9"));
  EXPECT_TRUE(deleted) << deleted.error();  // gone after a retried attempt: done
  EXPECT_THROW(Run(client.Delete("Account", "x/../y")), std::invalid_argument);
}

TEST_F(ClientTest, RequestLimitExceededStopsCallsToTheOrg) {
  auto transport = Org([](const HttpRequest&) {
    return Reply(403, Example("composed-rest-error-403-request-limit-exceeded.json"));
  });
  Client client = MakeClient(transport, Config());
  auto first = Run(client.GetLimits());
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().kind, ErrorKind::kLimitExceeded);
  auto sent = transport.requests.size();
  auto second = Run(client.Update("UserLogin", "0Yw1", {{"IsFrozen", true}}));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::kLimitExceeded);
  EXPECT_EQ(transport.requests.size(), sent);  // refused locally
}

// An org whose DailyApiRequests usage the test sets; at the allowance it answers 403.
struct UsageOrg {
  int used = 0;
  int max = 15000;
  mutable int unavailable = 0;  // the next N requests get a bare 503
  std::string Header() const {
    return "api-usage=" + std::to_string(used) + "/" + std::to_string(max);
  }
  Response Answer(const HttpRequest& r) const {
    if (unavailable > 0) {
      --unavailable;
      return Reply(503, "");
    }
    if (used >= max) {
      return Reply(403, Example("composed-rest-error-403-request-limit-exceeded.json"),
                   {{"Sforce-Limit-Info", Header()}});
    }
    if (r.url.find("/limits") != std::string::npos) {
      nlohmann::json limits = {{"DailyApiRequests", {{"Max", max}, {"Remaining", max - used}}}};
      return Reply(200, limits.dump(), {{"Sforce-Limit-Info", Header()}});
    }
    return Reply(200, Example("rest-query-empty.json"), {{"Sforce-Limit-Info", Header()}});
  }
};

TEST_F(ClientTest, LimitsProbeLiftsALimitStopOnceTheAllowanceRecovers) {
  std::chrono::system_clock::time_point now =
      std::chrono::sys_days{std::chrono::year(2024) / 1 / 2} + std::chrono::hours(10);
  UsageOrg org{.used = 15000};
  auto transport = Org([&](const HttpRequest& r) { return org.Answer(r); });
  ClientConfig config = Config();
  config.budget.limit_exceeded_pause = std::chrono::minutes(30);
  config.budget.probe_interval = std::chrono::minutes(5);
  Client client(
      ioc_, transport, registry_, config, [] { return 0.5; }, [&] { return now; });
  std::vector<QueryPage> pages;
  auto stopped = Run(QueryAll(client, "SELECT Id FROM User", &pages));
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().kind, ErrorKind::kLimitExceeded);
  auto sent = transport.requests.size();
  EXPECT_EQ(Run(QueryAll(client, "SELECT Id FROM User", &pages)).error().kind,
            ErrorKind::kLimitExceeded);
  EXPECT_EQ(transport.requests.size(), sent);  // refused locally

  EXPECT_EQ(Run(client.GetLimits()).error().kind, ErrorKind::kLimitExceeded);  // the probe
  EXPECT_EQ(transport.requests.size(), sent + 1);
  EXPECT_FALSE(Run(client.GetLimits()));  // the next probe is not due yet
  EXPECT_EQ(transport.requests.size(), sent + 1);

  org.used = 3000;  // the rolling window moved on
  now += std::chrono::minutes(5);
  auto limits = Run(client.GetLimits());
  ASSERT_TRUE(limits) << limits.error();
  EXPECT_FALSE(client.governor().limit_stopped());
  EXPECT_TRUE(Run(QueryAll(client, "SELECT Id FROM User", &pages)));
}

TEST_F(ClientTest, LimitsProbeLiftsTheFloorStopOnceTheAllowanceRecovers) {
  std::chrono::system_clock::time_point now =
      std::chrono::sys_days{std::chrono::year(2024) / 1 / 2} + std::chrono::hours(10);
  UsageOrg org{.used = 14000};  // 1,000 left: below the 10% floor
  auto transport = Org([&](const HttpRequest& r) { return org.Answer(r); });
  ClientConfig config = Config();
  config.budget.probe_interval = std::chrono::minutes(5);
  Client client(
      ioc_, transport, registry_, config, [] { return 0.5; }, [&] { return now; });
  std::vector<QueryPage> pages;
  ASSERT_TRUE(Run(QueryAll(client, "SELECT Id FROM User", &pages)));  // learns the usage
  EXPECT_EQ(Run(QueryAll(client, "SELECT Id FROM User", &pages)).error().kind, ErrorKind::kBudget);
  ASSERT_TRUE(Run(client.GetLimits()));  // the probe goes out, still below the floor
  auto sent = transport.requests.size();
  EXPECT_EQ(Run(client.GetLimits()).error().kind, ErrorKind::kBudget);  // not due yet
  EXPECT_EQ(transport.requests.size(), sent);

  org.used = 2000;
  org.unavailable = 1;  // the probe's retry is the same probe, not refused as a new one
  now += std::chrono::minutes(5);
  ASSERT_TRUE(Run(client.GetLimits()));
  EXPECT_TRUE(Run(QueryAll(client, "SELECT Id FROM User", &pages)));
}

TEST_F(ClientTest, LimitInfoHeaderFeedsTheGovernorAndMetrics) {
  auto transport = Org([](const HttpRequest&) {
    return Reply(
        200, Example("rest-query-empty.json"),
        {{"Sforce-Limit-Info", "api-usage=4950/5000; per-app-api-usage=17/250(appName=sfwarden)"}});
  });
  Client client = MakeClient(transport, Config());
  std::vector<QueryPage> pages;
  ASSERT_TRUE(Run(QueryAll(client, "SELECT Id FROM User", &pages)));
  EXPECT_EQ(MetricValue("sfwarden_salesforce_org_api_requests_used", {{"org", "prod"}}), 4950);
  EXPECT_EQ(MetricValue("sfwarden_salesforce_org_api_requests_max", {{"org", "prod"}}), 5000);
  auto refused = Run(QueryAll(client, "SELECT Id FROM User", &pages));  // below the 10% floor
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kBudget);
  EXPECT_TRUE(Run(client.Update("UserLogin", "0Yw1", {{"IsFrozen", false}})));  // required
}

TEST_F(ClientTest, PerAppUsageIsAGaugePerOrgAndApp) {
  std::string header = "api-usage=18/5000; per-app-api-usage=17/250(appName=sfwarden)";
  auto transport = Org([&](const HttpRequest&) {
    return Reply(200, Example("rest-query-empty.json"), {{"Sforce-Limit-Info", header}});
  });
  Client client = MakeClient(transport, Config());
  std::vector<QueryPage> pages;
  ASSERT_TRUE(Run(QueryAll(client, "SELECT Id FROM User", &pages)));
  EXPECT_EQ(MetricValue("sfwarden_salesforce_app_api_requests_used",
                        {{"org", "prod"}, {"app", "sfwarden"}}),
            17);
  EXPECT_EQ(MetricValue("sfwarden_salesforce_app_api_requests_max",
                        {{"org", "prod"}, {"app", "sfwarden"}}),
            250);
  header = "api-usage=19/5000; per-app-api-usage=18/250(appName=sfwarden)";
  ASSERT_TRUE(Run(QueryAll(client, "SELECT Id FROM User", &pages)));
  EXPECT_EQ(MetricValue("sfwarden_salesforce_app_api_requests_used",
                        {{"org", "prod"}, {"app", "sfwarden"}}),
            18);  // the last report wins
}

TEST_F(ClientTest, PerAppUsageLabelsAreBounded) {
  int n = 0;
  auto transport = Org([&](const HttpRequest&) {
    std::string app = "app" + std::to_string(++n);
    return Reply(
        200, Example("rest-query-empty.json"),
        {{"Sforce-Limit-Info", "api-usage=1/5000; per-app-api-usage=1/9(appName=" + app + ")"}});
  });
  Client client = MakeClient(transport, Config());
  std::vector<QueryPage> pages;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Run(QueryAll(client, "SELECT Id FROM User", &pages)));
  std::size_t series = 0;
  for (const auto& family : registry_.Collect()) {
    if (family.name == "sfwarden_salesforce_app_api_requests_used") series = family.metric.size();
  }
  EXPECT_EQ(series, 8u);
  EXPECT_EQ(MetricValue("sfwarden_salesforce_app_api_requests_used", {{"app", "app20"}}), -1);
}

TEST_F(ClientTest, CollectionsAreChunkedBy200WithPerRecordResults) {
  std::vector<std::size_t> chunk_sizes;
  auto transport = Org([&](const HttpRequest& r) {
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(body["allOrNone"], false);
    chunk_sizes.push_back(body["records"].size());
    nlohmann::json results = nlohmann::json::array();
    for (const auto& rec : body["records"]) {
      bool bad = rec["Name"] == "dup";
      results.push_back(bad ? nlohmann::json{{"id", nullptr},
                                             {"success", false},
                                             {"errors",
                                              {{{"statusCode", "DUPLICATE_VALUE"},
                                                {"message", "dup"},
                                                {"fields", nlohmann::json::array()}}}}}
                            : nlohmann::json{{"id", "001"},
                                             {"success", true},
                                             {"errors", nlohmann::json::array()}});
    }
    return Reply(200, results.dump());
  });
  Client client = MakeClient(transport, Config());
  std::vector<nlohmann::json> records(450, {{"attributes", {{"type", "Account"}}}, {"Name", "ok"}});
  records[201]["Name"] = "dup";
  auto results = Run(client.CreateCollection(records, false));
  ASSERT_TRUE(results) << results.error();
  EXPECT_EQ(chunk_sizes, (std::vector<std::size_t>{200, 200, 50}));
  ASSERT_EQ(results->size(), 450u);
  EXPECT_FALSE((*results)[201].success);
  EXPECT_EQ((*results)[201].errors.at(0).error_code, "DUPLICATE_VALUE");
  EXPECT_TRUE((*results)[449].success);
  EXPECT_EQ(transport.requests.back().url,
            std::string(kInstance) + "/services/data/v60.0/composite/sobjects");
}

TEST_F(ClientTest, DeleteCollectionPutsIdsInTheQuery) {
  auto transport = Org([](const HttpRequest&) {
    return Reply(
        200, R"([{"id":"a1","success":true,"errors":[]},{"id":"a2","success":true,"errors":[]}])");
  });
  Client client = MakeClient(transport, Config());
  auto r = Run(client.DeleteCollection({"a1", "a2"}, false));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(
      transport.requests.back().url,
      std::string(kInstance) + "/services/data/v60.0/composite/sobjects?ids=a1,a2&allOrNone=false");
}

TEST_F(ClientTest, CompositeIsOneCallWithResultsByReference) {
  auto transport = Org([](const HttpRequest&) {
    return Reply(200, Example("composite-response-subrequest-400-invalid-type.json"));
  });
  Client client = MakeClient(transport, Config());
  CompositeRequest request;
  request.subrequests = {
      {"GET", "/services/data/v60.0/query/?q=select+count()+from+Account", "refAccount", {}, {}},
      {"GET", "/services/data/v60.0/query/?q=select+count()+from+XYZZY", "refXYZZY", {}, {}}};
  auto r = Run(client.Composite(request, CallPriority::kOptional));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(transport.requests.size(), 2u);  // login + one call
  EXPECT_EQ(nlohmann::json::parse(transport.requests.back().body)["compositeRequest"].size(), 2u);
  EXPECT_TRUE(r->Find("refAccount")->AsQueryPage("refAccount"));
  EXPECT_EQ(r->Find("refXYZZY")->AsQueryPage("refXYZZY").error().error_code, "INVALID_TYPE");
}

TEST_F(ClientTest, EventLogFileIsStreamedThroughTheCsvParser) {
  auto transport =
      Org([](const HttpRequest&) { return Reply(200, Example("eventlogfile-logfile-login.csv")); });
  Client client = MakeClient(transport, Config());
  std::vector<std::vector<std::string>> rows;
  auto count = Run(client.DownloadEventLogFile(
      "/services/data/v56.0/sobjects/EventLogFile/0AT5j00002GVrfnGAD/LogFile",
      [&](std::vector<std::string>&& row) {
        rows.push_back(std::move(row));
        return true;
      }));
  ASSERT_TRUE(count) << count.error();
  EXPECT_EQ(*count, 2u);
  EXPECT_EQ(rows[1][*ColumnIndex(rows[0], "USER_NAME")], "user@elastic.co");
  auto bad = Run(client.DownloadEventLogFile("https://evil.example/LogFile",
                                             [](std::vector<std::string>&&) { return true; }));
  EXPECT_FALSE(bad);
}

TEST_F(ClientTest, SharingRulesReadCarriesTheSessionAndReauthenticatesOnSoapFault) {
  int n = 0;
  auto transport = Org([&](const HttpRequest& r) {
    ++n;
    EXPECT_EQ(r.url, std::string(kInstance) + "/services/Soap/m/60.0");
    EXPECT_EQ(Header(r, "SOAPAction"), "\"\"");
    EXPECT_EQ(Header(r, "Authorization"), "");
    if (r.body.find("<met:sessionId>tok1</met:sessionId>") != std::string::npos) {
      return Reply(500, Example("soap-fault-invalid-session-id-metadata-ns.xml"));
    }
    EXPECT_NE(r.body.find("<met:sessionId>tok2</met:sessionId>"), std::string::npos);
    return Reply(200, Example("composed-metadata-readmetadata-sharingrules-response.xml"));
  });
  Client client = MakeClient(transport, Config());
  auto rules = Run(client.ReadSharingRules({"Account"}));
  ASSERT_TRUE(rules) << rules.error();
  EXPECT_EQ(n, 2);
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ(rules->at(0).criteria_rules.at(0).full_name, "Integration_Read_Access");

  auto upserted = Run(client.UpsertSharingRules(*rules));
  EXPECT_FALSE(upserted);  // the fake answers a read response: decode error, not a crash
  EXPECT_EQ(upserted.error().kind, ErrorKind::kDecode);
}

TEST_F(ClientTest, ErrorsNeverCarryTheToken) {
  auto transport = Org([](const HttpRequest& r) {
    std::string echoed = Header(r, "Authorization");
    return Reply(400,
                 R"([{"message":"bad header )" + echoed + R"(","errorCode":"INVALID_HEADER"}])");
  });
  Client client = MakeClient(transport, Config());
  auto r = Run(client.GetLimits());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().ToString().find("tok1"), std::string::npos);
  EXPECT_NE(r.error().ToString().find("<redacted>"), std::string::npos);
}

TEST_F(ClientTest, RejectsUnusableConfig) {
  auto config = Config();
  config.auth.login_url = "login.salesforce.com";
  FakeTransport transport([](const HttpRequest&) { return Reply(200, ""); });
  EXPECT_THROW(MakeClient(transport, config), std::invalid_argument);
  config = Config();
  config.auth.private_key_pem.clear();
  EXPECT_THROW(MakeClient(transport, config), std::invalid_argument);
}

}  // namespace
}  // namespace sfwarden::salesforce
