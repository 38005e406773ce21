#pragma once
// The standard process_* metrics (Prometheus instrumenting/standard_exports.md),
// read from /proc at scrape time. prometheus-cpp 1.0.1 has no such collector.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <filesystem>

namespace sfwarden::daemon {

/// A Collectable that reports process_cpu_seconds_total, process_resident_memory_bytes,
/// process_virtual_memory_bytes, process_open_fds, process_max_fds and
/// process_start_time_seconds for the current process. Thread-safe (reads /proc only).
class ProcessMetrics final : public prometheus::Collectable {
 public:
  /// `proc_self` is /proc/self; tests point it at a fixture directory.
  explicit ProcessMetrics(std::filesystem::path proc_self = "/proc/self",
                          std::filesystem::path proc_stat = "/proc/stat");
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::filesystem::path proc_self_;
  std::filesystem::path proc_stat_;
};

}  // namespace sfwarden::daemon
