#include "alerts/alert_book.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <set>

namespace sfwarden::alerts {
namespace {

std::string Label(const Alert& alert, const std::string& name) {
  auto it = alert.labels.find(name);
  return it == alert.labels.end() ? std::string() : it->second;
}

}  // namespace

std::string Fingerprint(const Labels& labels) {
  std::uint64_t hash = 14695981039346656037ull;
  auto mix = [&](std::string_view text) {
    for (unsigned char c : text) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
    hash ^= 0xff;  // separator: ("ab","c") differs from ("a","bc")
    hash *= 1099511628211ull;
  };
  for (const auto& [name, value] : labels) {  // std::map: sorted by name
    mix(name);
    mix(value);
  }
  return fmt::format("{:016x}", hash);
}

void AlertBook::Restore(std::vector<Alert> alerts) {
  for (auto& a : alerts) {
    std::string fp = a.fingerprint;
    alerts_[fp] = std::move(a);
  }
}

const Alert* AlertBook::Find(const std::string& fingerprint) const {
  auto it = alerts_.find(fingerprint);
  return it == alerts_.end() ? nullptr : &it->second;
}

void AlertBook::MarkSent(const std::string& fingerprint, Time now) {
  if (auto it = alerts_.find(fingerprint); it != alerts_.end()) it->second.last_sent = now;
}

void AlertBook::Fire(const Anomaly& anomaly, bool event, Time now, Transitions& out) {
  Labels labels = anomaly.Labels();
  std::string fp = Fingerprint(labels);
  Labels annotations = {{"summary", anomaly.summary}, {"description", anomaly.description}};
  auto [it, inserted] = alerts_.try_emplace(fp);
  Alert& a = it->second;
  const bool was_firing = !inserted && a.firing;
  if (!was_firing) {
    a = Alert{.labels = std::move(labels),
              .annotations = {},
              .fingerprint = fp,
              .firing = true,
              // An event's own time when it is older (a login found a poll later).
              .starts_at = event ? std::min(anomaly.at, now) : now,
              .ends_at = std::nullopt,
              .last_sent = std::nullopt};
  }
  // The hold counts from when sfwarden learnt of the event: ApiTotalUsage rows arrive a
  // day late, and must still be seen firing.
  if (event) a.ends_at = std::max(a.ends_at.value_or(now), now + event_hold_);
  const bool annotations_changed = a.annotations != annotations;
  a.annotations = std::move(annotations);
  if (!was_firing) {
    out.fired.push_back(a);
    out.changed.push_back(fp);
  } else if (annotations_changed || event) {
    out.changed.push_back(fp);
  }
}

void AlertBook::Resolve(Alert& alert, Time now, Transitions& out) {
  alert.firing = false;
  alert.ends_at = now;
  alert.last_sent.reset();  // the resolution itself must be sent
  out.resolved.push_back(alert);
  out.changed.push_back(alert.fingerprint);
}

Transitions AlertBook::Apply(const Findings& findings, Time now) {
  Transitions out;
  for (const auto& e : findings.events) Fire(e, /*event=*/true, now, out);
  for (const auto& c : findings.conditions) {
    std::set<std::string> active;
    for (const auto& a : c.active) {
      Fire(a, /*event=*/false, now, out);
      active.insert(Fingerprint(a.Labels()));
    }
    for (auto& [fp, alert] : alerts_) {
      if (!alert.firing || alert.is_event() || active.count(fp)) continue;
      if (Label(alert, "org") != c.org || !c.alertnames.count(Label(alert, "alertname"))) continue;
      if (c.user && Label(alert, "user") != *c.user) continue;
      Resolve(alert, now, out);
    }
  }
  // An alert both fired and resolved in one call was only ever noted once.
  std::sort(out.changed.begin(), out.changed.end());
  out.changed.erase(std::unique(out.changed.begin(), out.changed.end()), out.changed.end());
  return out;
}

Transitions AlertBook::Expire(Time now) {
  Transitions out;
  for (auto& [fp, alert] : alerts_) {
    if (alert.is_event() && *alert.ends_at <= now) Resolve(alert, now, out);
  }
  return out;
}

}  // namespace sfwarden::alerts
