// Process-level tests of --web.config.file: `sfwarden run` serving /metrics over TLS with
// basic auth, refusing a bad web config at start (exit 2), keeping the old one when a
// SIGHUP brings a bad one; the listen address defaulting to loopback.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/process.h"

namespace sfwarden {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

// bcrypt (libxcrypt, cost 4) of "scrape-pw".
constexpr const char* kHash = "$2b$04$viWJAYemDnygzb/enIR.MOsFi1JmE.LgfRS/KrkRPzCjn2Qi9Gu4C";

class WebConfigProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string d = dir_.path().string() + "/";
    dir_.Write("san.cnf", "subjectAltName=IP:127.0.0.1\n");
    Openssl({"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "ca.key", "-out",
             d + "ca.pem", "-days", "2", "-subj", "/CN=sfwarden process test CA"});
    Openssl({"req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "server.key", "-out",
             d + "server.csr", "-subj", "/CN=127.0.0.1"});
    Openssl({"x509", "-req", "-in", d + "server.csr", "-CA", d + "ca.pem", "-CAkey", d + "ca.key",
             "-CAcreateserial", "-out", d + "server.pem", "-days", "2", "-extfile", d + "san.cnf"});
    std::filesystem::permissions(
        d + "server.key", std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    // No orgs: the HTTP side is what is tested (a warning, but a valid config).
    config_ = dir_.Write("sfwarden.yml", "global:\n  log: { level: debug }\norgs: []\n");
    port_ = testing::FreePort();
  }

  void Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/openssl");
    auto r = testing::Run(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  std::filesystem::path WebConfig(const std::string& extra = "") {
    return dir_.Write("web.yml",
                      "tls_server_config:\n  cert_file: server.pem\n"
                      "  key_file: server.key\nbasic_auth_users:\n  prometheus: '" +
                          std::string(kHash) + "'\n" + extra);
  }

  std::unique_ptr<testing::Subprocess> Start(const std::filesystem::path& web) {
    return std::make_unique<testing::Subprocess>(std::vector<std::string>{
        testing::BinaryPath("daemon/sfwarden").string(), "run", "--config.file=" + config_.string(),
        "--web.listen-address=127.0.0.1:" + std::to_string(port_),
        "--state.dir=" + (dir_.path() / "state").string(), "--web.config.file=" + web.string()});
  }

  /// curl's HTTP status for `url` (0 when no HTTP answer came), its body in *body.
  int Curl(const std::string& url, std::vector<std::string> args, std::string* body = nullptr) {
    const std::string out = (dir_.path() / "curl.out").string();
    std::vector<std::string> argv = {"/usr/bin/curl", "-s", "--max-time", "5", "-o", out, "-w",
                                     "%{http_code}"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back(url);
    auto r = testing::Run(argv);
    if (body) {
      std::ifstream in(out);
      std::ostringstream text;
      text << in.rdbuf();
      *body = text.str();
    }
    try {
      return std::stoi(r.out);
    } catch (const std::exception&) {
      return 0;
    }
  }
  std::string Https(const std::string& path = "/metrics") {
    return "https://127.0.0.1:" + std::to_string(port_) + path;
  }
  std::vector<std::string> Trusted(std::vector<std::string> more = {}) {
    more.insert(more.begin(), {"--cacert", (dir_.path() / "ca.pem").string()});
    return more;
  }
  void WaitUntilServing() {
    for (auto deadline = std::chrono::steady_clock::now() + 20s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
      if (Curl(Https("/-/healthy"), Trusted()) != 0) return;
    }
    FAIL() << "sfwarden never answered on " << Https();
  }

  testing::TempDir dir_;
  std::filesystem::path config_;
  int port_ = 0;
};

TEST_F(WebConfigProcessTest, ServesMetricsOverTlsWithBasicAuth) {
  auto daemon = Start(WebConfig());
  WaitUntilServing();
  std::string body;
  EXPECT_EQ(Curl(Https(), Trusted({"-u", "prometheus:scrape-pw"}), &body), 200);
  EXPECT_THAT(body, HasSubstr("sfwarden_build_info"));
  EXPECT_EQ(Curl(Https(), Trusted({"-u", "prometheus:wrong"}), &body), 401);
  EXPECT_THAT(body, Not(HasSubstr("sfwarden_build_info")));
  EXPECT_EQ(Curl(Https(), Trusted()), 401);
  EXPECT_EQ(Curl("http://127.0.0.1:" + std::to_string(port_) + "/metrics",
                 {"-u", "prometheus:scrape-pw"}),
            0);  // plain HTTP to the TLS port: no HTTP answer
  EXPECT_TRUE(daemon->WaitForOutput("(TLS, basic auth;", 1s)) << daemon->Stderr();
  daemon->Signal(SIGTERM);
  EXPECT_EQ(daemon->Wait(15s), 0);
}

TEST_F(WebConfigProcessTest, BadWebConfigAtStartExitsWith2) {
  auto web = dir_.Write("bad.yml", "basic_auth_users:\n  prometheus: not-a-hash\n");
  auto daemon = Start(web);
  EXPECT_EQ(daemon->Wait(20s), 2);
  EXPECT_THAT(daemon->Stderr(), HasSubstr("basic_auth_users.prometheus: not a bcrypt hash"));
  EXPECT_THAT(daemon->Stderr(), Not(HasSubstr("not-a-hash")));
}

TEST_F(WebConfigProcessTest, KeyFileReadableByOthersIsRefusedAtStart) {
  std::filesystem::permissions(dir_.path() / "server.key", std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  auto daemon = Start(WebConfig());
  EXPECT_EQ(daemon->Wait(20s), 2);
  EXPECT_THAT(daemon->Stderr(), HasSubstr("too open"));
}

TEST_F(WebConfigProcessTest, ReloadWithABadWebConfigKeepsTheOldOne) {
  auto web = WebConfig();
  auto daemon = Start(web);
  WaitUntilServing();
  dir_.Write("web.yml", "tls_server_config:\n  cert_file: missing.pem\n  key_file: server.key\n");
  daemon->Signal(SIGHUP);
  ASSERT_TRUE(daemon->WaitForOutput("keeping the previous one", 10s)) << daemon->Stderr();
  std::string body;
  EXPECT_EQ(Curl(Https(), Trusted({"-u", "prometheus:scrape-pw"}), &body), 200);
  EXPECT_THAT(body, HasSubstr("sfwarden_config_last_reload_successful 0"));
  // A good file again: applied (here, a second user).
  WebConfig("  grafana: '" + std::string(kHash) + "'\n");
  daemon->Signal(SIGHUP);
  ASSERT_TRUE(daemon->WaitForOutput("configuration reloaded", 10s)) << daemon->Stderr();
  EXPECT_EQ(Curl(Https(), Trusted({"-u", "grafana:scrape-pw"}), &body), 200);
  daemon->Signal(SIGTERM);
  EXPECT_EQ(daemon->Wait(15s), 0);
}

TEST_F(WebConfigProcessTest, CheckConfigValidatesTheWebConfig) {
  auto good = testing::Run({testing::BinaryPath("daemon/sfwarden").string(), "check-config",
                            "--config.file=" + config_.string(),
                            "--web.config.file=" + WebConfig().string()});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_THAT(good.out, HasSubstr("OK (TLS, basic auth)"));
  auto bad = dir_.Write("bad.yml", "tls_server_config:\n  cert_fil: server.pem\n");
  auto r = testing::Run({testing::BinaryPath("daemon/sfwarden").string(), "check-config",
                         "--config.file=" + config_.string(), "--web.config.file=" + bad.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown key 'cert_fil'"));
}

}  // namespace
}  // namespace sfwarden
