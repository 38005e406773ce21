// The real client against sfsim (started as a process) over loopback HTTP and TLS.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <boost/asio/io_context.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "salesforce/client.h"
#include "salesforce/event_log_file.h"
#include "salesforce/http_transport.h"
#include "salesforce/soql.h"
#include "tests/salesforce/async_test_util.h"
#include "tests/salesforce/test_certs.h"
#include "tests/support/process.h"

// GCC 12 warns on designated initializers that leave members defaulted (on purpose here).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace sfwarden::salesforce {
namespace {
using namespace std::chrono_literals;
using sfwarden::testing::Subprocess;
using sfwarden::testing::TempDir;
using testing::RunAwaitable;

class Sfsim {
 public:
  Sfsim(const std::string& org_file, std::vector<std::string> extra = {}) {
    auto binary = sfwarden::testing::BinaryPath("sim/sfsim");
    if (!std::filesystem::exists(binary))
      throw std::runtime_error("sfsim not built at " + binary.string());
    std::vector<std::string> argv = {binary.string(), "--org", org_file, "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<Subprocess>(argv);
    if (!process_->WaitForOutput("sfsim listening on 127.0.0.1:", 15s)) {
      throw std::runtime_error("sfsim did not start: " + process_->Stderr());
    }
    auto out = process_->Stdout();
    auto pos = out.find("127.0.0.1:") + 10;
    port_ = std::stoi(out.substr(pos));
  }
  int port() const { return port_; }
  nlohmann::json Control(const std::string& method, const std::string& path,
                         const nlohmann::json& body = nullptr) {
    auto r = sfwarden::testing::HttpRequest(port_, method, path, body.is_null() ? "" : body.dump(),
                                            body.is_null() ? "" : "application/json");
    EXPECT_LT(r.status, 300) << path << ": " << r.body;
    return r.body.empty() ? nlohmann::json() : nlohmann::json::parse(r.body, nullptr, false);
  }
  void Fault(nlohmann::json fault) { Control("POST", "/__sim/faults", fault); }

 private:
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
};

class SfsimIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    certs_ =
        new testing::TestCerts(testing::MakeTestCerts(*dir_, {"DNS:localhost", "IP:127.0.0.1"}));
    std::string org = R"(
organization: { name: Acme }
api_version: "60.0"
query_batch_size: 2
limits: { DailyApiRequests: 15000 }
profiles:
  - { name: System Administrator }
  - { name: Salesforce API Only System Integrations }
users:
  - { username: admin@acme.example, name: Ada Admin, profile: System Administrator }
  - { username: hubspot@acme.example, name: HubSpot Integration, profile: Salesforce API Only System Integrations, permission_sets: [HubSpot_Sync_Access], groups: [HubSpot_Integration_Group] }
  - { username: u1@acme.example, name: User One }
  - { username: u2@acme.example, name: User Two }
  - { username: u3@acme.example, name: User Three }
permission_sets:
  - { name: HubSpot_Sync_Access, label: HubSpot Sync Access }
  - { name: Extra_Access, label: Extra Access }
groups:
  - { name: HubSpot_Integration_Group, label: HubSpot Integration Group, type: Regular, members: [hubspot@acme.example] }
sharing_rules:
  Account:
    - name: Send_to_HubSpot
      label: Send to HubSpot
      access: Edit
      shared_to: { group: HubSpot_Integration_Group }
      criteria: [ { field: Name, operation: equals, value: "Acme" } ]
connected_apps:
  - name: sfwarden
    client_id: sfwarden-client-id
    client_secret: sfwarden-client-secret
    daily_api_limit: 5000
    certificate_file: )" +
                      certs_->self_signed_cert + R"(
    execution_user: admin@acme.example
)";
    org_file_ = dir_->Write("org.yaml", org).string();
    std::ifstream key(certs_->self_signed_key);
    key_pem_ =
        new std::string((std::istreambuf_iterator<char>(key)), std::istreambuf_iterator<char>());
  }
  static void TearDownTestSuite() {
    delete key_pem_;
    delete certs_;
    delete dir_;
  }

  void SetUp() override { sim_ = std::make_unique<Sfsim>(org_file_); }

  ClientConfig Config(AuthConfig::Flow flow = AuthConfig::Flow::kJwtBearer) {
    ClientConfig c;
    c.org = "sim";
    c.api_version = "60.0";
    c.auth.flow = flow;
    c.auth.login_url = "http://127.0.0.1:" + std::to_string(sim_->port());
    c.auth.client_id = "sfwarden-client-id";
    c.auth.client_secret = "sfwarden-client-secret";
    c.auth.username = "hubspot@acme.example";
    c.auth.private_key_pem = *key_pem_;
    c.backoff = BackoffPolicy{.max_attempts = 4, .base = 5ms, .cap = 20ms, .max_retry_after = 50ms};
    return c;
  }
  TransportOptions Options() {
    TransportOptions o;
    o.connect_timeout = 2s;
    o.read_timeout = 2s;
    o.total_timeout = 10s;
    return o;
  }
  template <class T>
  T Run(boost::asio::awaitable<T> task) {
    return RunAwaitable(ioc_, std::move(task));
  }
  tl::expected<std::vector<nlohmann::json>, ApiError> Records(Client& client,
                                                              const std::string& soql) {
    std::vector<nlohmann::json> records;
    auto r = Run(client.Query(soql,
                              [&](QueryPage&& page) {
                                for (auto& rec : page.records) records.push_back(std::move(rec));
                                return true;
                              },
                              {}));
    if (!r) return tl::unexpected(r.error());
    return records;
  }

  // The Id of the first row `soql` returns ("" when none).
  std::string FirstId(Client& client, const std::string& soql) {
    auto rows = Records(client, soql);
    EXPECT_TRUE(rows) << rows.error();
    return rows && !rows->empty() ? FieldString(rows->front(), "Id").value_or("") : "";
  }
  // hubspot@acme.example's assignments of `permission_set_id` (0 or 1: they are unique).
  std::size_t Assignments(Client& client, const std::string& user_id,
                          const std::string& permission_set_id) {
    auto rows = Records(client, Soql("SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ")
                                    .String(user_id)
                                    .Raw(" AND PermissionSetId = ")
                                    .String(permission_set_id)
                                    .str());
    EXPECT_TRUE(rows) << rows.error();
    return rows ? rows->size() : 0;
  }
  static nlohmann::json Assignment(const std::string& user_id, const std::string& set_id) {
    return {{"AssigneeId", user_id}, {"PermissionSetId", set_id}};
  }

  static inline TempDir* dir_ = nullptr;
  static inline testing::TestCerts* certs_ = nullptr;
  static inline std::string org_file_;
  static inline std::string* key_pem_ = nullptr;
  std::unique_ptr<Sfsim> sim_;
  boost::asio::io_context ioc_;
  prometheus::Registry registry_;
};

TEST_F(SfsimIntegrationTest, JwtBearerLoginAndQueryAcrossSeveralPages) {
  HttpTransport transport(ioc_, Options());
  Client client(ioc_, transport, registry_, Config());
  int pages = 0;
  std::vector<std::string> usernames;
  auto summary = Run(client.Query("SELECT Username FROM User ORDER BY Username",
                                  [&](QueryPage&& page) {
                                    ++pages;
                                    for (const auto& r : page.records)
                                      usernames.push_back(*FieldString(r, "Username"));
                                    return true;
                                  },
                                  {}));
  ASSERT_TRUE(summary) << summary.error();
  EXPECT_GE(pages, 3);
  EXPECT_EQ(summary->pages, pages);
  EXPECT_TRUE(summary->complete);
  EXPECT_EQ(static_cast<std::int64_t>(usernames.size()), summary->total_size);
  EXPECT_NE(std::find(usernames.begin(), usernames.end(), "hubspot@acme.example"), usernames.end());
  EXPECT_TRUE(client.governor().last_usage());  // Sforce-Limit-Info was read
}

TEST_F(SfsimIntegrationTest, ClientCredentialsAndLimits) {
  HttpTransport transport(ioc_, Options());
  Client client(ioc_, transport, registry_, Config(AuthConfig::Flow::kClientCredentials));
  auto limits = Run(client.GetLimits());
  ASSERT_TRUE(limits) << limits.error();
  EXPECT_EQ(limits->at("DailyApiRequests").value.max, 15000);
  EXPECT_EQ(client.governor().last_usage()->max, 15000);
  // Sforce-Limit-Info's per-app-api-usage, as gauges labelled by org and app.
  double app_used = -1, app_max = -1;
  for (const auto& family : registry_.Collect()) {
    for (const auto& m : family.metric) {
      bool ours =
          m.label.size() == 2 && m.label[0].value == "sfwarden" && m.label[1].value == "sim";
      if (ours && family.name == "sfwarden_salesforce_app_api_requests_used")
        app_used = m.gauge.value;
      if (ours && family.name == "sfwarden_salesforce_app_api_requests_max")
        app_max = m.gauge.value;
    }
  }
  EXPECT_GE(app_used, 1);
  EXPECT_EQ(app_max, 5000);
}

TEST_F(SfsimIntegrationTest, LimitsProbeResumesCallsAfterTheFloorAndALimitStop) {
  HttpTransport transport(ioc_, Options());
  auto now = std::chrono::system_clock::now();
  ClientConfig config = Config(AuthConfig::Flow::kClientCredentials);
  config.budget.probe_interval = 5min;
  Client client(
      ioc_, transport, registry_, config, [] { return 0.5; }, [&] { return now; });
  auto query = [&] { return Records(client, "SELECT Id FROM User"); };
  ASSERT_TRUE(query());

  // Another integration spends the org down to 500 of 15,000: below the 10% floor.
  sim_->Control("POST", "/__sim/api-usage", {{"username", "admin@acme.example"}, {"calls", 14500}});
  ASSERT_TRUE(Run(client.GetLimits()));
  EXPECT_EQ(query().error().kind, ErrorKind::kBudget);
  sim_->Control("POST", "/__sim/clock", {{"advance", "1d"}});  // the usage leaves the window
  now += 5min;
  auto recovered = Run(client.GetLimits());  // the probe sees the allowance back
  ASSERT_TRUE(recovered) << recovered.error();
  ASSERT_TRUE(query());

  // Now it is used up: 403 REQUEST_LIMIT_EXCEEDED stops every call.
  auto used = sim_->Control("GET", "/__sim/counters")["daily_api_requests"]["used"].get<int>();
  sim_->Control("POST", "/__sim/api-usage",
                {{"username", "admin@acme.example"}, {"calls", 15000 - used}});
  EXPECT_EQ(query().error().kind, ErrorKind::kLimitExceeded);
  EXPECT_TRUE(client.governor().limit_stopped());
  auto sent = [&] {  // requests that went out: each one's duration is observed
    std::uint64_t n = 0;
    for (const auto& family : registry_.Collect()) {
      if (family.name != "sfwarden_salesforce_request_duration_seconds") continue;
      for (const auto& m : family.metric) n += m.histogram.sample_count;
    }
    return n;
  };
  auto before = sent();
  EXPECT_EQ(query().error().kind, ErrorKind::kLimitExceeded);  // refused locally
  EXPECT_EQ(sent(), before);
  now += 5min;
  EXPECT_FALSE(Run(client.GetLimits()));  // the probe: the org still answers 403
  EXPECT_EQ(sent(), before + 1);
  EXPECT_FALSE(Run(client.GetLimits()));  // the next one is not due
  EXPECT_EQ(sent(), before + 1);
  sim_->Control("POST", "/__sim/clock", {{"advance", "1d"}});
  now += 5min;
  auto limits = Run(client.GetLimits());
  ASSERT_TRUE(limits) << limits.error();
  EXPECT_GT(limits->at("DailyApiRequests").value.remaining, 14000);
  EXPECT_FALSE(client.governor().limit_stopped());
  EXPECT_TRUE(query());
}

TEST_F(SfsimIntegrationTest, BadKeyWrongUserAndWrongSecretAreAuthErrors) {
  HttpTransport transport(ioc_, Options());
  std::ifstream other(certs_->server_key);
  std::string other_key((std::istreambuf_iterator<char>(other)), std::istreambuf_iterator<char>());
  auto bad_key = Config();
  bad_key.auth.private_key_pem = other_key;
  auto wrong_user = Config();
  wrong_user.auth.username = "nobody@acme.example";
  auto wrong_secret = Config(AuthConfig::Flow::kClientCredentials);
  wrong_secret.auth.client_secret = "nope";
  for (const auto& config : {bad_key, wrong_user, wrong_secret}) {
    Client client(ioc_, transport, registry_, config);
    auto r = Run(client.Authenticate());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kAuth) << r.error();
    EXPECT_FALSE(r.error().error_code.empty());
    EXPECT_EQ(r.error().ToString().find("nope"), std::string::npos);
  }
}

TEST_F(SfsimIntegrationTest, ExpiredSessionReauthenticatesAndRetries) {
  HttpTransport transport(ioc_, Options());
  auto skew = std::make_shared<std::chrono::hours>(0);  // follows sfsim's virtual clock
  Client client(ioc_, transport, registry_, Config(), DefaultRandom(),
                [skew] { return std::chrono::system_clock::now() + *skew; });
  ASSERT_TRUE(Run(client.GetLimits()));
  sim_->Fault(
      {{"path", "/services/data/v60.0/limits"}, {"kind", "status"}, {"status", 401}, {"count", 1}});
  auto again = Run(client.GetLimits());
  ASSERT_TRUE(again) << again.error();
  // Idle session expiry on the virtual clock: the cached token is refused, a new JWT
  // (exp relative to the org's clock) gets a new one.
  sim_->Control("POST", "/__sim/clock", {{"advance", "1d"}});
  *skew = std::chrono::hours(24);
  auto after_expiry = Run(client.GetLimits());
  ASSERT_TRUE(after_expiry) << after_expiry.error();
  EXPECT_EQ(transport.connections_opened(), 1u);  // one keep-alive connection throughout
}

TEST_F(SfsimIntegrationTest, CompositeAndCollectionsWithPartialFailure) {
  HttpTransport transport(ioc_, Options());
  Client client(ioc_, transport, registry_, Config(AuthConfig::Flow::kClientCredentials));
  CompositeRequest request;
  request.subrequests = {
      {"GET",
       "/services/data/v60.0/query?q=" +
           UrlEncode(
               Soql("SELECT Id FROM User WHERE Username = ").String("hubspot@acme.example").str()),
       "user",
       {},
       {}},
      {"GET",
       "/services/data/v60.0/query?q=" +
           UrlEncode(
               "SELECT Id, Name FROM PermissionSet WHERE IsOwnedByProfile = false ORDER BY Name"),
       "sets",
       {},
       {}},
      {"GET",
       "/services/data/v60.0/query?q=" + UrlEncode("SELECT Id FROM NoSuchObject"),
       "bad",
       {},
       {}}};
  auto composite = Run(client.Composite(request, CallPriority::kOptional));
  ASSERT_TRUE(composite) << composite.error();
  auto user = composite->Find("user")->AsQueryPage("user");
  auto sets = composite->Find("sets")->AsQueryPage("sets");
  ASSERT_TRUE(user) << user.error();
  ASSERT_TRUE(sets) << sets.error();
  EXPECT_EQ(composite->Find("bad")->AsQueryPage("bad").error().error_code, "INVALID_TYPE");
  std::string user_id = *FieldString(user->records.at(0), "Id");
  std::string hubspot_set, extra_set;
  for (const auto& r : sets->records) {
    if (FieldString(r, "Name") == "HubSpot_Sync_Access") hubspot_set = *FieldString(r, "Id");
    if (FieldString(r, "Name") == "Extra_Access") extra_set = *FieldString(r, "Id");
  }
  ASSERT_FALSE(extra_set.empty());
  std::vector<nlohmann::json> records = {{{"attributes", {{"type", "PermissionSetAssignment"}}},
                                          {"AssigneeId", user_id},
                                          {"PermissionSetId", extra_set}},
                                         {{"attributes", {{"type", "PermissionSetAssignment"}}},
                                          {"AssigneeId", user_id},
                                          {"PermissionSetId", hubspot_set}}};
  auto results = Run(client.CreateCollection(records, false));
  ASSERT_TRUE(results) << results.error();
  ASSERT_EQ(results->size(), 2u);
  EXPECT_TRUE((*results)[0].success);
  EXPECT_FALSE((*results)[1].success);
  ASSERT_FALSE((*results)[1].errors.empty());
  EXPECT_EQ((*results)[1].errors[0].error_code, "DUPLICATE_VALUE");
  auto deleted = Run(client.Delete("PermissionSetAssignment", (*results)[0].id));
  EXPECT_TRUE(deleted) << deleted.error();
}

TEST_F(SfsimIntegrationTest, CompositeQueryPageIsContinuedWithQueryMore) {
  HttpTransport transport(ioc_, Options());
  Client client(ioc_, transport, registry_, Config(AuthConfig::Flow::kClientCredentials));
  const std::string soql = "SELECT Username FROM User ORDER BY Username";
  CompositeRequest request;
  request.subrequests = {
      {"GET", "/services/data/v60.0/query?q=" + UrlEncode(soql), "users", {}, {}}};
  auto composite = Run(client.Composite(request, CallPriority::kOptional));
  ASSERT_TRUE(composite) << composite.error();
  auto first = composite->Find("users")->AsQueryPage("users");
  ASSERT_TRUE(first) << first.error();
  ASSERT_FALSE(first->done);  // query_batch_size 2: more pages wait behind nextRecordsUrl
  ASSERT_EQ(first->records.size(), 2u);
  ASSERT_TRUE(first->next_records_url.starts_with("/services/data/v60.0/query/"));

  std::vector<std::string> usernames;
  for (const auto& r : first->records) usernames.push_back(*FieldString(r, "Username"));
  int pages = 0;
  auto more = Run(client.QueryMore(first->next_records_url,
                                   [&](QueryPage&& page) {
                                     ++pages;
                                     for (const auto& r : page.records)
                                       usernames.push_back(*FieldString(r, "Username"));
                                     return true;
                                   },
                                   {}));
  ASSERT_TRUE(more) << more.error();
  EXPECT_TRUE(more->complete);
  EXPECT_EQ(more->pages, pages);
  EXPECT_GE(pages, 2);
  EXPECT_EQ(more->total_size, first->total_size);

  // The same rows, in the same order, as one plain paged query.
  auto plain = Records(client, soql);
  ASSERT_TRUE(plain) << plain.error();
  std::vector<std::string> expected;
  for (const auto& r : *plain) expected.push_back(*FieldString(r, "Username"));
  EXPECT_EQ(usernames, expected);
  EXPECT_EQ(static_cast<std::int64_t>(usernames.size()), first->total_size);
}

TEST_F(SfsimIntegrationTest, CompositeAllOrNoneRollsBackEarlierSubrequests) {
  HttpTransport transport(ioc_, Options());
  Client client(ioc_, transport, registry_, Config(AuthConfig::Flow::kClientCredentials));
  auto user = FirstId(client, "SELECT Id FROM User WHERE Username = 'hubspot@acme.example'");
  auto extra = FirstId(client, "SELECT Id FROM PermissionSet WHERE Name = 'Extra_Access'");
  auto hubspot = FirstId(client, "SELECT Id FROM PermissionSet WHERE Name = 'HubSpot_Sync_Access'");
  ASSERT_FALSE(user.empty() || extra.empty() || hubspot.empty());
  const std::string url = "/services/data/v60.0/sobjects/PermissionSetAssignment";
  CompositeRequest request;
  request.subrequests = {{"POST", url, "extra", Assignment(user, extra), {}},
                         {"POST", url, "dup", Assignment(user, hubspot), {}}};  // already held

  request.all_or_none = true;
  auto rolled_back = Run(client.Composite(request, CallPriority::kRequired));
  ASSERT_TRUE(rolled_back) << rolled_back.error();
  EXPECT_EQ(rolled_back->Find("dup")->Error("dup").error_code, "DUPLICATE_VALUE");
  EXPECT_EQ(rolled_back->Find("extra")->http_status, 400);
  EXPECT_EQ(rolled_back->Find("extra")->Error("extra").error_code, "PROCESSING_HALTED");
  EXPECT_EQ(Assignments(client, user, extra), 0u);  // the first subrequest was undone

  request.all_or_none = false;
  auto partial = Run(client.Composite(request, CallPriority::kRequired));
  ASSERT_TRUE(partial) << partial.error();
  EXPECT_EQ(partial->Find("extra")->http_status, 201);
  EXPECT_EQ(partial->Find("dup")->Error("dup").error_code, "DUPLICATE_VALUE");
  EXPECT_EQ(Assignments(client, user, extra), 1u);
}

TEST_F(SfsimIntegrationTest, WritesWhoseReplyIsLostAreOutcomeUnknownAndAppliedOnce) {
  auto options = Options();
  options.read_timeout = 500ms;
  HttpTransport transport(ioc_, options);
  Client client(ioc_, transport, registry_, Config(AuthConfig::Flow::kClientCredentials));
  auto user = FirstId(client, "SELECT Id FROM User WHERE Username = 'hubspot@acme.example'");
  auto extra = FirstId(client, "SELECT Id FROM PermissionSet WHERE Name = 'Extra_Access'");
  ASSERT_FALSE(user.empty() || extra.empty());
  const std::string data = "/services/data/v60.0/";
  struct Write {
    const char* name;
    std::string path;  // where the fault hits
    std::function<boost::asio::awaitable<tl::expected<void, ApiError>>()> send;
  };
  auto as_void = [](const auto& result) -> tl::expected<void, ApiError> {
    if (!result) return tl::unexpected(result.error());
    return {};
  };
  const Write writes[] = {
      // Arguments are named locals: no temporaries inside co_await with GCC 12.
      {"create", data + "sobjects/PermissionSetAssignment",
       [&]() -> boost::asio::awaitable<tl::expected<void, ApiError>> {
         nlohmann::json fields = Assignment(user, extra);
         auto r = co_await client.Create("PermissionSetAssignment", std::move(fields));
         co_return as_void(r);
       }},
      {"collection create", data + "composite/sobjects",
       [&]() -> boost::asio::awaitable<tl::expected<void, ApiError>> {
         std::vector<nlohmann::json> records = {Assignment(user, extra)};
         records[0]["attributes"] = {{"type", "PermissionSetAssignment"}};
         auto r = co_await client.CreateCollection(std::move(records), true);
         co_return as_void(r);
       }},
      {"composite with a POST", data + "composite",
       [&]() -> boost::asio::awaitable<tl::expected<void, ApiError>> {
         CompositeRequest request;
         request.subrequests = {
             {"POST", data + "sobjects/PermissionSetAssignment", "a", Assignment(user, extra), {}}};
         auto r = co_await client.Composite(std::move(request), CallPriority::kRequired);
         co_return as_void(r);
       }},
  };
  const nlohmann::json faults[] = {
      {{"kind", "close"}, {"bytes", 0}},        // headers, then the connection closes
      {{"kind", "delay"}, {"delay_ms", 1500}},  // the reply comes after the read timeout
  };
  for (const auto& write : writes) {
    for (const auto& fault_kind : faults) {
      SCOPED_TRACE(std::string(write.name) + ", " + fault_kind.dump());
      nlohmann::json fault = fault_kind;
      fault["method"] = "POST";
      fault["path"] = write.path;
      sim_->Fault(fault);
      auto r = Run(write.send());
      ASSERT_FALSE(r);
      EXPECT_EQ(r.error().kind, ErrorKind::kOutcomeUnknown) << r.error();
      // Salesforce did apply it, once: a blind retry would have met DUPLICATE_VALUE (or
      // created a second record of a kind without a unique key). The caller's check:
      auto id = FirstId(client, Soql("SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = ")
                                    .String(user)
                                    .Raw(" AND PermissionSetId = ")
                                    .String(extra)
                                    .str());
      ASSERT_FALSE(id.empty());
      EXPECT_EQ(Assignments(client, user, extra), 1u);
      ASSERT_TRUE(Run(client.Delete("PermissionSetAssignment", id)));
    }
  }
}

TEST_F(SfsimIntegrationTest, EventLogFileDownload) {
  auto now = sim_->Control("GET", "/__sim/clock")["now"].get<std::string>();
  sim_->Control("POST", "/__sim/api-usage", {{"username", "hubspot@acme.example"}, {"calls", 3}});
  sim_->Control("POST", "/__sim/event-log-files", {{"date", now.substr(0, 10)}});
  HttpTransport transport(ioc_, Options());
  Client client(ioc_, transport, registry_, Config(AuthConfig::Flow::kClientCredentials));
  auto files = Records(client, EventLogFileListSoql("ApiTotalUsage", "Daily", std::nullopt));
  ASSERT_TRUE(files) << files.error();
  ASSERT_FALSE(files->empty());
  auto info = DecodeEventLogFile(files->at(0));
  ASSERT_TRUE(info) << info.error();
  std::vector<std::vector<std::string>> rows;
  auto count =
      Run(client.DownloadEventLogFile(info->log_file_path, [&](std::vector<std::string>&& row) {
        rows.push_back(std::move(row));
        return true;
      }));
  ASSERT_TRUE(count) << count.error();
  ASSERT_GE(rows.size(), 4u);  // header + 3 calls
  auto user = ColumnIndex(rows[0], "USER_NAME");
  ASSERT_TRUE(user);
  EXPECT_EQ(rows[1][*user], "hubspot@acme.example");
}

TEST_F(SfsimIntegrationTest, SharingRulesReadAndUpsert) {
  HttpTransport transport(ioc_, Options());
  Client client(ioc_, transport, registry_, Config(AuthConfig::Flow::kClientCredentials));
  auto rules = Run(client.ReadSharingRules({"Account"}));
  ASSERT_TRUE(rules) << rules.error();
  ASSERT_EQ(rules->size(), 1u);
  ASSERT_EQ(rules->at(0).criteria_rules.size(), 1u);
  SharingRule& rule = rules->at(0).criteria_rules[0];
  EXPECT_EQ(rule.full_name, "Send_to_HubSpot");
  EXPECT_EQ(rule.access_level, "Edit");
  EXPECT_EQ(rule.shared_to, (SharedTo{"group", "HubSpot_Integration_Group"}));
  rule.access_level = "Read";
  auto upserted = Run(client.UpsertSharingRules(*rules));
  ASSERT_TRUE(upserted) << upserted.error();
  ASSERT_EQ(upserted->size(), 1u);
  EXPECT_TRUE(upserted->at(0).success);
  auto reread = Run(client.ReadSharingRules({"Account"}));
  ASSERT_TRUE(reread) << reread.error();
  EXPECT_EQ(reread->at(0).criteria_rules.at(0).access_level, "Read");
}

TEST_F(SfsimIntegrationTest, SharingRuleDeletedByTypeAndFullName) {
  HttpTransport transport(ioc_, Options());
  Client client(ioc_, transport, registry_, Config(AuthConfig::Flow::kClientCredentials));
  const std::string name = SharingRuleFullName("Account", "Send_to_HubSpot");
  // The wrong type does not find it; the right one deletes it; a second delete finds none.
  auto wrong =
      Run(client.DeleteMetadata(SharingRuleMetadataType(SharingRule::Type::kOwner), {name}));
  ASSERT_TRUE(wrong) << wrong.error();
  ASSERT_EQ(wrong->size(), 1u);
  EXPECT_FALSE(wrong->at(0).success);
  auto deleted =
      Run(client.DeleteMetadata(SharingRuleMetadataType(SharingRule::Type::kCriteria), {name}));
  ASSERT_TRUE(deleted) << deleted.error();
  ASSERT_EQ(deleted->size(), 1u);
  EXPECT_EQ(deleted->at(0).full_name, "Account.Send_to_HubSpot");
  EXPECT_TRUE(deleted->at(0).success);
  EXPECT_TRUE(deleted->at(0).errors.empty());
  auto reread = Run(client.ReadSharingRules({"Account"}));
  ASSERT_TRUE(reread) << reread.error();
  ASSERT_EQ(reread->size(), 1u);
  EXPECT_TRUE(reread->at(0).criteria_rules.empty());
  auto again = Run(client.DeleteMetadata("SharingCriteriaRule", {name}));
  ASSERT_TRUE(again) << again.error();
  ASSERT_EQ(again->size(), 1u);
  EXPECT_FALSE(again->at(0).success);
  ASSERT_EQ(again->at(0).errors.size(), 1u);
  EXPECT_EQ(again->at(0).errors[0].error_code, "INVALID_CROSS_REFERENCE_KEY");
}

TEST_F(SfsimIntegrationTest, EveryInjectedFaultEndsInARetryOrATypedError) {
  struct Case {
    const char* name;
    nlohmann::json fault;
    std::optional<ErrorKind> expected_error;  // nullopt: recovered by retrying
  };
  const Case cases[] = {
      {"503 burst", {{"kind", "status"}, {"status", 503}, {"count", 2}}, std::nullopt},
      {"delay past the timeout",
       {{"kind", "delay"}, {"delay_ms", 1500}, {"count", 1}},
       std::nullopt},
      {"closed mid-body", {{"kind", "close"}, {"bytes", 10}, {"count", 1}}, std::nullopt},
      {"truncated body", {{"kind", "truncate"}, {"count", 1}}, ErrorKind::kDecode},
      {"malformed JSON", {{"kind", "malformed"}, {"count", 1}}, ErrorKind::kDecode},
      {"limit exceeded",
       {{"kind", "status"}, {"status", 403}, {"count", 1}},
       ErrorKind::kLimitExceeded},
      {"503 beyond the attempts",
       {{"kind", "status"}, {"status", 503}, {"count", 10}},
       ErrorKind::kSalesforce},  // SERVER_UNAVAILABLE body, HTTP 503
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    sim_->Control("DELETE", "/__sim/faults");
    auto options = Options();
    options.read_timeout = 500ms;
    HttpTransport transport(ioc_, options);
    prometheus::Registry registry;
    Client client(ioc_, transport, registry, Config(AuthConfig::Flow::kClientCredentials));
    ASSERT_TRUE(Run(client.Authenticate()));
    nlohmann::json fault = c.fault;
    fault["path"] = "/services/data/v60.0/limits";
    sim_->Fault(fault);
    auto start = std::chrono::steady_clock::now();
    auto limits = Run(client.GetLimits());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 8s);  // never hangs
    if (c.expected_error) {
      ASSERT_FALSE(limits);
      EXPECT_EQ(limits.error().kind, *c.expected_error) << limits.error();
    } else {
      EXPECT_TRUE(limits) << limits.error();
    }
  }
  sim_->Control("DELETE", "/__sim/faults");
}

TEST_F(SfsimIntegrationTest, TlsWithATestCaAndARejectedUntrustedCertificate) {
  Sfsim tls_sim(org_file_, {"--tls-cert", certs_->server_cert, "--tls-key", certs_->server_key});
  auto config = Config(AuthConfig::Flow::kClientCredentials);
  config.auth.login_url = "https://127.0.0.1:" + std::to_string(tls_sim.port());
  auto options = Options();
  options.ca_file = certs_->ca_file;
  HttpTransport trusted(ioc_, options);
  Client client(ioc_, trusted, registry_, config);
  auto limits = Run(client.GetLimits());
  ASSERT_TRUE(limits) << limits.error();
  EXPECT_TRUE(client.instance_url().starts_with("https://"));

  HttpTransport untrusted(ioc_, Options());
  prometheus::Registry registry;
  Client refused(ioc_, untrusted, registry, config);
  auto r = Run(refused.Authenticate());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport);
  EXPECT_EQ(r.error().error_code, "CERTIFICATE_VERIFY_FAILED") << r.error();
}

TEST_F(SfsimIntegrationTest, TlsCertificateForAnotherHostIsRejected) {
  TempDir dir;
  auto other = testing::MakeTestCerts(dir, {"DNS:login.other-org.example"});
  Sfsim tls_sim(org_file_, {"--tls-cert", other.server_cert, "--tls-key", other.server_key});
  auto config = Config(AuthConfig::Flow::kClientCredentials);
  config.auth.login_url = "https://127.0.0.1:" + std::to_string(tls_sim.port());
  auto options = Options();
  options.ca_file = other.ca_file;  // the chain is trusted; only the name is wrong
  HttpTransport transport(ioc_, options);
  Client client(ioc_, transport, registry_, config);
  auto r = Run(client.Authenticate());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport);
  EXPECT_EQ(r.error().error_code, "CERTIFICATE_VERIFY_FAILED") << r.error();
  EXPECT_NE(r.error().message.find("host name 127.0.0.1"), std::string::npos) << r.error();
  EXPECT_FALSE(client.has_token());
}

}  // namespace
}  // namespace sfwarden::salesforce
