#include "daemon/alert_service.h"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <list>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "alerts/notifier.h"
#include "daemon/state_store.h"
#include "daemon/state_store_errors.h"
#include "salesforce/http_transport.h"

namespace sfwarden::daemon {
namespace asio = boost::asio;
using json = nlohmann::json;
using alerts::Time;

namespace {

/// Resolved alerts are still re-sent to the Alertmanagers this long (Alertmanager's
/// alerts_api.md asks for a few minutes; Prometheus keeps them 15 min, resolvedRetention).
constexpr auto kResolvedResend = std::chrono::minutes(15);
/// Firing alerts are valid for this many re-send intervals (Prometheus: 4, "Allow for two
/// Eval or Alertmanager send failures", rules/alerting.go).
constexpr int kValidForIntervals = 4;
/// Days of history a user's daily calls are compared with.
constexpr int kBaselineDays = 7;

std::string Day(Time t) {
  const auto d = std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(d.year()),
                     static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
}

StoreTime ToStore(Time t) { return std::chrono::floor<std::chrono::seconds>(t); }
Time FromStore(StoreTime t) { return std::chrono::time_point_cast<std::chrono::milliseconds>(t); }

AlertRecord ToRecord(const alerts::Alert& a) {
  AlertRecord r;
  r.fingerprint = a.fingerprint;
  r.alertname = a.labels.count("alertname") ? a.labels.at("alertname") : "";
  r.labels_json = json(a.labels).dump(-1, ' ', false, json::error_handler_t::replace);
  r.annotations_json = json(a.annotations).dump(-1, ' ', false, json::error_handler_t::replace);
  r.state = a.firing ? AlertState::kFiring : AlertState::kResolved;
  r.starts_at = ToStore(a.starts_at);
  if (a.ends_at) r.ends_at = ToStore(*a.ends_at);
  if (a.last_sent) r.last_notified_at = ToStore(*a.last_sent);
  return r;
}

std::optional<alerts::Alert> FromRecord(const AlertRecord& r) {
  try {
    alerts::Alert a;
    a.labels = json::parse(r.labels_json).get<alerts::Labels>();
    a.annotations = json::parse(r.annotations_json).get<alerts::Labels>();
    a.fingerprint = r.fingerprint;
    a.firing = r.state == AlertState::kFiring;
    a.starts_at = FromStore(r.starts_at);
    if (r.ends_at) a.ends_at = FromStore(*r.ends_at);
    if (r.last_notified_at) a.last_sent = FromStore(*r.last_notified_at);
    return a;
  } catch (const std::exception& e) {
    spdlog::warn("alert {} in the state store is unreadable ({}); ignored", r.fingerprint,
                 e.what());
    return std::nullopt;
  }
}

alerts::DriftItem::Outcome Convert(DriftEvent::Outcome o) {
  switch (o) {
    case DriftEvent::Outcome::kReported:
      return alerts::DriftItem::Outcome::kReported;
    case DriftEvent::Outcome::kRestored:
      return alerts::DriftItem::Outcome::kRestored;
    case DriftEvent::Outcome::kFailed:
      return alerts::DriftItem::Outcome::kFailed;
    case DriftEvent::Outcome::kPaused:
      return alerts::DriftItem::Outcome::kPaused;
    case DriftEvent::Outcome::kOverBound:
      return alerts::DriftItem::Outcome::kOverBound;
  }
  return alerts::DriftItem::Outcome::kReported;
}

}  // namespace

alerts::OrgRules ToOrgRules(const OrgConfig& org, const AlertingConfig& alerting) {
  alerts::OrgRules rules;
  rules.org = org.name;
  rules.monitoring_user = org.auth.username;
  rules.expected_actors.insert(org.expected_actors.begin(), org.expected_actors.end());
  rules.learning_period = alerting.learning_period;
  rules.org_api_warning = alerting.org_api_usage_warning;
  rules.org_api_critical = alerting.org_api_usage_critical;
  for (const auto& u : org.integration_users) {
    alerts::UserRules user;
    user.username = u.username;
    user.allowed_ips = u.allowed_ips;
    if (u.login_hours) {
      alerts::LoginHours hours{.tz = alerts::TimeZone::Utc(),
                               .from = u.login_hours->from,
                               .to = u.login_hours->to,
                               .days = u.login_hours->days};
      if (auto tz = alerts::TimeZone::Load(u.login_hours->tz)) {
        hours.tz = std::move(*tz);
      } else {
        spdlog::warn("org {}: user {}: login_hours.tz: {}; using UTC", org.name, u.username,
                     tz.error());
      }
      user.login_hours = std::move(hours);
    }
    user.expected_login_every = u.expected_login_every;
    user.api_daily_budget = u.api_daily_budget;
    user.api_budget_warning = u.thresholds.api_budget_warning;
    user.failed_login_burst_count = u.thresholds.failed_login_burst.count;
    user.failed_login_burst_window = u.thresholds.failed_login_burst.window;
    rules.users.push_back(std::move(user));
  }
  return rules;
}

struct AlertService::Impl {
  Impl(asio::io_context& i, prometheus::Registry& registry, StateStore& s, AlertServiceOptions o)
      : ioc(i),
        store(s),
        options(std::move(o)),
        timer(ioc),
        firing_family(prometheus::BuildGauge()
                          .Name("sfwarden_alerts_firing")
                          .Help("Alerts sfwarden raised that are firing now, by name and "
                                "severity.")
                          .Register(registry)),
        anomalies_family(prometheus::BuildCounter()
                             .Name("sfwarden_anomalies_total")
                             .Help("Anomalies found by the alert rules, by org, integration "
                                   "user (empty for org-wide ones) and rule (the alertname).")
                             .Register(registry)),
        notifications_family(prometheus::BuildCounter()
                                 .Name("sfwarden_notifications_total")
                                 .Help("Messages to the alert receivers, by receiver "
                                       "(alertmanager[i], webhook[i]) and outcome (success, "
                                       "failed after retries, rejected, dropped).")
                                 .Register(registry)),
        store_errors(StateStoreErrors(registry)),
        book(std::chrono::hours(1)) {
    if (!options.now) {
      options.now = [] {
        return std::chrono::time_point_cast<std::chrono::milliseconds>(
            std::chrono::system_clock::now());
      };
    }
    started = options.now();
  }

  void Configure(const Config& config) {
    alerting = config.alerting;
    book = RebuildBook(alerting.resolve_events_after);
    engines.clear();
    for (const auto& org : config.orgs) {
      engines.emplace(org.name, alerts::RuleEngine(ToOrgRules(org, config.alerting)));
    }
    // The previous notifier and its transports stay alive while a request may be in
    // flight; those of earlier reloads that have finished go now.
    if (notifier) notifier->Stop();
    if (notifier) retired.push_back({std::move(transports), std::move(notifier)});
    transports.clear();
    retired.remove_if([](const Generation& g) { return g.notifier->idle(); });
    std::vector<alerts::ReceiverSettings> receivers;
    auto transport = [&](Duration timeout) {
      salesforce::TransportOptions t = salesforce::WithProxyFromEnvironment({});
      t.connect_timeout = std::min<std::chrono::milliseconds>(timeout, std::chrono::seconds(10));
      t.read_timeout = timeout;
      t.total_timeout = timeout;
      t.max_body_bytes = 1 << 20;
      t.allow_plain_http = true;  // the operator wrote http:// explicitly
      t.user_agent = "sfwarden/" SFWARDEN_VERSION;
      transports.push_back(std::make_unique<salesforce::HttpTransport>(ioc, t));
      return transports.back().get();
    };
    for (std::size_t i = 0; i < alerting.alertmanager.size(); ++i) {
      const auto& am = alerting.alertmanager[i];
      receivers.push_back({.name = fmt::format("alertmanager[{}]", i),
                           .kind = alerts::ReceiverKind::kAlertmanager,
                           .url = am.url,
                           .secret = "",
                           .transport = transport(am.timeout)});
    }
    for (std::size_t i = 0; i < alerting.webhooks.size(); ++i) {
      const auto& hook = alerting.webhooks[i];
      receivers.push_back({.name = fmt::format("webhook[{}]", i),
                           .kind = hook.format == WebhookFormat::kSlack
                                       ? alerts::ReceiverKind::kSlack
                                       : alerts::ReceiverKind::kWebhookJson,
                           .url = hook.url.Reveal(),
                           .secret = hook.secret ? hook.secret->Reveal() : "",
                           .transport = transport(hook.timeout)});
    }
    for (const auto& r : receivers) {
      for (const char* outcome : {"success", "failed", "rejected", "dropped"}) {
        notifications_family.Add({{"receiver", r.name}, {"outcome", outcome}});
      }
    }
    alerts::NotifierOptions n;
    n.generator_url = options.generator_url;
    notifier = std::make_unique<alerts::Notifier>(
        ioc, std::move(receivers), n, [this](const std::string& receiver, std::string_view o) {
          notifications_family.Add({{"receiver", receiver}, {"outcome", std::string(o)}})
              .Increment();
        });
    ResolveRemovedOrgs();
  }

  // An org that left the configuration is no longer watched: its condition alerts
  // (dormant, API usage, drift...) would otherwise stay firing, and be re-sent, forever.
  // They resolve now; its event alerts resolve after their hold time as usual.
  void ResolveRemovedOrgs() {
    std::map<std::string, std::set<std::string>> gone;  // org -> its firing alertnames
    for (const auto& [fp, a] : book.alerts()) {
      const std::string org = Get(a, "org");
      if (a.firing && !a.is_event() && !org.empty() && !engines.count(org)) {
        gone[org].insert(Get(a, "alertname"));
      }
    }
    if (gone.empty()) return;
    alerts::Findings findings;
    for (auto& [org, names] : gone) {
      spdlog::info("org {} is no longer configured: resolving its open alerts ({})", org,
                   fmt::join(names, ", "));
      findings.conditions.push_back(
          {.org = org, .alertnames = std::move(names), .user = std::nullopt, .active = {}});
    }
    Handle(findings);
  }

  // The book's hold time comes from the config; its alerts carry over.
  alerts::AlertBook RebuildBook(Duration hold) {
    alerts::AlertBook fresh(hold);
    std::vector<alerts::Alert> kept;
    for (const auto& [fp, a] : book.alerts()) kept.push_back(a);
    if (kept.empty() && !loaded) {
      for (const auto& r : store.LoadAlerts()) {
        if (auto a = FromRecord(r)) kept.push_back(std::move(*a));
      }
      loaded = true;
    }
    fresh.Restore(std::move(kept));
    return fresh;
  }

  void Handle(const alerts::Findings& findings) {
    const Time now = options.now();
    for (const auto& e : findings.events) Count(e);
    auto t = book.Apply(findings, now);
    for (const auto& a : t.fired) {
      if (!a.is_event()) Count(a);
    }
    Deliver(t, now);
  }

  void Count(const alerts::Anomaly& a) {
    anomalies_family.Add({{"org", a.org}, {"user", a.user}, {"rule", a.alertname}}).Increment();
  }
  void Count(const alerts::Alert& a) {
    anomalies_family
        .Add({{"org", Get(a, "org")}, {"user", Get(a, "user")}, {"rule", Get(a, "alertname")}})
        .Increment();
  }
  static std::string Get(const alerts::Alert& a, const char* label) {
    auto it = a.labels.find(label);
    return it == a.labels.end() ? std::string() : it->second;
  }

  void Deliver(const alerts::Transitions& t, Time now) {
    unsaved.insert(t.changed.begin(), t.changed.end());
    SaveAlerts();
    std::vector<alerts::Alert> changed;
    for (const auto& a : t.fired) {
      spdlog::warn("alert firing: {} {}: {}", Get(a, "alertname"), LabelText(a),
                   a.annotations.count("summary") ? a.annotations.at("summary") : "");
      changed.push_back(a);
    }
    for (const auto& a : t.resolved) {
      spdlog::info("alert resolved: {} {}", Get(a, "alertname"), LabelText(a));
      changed.push_back(a);
    }
    if (changed.empty()) return;
    notifier->NotifyWebhooks(changed);
    if (notifier->has_alertmanagers()) {
      // The current state of each (an alert may have fired and resolved in one call).
      std::vector<alerts::Alert> current;
      for (const auto& a : changed) {
        if (const auto* c = book.Find(a.fingerprint)) current.push_back(*c);
      }
      notifier->PostToAlertmanagers(current, now, ValidFor());
      // The periodic re-send keeps its own schedule (last_resend), so that a stream of
      // new alerts never starves the re-send of the older ones.
      for (const auto& a : current) book.MarkSent(a.fingerprint, now);
    }
    UpdateGauges();
  }

  std::chrono::milliseconds ValidFor() const {
    return kValidForIntervals * std::max<Duration>(alerting.resend_interval, options.tick);
  }

  static std::string LabelText(const alerts::Alert& a) {
    std::string out;
    for (const auto& [k, v] : a.labels) {
      if (k != "alertname") out += (out.empty() ? "" : " ") + k + "=" + alerts::Untrusted(v, 120);
    }
    return out;
  }

  void UpdateGauges() {
    std::map<std::pair<std::string, std::string>, int> counts;
    for (auto& [key, gauge] : firing_children) counts[key] = 0;
    for (const auto& [fp, a] : book.alerts()) {
      if (a.firing) ++counts[{Get(a, "alertname"), Get(a, "severity")}];
    }
    for (const auto& [key, n] : counts) {
      auto it = firing_children.find(key);
      if (it == firing_children.end()) {
        it = firing_children
                 .emplace(key,
                          &firing_family.Add({{"alertname", key.first}, {"severity", key.second}}))
                 .first;
      }
      it->second->Set(n);
    }
  }

  alerts::LoginContext ContextFor(const std::string& org, const collectors::LoginObservation& l) {
    alerts::LoginContext ctx;
    if (l.outcome != collectors::LoginOutcome::kSuccess) return ctx;
    const StoreTime when = ToStore(l.time);
    bool country_seen_before = false;
    for (const auto& ip : store.SeenIps(org, l.username)) {
      const Time first = FromStore(ip.first_seen);
      if (!ctx.watching_since || first < *ctx.watching_since) ctx.watching_since = first;
      if (ip.ip == l.source_ip) ctx.first_from_ip = ip.first_seen == when;
      if (ip.ip != l.source_ip && !l.country_iso.empty() && ip.country == l.country_iso &&
          ip.first_seen <= when) {
        country_seen_before = true;
      }
    }
    ctx.first_from_country = ctx.first_from_ip && !country_seen_before;
    return ctx;
  }

  void EvaluateDailyCalls(const std::string& org, alerts::RuleEngine& engine, Time now) {
    std::map<std::string, std::map<std::string, std::int64_t>> by_day;  // day -> user -> calls
    const auto today = std::chrono::floor<std::chrono::days>(now);
    for (int back = 0; back <= kBaselineDays + 1; ++back) {
      const std::string day = Day(Time(today - std::chrono::days(back)));
      by_day[day] = store.ApiCallsByUser(org, day);
    }
    for (const auto& u : engine.rules().users) {
      std::vector<alerts::UserDailyCalls> days;
      for (int back = 0; back <= 1; ++back) {  // today (hourly files) and yesterday (daily)
        alerts::UserDailyCalls d;
        d.username = u.username;
        d.day = Day(Time(today - std::chrono::days(back)));
        auto it = by_day[d.day].find(u.username);
        d.calls = it == by_day[d.day].end() ? 0 : it->second;
        for (int h = back + 1; h <= back + kBaselineDays; ++h) {
          const auto& m = by_day[Day(Time(today - std::chrono::days(h)))];
          if (auto p = m.find(u.username); p != m.end() && p->second > 0) {
            d.previous_days.push_back(p->second);
          }
        }
        days.push_back(std::move(d));
      }
      Handle(engine.OnDailyCalls(u.username, days, now));
    }
  }

  void Tick() {
    const Time now = options.now();
    SaveAlerts();
    for (auto& [org, engine] : engines) {
      std::map<std::string, Time> last;
      for (const auto& [user, ms] : store.LastSuccessfulLogins(org)) {
        last[user] = Time(std::chrono::milliseconds(ms));
      }
      Handle(engine.CheckDormant(last, started, now));
      EvaluateDailyCalls(org, engine, now);
    }
    Deliver(book.Expire(now), now);
    if (notifier->has_alertmanagers() &&
        (!last_resend || now - *last_resend >= alerting.resend_interval)) {
      std::vector<alerts::Alert> resend;
      for (const auto& [fp, a] : book.alerts()) {
        if (a.firing || (a.ends_at && now - *a.ends_at < kResolvedResend)) resend.push_back(a);
      }
      notifier->PostToAlertmanagers(resend, now, ValidFor());
      for (const auto& a : resend) book.MarkSent(a.fingerprint, now);
      last_resend = now;
    }
    UpdateGauges();
  }

  // Persists the alerts whose stored form changed. A write the state store refuses (disk
  // full, read-only) is counted like the monitors' failed writes and tried again on the
  // next tick; the alert is still notified from memory. Only a restart before the store
  // recovers loses it (and notifies it again).
  void SaveAlerts() {
    for (auto it = unsaved.begin(); it != unsaved.end();) {
      const alerts::Alert* a = book.Find(*it);
      try {
        if (a) store.UpsertAlert(ToRecord(*a));
      } catch (const StateStoreError& e) {
        store_errors.Add({{"org", a ? Get(*a, "org") : ""}}).Increment();
        if (last_store_error != e.what()) {
          spdlog::error("could not save {} alert(s) to the state store, will try again: {}",
                        unsaved.size(), e.what());
          last_store_error = e.what();
        }
        return;  // the others would fail the same way
      }
      it = unsaved.erase(it);
    }
    if (!last_store_error.empty()) {
      spdlog::info("the state store takes alert writes again");
      last_store_error.clear();
    }
  }

  asio::awaitable<void> Run() {
    while (!stopping) {
      try {
        Tick();
      } catch (const std::exception& e) {  // one bad tick must not end the timer
        spdlog::error("internal error in the alert timer: {}", e.what());
      }
      // Short resend intervals (tests) need the timer at least as often.
      timer.expires_after(std::min<Duration>(options.tick, alerting.resend_interval));
      boost::system::error_code ec;  // operation_aborted: Stop()
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  asio::io_context& ioc;
  StateStore& store;
  AlertServiceOptions options;
  asio::steady_timer timer;
  prometheus::Family<prometheus::Gauge>& firing_family;
  prometheus::Family<prometheus::Counter>& anomalies_family;
  prometheus::Family<prometheus::Counter>& notifications_family;
  prometheus::Family<prometheus::Counter>& store_errors;  // sfwarden_state_store_errors_total
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> firing_children;
  AlertingConfig alerting;
  alerts::AlertBook book;
  bool loaded = false;
  std::map<std::string, alerts::RuleEngine> engines;                 // by org
  std::list<std::unique_ptr<salesforce::HttpTransport>> transports;  // the notifier's
  std::unique_ptr<alerts::Notifier> notifier;
  struct Generation {  // a notifier of an earlier configuration, with its transports
    std::list<std::unique_ptr<salesforce::HttpTransport>> transports;
    std::unique_ptr<alerts::Notifier> notifier;
  };
  std::list<Generation> retired;
  std::optional<Time> last_resend;
  std::set<std::string> unsaved;  // fingerprints of alerts the store has not taken yet
  std::string last_store_error;   // for one log line per distinct error
  Time started{};
  bool stopping = false;
};

AlertService::AlertService(asio::io_context& ioc, prometheus::Registry& registry, StateStore& store,
                           const Config& config, AlertServiceOptions options)
    : impl_(std::make_unique<Impl>(ioc, registry, store, std::move(options))) {
  impl_->Configure(config);
  impl_->UpdateGauges();
}

AlertService::~AlertService() { Stop(); }

void AlertService::Start() {
  asio::co_spawn(impl_->ioc, impl_->Run(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("internal error in the alert service: {}", ex.what());
    }
  });
}

void AlertService::Stop() {
  impl_->stopping = true;
  impl_->timer.cancel();
  if (impl_->notifier) impl_->notifier->Stop();
}

void AlertService::Reconfigure(const Config& config) { impl_->Configure(config); }

void AlertService::OnObservations(const NewObservations& obs) {
  auto it = impl_->engines.find(obs.org);
  if (it == impl_->engines.end()) return;
  auto& engine = it->second;
  const Time now = impl_->options.now();
  alerts::Findings f;
  auto logins = obs.logins;
  std::stable_sort(logins.begin(), logins.end(),
                   [](const auto& a, const auto& b) { return a.time < b.time; });
  for (const auto& l : logins) f.Append(engine.OnLogin(l, impl_->ContextFor(obs.org, l)));
  for (const auto& a : obs.audit) f.Append(engine.OnAudit(a));
  for (const auto& t : obs.issued_tokens) f.Append(engine.OnTokenIssued(t));
  for (const auto& a : obs.activity_without_login) f.Append(engine.OnActivityWithoutLogin(a));
  if (obs.limits) f.Append(engine.OnLimits(*obs.limits, now));
  if (!obs.api_usage.empty()) f.Append(engine.OnApiUsage(obs.api_usage));
  impl_->Handle(f);
  if (!obs.api_usage.empty()) impl_->EvaluateDailyCalls(obs.org, engine, now);
}

void AlertService::OnPermissions(std::string_view, const collectors::PermissionSnapshot&) {
  // Drift (OnDrift) and the audit trail carry what the rules need.
}

void AlertService::OnDrift(const DriftCycle& cycle) {
  auto it = impl_->engines.find(cycle.org);
  if (it == impl_->engines.end()) return;
  std::vector<alerts::DriftItem> items;
  for (const auto& e : cycle.items) {
    items.push_back({.user = e.user,
                     .kind = e.kind,
                     .subject = e.subject,
                     .item = e.item,
                     .expected = e.expected,
                     .actual = e.actual,
                     .changed_by = e.changed_by,
                     .error = e.error,
                     .changed_at = e.changed_at,
                     .outcome = Convert(e.outcome)});
  }
  impl_->Handle(it->second.OnDrift(items, cycle.read_at));
}

void AlertService::Tick() { impl_->Tick(); }

const alerts::AlertBook& AlertService::book() const { return impl_->book; }

}  // namespace sfwarden::daemon
