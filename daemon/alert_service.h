#pragma once
// The alert consumer of `sfwarden run`: an ObservationSink that runs the anomaly rules
// (alerts::RuleEngine, one per org) over what the org monitors bring, keeps the alert
// lifecycle (alerts::AlertBook) persisted in the state store, notifies the receivers
// (alerts::Notifier) and exports the alert metrics:
//   sfwarden_alerts_firing{alertname,severity}          gauge
//   sfwarden_anomalies_total{org,user,rule}             counter (rule = alertname)
//   sfwarden_notifications_total{receiver,outcome}      counter
// A timer (every `tick`) runs the time-driven rules (dormant users, daily API calls),
// resolves event alerts whose hold has passed, and re-sends the alerts to the
// Alertmanagers every `alerting.resend_interval`.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "alerts/alert_book.h"
#include "alerts/rules.h"
#include "daemon/config.h"
#include "daemon/org_monitor.h"

namespace boost::asio {
class io_context;
}
namespace prometheus {
class Registry;
}

namespace sfwarden::daemon {

class StateStore;

/// The rules' settings for `org` (login-hour time zones are loaded here: blocking file
/// I/O, at startup or reload; an unloadable zone falls back to UTC with a warning).
alerts::OrgRules ToOrgRules(const OrgConfig& org, const AlertingConfig& alerting);

struct AlertServiceOptions {
  /// How often the timer runs (dormant checks, hold expiry, re-sends).
  std::chrono::milliseconds tick{std::chrono::seconds(10)};
  /// The clock (tests inject one); default the system clock.
  std::function<alerts::Time()> now;
  /// sfwarden's own URL, sent as generatorURL.
  std::string generator_url;
};

/// Lives on the daemon's io_context thread; not thread-safe. Borrows `ioc`, `registry`
/// and `store`, which must outlive it. After Stop() it must stay alive until the
/// io_context has no more work (a notification in flight finishes or times out).
class AlertService final : public ObservationSink {
 public:
  /// Loads the stored alerts (a restart neither re-notifies nor forgets an open alert).
  AlertService(boost::asio::io_context& ioc, prometheus::Registry& registry, StateStore& store,
               const Config& config, AlertServiceOptions options = {});
  ~AlertService() override;
  AlertService(const AlertService&) = delete;
  AlertService& operator=(const AlertService&) = delete;

  /// Starts the timer.
  void Start();
  void Stop();
  /// A reloaded configuration: new rules and receivers; open alerts are kept.
  void Reconfigure(const Config& config);

  void OnObservations(const NewObservations& observations) override;
  void OnPermissions(std::string_view org, const collectors::PermissionSnapshot& snapshot) override;
  void OnDrift(const DriftCycle& cycle) override;

  /// Runs the timer's work once at `now` (the timer calls it; tests call it directly).
  void Tick();
  const alerts::AlertBook& book() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfwarden::daemon
