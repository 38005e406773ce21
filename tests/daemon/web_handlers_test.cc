#include "daemon/web_handlers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "daemon/daemon_metrics.h"

namespace sfwarden::daemon {
namespace {

using ::testing::HasSubstr;

class WebHandlersTest : public ::testing::Test {
 protected:
  HttpResponse Get(std::string target, std::string method = "GET") {
    return HandleWebRequest({std::move(method), std::move(target)}, context_);
  }
  DaemonMetrics metrics_;
  bool ready_ = true;
  WebContext context_{&metrics_, [this] { return ready_; }};
};

TEST_F(WebHandlersTest, MetricsCarryBuildInfoReloadStateAndProcessMetrics) {
  metrics_.ConfigLoaded(true);
  auto r = Get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(r.body, HasSubstr("sfwarden_build_info{"));
  EXPECT_THAT(r.body, HasSubstr("sfwarden_config_last_reload_successful 1"));
  EXPECT_THAT(r.body, HasSubstr("process_resident_memory_bytes "));
  EXPECT_THAT(r.body, HasSubstr("process_cpu_seconds_total "));
  EXPECT_THAT(r.body, HasSubstr("process_open_fds "));
  EXPECT_THAT(r.body, HasSubstr("process_max_fds "));
  EXPECT_THAT(r.body, HasSubstr("process_start_time_seconds "));
}

TEST_F(WebHandlersTest, FailedReloadSetsTheGaugeToZeroAndKeepsTheTimestamp) {
  metrics_.ConfigLoaded(true);
  auto before = Get("/metrics").body;
  auto ts_line =
      before.substr(before.find("sfwarden_config_last_reload_success_timestamp_seconds "));
  ts_line = ts_line.substr(0, ts_line.find('\n'));
  metrics_.ConfigLoaded(false);
  auto after = Get("/metrics").body;
  EXPECT_THAT(after, HasSubstr("sfwarden_config_last_reload_successful 0"));
  EXPECT_THAT(after, HasSubstr(ts_line));
}

TEST_F(WebHandlersTest, HealthAndReadiness) {
  EXPECT_EQ(Get("/-/healthy").status, 200);
  EXPECT_EQ(Get("/-/ready").status, 200);
  ready_ = false;
  EXPECT_EQ(Get("/-/ready").status, 503);
  EXPECT_EQ(Get("/-/healthy").status, 200);
}

TEST_F(WebHandlersTest, LandingPageLinksToMetrics) {
  auto r = Get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_THAT(r.content_type, HasSubstr("text/html"));
  EXPECT_THAT(r.body, HasSubstr("href=\"metrics\""));
}

TEST_F(WebHandlersTest, UnknownPathIs404AndOtherMethodsAre405) {
  EXPECT_EQ(Get("/secret").status, 404);
  auto r = Get("/metrics", "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.allow, "GET, HEAD");
  EXPECT_EQ(Get("/metrics?x=1").status, 200);
}

}  // namespace
}  // namespace sfwarden::daemon
