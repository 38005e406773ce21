#include "daemon/daemon.h"

#include <signal.h>
#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <list>
#include <map>
#include <system_error>

#include "daemon/alert_service.h"
#include "daemon/collector_metrics.h"
#include "daemon/daemon_metrics.h"
#include "daemon/http_server.h"
#include "daemon/logging.h"
#include "daemon/org_monitor.h"
#include "daemon/release_memory.h"
#include "daemon/start_read_limit.h"
#include "daemon/state_store.h"
#include "daemon/systemd_notify.h"
#include "daemon/web_handlers.h"
#include "daemon/web_security.h"

namespace sfwarden::daemon {
namespace asio = boost::asio;

namespace {

const GlobalConfig kDefaults{};

// Start reads at once, daemon-wide (StartReadLimit): two keep ten orgs' start within a few
// read times while holding the transient heap to two reads' worth; no org waits longer
// than the second figure for its turn.
constexpr std::size_t kStartReadSlots = 2;
constexpr auto kStartReadMaxWait = std::chrono::minutes(2);

/// A loaded config's warnings, at start and on reload (check-config prints the same).
/// A config of thousands of users can carry thousands of one kind; the log keeps the
/// first few and says how to see all.
void LogConfigWarnings(const std::vector<ConfigDiagnostic>& warnings) {
  constexpr std::size_t kLogged = 20;
  for (std::size_t i = 0; i < warnings.size() && i < kLogged; ++i) {
    spdlog::warn("config: {}", warnings[i].ToString());
  }
  if (warnings.size() > kLogged) {
    spdlog::warn("config: {} more warnings not logged; `sfwarden check-config` lists all",
                 warnings.size() - kLogged);
  }
}

/// co_spawn completion handler: an exception escaping a coroutine is logged, never
/// fatal (STYLE.md, errors of the third kind).
auto ReportErrors(const char* what) {
  return [what](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("internal error in {}: {}", what, ex.what());
    }
  };
}

/// Everything that lives while the daemon runs, on the io_context thread.
class Runtime {
 public:
  Runtime(std::filesystem::path config_file, FlagOverrides flags, Config config,
          EffectiveSettings settings, std::unique_ptr<StateStore> store,
          std::shared_ptr<WebSecurity> web_security)
      : config_file_(std::move(config_file)),
        flags_(std::move(flags)),
        config_(std::move(config)),
        settings_(std::move(settings)),
        store_(std::move(store)),
        web_security_(std::move(web_security)),
        families_(metrics_.registry(), metrics_.user_series()),
        signals_(ioc_, SIGTERM, SIGINT, SIGHUP),
        watchdog_timer_(ioc_) {}

  int Run() {
    metrics_.ConfigLoaded(true);
    ListenAddress address;
    try {
      address = ParseListenAddress(settings_.listen_address);
      WebContext web{&metrics_, [this] { return ready_; }};
      server_ = std::make_unique<HttpServer>(
          ioc_, address, [web](const HttpRequest& r) { return HandleWebRequest(r, web); },
          web_security_);
    } catch (const std::exception& e) {
      spdlog::error("cannot listen on {}: {}", settings_.listen_address, e.what());
      return 1;
    }
    asio::co_spawn(ioc_, HandleSignals(), ReportErrors("signals"));
    if (auto interval = systemd::WatchdogInterval()) {
      asio::co_spawn(ioc_, PingWatchdog(*interval / 2), ReportErrors("watchdog"));
    }
    AlertServiceOptions alert_options;
    const bool https = web_security_ && web_security_->tls();
    alert_options.generator_url =
        std::string(https ? "https://" : "http://") + settings_.listen_address + "/";
    alerts_ = std::make_unique<AlertService>(ioc_, metrics_.registry(), *store_, config_,
                                             std::move(alert_options));
    sinks_.push_back(alerts_.get());
    alerts_->Start();
    SyncMonitors();
    ready_ = true;
    const bool v6 = address.host.find(':') != std::string::npos;
    spdlog::info("sfwarden {} listening on {}{}{}:{} ({}; state {}, {} org(s))", SFWARDEN_VERSION,
                 v6 ? "[" : "", address.host, v6 ? "]" : "", server_->port(),
                 web_security_ ? web_security_->Describe() : "plain HTTP",
                 settings_.state_dir.string(), monitors_.size());
    systemd::NotifyReady(Status());

    // run_for in a loop is the stop backstop: after a stop request, work still
    // pending after kStopTimeout is abandoned rather than holding the process.
    for (;;) {
      ioc_.run_for(std::chrono::milliseconds(200));
      if (ioc_.stopped()) break;
      if (stop_deadline_ && std::chrono::steady_clock::now() > *stop_deadline_) {
        spdlog::warn("in-flight work did not finish within {}s; stopping anyway",
                     std::chrono::seconds(Daemon::kStopTimeout).count());
        ioc_.stop();
        AbandonMonitors();
        break;
      }
    }
    store_->Checkpoint();
    spdlog::info("sfwarden stopped");
    return 0;
  }

 private:
  std::string Status() const {
    return fmt::format("watching {} org(s); config {}", monitors_.size(),
                       reload_ok_ ? "loaded" : "reload failed, running the previous one");
  }

  asio::awaitable<void> HandleSignals() {
    while (!stopping_) {
      boost::system::error_code ec;
      int signo = co_await signals_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;  // operation_aborted: Stop() cancelled the wait
      if (signo == SIGHUP) {
        Reload();
      } else {
        spdlog::info("received {}, shutting down", signo == SIGTERM ? "SIGTERM" : "SIGINT");
        Stop();
      }
    }
  }

  asio::awaitable<void> PingWatchdog(std::chrono::microseconds every) {
    while (!stopping_) {
      systemd::NotifyWatchdog();
      watchdog_timer_.expires_after(every);
      boost::system::error_code ec;
      co_await watchdog_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
  }

  void Reload() {
    systemd::NotifyReloading();
    spdlog::info("reloading configuration from {}", config_file_.string());
    try {
      Config next = LoadConfig(config_file_);
      ReleaseFreedMemory();  // the YAML tree (see Daemon::Run)
      LogConfigWarnings(next.warnings);
      // Loaded before anything changes, so a bad web config keeps the old of both.
      std::shared_ptr<WebSecurity> next_web;
      if (flags_.web_config_file) {
        next_web = WebSecurity::Load(*flags_.web_config_file);
        for (const auto& w : next_web->warnings()) spdlog::warn("{}", w.ToString());
      }
      EffectiveSettings next_settings =
          ResolveSettings(next, flags_, std::getenv("STATE_DIRECTORY"));
      if (next_settings.listen_address != settings_.listen_address) {
        spdlog::warn("listen address change to {} requires a restart; still serving on {}",
                     next_settings.listen_address, settings_.listen_address);
      }
      if (next_settings.state_dir != settings_.state_dir) {
        spdlog::warn("state dir change to {} requires a restart; still using {}",
                     next_settings.state_dir.string(), settings_.state_dir.string());
      }
      if (IsValidLogLevel(next_settings.log_level) && IsValidLogFormat(next_settings.log_format)) {
        ConfigureLogging(next_settings.log_level, next_settings.log_format);
      }
      next_settings.listen_address = settings_.listen_address;
      next_settings.state_dir = settings_.state_dir;
      config_ = std::move(next);
      settings_ = std::move(next_settings);
      if (flags_.web_config_file) {
        web_security_ = std::move(next_web);
        if (server_) server_->SetSecurity(web_security_);
      }
      if (alerts_) alerts_->Reconfigure(config_);
      SyncMonitors();
      reload_ok_ = true;
      metrics_.ConfigLoaded(true);
      spdlog::info("configuration reloaded: {} org(s)", monitors_.size());
    } catch (const ConfigError& e) {
      reload_ok_ = false;
      metrics_.ConfigLoaded(false);
      spdlog::error("error reloading config {}; keeping the previous one ({} problem(s)):",
                    config_file_.string(), e.diagnostics().size());
      for (const auto& d : e.diagnostics()) spdlog::error("  {}", d.ToString());
    }
    systemd::NotifyReady(Status());
  }

  void Stop() {
    if (stopping_) return;
    stopping_ = true;
    ready_ = false;
    systemd::NotifyStopping();
    stop_deadline_ = std::chrono::steady_clock::now() + Daemon::kStopTimeout;
    boost::system::error_code ec;
    signals_.cancel(ec);
    watchdog_timer_.cancel();
    if (server_) server_->Stop();
    if (alerts_) alerts_->Stop();
    for (auto& [name, running] : monitors_) Retire(std::move(running.monitor));
    monitors_.clear();
  }

  // Starts a monitor for every org of config_ without one, restarts those whose
  // configuration changed (simple and correct: the new one starts from the state store)
  // and stops those of removed orgs. The org configs then leave config_: a new monitor
  // takes its org's by move (and keeps only its connection settings, OrgMonitor::config(),
  // beside the baseline built from it), and an unchanged one keeps what it has (a
  // 1,000-user org's config is ~1.5 MB; keeping a second copy per org doubled that).
  void SyncMonitors() {
    std::map<std::string, OrgConfig*> wanted;
    for (auto& org : config_.orgs) wanted[org.name] = &org;
    for (auto it = monitors_.begin(); it != monitors_.end();) {
      auto w = wanted.find(it->first);
      if (w != wanted.end() &&
          !MonitorNeedsRestart(it->second.monitor->config(), it->second.fingerprint, *w->second)) {
        ++it;
        continue;
      }
      spdlog::info("org {}: {}", it->first,
                   w == wanted.end() ? "removed from the configuration, no longer watched"
                                     : "configuration changed, restarting its monitor");
      Retire(std::move(it->second.monitor));
      it = monitors_.erase(it);
    }
    for (const auto& [name, org] : wanted) {
      if (monitors_.count(name)) continue;
      std::string fingerprint = MonitorFingerprint(*org);
      MonitorOptions options;
      options.start_reads = &start_reads_;
      auto monitor = std::make_unique<OrgMonitor>(ioc_, metrics_.registry(), *store_, families_,
                                                  sinks_, std::move(*org), options);
      OrgMonitor* raw = monitor.get();
      monitor->Start([this, raw] { Finished(raw); });
      monitors_[name] = {std::move(monitor), std::move(fingerprint)};
    }
    config_.orgs.clear();
    config_.orgs.shrink_to_fit();
    // The load's warnings were logged when it was loaded (LogConfigWarnings); at 10,000
    // users they held ~2 MB.
    std::vector<ConfigDiagnostic>().swap(config_.warnings);
  }

  // A stopped monitor lives until its coroutine has finished (an in-flight request is
  // not cancelled, only its result dropped).
  void Retire(std::unique_ptr<OrgMonitor> monitor) {
    monitor->Stop();
    retiring_.push_back(std::move(monitor));
  }

  void Finished(OrgMonitor* monitor) {
    // Posted: the monitor is not destroyed from inside its own completion handler.
    asio::post(ioc_, [this, monitor] {
      retiring_.remove_if([monitor](const auto& m) { return m.get() == monitor; });
    });
  }

  // After the stop backstop, pending handlers (coroutine frames) still refer to the
  // monitors; they are destroyed with the io_context, so the monitors must outlive it. The
  // process is exiting: they are handed to a static (reachable, so not reported as leaks).
  void AbandonMonitors() {
    start_reads_.Close();  // the frames destroyed with the io_context wake no waiter
    static auto* abandoned = new std::vector<std::unique_ptr<OrgMonitor>>;
    for (auto& [name, running] : monitors_) abandoned->push_back(std::move(running.monitor));
    for (auto& m : retiring_) abandoned->push_back(std::move(m));
    monitors_.clear();
    retiring_.clear();
    static auto* abandoned_alerts = new std::vector<std::unique_ptr<AlertService>>;
    if (alerts_) abandoned_alerts->push_back(std::move(alerts_));
  }

  std::filesystem::path config_file_;
  FlagOverrides flags_;
  Config config_;
  EffectiveSettings settings_;
  std::unique_ptr<StateStore> store_;
  std::shared_ptr<WebSecurity> web_security_;  // null without --web.config.file
  // Before ioc_: coroutine frames destroyed with it may still hold or wait for a slot.
  StartReadLimit start_reads_{kStartReadSlots, kStartReadMaxWait};
  asio::io_context ioc_{1};
  DaemonMetrics metrics_;
  CollectorFamilies families_;
  // The consumers of observations (alert rules, drift engine) register here; see
  // ObservationSink in daemon/org_monitor.h.
  std::vector<ObservationSink*> sinks_;
  std::unique_ptr<AlertService> alerts_;  // a sink: the alert rules and their receivers
  struct RunningMonitor {
    std::unique_ptr<OrgMonitor> monitor;
    std::string fingerprint;
  };
  std::map<std::string, RunningMonitor> monitors_;   // by org name
  std::list<std::unique_ptr<OrgMonitor>> retiring_;  // stopped, coroutine not yet finished
  asio::signal_set signals_;
  asio::steady_timer watchdog_timer_;
  std::unique_ptr<HttpServer> server_;
  bool ready_ = false;
  bool stopping_ = false;
  bool reload_ok_ = true;
  std::optional<std::chrono::steady_clock::time_point> stop_deadline_;
};

}  // namespace

EffectiveSettings ResolveSettings(const Config& config, const FlagOverrides& flags,
                                  const char* state_directory_env) {
  EffectiveSettings s;
  s.listen_address = flags.listen_address.value_or(config.global.listen_address);
  s.log_level = flags.log_level.value_or(config.global.log_level);
  s.log_format = flags.log_format.value_or(config.global.log_format);
  if (flags.state_dir) {
    s.state_dir = *flags.state_dir;
  } else if (config.global.state_dir != kDefaults.state_dir) {
    s.state_dir = config.global.state_dir;  // set in the file
  } else if (state_directory_env != nullptr && *state_directory_env != '\0') {
    // systemd's StateDirectory= may list several, separated by ':'; ours is the first.
    std::string env(state_directory_env);
    s.state_dir = env.substr(0, env.find(':'));
  } else {
    s.state_dir = kDefaults.state_dir;
  }
  return s;
}

Daemon::Daemon(std::filesystem::path config_file, FlagOverrides flags)
    : config_file_(std::move(config_file)), flags_(std::move(flags)) {}

int Daemon::Run() {
  // The YAML tree is a few large arrays (daemon/detail/yaml_tree.h), freed in one piece
  // when LoadConfig returns; no copy of the config is needed to pack its strings (it
  // was, with yaml-cpp's node-per-allocation tree), and a copy would double the peak.
  Config config = LoadConfig(config_file_);  // ConfigError goes to the caller: exit 2
  ReleaseFreedMemory();
  EffectiveSettings settings = ResolveSettings(config, flags_, std::getenv("STATE_DIRECTORY"));
  std::shared_ptr<WebSecurity> web_security;
  if (flags_.web_config_file) web_security = WebSecurity::Load(*flags_.web_config_file);
  ConfigureLogging(settings.log_level, settings.log_format);
  LogConfigWarnings(config.warnings);
  if (web_security) {
    for (const auto& w : web_security->warnings()) spdlog::warn("{}", w.ToString());
  }
  // A file-size limit (ulimit -f, systemd LimitFSIZE=) must show as a failed state-store
  // write (EFBIG, reported and retried), not kill the daemon with SIGXFSZ's default action.
  ::signal(SIGXFSZ, SIG_IGN);
  std::unique_ptr<StateStore> store;
  try {
    store = StateStore::Open(settings.state_dir);
  } catch (const StateStoreError& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
  Runtime runtime(config_file_, flags_, std::move(config), std::move(settings), std::move(store),
                  std::move(web_security));
  return runtime.Run();
}

}  // namespace sfwarden::daemon
