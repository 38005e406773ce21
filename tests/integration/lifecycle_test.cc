// Process-level tests of `sfwarden run`: start, /metrics, SIGHUP with a good and a bad
// config, SIGTERM, the systemd notify protocol, and startup failures.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "tests/support/process.h"

namespace sfwarden {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

std::string Config(const std::string& org_name) {
  return R"(global:
  log: { level: info, format: text }
orgs:
  - name: )" +
         org_name + R"(
    login_url: http://127.0.0.1:1
    api_version: "62.0"
    auth:
      flow: client_credentials
      client_id: test-client
      client_secret_file: ${CREDENTIALS_DIRECTORY}/secret
    mode: observe
    integration_users:
      - username: hubspot.integration@acme.com
)";
}

/// A unix datagram socket standing in for systemd's NOTIFY_SOCKET.
class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    EXPECT_EQ(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  }
  ~NotifySocket() { close(fd_); }
  /// Everything received so far, messages separated by '|'.
  std::string Drain() {
    char buf[4096];
    for (ssize_t n; (n = recv(fd_, buf, sizeof buf, 0)) > 0;) {
      received_ += std::string(buf, static_cast<size_t>(n)) + "|";
    }
    return received_;
  }
  bool WaitFor(const std::string& needle, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (Drain().find(needle) != std::string::npos) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

 private:
  std::filesystem::path path_;
  int fd_;
  std::string received_;
};

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("creds/secret", "s3cr3t-value\n", 0600);
    config_ = dir_.Write("sfwarden.yml", Config("prod"));
    port_ = testing::FreePort();
  }
  std::unique_ptr<testing::Subprocess> Start(std::map<std::string, std::string> env = {}) {
    env["CREDENTIALS_DIRECTORY"] = (dir_.path() / "creds").string();
    return std::make_unique<testing::Subprocess>(
        std::vector<std::string>{testing::BinaryPath("daemon/sfwarden").string(), "run",
                                 "--config.file=" + config_.string(),
                                 "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                                 "--state.dir=" + (dir_.path() / "state").string()},
        env);
  }
  bool WaitReady(testing::Subprocess& p) {
    for (int i = 0; i < 200 && p.Running(); ++i) {
      if (testing::HttpGet(port_, "/-/ready").status == 200) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }
  std::string Metrics() { return testing::HttpGet(port_, "/metrics").body; }
  bool WaitForMetric(const std::string& line) {
    for (int i = 0; i < 100; ++i) {
      if (Metrics().find(line) != std::string::npos) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  testing::TempDir dir_;
  std::filesystem::path config_;
  int port_ = 0;
};

TEST_F(LifecycleTest, ServesMetricsReloadsAndStopsCleanly) {
  auto daemon = Start();
  ASSERT_TRUE(WaitReady(*daemon)) << daemon->Stderr();
  // The config's warning (no Run As username with client_credentials) is logged at start
  // and again with each reloaded config, not only by check-config.
  const std::string warning = "auth.username: warning: not set";
  auto count_warnings = [&] {
    std::string log = daemon->Stderr();
    std::size_t n = 0;
    for (auto at = log.find(warning); at != std::string::npos; at = log.find(warning, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count_warnings(), 1u) << daemon->Stderr();

  auto metrics = Metrics();
  EXPECT_THAT(metrics, HasSubstr("sfwarden_build_info{"));
  EXPECT_THAT(metrics, HasSubstr("sfwarden_config_last_reload_successful 1"));
  EXPECT_THAT(metrics, HasSubstr("process_resident_memory_bytes"));
  EXPECT_EQ(testing::HttpGet(port_, "/-/healthy").status, 200);

  // A good config on SIGHUP is taken.
  dir_.Write("sfwarden.yml", Config("production"));
  daemon->Signal(SIGHUP);
  EXPECT_TRUE(daemon->WaitForOutput("configuration reloaded", 5s)) << daemon->Stderr();
  EXPECT_TRUE(WaitForMetric("sfwarden_config_last_reload_successful 1"));
  EXPECT_EQ(count_warnings(), 2u) << daemon->Stderr();

  // A bad one is refused with its diagnostics; the daemon keeps serving.
  dir_.Write("sfwarden.yml", Config("production") + "    bogus_key: 1\n");
  daemon->Signal(SIGHUP);
  EXPECT_TRUE(WaitForMetric("sfwarden_config_last_reload_successful 0")) << daemon->Stderr();
  EXPECT_TRUE(daemon->WaitForOutput("keeping the previous one", 5s));
  EXPECT_THAT(daemon->Stderr(), HasSubstr("bogus_key"));
  EXPECT_EQ(testing::HttpGet(port_, "/-/healthy").status, 200);

  auto t0 = std::chrono::steady_clock::now();
  daemon->Signal(SIGTERM);
  auto code = daemon->Wait(10s);
  ASSERT_TRUE(code.has_value()) << "did not exit within 10 s after SIGTERM";
  EXPECT_EQ(*code, 0) << daemon->Stderr();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 10s);
  EXPECT_THAT(daemon->Stderr(), HasSubstr("sfwarden stopped"));
}

TEST_F(LifecycleTest, MetricsPassPromtool) {
  auto daemon = Start();
  ASSERT_TRUE(WaitReady(*daemon)) << daemon->Stderr();
  auto file = dir_.Write("metrics.txt", Metrics());
  auto r = testing::Run({"/bin/sh", "-c", "promtool check metrics < '" + file.string() + "'"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(LifecycleTest, SpeaksTheSystemdNotifyProtocol) {
  auto socket_path = dir_.path() / "notify.sock";
  NotifySocket notify(socket_path);
  auto daemon = Start({{"NOTIFY_SOCKET", socket_path.string()}, {"WATCHDOG_USEC", "200000"}});
  ASSERT_TRUE(notify.WaitFor("READY=1", 10s)) << daemon->Stderr();
  EXPECT_TRUE(notify.WaitFor("WATCHDOG=1", 2s)) << notify.Drain();
  daemon->Signal(SIGHUP);
  EXPECT_TRUE(notify.WaitFor("RELOADING=1\nMONOTONIC_USEC=", 5s)) << notify.Drain();
  daemon->Signal(SIGTERM);
  EXPECT_EQ(daemon->Wait(10s), 0);
  EXPECT_TRUE(notify.WaitFor("STOPPING=1", 1s)) << notify.Drain();
  // After RELOADING=1 comes another READY=1.
  auto all = notify.Drain();
  EXPECT_NE(all.find("READY=1", all.find("RELOADING=1")), std::string::npos) << all;
}

TEST_F(LifecycleTest, InvalidConfigAtStartupExitsTwoWithEveryError) {
  dir_.Write("sfwarden.yml", Config("prod") + "    bogus_key: 1\n    other_bogus: 2\n");
  auto daemon = Start();
  auto code = daemon->Wait(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 2);
  EXPECT_THAT(daemon->Stderr(), HasSubstr("bogus_key"));
  EXPECT_THAT(daemon->Stderr(), HasSubstr("other_bogus"));
  EXPECT_THAT(daemon->Stderr(), HasSubstr("sfwarden.yml:"));
}

TEST_F(LifecycleTest, SecondInstanceOnTheSameStateDirFails) {
  auto first = Start();
  ASSERT_TRUE(WaitReady(*first)) << first->Stderr();
  int first_port = port_;
  port_ = testing::FreePort();
  auto second = Start();
  auto code = second->Wait(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_THAT(second->Stderr(), HasSubstr("another sfwarden"));
  EXPECT_EQ(testing::HttpGet(first_port, "/-/healthy").status, 200);
}

TEST_F(LifecycleTest, ListenAddressInUseExitsOne) {
  auto first = Start();
  ASSERT_TRUE(WaitReady(*first)) << first->Stderr();
  // Same port, other state dir.
  auto second = std::make_unique<testing::Subprocess>(
      std::vector<std::string>{testing::BinaryPath("daemon/sfwarden").string(), "run",
                               "--config.file=" + config_.string(),
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                               "--state.dir=" + (dir_.path() / "state2").string()},
      std::map<std::string, std::string>{
          {"CREDENTIALS_DIRECTORY", (dir_.path() / "creds").string()}});
  auto code = second->Wait(10s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 1);
  EXPECT_THAT(second->Stderr(), HasSubstr("cannot listen on 127.0.0.1:" + std::to_string(port_)));
}

TEST_F(LifecycleTest, CheckConfigPrintsASummaryWithoutSecrets) {
  auto r = testing::Run({testing::BinaryPath("daemon/sfwarden").string(), "check-config",
                         "--config.file=" + config_.string()},
                        {{"CREDENTIALS_DIRECTORY", (dir_.path() / "creds").string()}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("OK"));
  EXPECT_THAT(r.out, HasSubstr("prod"));
  EXPECT_EQ((r.out + r.err).find("s3cr3t-value"), std::string::npos);
}

}  // namespace
}  // namespace sfwarden
