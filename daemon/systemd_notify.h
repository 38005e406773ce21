#pragma once
// The systemd notify protocol (sd_notify(3)). Every call is a no-op returning false
// when NOTIFY_SOCKET is unset, so the daemon runs the same with or without systemd.

#include <chrono>
#include <optional>
#include <string_view>

namespace sfwarden::daemon::systemd {

bool NotifyReady(std::string_view status);
/// RELOADING=1 with MONOTONIC_USEC (newer systemd needs it; 252 ignores it).
bool NotifyReloading();
bool NotifyStopping();
bool NotifyWatchdog();
bool NotifyStatus(std::string_view status);

/// The watchdog interval systemd expects pings within (WatchdogSec=), if enabled
/// for this process.
std::optional<std::chrono::microseconds> WatchdogInterval();

}  // namespace sfwarden::daemon::systemd
