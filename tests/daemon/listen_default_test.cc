// /metrics and the health endpoints listen on loopback unless told otherwise.

#include <gtest/gtest.h>

#include "daemon/daemon.h"
#include "daemon/http_server.h"
#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {

TEST(ListenDefaultTest, WithoutFlagOrConfigTheDaemonListensOnLoopbackOnly) {
  sfwarden::testing::TempDir dir;
  Config config = LoadConfig(dir.Write("sfwarden.yml", "orgs: []\n"));
  EffectiveSettings settings = ResolveSettings(config, FlagOverrides{}, nullptr);
  ListenAddress address = ParseListenAddress(settings.listen_address);
  EXPECT_EQ(address.host, "127.0.0.1");
  EXPECT_EQ(address.port, 9847);
}

TEST(ListenDefaultTest, AllInterfacesOnlyWhenAskedFor) {
  sfwarden::testing::TempDir dir;
  Config config = LoadConfig(dir.Write("sfwarden.yml", "orgs: []\n"));
  FlagOverrides flags;
  flags.listen_address = ":9847";
  EXPECT_EQ(ParseListenAddress(ResolveSettings(config, flags, nullptr).listen_address).host, "::");
}

}  // namespace
}  // namespace sfwarden::daemon
