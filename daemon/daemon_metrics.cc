#include "daemon/daemon_metrics.h"

#include <prometheus/text_serializer.h>

#include <chrono>

#include "daemon/build_info.h"

namespace sfwarden::daemon {

DaemonMetrics::DaemonMetrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      reload_successful_(prometheus::BuildGauge()
                             .Name("sfwarden_config_last_reload_successful")
                             .Help("Whether the last configuration load or reload succeeded.")
                             .Register(*registry_)
                             .Add({})),
      reload_success_timestamp_(
          prometheus::BuildGauge()
              .Name("sfwarden_config_last_reload_success_timestamp_seconds")
              .Help("Time of the last successful configuration load or reload.")
              .Register(*registry_)
              .Add({})) {
  // prometheus-cpp 1.0.1 has no Info type: a gauge that is always 1 (CONVENTIONS §0.3).
  const auto& build = GetBuildInfo();
  prometheus::BuildGauge()
      .Name("sfwarden_build_info")
      .Help("A metric with a constant '1' value labeled by version, revision and compiler.")
      .Register(*registry_)
      .Add({{"version", std::string(build.version)},
            {"revision", std::string(build.revision)},
            {"compiler", std::string(build.compiler)}})
      .Set(1);
}

void DaemonMetrics::ConfigLoaded(bool success) {
  reload_successful_.Set(success ? 1 : 0);
  if (success) {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    reload_success_timestamp_.Set(std::chrono::duration<double>(now).count());
  }
}

std::string DaemonMetrics::Serialize() const {
  auto families = registry_->Collect();
  auto process = process_.Collect();
  families.insert(families.end(), process.begin(), process.end());
  std::string text = prometheus::TextSerializer().Serialize(families);
  user_series_.AppendText(text);
  return text;
}

}  // namespace sfwarden::daemon
