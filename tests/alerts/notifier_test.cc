#include "alerts/notifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "tests/salesforce/fake_transport.h"

namespace sfwarden::alerts {
namespace {

using namespace std::chrono;
using salesforce::ApiError;
using salesforce::HttpRequest;
using salesforce::HttpResponse;
using salesforce::testing::FakeTransport;
using salesforce::testing::Reply;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

const Time kNow = Time(sys_days(year(2024) / 5 / 1) + hours(12));

Alert Firing() {
  Alert a;
  a.labels = {{"alertname", "IntegrationUserUiLogin"},
              {"org", "prod"},
              {"user", "hubspot@acme.com"},
              {"severity", "critical"}};
  a.annotations = {{"summary", "UI login <script> & more"}, {"description", "from 203.0.113.9"}};
  a.fingerprint = Fingerprint(a.labels);
  a.starts_at = kNow - minutes(5);
  return a;
}

Alert Resolved() {
  Alert a = Firing();
  a.firing = false;
  a.ends_at = kNow - minutes(1);
  return a;
}

std::string Header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

struct Outcomes {
  std::vector<std::string> seen;
  OutcomeCallback callback() {
    return [this](const std::string& receiver, std::string_view outcome) {
      seen.push_back(receiver + ":" + std::string(outcome));
    };
  }
};

NotifierOptions FastOptions() {
  NotifierOptions o;
  o.backoff_min = milliseconds(1);
  o.backoff_max = milliseconds(4);
  o.max_attempts = 3;
  o.generator_url = "http://sfwarden.example:9847/";
  return o;
}

TEST(NotifierTest, AlertmanagerPayloadFollowsTheV2Api) {
  auto body = json::parse(AlertmanagerPayload({Firing(), Resolved()}, kNow, minutes(4),
                                              "http://sfwarden.example:9847/"));
  ASSERT_TRUE(body.is_array());
  ASSERT_EQ(body.size(), 2u);
  EXPECT_EQ(body[0]["labels"]["alertname"], "IntegrationUserUiLogin");
  EXPECT_EQ(body[0]["labels"]["user"], "hubspot@acme.com");
  EXPECT_EQ(body[0]["annotations"]["description"], "from 203.0.113.9");
  EXPECT_EQ(body[0]["startsAt"], "2024-05-01T11:55:00Z");
  EXPECT_EQ(body[0]["endsAt"], "2024-05-01T12:04:00Z");  // now + valid_for
  EXPECT_EQ(body[0]["generatorURL"], "http://sfwarden.example:9847/");
  EXPECT_EQ(body[1]["endsAt"], "2024-05-01T11:59:00Z");  // the resolution time
}

TEST(NotifierTest, HmacMatchesRfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(NotifierTest, SlackTextIsEscapedAndSaysResolved) {
  auto body = json::parse(SlackPayload({Firing(), Resolved()}));
  const std::string text = body["text"];
  EXPECT_THAT(text, HasSubstr("UI login &lt;script&gt; &amp; more"));
  EXPECT_THAT(text, Not(HasSubstr("<script>")));
  EXPECT_THAT(text, HasSubstr("[critical] IntegrationUserUiLogin* prod hubspot@acme.com"));
  EXPECT_THAT(text, HasSubstr("[resolved]"));
}

TEST(NotifierTest, InvalidUtf8FromSalesforceDoesNotThrow) {
  Alert a = Firing();
  a.annotations["description"] = "bad \xff\xfe bytes";
  EXPECT_NO_THROW(json::parse(WebhookPayload({a}, "")));
  EXPECT_NO_THROW(json::parse(SlackPayload({a})));
}

TEST(NotifierTest, JsonWebhookIsSignedWhenASecretIsSet) {
  boost::asio::io_context ioc;
  FakeTransport signed_hook([](const HttpRequest&) { return Reply(200, ""); });
  FakeTransport plain_hook([](const HttpRequest&) { return Reply(204, ""); });
  Outcomes outcomes;
  Notifier notifier(ioc,
                    {{.name = "webhook[0]",
                      .kind = ReceiverKind::kWebhookJson,
                      .url = "https://hooks.example/secret-path",
                      .secret = "s3cret",
                      .transport = &signed_hook},
                     {.name = "webhook[1]",
                      .kind = ReceiverKind::kWebhookJson,
                      .url = "https://other.example/x",
                      .secret = "",
                      .transport = &plain_hook}},
                    FastOptions(), outcomes.callback());
  notifier.NotifyWebhooks({Firing()});
  ioc.run();
  ASSERT_EQ(signed_hook.requests.size(), 1u);
  const auto& r = signed_hook.requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://hooks.example/secret-path");
  EXPECT_EQ(Header(r, "X-Sfwarden-Signature"), "sha256=" + HmacSha256Hex("s3cret", r.body));
  EXPECT_EQ(Header(r, "Content-Type"), "application/json");
  EXPECT_THAT(r.context, Not(HasSubstr("secret-path")));
  auto body = json::parse(r.body);
  EXPECT_EQ(body["status"], "firing");
  EXPECT_EQ(body["alerts"][0]["fingerprint"], Firing().fingerprint);
  EXPECT_EQ(Header(plain_hook.requests.at(0), "X-Sfwarden-Signature"), "");
  EXPECT_THAT(outcomes.seen, ElementsAre("webhook[0]:success", "webhook[1]:success"));
}

TEST(NotifierTest, AlertmanagerGetsTheV2PathAndWebhooksDoNotGetItsResends) {
  boost::asio::io_context ioc;
  FakeTransport am([](const HttpRequest&) { return Reply(200, ""); });
  FakeTransport hook([](const HttpRequest&) { return Reply(200, ""); });
  Outcomes outcomes;
  Notifier notifier(ioc,
                    {{.name = "alertmanager[0]",
                      .kind = ReceiverKind::kAlertmanager,
                      .url = "http://10.0.0.5:9093/",
                      .secret = "",
                      .transport = &am},
                     {.name = "webhook[0]",
                      .kind = ReceiverKind::kSlack,
                      .url = "https://hooks.slack.example/T/B/X",
                      .secret = "",
                      .transport = &hook}},
                    FastOptions(), outcomes.callback());
  EXPECT_TRUE(notifier.has_alertmanagers());
  notifier.PostToAlertmanagers({Firing()}, kNow, minutes(4));
  ioc.run();
  ASSERT_EQ(am.requests.size(), 1u);
  EXPECT_EQ(am.requests[0].url, "http://10.0.0.5:9093/api/v2/alerts");
  EXPECT_TRUE(hook.requests.empty());
}

TEST(NotifierTest, ServerErrorsAndRateLimitsAreRetriedThenSucceed) {
  boost::asio::io_context ioc;
  int calls = 0;
  FakeTransport hook([&](const HttpRequest&) -> tl::expected<HttpResponse, ApiError> {
    ++calls;
    if (calls == 1) return Reply(503, "busy");
    if (calls == 2) return Reply(429, "slow down", {{"Retry-After", "0"}});
    if (calls == 3)
      return tl::unexpected(salesforce::MakeError(salesforce::ErrorKind::kTransport, "reset"));
    return Reply(200, "ok");
  });
  Outcomes outcomes;
  auto options = FastOptions();
  options.max_attempts = 5;
  Notifier notifier(ioc,
                    {{.name = "webhook[0]",
                      .kind = ReceiverKind::kSlack,
                      .url = "https://hooks.slack.example/T/B/X",
                      .secret = "",
                      .transport = &hook}},
                    options, outcomes.callback());
  notifier.NotifyWebhooks({Firing()});
  ioc.run();
  EXPECT_EQ(calls, 4);
  EXPECT_THAT(outcomes.seen, ElementsAre("webhook[0]:success"));
  EXPECT_EQ(notifier.pending(), 0u);
}

TEST(NotifierTest, GivesUpAfterMaxAttemptsAndDoesNotRetryClientErrors) {
  boost::asio::io_context ioc;
  FakeTransport down([](const HttpRequest&) { return Reply(502, ""); });
  FakeTransport bad([](const HttpRequest&) { return Reply(400, "invalid_payload"); });
  Outcomes outcomes;
  Notifier notifier(ioc,
                    {{.name = "webhook[0]",
                      .kind = ReceiverKind::kWebhookJson,
                      .url = "https://a.example/",
                      .secret = "",
                      .transport = &down},
                     {.name = "webhook[1]",
                      .kind = ReceiverKind::kSlack,
                      .url = "https://b.example/",
                      .secret = "",
                      .transport = &bad}},
                    FastOptions(), outcomes.callback());
  notifier.NotifyWebhooks({Firing()});
  ioc.run();
  EXPECT_EQ(down.requests.size(), 3u);  // max_attempts
  EXPECT_EQ(bad.requests.size(), 1u);
  EXPECT_THAT(outcomes.seen, ElementsAre("webhook[1]:rejected", "webhook[0]:failed"));
}

TEST(NotifierTest, QueueIsBoundedAndDropsTheOldest) {
  boost::asio::io_context ioc;
  FakeTransport hook([](const HttpRequest&) { return Reply(200, ""); });
  Outcomes outcomes;
  auto options = FastOptions();
  options.max_queue = 2;
  Notifier notifier(ioc,
                    {{.name = "webhook[0]",
                      .kind = ReceiverKind::kWebhookJson,
                      .url = "https://a.example/",
                      .secret = "",
                      .transport = &hook}},
                    options, outcomes.callback());
  for (int i = 0; i < 5; ++i) {
    Alert a = Firing();
    a.annotations["summary"] = "message " + std::to_string(i);
    notifier.NotifyWebhooks({a});
  }
  EXPECT_EQ(notifier.pending(), 2u);
  ioc.run();
  ASSERT_EQ(hook.requests.size(), 2u);
  EXPECT_THAT(hook.requests[0].body, HasSubstr("message 3"));
  EXPECT_THAT(hook.requests[1].body, HasSubstr("message 4"));
  EXPECT_THAT(outcomes.seen,
              ElementsAre("webhook[0]:dropped", "webhook[0]:dropped", "webhook[0]:dropped",
                          "webhook[0]:success", "webhook[0]:success"));
}

TEST(NotifierTest, LargeBatchesAreSplit) {
  boost::asio::io_context ioc;
  FakeTransport hook([](const HttpRequest&) { return Reply(200, ""); });
  auto options = FastOptions();
  options.max_alerts_per_message = 2;
  Notifier notifier(ioc,
                    {{.name = "webhook[0]",
                      .kind = ReceiverKind::kWebhookJson,
                      .url = "https://a.example/",
                      .secret = "",
                      .transport = &hook}},
                    options, {});
  notifier.NotifyWebhooks({Firing(), Firing(), Firing(), Resolved(), Resolved()});
  ioc.run();
  ASSERT_EQ(hook.requests.size(), 3u);
  EXPECT_EQ(json::parse(hook.requests[2].body)["status"], "resolved");
}

TEST(NotifierTest, StopSendsNothingMore) {
  boost::asio::io_context ioc;
  FakeTransport hook([](const HttpRequest&) { return Reply(200, ""); });
  Notifier notifier(ioc,
                    {{.name = "webhook[0]",
                      .kind = ReceiverKind::kWebhookJson,
                      .url = "https://a.example/",
                      .secret = "",
                      .transport = &hook}},
                    FastOptions(), {});
  notifier.NotifyWebhooks({Firing()});
  notifier.Stop();
  notifier.NotifyWebhooks({Firing()});
  ioc.run();
  EXPECT_TRUE(hook.requests.empty());
  EXPECT_TRUE(notifier.idle());
}

}  // namespace
}  // namespace sfwarden::alerts
