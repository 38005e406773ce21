// Process-level: sfwarden never writes a secret anywhere. Two sfsim orgs (one logged in
// with the JWT bearer flow and a private key, one with client credentials and a client
// secret), two webhook receivers (secret URLs, one with an HMAC secret) that fail, an
// alert that makes sfwarden notify them, a reload; then everything sfwarden wrote —
// stdout, stderr (its log), /metrics and the other endpoints, check-config and plan
// output, every file of its state directory — is searched for each secret.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "tests/support/process.h"

namespace sfwarden {
namespace {

using namespace std::chrono_literals;

constexpr const char* kClientSecret = "cc-secret-Zq8XkP2mW7rT";
constexpr const char* kWebhookToken = "hooktoken-T9vQ3rL5yU";
constexpr const char* kDeadWebhookToken = "deadhook-H4gS8eJ1kM";
constexpr const char* kHmacSecret = "hmac-secret-Vb6Nw4Yt0A";
// Both orgs' ids: sfsim's access tokens are "<15-character org id>!<random>".
constexpr const char* kJwtOrgId = "00D5e000000JwTa";
constexpr const char* kCcOrgId = "00D5e000000CcRd";

std::string OrgFile(const std::string& org_id, const std::string& app) {
  return "organization: { name: Secrets Test, id: " + org_id + R"( }
limits: { DailyApiRequests: 100000000 }
profiles:
  - { name: System Administrator }
  - { name: Salesforce API Only System Integrations }
users:
  - { username: admin@acme.example, name: Sim Admin, profile: System Administrator }
  - username: hubspot.integration@acme.example
    name: HubSpot Integration
    profile: Salesforce API Only System Integrations
    permission_sets: [HubSpot_Sync_Access]
permission_sets:
  - { name: HubSpot_Sync_Access, label: HubSpot Sync Access, system: { ApiEnabled: true } }
connected_apps:
)" + app;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

struct Leak {
  std::string secret;  // its name, not its value
  std::string where;
};

/// Every (secret, place) pair where the secret's value occurs in the place's text.
std::vector<Leak> FindLeaks(const std::map<std::string, std::string>& secrets,
                            const std::map<std::string, std::string>& places) {
  std::vector<Leak> leaks;
  for (const auto& [name, value] : secrets) {
    for (const auto& [where, text] : places) {
      if (text.find(value) != std::string::npos) leaks.push_back({name, where});
    }
  }
  return leaks;
}

std::string Describe(const std::vector<Leak>& leaks) {
  std::string out;
  for (const auto& l : leaks) out += "  " + l.secret + " in " + l.where + "\n";
  return out;
}

class SecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The JWT org's key pair: the certificate goes to sfsim's connected app.
    auto r = testing::Run({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                           "-keyout", (dir_.path() / "jwt.key").string(), "-out",
                           (dir_.path() / "jwt.pem").string(), "-days", "2", "-subj",
                           "/CN=sfwarden secrets test"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::filesystem::create_directories(dir_.path() / "creds");
    std::filesystem::rename(dir_.path() / "jwt.key", dir_.path() / "creds" / "jwt.key");
    std::filesystem::permissions(
        dir_.path() / "creds" / "jwt.key",
        std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    jwt_sim_port_ = StartSim(jwt_sim_, OrgFile(kJwtOrgId, R"(  - name: sfwarden
    client_id: sfwarden-jwt-client
    certificate_file: )" + (dir_.path() / "jwt.pem").string() +
                                                              R"(
    pre_authorized_users: [admin@acme.example]
)"));
    cc_sim_port_ = StartSim(cc_sim_, OrgFile(kCcOrgId, R"(  - name: sfwarden
    client_id: sfwarden-cc-client
    client_secret: )" + std::string(kClientSecret) + R"(
    execution_user: admin@acme.example
)"));
    dir_.Write("creds/client-secret", std::string(kClientSecret) + "\n", 0600);
    // One receiver answers 404 (sfsim has no such path), one is not listening at all.
    webhook_url_ = "http://127.0.0.1:" + std::to_string(cc_sim_port_) + "/hooks/" + kWebhookToken;
    dir_.Write("creds/webhook-url", webhook_url_ + "\n", 0600);
    dead_webhook_url_ = "http://127.0.0.1:" + std::to_string(testing::FreePort()) + "/services/" +
                        kDeadWebhookToken;
    dir_.Write("creds/dead-webhook-url", dead_webhook_url_ + "\n", 0600);
    dir_.Write("creds/webhook-secret", std::string(kHmacSecret) + "\n", 0600);
    port_ = testing::FreePort();
    config_ = dir_.Write("sfwarden.yml", R"(global:
  log: { level: debug, format: text }
orgs:
  - name: jwt
    login_url: http://127.0.0.1:)" + std::to_string(jwt_sim_port_) +
                                             R"(
    auth:
      flow: jwt_bearer
      client_id: sfwarden-jwt-client
      username: admin@acme.example
      private_key_file: ${CREDENTIALS_DIRECTORY}/jwt.key
)" + kOrgTail + R"(
  - name: cc
    login_url: http://127.0.0.1:)" + std::to_string(cc_sim_port_) +
                                             R"(
    auth:
      flow: client_credentials
      client_id: sfwarden-cc-client
      client_secret_file: ${CREDENTIALS_DIRECTORY}/client-secret
)" + kOrgTail + R"(
alerting:
  resend_interval: 1s
  webhooks:
    - url_file: ${CREDENTIALS_DIRECTORY}/webhook-url
      secret_file: ${CREDENTIALS_DIRECTORY}/webhook-secret
      timeout: 2s
    - url_file: ${CREDENTIALS_DIRECTORY}/dead-webhook-url
      format: slack
      timeout: 2s
)");
  }

  static constexpr const char* kOrgTail =
      R"(    api_budget: { max_daily_share: 1.0, stop_below_remaining: 0.0 }
    poll: { logins: 1s, audit_trail: 1s, limits: 1s, oauth_tokens: 1s, api_usage_logs: 1s }
    integration_users:
      - username: hubspot.integration@acme.example
        allowed_ips: [ 54.174.0.0/16 ]
        baseline:
          permission_sets: [ HubSpot_Sync_Access ]
    permission_sets:
      HubSpot_Sync_Access: { system: { ApiEnabled: true } })";

  int StartSim(std::unique_ptr<testing::Subprocess>& sim, const std::string& org_file) {
    auto org = dir_.Write("org-" + std::to_string(++sims_) + ".yaml", org_file);
    sim = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{testing::BinaryPath("sim/sfsim").string(), "--org", org.string(),
                                 "--listen", "127.0.0.1:0"});
    EXPECT_TRUE(sim->WaitForOutput("sfsim listening on", 10s)) << sim->Stderr();
    auto out = sim->Stdout();
    return std::stoi(out.substr(out.rfind(':') + 1));
  }

  std::map<std::string, std::string> Env() const {
    return {{"CREDENTIALS_DIRECTORY", (dir_.path() / "creds").string()}};
  }
  std::vector<std::string> Args(std::vector<std::string> args) const {
    args.insert(args.begin(), testing::BinaryPath("daemon/sfwarden").string());
    args.push_back("--config.file=" + config_.string());
    return args;
  }

  /// Polls /metrics until `ok` holds (45 s bound); returns the last exposition.
  std::string WaitFor(const std::function<bool(const std::string&)>& ok) {
    std::string m;
    for (auto deadline = std::chrono::steady_clock::now() + 45s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
      m = testing::HttpGet(port_, "/metrics").body;
      if (ok(m)) return m;
    }
    ADD_FAILURE() << "condition not met; last /metrics:\n" << m;
    return m;
  }

  /// The secrets, by name. The private key's body is every base64 line of the PEM.
  std::map<std::string, std::string> Secrets() const {
    std::map<std::string, std::string> secrets = {
        {"client secret", kClientSecret},
        {"webhook URL token", kWebhookToken},
        {"dead webhook URL token", kDeadWebhookToken},
        {"webhook HMAC secret", kHmacSecret},
        {"access token of org jwt", std::string(kJwtOrgId) + "!"},
        {"access token of org cc", std::string(kCcOrgId) + "!"},
    };
    std::istringstream pem(ReadFile(dir_.path() / "creds" / "jwt.key"));
    int n = 0;
    for (std::string line; std::getline(pem, line);) {
      if (line.empty() || line.rfind("-----", 0) == 0) continue;
      // Each 64-character line is ~48 bytes of key: any one of them is a leak.
      secrets["private key PEM line " + std::to_string(++n)] = line.substr(0, 40);
    }
    EXPECT_GT(n, 20);
    return secrets;
  }

  testing::TempDir dir_;
  int sims_ = 0;
  std::unique_ptr<testing::Subprocess> jwt_sim_, cc_sim_;
  int jwt_sim_port_ = 0, cc_sim_port_ = 0;
  std::string webhook_url_, dead_webhook_url_;
  std::filesystem::path config_;
  int port_ = 0;
};

TEST_F(SecretsTest, TheSearchFindsASecretWhereOneIs) {
  // The check below can fail: a text holding each secret is reported for each of them.
  std::string canary;
  for (const auto& [name, value] : Secrets()) canary += "field: " + value + "\n";
  auto file = dir_.Write("canary.txt", canary);
  auto leaks = FindLeaks(Secrets(), {{"canary.txt", ReadFile(file)}, {"clean", "nothing"}});
  EXPECT_EQ(leaks.size(), Secrets().size()) << Describe(leaks);
}

TEST_F(SecretsTest, NoSecretInAnythingSfwardenWrites) {
  const auto state = dir_.path() / "state";
  auto daemon = std::make_unique<testing::Subprocess>(
      Args({"run", "--web.listen-address=127.0.0.1:" + std::to_string(port_),
            "--state.dir=" + state.string()}),
      Env());
  // Both orgs logged in and read.
  const auto polled = [](const std::string& m, const std::string& org) {
    return m.find("sfwarden_collector_last_success_timestamp_seconds{org=\"" + org +
                  "\",source=\"logins\"}") != std::string::npos ||
           m.find("sfwarden_collector_last_success_timestamp_seconds{source=\"logins\",org=\"" +
                  org + "\"}") != std::string::npos;
  };
  WaitFor([&](const std::string& m) { return polled(m, "jwt") && polled(m, "cc"); });
  // A login from outside the allowlist: an alert, sent to both failing webhooks.
  for (int port : {jwt_sim_port_, cc_sim_port_}) {
    auto r = testing::HttpRequest(port, "POST", "/__sim/logins",
                                  R"({"username": "hubspot.integration@acme.example", )"
                                  R"("status": "Success", "source_ip": "203.0.113.9", )"
                                  R"("country_iso": "US", "login_type": "Remote Access 2.0"})",
                                  "application/json");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  // Both receivers fail (one answers 404, one is not listening): sfwarden logs it.
  for (const char* receiver : {"alert receiver webhook[0]", "alert receiver webhook[1]"}) {
    EXPECT_TRUE(daemon->WaitForOutput(receiver, 30s)) << daemon->Stderr();
  }
  daemon->Signal(SIGHUP);  // a reload logs the config again
  ASSERT_TRUE(daemon->WaitForOutput("configuration reloaded", 10s)) << daemon->Stderr();
  std::this_thread::sleep_for(2s);  // a few more polls and re-sends after the reload

  std::map<std::string, std::string> places;
  for (const char* path : {"/metrics", "/", "/-/healthy", "/-/ready", "/nope"}) {
    places[std::string("GET ") + path] = testing::HttpGet(port_, path).body;
  }
  daemon->Signal(SIGTERM);
  ASSERT_EQ(daemon->Wait(15s), 0) << daemon->Stderr();
  places["run stdout"] = daemon->Stdout();
  places["run stderr (the log)"] = daemon->Stderr();

  auto check = testing::Run(Args({"check-config"}), Env());
  EXPECT_EQ(check.exit_code, 0) << check.err;
  places["check-config stdout"] = check.out;
  places["check-config stderr"] = check.err;
  for (const char* format : {"text", "json"}) {
    auto plan = testing::Run(Args({"plan", std::string("--output=") + format}), Env());
    EXPECT_TRUE(plan.exit_code == 0 || plan.exit_code == 2) << plan.err;
    places[std::string("plan --output=") + format + " stdout"] = plan.out;
    places[std::string("plan --output=") + format + " stderr"] = plan.err;
  }
  auto journal = testing::Run(Args({"journal", "--state.dir=" + state.string()}), Env());
  places["journal stdout"] = journal.out;
  places["journal stderr"] = journal.err;

  int state_files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(state)) {
    if (!entry.is_regular_file()) continue;
    places["state file " + entry.path().filename().string()] = ReadFile(entry.path());
    ++state_files;
  }
  EXPECT_GE(state_files, 1);

  // A crash while logged in to both orgs: what the process prints as it dies (nothing
  // from a release build; AddressSanitizer's SEGV report with its stack under
  // SFWARDEN_SANITIZE) is searched too.
  auto crashed = std::make_unique<testing::Subprocess>(
      Args({"run", "--web.listen-address=127.0.0.1:" + std::to_string(port_),
            "--state.dir=" + state.string()}),
      Env());
  WaitFor([&](const std::string& m) { return polled(m, "jwt") && polled(m, "cc"); });
  crashed->Signal(SIGSEGV);
  const auto crash_exit = crashed->Wait(15s);
  ASSERT_TRUE(crash_exit.has_value()) << crashed->Stderr();
  EXPECT_NE(*crash_exit, 0);
  places["crash (SIGSEGV) stdout"] = crashed->Stdout();
  places["crash (SIGSEGV) stderr"] = crashed->Stderr();

  // The run did what the search relies on: both orgs read, both plans made.
  EXPECT_THAT(places["GET /metrics"], ::testing::HasSubstr("org=\"jwt\""));
  EXPECT_THAT(places["GET /metrics"], ::testing::HasSubstr("org=\"cc\""));
  EXPECT_THAT(places["plan --output=json stdout"], ::testing::HasSubstr("\"jwt\""));
  EXPECT_THAT(places["plan --output=json stdout"], ::testing::HasSubstr("\"cc\""));
  auto leaks = FindLeaks(Secrets(), places);
  EXPECT_TRUE(leaks.empty()) << "secrets written by sfwarden:\n" << Describe(leaks);
}

}  // namespace
}  // namespace sfwarden
