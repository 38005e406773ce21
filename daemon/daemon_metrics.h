#pragma once
// The daemon's own metrics: build info, config reloads, and the registry that every
// component registers its families in (the per-user ones in UserSeries beside it).

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

#include "daemon/process_metrics.h"
#include "daemon/user_series.h"

namespace sfwarden::daemon {

/// Owns the daemon's prometheus::Registry and the families the daemon itself
/// updates. Built once at startup; lives as long as the daemon. The registry is
/// thread-safe; the setters are called from the io_context thread.
class DaemonMetrics {
 public:
  DaemonMetrics();
  DaemonMetrics(const DaemonMetrics&) = delete;
  DaemonMetrics& operator=(const DaemonMetrics&) = delete;

  prometheus::Registry& registry() { return *registry_; }
  /// The per-user families of every org (served after the registry's families).
  UserSeries& user_series() { return user_series_; }

  /// Records a config (re)load outcome, as Prometheus does: on success the gauge is 1
  /// and the timestamp moves; on failure the gauge is 0 and the timestamp stays.
  void ConfigLoaded(bool success);

  /// The exposition text (format 0.0.4) for /metrics: the registry, process_* and the
  /// per-user series.
  std::string Serialize() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  ProcessMetrics process_;
  UserSeries user_series_;
  prometheus::Gauge& reload_successful_;
  prometheus::Gauge& reload_success_timestamp_;
};

}  // namespace sfwarden::daemon
