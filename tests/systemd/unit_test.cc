// Checks systemd/sfwarden.service with the systemd-analyze of the build machine. Both
// commands work offline, without systemd as PID 1 (CONVENTIONS.md §4).

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/support/process.h"

namespace sfwarden::systemd {
namespace {
namespace fs = std::filesystem;
using sfwarden::testing::RunResult;
using sfwarden::testing::SourcePath;
using sfwarden::testing::TempDir;
using ::testing::HasSubstr;

constexpr double kMaxExposure = 2.0;  // issue 2: "an exposure of 2.0 or lower"

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Absolute path of systemd-analyze from $PATH (Run() does not search), or "" if absent.
std::string FindSystemdAnalyze() {
  const char* env = std::getenv("PATH");
  std::string path = env ? env : "";
  path += ":/usr/bin:/bin";
  std::stringstream dirs(path);
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    fs::path candidate = fs::path(dir) / "systemd-analyze";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

std::string ReplaceAll(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
  return s;
}

class SystemdUnitTest : public ::testing::Test {
 protected:
  void SetUp() override {
    analyze_ = FindSystemdAnalyze();
    // Fail, never skip: a missing tool must not look like a passing unit.
    ASSERT_FALSE(analyze_.empty())
        << "systemd-analyze not found in $PATH: install the Debian package `systemd` "
           "(./scripts/setup does)";
    unit_text_ = ReadFile(SourcePath("systemd/sfwarden.service"));
    ASSERT_FALSE(unit_text_.empty()) << "cannot read " << SourcePath("systemd/sfwarden.service");
    binary_ = SFWARDEN_BINARY;
    ASSERT_TRUE(fs::exists(binary_)) << binary_ << " is not built";
  }

  // A copy of the unit in a temp dir with /usr/bin/sfwarden replaced by the built binary:
  // verify fails when an Exec*= binary does not exist.
  fs::path WriteUnit(const std::string& text) {
    return tmp_.Write("sfwarden.service", ReplaceAll(text, "/usr/bin/sfwarden", binary_.string()));
  }

  RunResult Analyze(std::vector<std::string> args) {
    args.insert(args.begin(), analyze_);
    return sfwarden::testing::Run(std::move(args),
                                  {{"SYSTEMD_COLORS", "0"}, {"SYSTEMD_PAGER", ""}});
  }

  TempDir tmp_;
  std::string analyze_;
  std::string unit_text_;
  fs::path binary_;
};

TEST_F(SystemdUnitTest, UnitRunsOurBinaryAsANotifyService) {
  for (const char* line : {
           "Type=notify\n",
           "NotifyAccess=main\n",
           "ExecStartPre=/usr/bin/sfwarden check-config --config.file=/etc/sfwarden/sfwarden.yml\n",
           "ExecStart=/usr/bin/sfwarden run --config.file=/etc/sfwarden/sfwarden.yml\n",
           "ExecReload=/bin/kill -HUP $MAINPID\n",
           "WatchdogSec=60s\n",
           "Restart=on-failure\n",
           "TimeoutStopSec=20s\n",
           "DynamicUser=yes\n",
           "StateDirectory=sfwarden\n",
           "ConfigurationDirectory=sfwarden\n",
           "LoadCredential=sf_private_key\n",
       }) {
    EXPECT_THAT(unit_text_, HasSubstr(line));
  }
}

TEST_F(SystemdUnitTest, VerifyPrintsNothing) {
  fs::path unit = WriteUnit(unit_text_);

  RunResult r = Analyze({"verify", unit.string()});

  // verify exits 0 on misspelled keys and bad values and only warns on stderr, so any
  // output at all is a failure.
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, "");
}

TEST_F(SystemdUnitTest, VerifyReportsAMisspelledKeyOnStderr) {
  // Proves the check above can fail: the same unit with one typo.
  fs::path unit = WriteUnit(ReplaceAll(unit_text_, "ProtectSystem=", "ProtectSytem="));

  RunResult r = Analyze({"verify", unit.string()});

  EXPECT_THAT(r.err, HasSubstr("ProtectSytem"));
}

TEST_F(SystemdUnitTest, SecurityExposureIsAtMost2) {
  fs::path unit = WriteUnit(unit_text_);

  RunResult r = Analyze({"security", "--offline=true", unit.string()});

  // No std::regex: under -fsanitize GCC 12 raises a false -Wmaybe-uninitialized in <regex>.
  const std::string overall = "Overall exposure level for sfwarden.service: ";
  std::size_t at = r.out.find(overall);
  ASSERT_NE(at, std::string::npos)
      << "no '" << overall << "' line; exit " << r.exit_code << "\nstdout:\n"
      << r.out << "\nstderr:\n"
      << r.err;
  std::string figure = r.out.substr(at + overall.size());
  figure = figure.substr(0, figure.find_first_of(" \n"));  // "1.1 OK 🙂" -> "1.1"
  char* end = nullptr;
  double exposure = std::strtod(figure.c_str(), &end);
  ASSERT_TRUE(!figure.empty() && *end == '\0') << "cannot read exposure '" << figure << "'";
  EXPECT_LE(exposure, kMaxExposure) << r.out;
  EXPECT_EQ(r.err, "");
  RecordProperty("exposure", figure);
}

}  // namespace
}  // namespace sfwarden::systemd
