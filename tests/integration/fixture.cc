#include "tests/integration/fixture.h"

#include <sstream>
#include <thread>

namespace sfwarden::testing {
using namespace std::chrono_literals;

std::optional<double> Sample(const std::string& metrics, const std::string& name,
                             const std::map<std::string, std::string>& labels) {
  std::istringstream in(metrics);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name + "{", 0) != 0 && line.rfind(name + " ", 0) != 0) continue;
    bool all = true;
    for (const auto& [k, v] : labels) {
      if (line.find(k + "=\"" + v + "\"") == std::string::npos) all = false;
    }
    if (!all) continue;
    return std::stod(line.substr(line.rfind(' ') + 1));
  }
  return std::nullopt;
}

void SfwardenTest::SetUp() {
  dir_.Write("creds/secret", "sfwarden-client-secret\n", 0600);
  port_ = FreePort();
}

int SfwardenTest::StartSim(std::unique_ptr<Subprocess>& sim, const std::string& org_file) {
  auto org = dir_.Write("org-" + std::to_string(sims_++) + ".yaml", org_file);
  sim = std::make_unique<Subprocess>(std::vector<std::string>{
      BinaryPath("sim/sfsim").string(), "--org", org.string(), "--listen", "127.0.0.1:0"});
  EXPECT_TRUE(sim->WaitForOutput("sfsim listening on", 10s)) << sim->Stderr();
  auto out = sim->Stdout();
  auto colon = out.rfind(':');
  return std::stoi(out.substr(colon + 1));
}

void SfwardenTest::WriteConfig(const std::string& orgs) {
  config_ =
      dir_.Write("sfwarden.yml", "global:\n  log: { level: debug, format: text }\norgs:" + orgs);
}

std::unique_ptr<Subprocess> SfwardenTest::StartSfwarden() {
  return std::make_unique<Subprocess>(
      std::vector<std::string>{BinaryPath("daemon/sfwarden").string(), "run",
                               "--config.file=" + config_.string(),
                               "--web.listen-address=127.0.0.1:" + std::to_string(port_),
                               "--state.dir=" + StateDir().string()},
      std::map<std::string, std::string>{
          {"CREDENTIALS_DIRECTORY", (dir_.path() / "creds").string()}});
}

RunResult SfwardenTest::RunSfwarden(std::vector<std::string> args) {
  std::vector<std::string> argv = {BinaryPath("daemon/sfwarden").string()};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.push_back("--config.file=" + config_.string());
  return testing::Run(argv, {{"CREDENTIALS_DIRECTORY", (dir_.path() / "creds").string()},
                             {"STATE_DIRECTORY", StateDir().string()}});
}

std::string SfwardenTest::WaitFor(const std::function<bool(const std::string&)>& ok) {
  std::string m;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(100ms)) {
    m = Metrics();
    if (ok(m)) return m;
  }
  ADD_FAILURE() << "condition not met; last /metrics:\n" << m;
  return m;
}

std::string SfwardenTest::WaitForValue(const std::string& name,
                                       const std::map<std::string, std::string>& labels,
                                       double value) {
  return WaitFor([&](const std::string& m) { return Sample(m, name, labels) == value; });
}

HttpResult SfwardenTest::SimPost(int port, const std::string& path, const std::string& json) {
  auto r = HttpRequest(port, "POST", path, json, "application/json");
  EXPECT_EQ(r.status, 200) << path << " " << json << ": " << r.body;
  return r;
}

nlohmann::json SfwardenTest::SimQuery(int port, const std::string& soql,
                                      const std::string& username, const std::string& version) {
  auto token = nlohmann::json::parse(
      SimPost(port, "/__sim/tokens", R"({"username": ")" + username + R"("})").body, nullptr,
      false);
  if (!token.is_object() || !token.contains("access_token")) {
    ADD_FAILURE() << "no token from sfsim for " << username;
    return nlohmann::json::array();
  }
  // sfwarden::testing::Run: ::testing::Test has a private Run() of its own.
  auto r = sfwarden::testing::Run(
      {"/usr/bin/curl", "-sS", "--get", "-H",
       "Authorization: Bearer " + token["access_token"].get<std::string>(), "--data-urlencode",
       "q=" + soql, SimUrl(port) + "/services/data/" + version + "/query"});
  auto page = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_TRUE(page.is_object() && page.value("done", false)) << soql << ": " << r.out << r.err;
  return page.is_object() ? page.value("records", nlohmann::json::array())
                          : nlohmann::json::array();
}

}  // namespace sfwarden::testing
