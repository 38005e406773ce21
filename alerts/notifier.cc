#include "alerts/notifier.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <nlohmann/json.hpp>

#include "salesforce/transport.h"

namespace sfwarden::alerts {
namespace asio = boost::asio;
using json = nlohmann::json;

namespace {

constexpr std::size_t kMaxSlackText = 3500;  // one readable message; Slack cuts at 40,000

// Salesforce strings inside may be invalid UTF-8: replace rather than throw.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json AlertJson(const Alert& a, std::string_view generator_url) {
  json j{
      {"labels", a.labels}, {"annotations", a.annotations}, {"startsAt", FormatTime(a.starts_at)}};
  if (!generator_url.empty()) j["generatorURL"] = generator_url;
  return j;
}

std::string SlackEscape(std::string_view text) {
  // Slack message formatting: &, < and > are control characters and must be sent as
  // &amp; &lt; &gt; (docs.slack.dev "Formatting message text", "Escaping text").
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string Get(const Labels& labels, const std::string& key) {
  auto it = labels.find(key);
  return it == labels.end() ? std::string() : it->second;
}

}  // namespace

std::string AlertmanagerPayload(const std::vector<Alert>& alerts, Time now,
                                std::chrono::milliseconds valid_for,
                                std::string_view generator_url) {
  json list = json::array();
  for (const auto& a : alerts) {
    json j = AlertJson(a, generator_url);
    // Firing: valid for a few re-send intervals, like Prometheus (rules/alerting.go: "Allow
    // for two Eval or Alertmanager send failures"); resolved: endsAt = the resolution.
    j["endsAt"] = FormatTime(a.firing ? now + valid_for : a.ends_at.value_or(now));
    list.push_back(std::move(j));
  }
  return Dump(list);
}

std::string WebhookPayload(const std::vector<Alert>& alerts, std::string_view generator_url) {
  json list = json::array();
  bool any_firing = false;
  for (const auto& a : alerts) {
    json j = AlertJson(a, generator_url);
    j["status"] = a.firing ? "firing" : "resolved";
    j["fingerprint"] = a.fingerprint;
    if (!a.firing && a.ends_at) j["endsAt"] = FormatTime(*a.ends_at);
    any_firing = any_firing || a.firing;
    list.push_back(std::move(j));
  }
  return Dump(
      json{{"version", "1"}, {"status", any_firing ? "firing" : "resolved"}, {"alerts", list}});
}

std::string SlackPayload(const std::vector<Alert>& alerts) {
  std::string text;
  for (const auto& a : alerts) {
    std::string line =
        fmt::format("{} *[{}] {}* {}{}: {}\n", a.firing ? ":rotating_light:" : ":white_check_mark:",
                    a.firing ? Get(a.labels, "severity") : "resolved",
                    SlackEscape(Get(a.labels, "alertname")), SlackEscape(Get(a.labels, "org")),
                    Get(a.labels, "user").empty() ? "" : " " + SlackEscape(Get(a.labels, "user")),
                    SlackEscape(Get(a.annotations, "summary")));
    if (a.firing && !Get(a.annotations, "description").empty()) {
      line += "> " + SlackEscape(Get(a.annotations, "description")) + "\n";
    }
    if (text.size() + line.size() > kMaxSlackText) {
      text += "... (more alerts not shown)";
      break;
    }
    text += line;
  }
  return Dump(json{{"text", text}});
}

std::string HmacSha256Hex(std::string_view key, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &length);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

struct Notifier::Queue {
  Queue(asio::io_context& ioc, ReceiverSettings s, const NotifierOptions& o, OutcomeCallback cb)
      : settings(std::move(s)), options(o), on_outcome(std::move(cb)), timer(ioc) {}
  ReceiverSettings settings;
  NotifierOptions options;
  OutcomeCallback on_outcome;
  asio::steady_timer timer;
  std::deque<std::string> messages;
  bool running = false;
  bool stopping = false;
  bool in_flight = false;

  void Report(std::string_view outcome) {
    if (on_outcome) on_outcome(settings.name, outcome);
  }
};

namespace {

salesforce::HttpRequest MakeRequest(const ReceiverSettings& r, std::string body) {
  salesforce::HttpRequest request;
  request.method = "POST";
  request.url = r.kind == ReceiverKind::kAlertmanager
                    ? r.url.substr(0, r.url.find_last_not_of('/') + 1) + "/api/v2/alerts"
                    : r.url;
  request.headers.emplace_back("Content-Type", "application/json");
  if (r.kind == ReceiverKind::kWebhookJson && !r.secret.empty()) {
    request.headers.emplace_back("X-Sfwarden-Signature", "sha256=" + HmacSha256Hex(r.secret, body));
  }
  request.body = std::move(body);
  request.context = "POST " + r.name;  // never the URL: a webhook URL is a credential
  return request;
}

asio::awaitable<void> Drain(std::shared_ptr<Notifier::Queue> q);

}  // namespace

Notifier::Notifier(asio::io_context& ioc, std::vector<ReceiverSettings> receivers,
                   NotifierOptions options, OutcomeCallback on_outcome)
    : options_(std::move(options)), ioc_(ioc) {
  for (auto& r : receivers) {
    queues_.push_back(std::make_shared<Queue>(ioc, std::move(r), options_, on_outcome));
  }
}

Notifier::~Notifier() { Stop(); }

void Notifier::Stop() {
  for (auto& q : queues_) {
    q->stopping = true;
    q->timer.cancel();
  }
}

bool Notifier::has_alertmanagers() const {
  return std::any_of(queues_.begin(), queues_.end(),
                     [](const auto& q) { return q->settings.kind == ReceiverKind::kAlertmanager; });
}

bool Notifier::idle() const {
  return std::none_of(queues_.begin(), queues_.end(), [](const auto& q) { return q->running; });
}

std::size_t Notifier::pending() const {
  std::size_t n = 0;
  for (const auto& q : queues_) n += q->messages.size() + (q->in_flight ? 1 : 0);
  return n;
}

void Notifier::Enqueue(Queue& q, std::string body) {
  if (q.stopping) return;
  while (q.messages.size() >= std::max<std::size_t>(options_.max_queue, 1)) {
    q.messages.pop_front();  // the oldest is the least useful (a later one supersedes it)
    q.Report("dropped");
    spdlog::warn("alert receiver {}: queue full ({} messages), dropped the oldest", q.settings.name,
                 options_.max_queue);
  }
  q.messages.push_back(std::move(body));
  if (!q.running) {
    q.running = true;
    auto self =
        std::find_if(queues_.begin(), queues_.end(), [&](const auto& p) { return p.get() == &q; });
    asio::co_spawn(ioc_, Drain(*self), [name = q.settings.name](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        spdlog::error("internal error in alert receiver {}: {}", name, ex.what());
      }
    });
  }
}

void Notifier::NotifyWebhooks(const std::vector<Alert>& alerts) {
  if (alerts.empty()) return;
  const std::size_t per = std::max<std::size_t>(options_.max_alerts_per_message, 1);
  for (auto& q : queues_) {
    if (q->settings.kind == ReceiverKind::kAlertmanager) continue;
    for (std::size_t i = 0; i < alerts.size(); i += per) {
      std::vector<Alert> batch(
          alerts.begin() + static_cast<std::ptrdiff_t>(i),
          alerts.begin() + static_cast<std::ptrdiff_t>(std::min(alerts.size(), i + per)));
      Enqueue(*q, q->settings.kind == ReceiverKind::kSlack
                      ? SlackPayload(batch)
                      : WebhookPayload(batch, options_.generator_url));
    }
  }
}

void Notifier::PostToAlertmanagers(const std::vector<Alert>& alerts, Time now,
                                   std::chrono::milliseconds valid_for) {
  if (alerts.empty()) return;
  std::string body = AlertmanagerPayload(alerts, now, valid_for, options_.generator_url);
  for (auto& q : queues_) {
    if (q->settings.kind == ReceiverKind::kAlertmanager) Enqueue(*q, body);
  }
}

namespace {

asio::awaitable<void> Drain(std::shared_ptr<Notifier::Queue> q) {
  const auto& o = q->options;
  while (!q->messages.empty() && !q->stopping) {
    std::string body = std::move(q->messages.front());
    q->messages.pop_front();
    q->in_flight = true;
    auto delay = o.backoff_min;
    for (int attempt = 1;; ++attempt) {
      auto request = MakeRequest(q->settings, body);
      auto response = co_await q->settings.transport->Send(std::move(request));
      if (q->stopping) break;
      std::optional<std::chrono::milliseconds> retry_after;
      bool retry = false;
      if (response && response->status >= 200 && response->status < 300) {
        q->Report("success");
        break;
      }
      if (response) {
        retry = response->status == 429 || response->status >= 500;
        if (auto header = response->Header("Retry-After")) {
          try {
            retry_after = std::chrono::seconds(std::stoi(*header));
          } catch (const std::exception&) {  // an HTTP date: use our backoff
          }
        }
        if (!retry) {
          q->Report("rejected");
          spdlog::warn("alert receiver {}: rejected with HTTP {}", q->settings.name,
                       response->status);
          break;
        }
      } else {
        retry = true;
      }
      const std::string why = response ? fmt::format("HTTP {}", response->status)
                                       : std::string(salesforce::ToString(response.error().kind));
      if (attempt >= o.max_attempts) {
        q->Report("failed");
        spdlog::warn("alert receiver {}: giving up after {} attempts ({})", q->settings.name,
                     attempt, why);
        break;
      }
      auto wait = std::min(retry_after.value_or(delay), o.backoff_max);
      spdlog::info("alert receiver {}: attempt {} failed ({}); retrying in {} ms", q->settings.name,
                   attempt, why, wait.count());
      q->timer.expires_after(wait);
      boost::system::error_code ec;  // operation_aborted: Stop()
      co_await q->timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (q->stopping) break;
      delay = std::min(delay * 2, o.backoff_max);
    }
    q->in_flight = false;
  }
  q->running = false;
}

}  // namespace

}  // namespace sfwarden::alerts
