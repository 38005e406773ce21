#include "daemon/systemd_notify.h"

#include <systemd/sd-daemon.h>
#include <time.h>

#include <string>

namespace sfwarden::daemon::systemd {
namespace {

bool Notify(const std::string& state) { return sd_notify(0, state.c_str()) > 0; }

std::string OneLine(std::string_view status) {
  std::string s(status);
  for (auto& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

bool NotifyReady(std::string_view status) { return Notify("READY=1\nSTATUS=" + OneLine(status)); }

bool NotifyReloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  auto usec = static_cast<unsigned long long>(ts.tv_sec) * 1000000ULL +
              static_cast<unsigned long long>(ts.tv_nsec) / 1000ULL;
  return Notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

bool NotifyStopping() { return Notify("STOPPING=1"); }
bool NotifyWatchdog() { return Notify("WATCHDOG=1"); }
bool NotifyStatus(std::string_view status) { return Notify("STATUS=" + OneLine(status)); }

std::optional<std::chrono::microseconds> WatchdogInterval() {
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::microseconds(usec);
  }
  return std::nullopt;
}

}  // namespace sfwarden::daemon::systemd
