#pragma once
// What the process-level tests share: sfsim and sfwarden as child processes, the metrics
// sfwarden exports, sfsim's control API.

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "tests/support/process.h"

namespace sfwarden::testing {

/// The value of the sample `name{labels...}` in an exposition, whatever the label order;
/// nullopt when there is no such sample.
std::optional<double> Sample(const std::string& metrics, const std::string& name,
                             const std::map<std::string, std::string>& labels);

/// Starts sfsim processes on org files and sfwarden on a config written into a temp dir
/// (client credentials in `creds/secret`: "sfwarden-client-secret").
class SfwardenTest : public ::testing::Test {
 protected:
  void SetUp() override;

  /// Starts sfsim on `org_file` (YAML text); returns its port.
  int StartSim(std::unique_ptr<Subprocess>& sim, const std::string& org_file);
  /// global: debug text logs; `orgs` is the text after "orgs:".
  void WriteConfig(const std::string& orgs);
  std::string SimUrl(int port) { return "http://127.0.0.1:" + std::to_string(port); }
  std::filesystem::path StateDir() const { return dir_.path() / "state"; }

  std::unique_ptr<Subprocess> StartSfwarden();
  /// `sfwarden ARGS...` with the config and the state dir, to completion.
  RunResult RunSfwarden(std::vector<std::string> args);

  std::string Metrics() { return HttpGet(port_, "/metrics").body; }
  /// Polls /metrics until `ok(metrics)` holds (30 s bound, so a bug fails rather than
  /// hangs); returns the last exposition seen.
  std::string WaitFor(const std::function<bool(const std::string&)>& ok);
  /// Waits until the sample equals `value`.
  std::string WaitForValue(const std::string& name,
                           const std::map<std::string, std::string>& labels, double value);
  HttpResult SimPost(int port, const std::string& path, const std::string& json);
  /// The records of `soql` as sfsim holds them (the org's own state, not sfwarden's view
  /// of it): one page of GET /query as `username`; fails the test if the query fails.
  nlohmann::json SimQuery(int port, const std::string& soql,
                          const std::string& username = "admin@acme.example",
                          const std::string& version = "v62.0");

  TempDir dir_;
  int sims_ = 0;
  std::filesystem::path config_;
  int port_ = 0;
};

}  // namespace sfwarden::testing
