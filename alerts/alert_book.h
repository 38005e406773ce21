#pragma once
// The alert lifecycle: findings of the rules (alerts/rules.h) become alerts identified by
// their labels (fingerprint), fire, and resolve — event alerts after a hold time,
// condition alerts when an evaluation of their scope no longer finds them. Pure and
// clock-injected; the daemon persists what changes and notifies the receivers.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "alerts/rules.h"

namespace sfwarden::alerts {

using Labels = std::map<std::string, std::string>;

struct Alert {
  Labels labels;       // alertname, org, user, severity, ...: the identity
  Labels annotations;  // summary, description (the latest evidence)
  std::string fingerprint;
  bool firing = true;
  Time starts_at{};
  /// Firing: when an event alert resolves by itself (nullopt for a condition alert).
  /// Resolved: when it resolved.
  std::optional<Time> ends_at;
  /// Last time it was sent to the Alertmanagers (re-sent every resend interval).
  std::optional<Time> last_sent;

  bool is_event() const { return firing && ends_at.has_value(); }
};

/// Hex FNV-1a 64 of the sorted labels: stable across restarts and versions.
std::string Fingerprint(const Labels& labels);

/// What a call changed: alerts that started firing, alerts that resolved (to notify), and
/// the fingerprints of every alert whose stored form changed (to persist).
struct Transitions {
  std::vector<Alert> fired;
  std::vector<Alert> resolved;
  std::vector<std::string> changed;
  bool empty() const { return fired.empty() && resolved.empty() && changed.empty(); }
};

/// All alerts of the daemon, firing and resolved (kept: their identities are bounded by the
/// configuration, and a re-fire reuses the entry). Not thread-safe (io_context thread).
class AlertBook {
 public:
  /// `event_hold`: how long an event alert stays firing after its last occurrence.
  explicit AlertBook(Duration event_hold) : event_hold_(event_hold) {}

  /// Takes alerts loaded from the state store, as they were: no transitions.
  void Restore(std::vector<Alert> alerts);
  Transitions Apply(const Findings& findings, Time now);
  /// Resolves event alerts whose hold time has passed.
  Transitions Expire(Time now);
  /// Records that `fingerprint` was sent to the Alertmanagers at `now`.
  void MarkSent(const std::string& fingerprint, Time now);

  const std::map<std::string, Alert>& alerts() const { return alerts_; }
  const Alert* Find(const std::string& fingerprint) const;

 private:
  void Fire(const Anomaly& anomaly, bool event, Time now, Transitions& out);
  void Resolve(Alert& alert, Time now, Transitions& out);

  Duration event_hold_;
  std::map<std::string, Alert> alerts_;  // by fingerprint
};

}  // namespace sfwarden::alerts
