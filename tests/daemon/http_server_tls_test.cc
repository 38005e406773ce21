// HttpServer with a WebSecurity: TLS, client certificates and basic auth, against curl
// as the client.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <thread>

#include "daemon/http_server.h"
#include "daemon/web_security.h"
#include "tests/daemon/web_test_util.h"
#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class HttpServerTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new sfwarden::testing::TempDir;
    certs_ = new testing::WebCerts(testing::MakeWebCerts(*dir_));
  }
  static void TearDownTestSuite() {
    delete certs_;
    delete dir_;
  }
  void TearDown() override {
    if (!server_) return;
    boost::asio::post(ioc_, [this] { server_->Stop(); });
    thread_.join();
  }
  void Start(const std::string& web_config) {
    auto file = dir_->Write("web-" + std::to_string(++files_) + ".yml", web_config);
    server_ = std::make_unique<HttpServer>(
        ioc_, ListenAddress{"127.0.0.1", 0},
        [](const HttpRequest& r) {
          return HttpResponse{200, "text/plain", "metrics at " + r.target, ""};
        },
        WebSecurity::Load(file));
    thread_ = std::thread([this] { ioc_.run(); });
  }
  std::string Url(const std::string& scheme, const std::string& path = "/metrics") {
    return scheme + "://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  std::string Tls(const std::string& extra = "") {
    return "tls_server_config:\n  cert_file: " + certs_->server_cert +
           "\n  key_file: " + certs_->server_key + "\n" + extra;
  }
  /// Runs `f` on the server's thread and waits for it.
  void OnServerThread(std::function<void()> f) {
    std::promise<void> done;
    boost::asio::post(ioc_, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }

  static inline sfwarden::testing::TempDir* dir_ = nullptr;
  static inline testing::WebCerts* certs_ = nullptr;
  int files_ = 0;
  boost::asio::io_context ioc_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
};

TEST_F(HttpServerTlsTest, EmptyWebConfigServesPlainHttp) {
  Start("");
  auto r = sfwarden::testing::HttpGet(server_->port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "metrics at /metrics");
}

TEST_F(HttpServerTlsTest, ClientTrustingTheCaGetsMetricsOverTls) {
  Start(Tls());
  auto r = testing::Curl(Url("https"), {"--cacert", certs_->ca});
  EXPECT_EQ(r.exit_code, 0) << r.body;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "metrics at /metrics");
}

TEST_F(HttpServerTlsTest, PlainHttpToTheTlsPortGetsNoAnswer) {
  Start(Tls());
  auto r = sfwarden::testing::HttpGet(server_->port(), "/metrics");
  EXPECT_EQ(r.status, 0);
  EXPECT_THAT(r.body, Not(HasSubstr("metrics at")));
  // The server is still fine afterwards.
  EXPECT_EQ(testing::Curl(Url("https"), {"--cacert", certs_->ca}).status, 200);
}

TEST_F(HttpServerTlsTest, ClientNotTrustingTheCertificateFails) {
  Start(Tls());
  auto r = testing::Curl(Url("https"));  // the system CAs do not include the test CA
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.status, 0);
}

TEST_F(HttpServerTlsTest, Tls12IsTheDefaultMinimum) {
  Start(Tls());
  EXPECT_NE(testing::Curl(Url("https"), {"--cacert", certs_->ca, "--tlsv1.1", "--tls-max", "1.1"})
                .exit_code,
            0);
  EXPECT_EQ(testing::Curl(Url("https"), {"--cacert", certs_->ca, "--tls-max", "1.2"}).status, 200);
}

TEST_F(HttpServerTlsTest, RequiredClientCertificateMustComeFromTheClientCa) {
  Start(Tls("  client_ca_file: " + certs_->ca +
            "\n  client_auth_type: RequireAndVerifyClientCert\n"));
  EXPECT_NE(testing::Curl(Url("https"), {"--cacert", certs_->ca}).status, 200);
  EXPECT_NE(testing::Curl(Url("https"), {"--cacert", certs_->ca, "--cert", certs_->other_cert,
                                         "--key", certs_->other_key})
                .status,
            200);
  EXPECT_EQ(testing::Curl(Url("https"), {"--cacert", certs_->ca, "--cert", certs_->client_cert,
                                         "--key", certs_->client_key})
                .status,
            200);
}

TEST_F(HttpServerTlsTest, BasicAuthRightPasswordGets200) {
  Start(Tls() + "basic_auth_users:\n  prometheus: '" + testing::BcryptHash("scrape me") + "'\n");
  auto r = testing::Curl(Url("https"), {"--cacert", certs_->ca, "-u", "prometheus:scrape me"});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "metrics at /metrics");
}

TEST_F(HttpServerTlsTest, BasicAuthWrongOrMissingPasswordGets401EverywhereWithAChallenge) {
  Start(Tls() + "basic_auth_users:\n  prometheus: '" + testing::BcryptHash("scrape me") + "'\n");
  auto wrong = testing::Curl(Url("https"), {"--cacert", certs_->ca, "-u", "prometheus:nope"});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_THAT(wrong.headers, HasSubstr("WWW-Authenticate: Basic realm=\"sfwarden\""));
  EXPECT_THAT(wrong.body, Not(HasSubstr("metrics at")));
  auto missing = testing::Curl(Url("https", "/-/healthy"), {"--cacert", certs_->ca});
  EXPECT_EQ(missing.status, 401);
  EXPECT_THAT(missing.headers, HasSubstr("WWW-Authenticate: Basic"));
}

TEST_F(HttpServerTlsTest, BasicAuthWorksOverPlainHttpToo) {
  Start("basic_auth_users:\n  p: '" + testing::BcryptHash("pw") + "'\n");
  EXPECT_EQ(testing::Curl(Url("http"), {"-u", "p:pw"}).status, 200);
  EXPECT_EQ(testing::Curl(Url("http"), {"-u", "p:px"}).status, 401);
  EXPECT_EQ(testing::Curl(Url("http")).status, 401);
}

TEST_F(HttpServerTlsTest, ConfiguredHeadersAreSent) {
  Start("http_server_config:\n  headers:\n    X-Frame-Options: deny\n");
  EXPECT_THAT(testing::Curl(Url("http")).headers, HasSubstr("X-Frame-Options: deny"));
}

TEST_F(HttpServerTlsTest, SetSecurityAppliesToNewConnections) {
  Start("");
  ASSERT_EQ(testing::Curl(Url("http")).status, 200);
  auto file = dir_->Write("reloaded.yml", Tls());
  auto tls = WebSecurity::Load(file);
  OnServerThread([&] { server_->SetSecurity(tls); });
  EXPECT_EQ(testing::Curl(Url("http")).status, 0);
  EXPECT_EQ(testing::Curl(Url("https"), {"--cacert", certs_->ca}).status, 200);
  OnServerThread([&] { server_->SetSecurity(nullptr); });
  EXPECT_EQ(testing::Curl(Url("http")).status, 200);
}

}  // namespace
}  // namespace sfwarden::daemon
