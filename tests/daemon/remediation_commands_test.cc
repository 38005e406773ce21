// The remediation subcommands' command-line contract (their effect on an org is tested
// against sfsim in tests/integration/remediation_test.cc).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "daemon/cli.h"
#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {

using ::testing::HasSubstr;

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

Outcome RunCli(std::vector<std::string_view> args) {
  args.insert(args.begin(), "sfwarden");
  std::ostringstream out, err;
  int code = Main(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(RemediationCommandsTest, EachCommandHasHelp) {
  for (std::string_view c : {"plan", "apply", "journal", "rollback", "snapshot"}) {
    auto r = RunCli({c, "--help"});
    EXPECT_EQ(r.code, kExitOk) << c;
    EXPECT_THAT(r.out, HasSubstr("Usage: sfwarden " + std::string(c))) << c;
  }
  EXPECT_THAT(RunCli({"rollback", "--help"}).out, HasSubstr("sfwarden rollback ID [FLAGS]"));
  EXPECT_THAT(RunCli({"snapshot", "--help"}).out, HasSubstr("(repeatable)"));
  EXPECT_THAT(RunCli({"--help"}).out, HasSubstr("snapshot"));
}

TEST(RemediationCommandsTest, RollbackNeedsAnId) {
  auto r = RunCli({"rollback", "--yes"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("'rollback' needs ID"));
  r = RunCli({"rollback", "12", "13"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unexpected argument '13'"));
  r = RunCli({"rollback", "twelve", "--yes"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("ID must be a journal entry number (got 'twelve')"));
}

TEST(RemediationCommandsTest, RepeatableFlagsCollectEveryValueOthersStayUnique) {
  auto r = RunCli({"plan", "--org=a", "--org=b"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("flag '--org' given more than once"));
  // --user may repeat; without --org snapshot says what is missing.
  r = RunCli({"snapshot", "--user=a@x.com", "--user=b@x.com"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("snapshot needs --org"));
  r = RunCli({"snapshot", "--org=prod"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("snapshot needs at least one --user"));
}

TEST(RemediationCommandsTest, BadOutputFormatIsAUsageError) {
  auto r = RunCli({"plan", "--output=yaml"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--output must be text or json (got 'yaml')"));
}

TEST(RemediationCommandsTest, MissingConfigIsAConfigurationError) {
  testing::TempDir dir;
  const std::string file = (dir.path() / "none.yml").string();
  auto r = RunCli({"plan", "--config.file", file});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("configuration error"));
}

}  // namespace
}  // namespace sfwarden::daemon
