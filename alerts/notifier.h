#pragma once
// Delivery of alerts to the receivers: Alertmanager API v2, a generic JSON webhook
// (optionally HMAC-signed) and Slack incoming webhooks. Each receiver has a bounded queue
// drained by one coroutine, with retries and exponential backoff; outcomes go to a
// callback (the daemon's metrics). Receiver URLs and secrets are never logged: receivers
// are named by a bounded label ("alertmanager[0]", "webhook[1]").

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "alerts/alert_book.h"

namespace boost::asio {
class io_context;
}
namespace sfwarden::salesforce {
class Transport;
}

namespace sfwarden::alerts {

enum class ReceiverKind { kAlertmanager, kWebhookJson, kSlack };

struct ReceiverSettings {
  std::string name;  // "alertmanager[0]", "webhook[1]": metrics and logs
  ReceiverKind kind = ReceiverKind::kAlertmanager;
  std::string url;     // Alertmanager base URL, or the webhook URL (a credential): never logged
  std::string secret;  // JSON webhooks: HMAC-SHA256 key for X-Sfwarden-Signature; "" for none
  salesforce::Transport* transport = nullptr;  // borrowed; outlives the Notifier
};

struct NotifierOptions {
  std::size_t max_queue = 256;  // per receiver; the oldest message is dropped beyond it
  int max_attempts = 5;         // per message
  std::chrono::milliseconds backoff_min{std::chrono::seconds(1)};
  std::chrono::milliseconds backoff_max{std::chrono::minutes(1)};
  std::size_t max_alerts_per_message = 50;  // webhook and Slack batches are split
  std::string generator_url;                // where the alerts come from (sfwarden's URL)
};

/// Outcome of one message: "success", "failed" (gave up after retries), "rejected" (a 4xx
/// other than 429: retrying cannot help), "dropped" (queue full).
using OutcomeCallback = std::function<void(const std::string& receiver, std::string_view outcome)>;

// Payloads (pure; exposed for tests).
/// Alertmanager v2 postableAlerts: firing alerts with endsAt = now + valid_for, resolved
/// ones with endsAt = their resolution time.
std::string AlertmanagerPayload(const std::vector<Alert>& alerts, Time now,
                                std::chrono::milliseconds valid_for,
                                std::string_view generator_url);
/// {"version":"1","status":"firing|resolved","alerts":[{status,labels,annotations,
/// startsAt,endsAt,fingerprint,generatorURL}]}: status is firing when any alert fires.
std::string WebhookPayload(const std::vector<Alert>& alerts, std::string_view generator_url);
/// {"text": "..."}: one line per alert, Slack's &, <, > escaped.
std::string SlackPayload(const std::vector<Alert>& alerts);
/// Lower-case hex HMAC-SHA256 of `body` under `key`.
std::string HmacSha256Hex(std::string_view key, std::string_view body);

/// Lives on the daemon's io_context thread; not thread-safe. After Stop() no new message
/// is sent; a request in flight completes (or times out) on its own.
class Notifier {
 public:
  Notifier(boost::asio::io_context& ioc, std::vector<ReceiverSettings> receivers,
           NotifierOptions options, OutcomeCallback on_outcome);
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  /// Sends `alerts` (newly fired or resolved ones) to the webhooks and Slack.
  void NotifyWebhooks(const std::vector<Alert>& alerts);
  /// Posts `alerts` to every Alertmanager (new, resolved, and the periodic re-send).
  void PostToAlertmanagers(const std::vector<Alert>& alerts, Time now,
                           std::chrono::milliseconds valid_for);
  bool has_alertmanagers() const;
  void Stop();

  /// Messages waiting or in flight (tests).
  std::size_t pending() const;
  /// No drain coroutine runs (after Stop(): none will again), so the transports may go.
  bool idle() const;

  struct Queue;  // one receiver's queue and drain state (notifier.cc)

 private:
  void Enqueue(Queue& q, std::string body);
  std::vector<std::shared_ptr<Queue>> queues_;
  NotifierOptions options_;
  boost::asio::io_context& ioc_;
};

}  // namespace sfwarden::alerts
