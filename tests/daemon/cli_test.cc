#include "daemon/cli.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <vector>

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

TEST(CliTest, NoCommandPrintsUsageAndExitsTwo) {
  auto r = RunCli({});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("Usage: sfwarden COMMAND"));
}

TEST(CliTest, HelpListsEveryCommandAndExitCodes) {
  auto r = RunCli({"--help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("run "));
  EXPECT_THAT(r.out, HasSubstr("check-config"));
  EXPECT_THAT(r.out, HasSubstr("version"));
  EXPECT_THAT(r.out, HasSubstr("2 usage or configuration error"));
}

TEST(CliTest, UnknownCommandIsAUsageError) {
  auto r = RunCli({"frobnicate"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unknown command 'frobnicate'"));
}

TEST(CliTest, UnknownFlagIsAUsageErrorNamingTheCommand) {
  auto r = RunCli({"run", "--config.file=x.yml", "--web.listen-adress=:1"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unknown flag '--web.listen-adress' for 'run'"));
  EXPECT_THAT(r.err, HasSubstr("sfwarden run --help"));
}

TEST(CliTest, FlagWithoutItsValueIsAUsageError) {
  auto r = RunCli({"check-config", "--config.file"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("needs a value (FILE)"));
}

TEST(CliTest, StrayArgumentIsAUsageError) {
  auto r = RunCli({"version", "extra"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("unexpected argument 'extra'"));
}

TEST(CliTest, EverySubcommandHasHelp) {
  for (std::string_view command : {"run", "check-config", "version"}) {
    auto r = RunCli({command, "--help"});
    EXPECT_EQ(r.code, kExitOk) << command;
    EXPECT_THAT(r.out, HasSubstr("Usage: sfwarden " + std::string(command))) << command;
  }
  auto run = RunCli({"help", "run"});
  EXPECT_THAT(run.out, HasSubstr("--web.listen-address=ADDR"));
  EXPECT_THAT(run.out, HasSubstr("--log.format=FORMAT"));
  EXPECT_THAT(run.out, HasSubstr("--state.dir=DIR"));
}

TEST(CliTest, VersionPrintsVersion) {
  auto r = RunCli({"version"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_THAT(r.out, HasSubstr("sfwarden, version " SFWARDEN_VERSION));
  EXPECT_EQ(RunCli({"--version"}).out, r.out);
}

TEST(CliTest, BadLogLevelIsAUsageError) {
  auto r = RunCli({"run", "--config.file=/nonexistent.yml", "--log.level=loud"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("--log.level must be one of debug, info, warn, error"));
}

TEST(CliTest, BadListenAddressIsAUsageError) {
  auto r = RunCli({"run", "--config.file=/nonexistent.yml", "--web.listen-address=nowhere"});
  EXPECT_EQ(r.code, kExitUsage);
  EXPECT_THAT(r.err, HasSubstr("expected HOST:PORT"));
}

TEST(ParseFlagsTest, AcceptsBothValueFormsAndTheAlias) {
  static constexpr FlagSpec kFlags[] = {{"config.file", "FILE", "", "", "config"},
                                        {"log.level", "LEVEL", "", ""}};
  Command command{"x", "", kFlags, nullptr};
  std::vector<std::string_view> args{"--config", "a.yml", "--log.level=debug"};
  auto flags = ParseFlags(command, args);
  EXPECT_EQ(flags.at("config.file"), "a.yml");
  EXPECT_EQ(flags.at("log.level"), "debug");
}

TEST(ParseFlagsTest, RepeatedFlagIsRefused) {
  static constexpr FlagSpec kFlags[] = {{"log.level", "LEVEL", "", ""}};
  Command command{"x", "", kFlags, nullptr};
  std::vector<std::string_view> args{"--log.level=debug", "--log.level=info"};
  EXPECT_THROW(ParseFlags(command, args), UsageError);
}

}  // namespace
}  // namespace sfwarden::daemon
