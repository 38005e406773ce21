#pragma once
// The per-org monitor of `sfwarden run`: logs in to one org, reads its permission state,
// then polls its sources on their schedules, persists what must survive a restart, updates
// the org's metrics and hands what is new to the consumers (ObservationSink).

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/observations.h"
#include "daemon/config.h"

namespace boost::asio {
class io_context;
}
namespace prometheus {
class Registry;
}

namespace sfwarden::daemon {

class StateStore;
class StartReadLimit;
struct CollectorFamilies;

/// What one poll of an org brought that had not been seen before: rows already taken in
/// an earlier (overlapping) read, or before a restart, are left out.
struct NewObservations {
  std::string org{};
  std::vector<collectors::LoginObservation> logins{};
  std::vector<collectors::AuditObservation> audit{};
  std::vector<collectors::OAuthTokenObservation> issued_tokens{};  // first seen now
  std::optional<collectors::LimitsObservation> limits{};
  std::vector<collectors::ApiUsageObservation> api_usage{};  // rows of newly taken log files
  /// Calls in newly taken log files that no known session explains.
  std::vector<collectors::ActivityWithoutLoginObservation> activity_without_login{};
};

/// One drifted item of an enforcement cycle, as the other consumers (the alert rules) see
/// it: plain strings, so that alerts/ need not include remediation/ (the daemon converts).
struct DriftEvent {
  enum class Outcome {
    kReported,   // observe mode, alert-only kind, kind not enforced, user unavailable
    kRestored,   // enforce mode: the write that puts it back succeeded
    kFailed,     // enforce mode: the write failed or its outcome is unknown
    kPaused,     // flapping: enforcement of this item is paused
    kOverBound,  // the cycle's drift exceeded max_changes_per_cycle: nothing applied
  };
  std::string user{};  // the integration user it concerns; "" for permission-set
                       // contents, sharing rules and org-wide defaults
  std::string kind{};  // remediation::ToString(DriftKind), e.g. "missing_public_group_membership"
  std::string key{};   // stable across cycles (remediation::DriftItem::key)
  std::string subject{};  // username, permission set or object
  std::string item{};     // the set / group / permission / field / rule
  std::string expected{};
  std::string actual{};
  std::string changed_by{};  // actor's username from the audit trail; "" when unknown
  std::optional<collectors::Time> changed_at{};
  std::string disposition{};  // remediation::ToString(Disposition): "enforce", "alert_only", ...
  Outcome outcome = Outcome::kReported;
  std::string error{};  // why it failed; empty otherwise
};
std::string_view ToString(DriftEvent::Outcome outcome);  // "reported", "restored", ...

/// The drift found by one comparison of an org's permission state with its baseline
/// (after every full permission read); `items` empty means the org matches its baseline
/// (so open drift alerts resolve).
struct DriftCycle {
  std::string org{};
  collectors::Time read_at{};
  std::vector<DriftEvent> items{};
};

/// THE HOOK POINT for the consumers that do not exist yet (alert rules, drift engine):
/// implement this and pass it to the OrgMonitor (the daemon's Runtime keeps the list).
/// Called on the io_context thread after the observations are persisted and the metrics
/// updated, in the order the sinks were given. A sink must not block; it must not throw
/// (an exception is logged and counted, and the remaining sinks still run). Borrowed:
/// sinks outlive every monitor they are given to.
class ObservationSink {
 public:
  virtual ~ObservationSink() = default;
  /// After every poll that brought something new (not called for an empty poll).
  virtual void OnObservations(const NewObservations& observations) = 0;
  /// After every successful full permission read.
  virtual void OnPermissions(std::string_view org,
                             const collectors::PermissionSnapshot& snapshot) = 0;
  /// After every drift comparison (see DriftCycle), in enforce mode after the writes.
  virtual void OnDrift(const DriftCycle& /*cycle*/) {}
};

/// Tunables the tests shorten; the defaults are for production.
struct MonitorOptions {
  /// Delay before retrying a failed permission read (or login): doubles from `retry_min`
  /// up to `retry_max`, with jitter.
  std::chrono::milliseconds retry_min{std::chrono::seconds(5)};
  std::chrono::milliseconds retry_max{std::chrono::minutes(5)};
  /// How long processed LoginHistory/SetupAuditTrail Ids are remembered: far longer than
  /// any read overlap (collectors::OrgTarget::read_overlap).
  std::chrono::hours seen_record_retention{std::chrono::hours(72)};
  /// Shared by the daemon's monitors: how many start reads run at once (borrowed; must
  /// outlive the monitor). Null: no limit.
  StartReadLimit* start_reads = nullptr;
};

/// Watches one org until Stop(). Built from the org's config (a copy); it owns the org's
/// HTTP transport and Salesforce client (one per org, so a slow, failing or rate-limited
/// org never delays another) and its metric children (removed on Stop).
///
/// Lives on the daemon's io_context thread; not thread-safe. Borrows `ioc`, `registry`,
/// `store`, `families` and the sinks, which must outlive it. After Stop() the object must
/// stay alive until `on_done` (given to Start) has been called: an in-flight request is
/// not cancelled, only its result is dropped.
class OrgMonitor {
 public:
  OrgMonitor(boost::asio::io_context& ioc, prometheus::Registry& registry, StateStore& store,
             CollectorFamilies& families, std::vector<ObservationSink*> sinks, OrgConfig org,
             MonitorOptions options = {});
  ~OrgMonitor();
  OrgMonitor(const OrgMonitor&) = delete;
  OrgMonitor& operator=(const OrgMonitor&) = delete;

  /// Starts the monitor's coroutine; `on_done` is called (on the io_context) once it has
  /// finished after Stop().
  void Start(std::function<void()> on_done);
  /// Stops polling: cancels the wait, drops the result of any in-flight request, removes
  /// the org's metric children. Idempotent.
  void Stop();

  /// The org's config as the monitor started with it, but only its connection settings
  /// (name, login, auth, budget, schedule, timeouts, retention): its integration users,
  /// expected actors, permission sets, sharing rules and org-wide defaults are left empty
  /// (the monitor keeps them in its baseline). MonitorFingerprint covers those.
  const OrgConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A fingerprint of what a monitor of `org` depends on besides its Secrets: login, auth
/// settings, a hash of the private key file's content, budget, schedule, watched names.
/// A SHA-256 in hex; never printed (it covers the key).
std::string MonitorFingerprint(const OrgConfig& org);

/// True when a monitor running `running` (whose fingerprint was taken at its start) must
/// be restarted for `next`: the fingerprint or a secret (client id, client secret) changed.
bool MonitorNeedsRestart(const OrgConfig& running, const std::string& running_fingerprint,
                         const OrgConfig& next);

}  // namespace sfwarden::daemon
