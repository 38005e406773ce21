#include "alerts/rules.h"

#include <fmt/format.h>
#include <time.h>

#include <algorithm>

namespace sfwarden::alerts {
namespace {

using std::chrono::days;
using std::chrono::floor;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::size_t kMaxDriftItemsListed = 10;
constexpr std::size_t kMaxFailuresKept = 10000;  // per user

std::string Or(std::string_view text, std::string_view fallback) {
  return text.empty() ? std::string(fallback) : Untrusted(text);
}

bool AllowedIp(const UserRules& user, std::string_view ip) {
  if (user.allowed_ips.empty()) return true;
  auto address = IpAddress::Parse(ip);
  if (!address) return false;  // unparsable: cannot be shown to be inside
  return std::any_of(user.allowed_ips.begin(), user.allowed_ips.end(),
                     [&](const IpRange& r) { return r.Contains(*address); });
}

std::string AllowedList(const UserRules& user) {
  std::string out;
  for (const auto& r : user.allowed_ips) out += (out.empty() ? "" : ", ") + r.ToString();
  return out;
}

bool InsideLoginHours(const LoginHours& hours, Time when) {
  const auto local = hours.tz.ToLocal(floor<seconds>(when));
  const auto day = floor<days>(local);
  const auto minute = floor<minutes>(local - day);
  std::chrono::weekday weekday{day};
  if (hours.from <= hours.to) {
    if (minute < hours.from || minute >= hours.to) return false;
  } else if (minute < hours.to) {
    weekday = std::chrono::weekday{day - days(1)};  // the window began the day before
  } else if (minute < hours.from) {
    return false;
  }
  return hours.days.empty() ||
         std::find(hours.days.begin(), hours.days.end(), weekday) != hours.days.end();
}

std::string FormatHours(const LoginHours& hours) {
  auto hhmm = [](minutes m) { return fmt::format("{:02}:{:02}", m.count() / 60, m.count() % 60); };
  std::string text = hhmm(hours.from) + "-" + hhmm(hours.to) + " " + hours.tz.name();
  if (!hours.days.empty()) {
    static constexpr const char* kNames[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    text += " on";
    for (auto d : hours.days) text += std::string(" ") + kNames[d.c_encoding()];
  }
  return text;
}

std::string LoginEvidence(const collectors::LoginObservation& l) {
  return fmt::format(
      "login at {} from {} (country {}), status \"{}\", login type \"{}\", "
      "application \"{}\"",
      FormatTime(l.time), Or(l.source_ip, "unknown IP"), Or(l.country_iso, "unknown"),
      Untrusted(l.status, 80), Untrusted(l.login_type, 80), Untrusted(l.application, 120));
}

Anomaly Make(const OrgRules& org, std::string_view alertname, std::string_view user,
             std::string_view severity, Time at, std::string summary, std::string description) {
  return Anomaly{.alertname = std::string(alertname),
                 .org = org.org,
                 .user = std::string(user),
                 .severity = std::string(severity),
                 .extra_labels = {},
                 .summary = std::move(summary),
                 .description = std::move(description),
                 .at = at};
}

std::int64_t Median(std::vector<std::int64_t> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace

const UserRules* OrgRules::FindUser(std::string_view username) const {
  for (const auto& u : users) {
    if (u.username == username) return &u;
  }
  return nullptr;
}

std::map<std::string, std::string> Anomaly::Labels() const {
  std::map<std::string, std::string> labels = extra_labels;
  labels["alertname"] = alertname;
  labels["org"] = org;
  if (!user.empty()) labels["user"] = user;
  labels["severity"] = severity;
  return labels;
}

void Findings::Append(Findings other) {
  for (auto& e : other.events) events.push_back(std::move(e));
  for (auto& c : other.conditions) conditions.push_back(std::move(c));
}

std::string Untrusted(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes) + 3);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto u = static_cast<unsigned char>(text[i]);
    const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0;
    if (u == 0xc2 && next >= 0x80 && next <= 0x9f) {
      out.push_back('?');  // a C1 control (U+0080..U+009F; U+009B is a terminal's CSI)
      ++i;
    } else {
      out.push_back(u < 0x20 || u == 0x7f ? '?' : text[i]);
    }
  }
  if (out.size() <= max_bytes) return out;
  std::size_t cut = max_bytes;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  return out + "...";
}

std::string FormatTime(Time t) {
  const auto secs = floor<seconds>(t);
  const auto ms = (t - secs).count();
  const std::time_t tt = secs.time_since_epoch().count();
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return ms == 0 ? fmt::format("{}Z", buf) : fmt::format("{}.{:03}Z", buf, ms);
}

RuleEngine::RuleEngine(OrgRules rules) : rules_(std::move(rules)) {}

Findings RuleEngine::OnLogin(const collectors::LoginObservation& login,
                             const LoginContext& context) {
  Findings f;
  const UserRules* user = rules_.FindUser(login.username);
  if (!user) return f;
  const bool success = login.outcome == collectors::LoginOutcome::kSuccess;
  const std::string evidence = LoginEvidence(login);
  const std::string& name = user->username;

  if (user->api_only && login.kind == collectors::LoginKind::kUi) {
    f.events.push_back(Make(rules_, rule::kUiLogin, name, success ? "critical" : "warning",
                            login.time,
                            fmt::format("{} {} an interactive (UI) login, but it is an API-only "
                                        "integration user",
                                        name, success ? "made" : "attempted"),
                            evidence));
  }
  const bool allowed = AllowedIp(*user, login.source_ip);
  if (!allowed) {
    f.events.push_back(Make(rules_, rule::kLoginFromDisallowedIp, name,
                            success ? "critical" : "warning", login.time,
                            fmt::format("{} {} from {}, outside its allowed IP ranges", name,
                                        success ? "logged in" : "tried to log in",
                                        Or(login.source_ip, "an unknown IP")),
                            evidence + "; allowed: " + AllowedList(*user)));
  }
  if (!success) {
    auto& times = failures_[name];
    times.insert(std::upper_bound(times.begin(), times.end(), login.time), login.time);
    const Duration window = user->failed_login_burst_window;
    // Keep what a window with a late (out-of-order) failure can still count, bounded.
    times.erase(times.begin(),
                std::lower_bound(times.begin(), times.end(), times.back() - 2 * window));
    if (times.size() > kMaxFailuresKept) {
      times.erase(times.begin(), times.end() - static_cast<std::ptrdiff_t>(kMaxFailuresKept));
    }
    // The most failures in one window [s, s + window] (both ends inclusive) that holds
    // this failure: s ranges over the failures in [t - window, t].
    std::ptrdiff_t count = 0;
    for (auto s = std::lower_bound(times.begin(), times.end(), login.time - window);
         s != times.end() && *s <= login.time; ++s) {
      count = std::max(count, std::upper_bound(s, times.end(), *s + window) - s);
    }
    if (user->failed_login_burst_count > 0 && count >= user->failed_login_burst_count) {
      f.events.push_back(Make(rules_, rule::kFailedLoginBurst, name, "warning", login.time,
                              fmt::format("{} failed logins of {} within {}s", count, name,
                                          floor<seconds>(user->failed_login_burst_window).count()),
                              "latest: " + evidence));
    }
    return f;
  }
  if (user->login_hours && !InsideLoginHours(*user->login_hours, login.time)) {
    f.events.push_back(Make(rules_, rule::kLoginOutsideHours, name, "warning", login.time,
                            fmt::format("{} logged in outside its login hours ({})", name,
                                        FormatHours(*user->login_hours)),
                            evidence));
  }
  const bool learned =
      context.watching_since && login.time >= *context.watching_since + rules_.learning_period;
  if (allowed && learned) {
    if (context.first_from_ip) {
      f.events.push_back(Make(rules_, rule::kLoginFromNewIp, name, "warning", login.time,
                              fmt::format("{} logged in from {}, an IP never seen for it", name,
                                          Or(login.source_ip, "an unknown IP")),
                              evidence));
    }
    if (context.first_from_country && !login.country_iso.empty()) {
      f.events.push_back(Make(
          rules_, rule::kLoginFromNewCountry, name, "warning", login.time,
          fmt::format("{} logged in from a new country: {}", name, Untrusted(login.country_iso, 8)),
          evidence));
    }
  }
  return f;
}

Findings RuleEngine::OnApiUsage(const std::vector<collectors::ApiUsageObservation>& usage) {
  Findings f;
  for (const auto& u : usage) {
    const UserRules* user = rules_.FindUser(u.username);
    if (!user || u.client_ip.empty() || AllowedIp(*user, u.client_ip)) continue;
    f.events.push_back(Make(
        rules_, rule::kApiCallsFromDisallowedIp, user->username, "critical", u.period_start,
        fmt::format("{} made API calls from {}, outside its allowed IP ranges (a token used "
                    "elsewhere makes no login)",
                    user->username, Untrusted(u.client_ip, 64)),
        fmt::format("{} calls in the {} ApiTotalUsage log from {}, connected app \"{}\", client "
                    "\"{}\", log file {}; allowed: {}",
                    u.calls + u.calls_not_counted, Untrusted(u.interval, 16),
                    FormatTime(u.period_start), Untrusted(u.connected_app, 120),
                    Untrusted(u.client_name, 120), Untrusted(u.log_file_id, 24),
                    AllowedList(*user))));
  }
  return f;
}

Findings RuleEngine::OnTokenIssued(const collectors::OAuthTokenObservation& token) {
  Findings f;
  const UserRules* user = rules_.FindUser(token.username);
  if (!user) return f;
  f.events.push_back(Make(rules_, rule::kOAuthTokenIssued, user->username, "warning", token.created,
                          fmt::format("a new OAuth token was issued to {} for \"{}\"",
                                      user->username, Untrusted(token.app_name, 120)),
                          fmt::format("token created at {} for connected app \"{}\"",
                                      FormatTime(token.created), Untrusted(token.app_name, 120))));
  return f;
}

Findings RuleEngine::OnActivityWithoutLogin(
    const collectors::ActivityWithoutLoginObservation& activity) {
  Findings f;
  const UserRules* user = rules_.FindUser(activity.username);
  if (!user) return f;
  auto or_none = [](const std::optional<Time>& t) { return t ? FormatTime(*t) : "none seen"; };
  f.events.push_back(Make(
      rules_, rule::kApiActivityWithoutLogin, user->username, "warning", activity.period_start,
      fmt::format("{} made API calls with no login, token use or earlier activity to explain "
                  "them (a replayed token or session makes no login)",
                  user->username),
      fmt::format("{} calls from {} to {} ({} ApiTotalUsage log file {}); last successful "
                  "login: {}; last OAuth token use: {}; last earlier activity: {}",
                  activity.calls, FormatTime(activity.period_start),
                  FormatTime(activity.period_end), Untrusted(activity.interval, 16),
                  Untrusted(activity.log_file_id, 24), or_none(activity.last_login),
                  or_none(activity.last_token_use), or_none(activity.last_activity))));
  return f;
}

Findings RuleEngine::OnAudit(const collectors::AuditObservation& entry) {
  Findings f;
  if (!entry.requires_permission_read || entry.concerns.empty()) return f;
  const std::string& actor = entry.actor_username;
  if (!actor.empty() &&
      (actor == rules_.monitoring_user || rules_.expected_actors.count(actor) > 0)) {
    return f;
  }
  std::string user;
  if (entry.concerns.usernames.size() == 1) user = *entry.concerns.usernames.begin();
  std::string concerns;
  auto list = [&](const char* what, const std::set<std::string>& names) {
    if (names.empty()) return;
    concerns += std::string(concerns.empty() ? "" : "; ") + what + ":";
    for (const auto& n : names) concerns += " " + Untrusted(n, 80);
  };
  list("users", entry.concerns.usernames);
  list("permission sets", entry.concerns.permission_sets);
  list("groups", entry.concerns.groups);
  list("objects", entry.concerns.objects);
  const std::string who =
      actor.empty() ? "unknown user " + Untrusted(entry.actor_id, 24) : Untrusted(actor, 120);
  f.events.push_back(Make(
      rules_, rule::kUnexpectedActor, user, "critical", entry.time,
      fmt::format("{} changed {} of an integration user, and is not an expected actor", who,
                  user.empty() ? "the permissions" : "the permissions of " + user),
      fmt::format(
          "{} at {}: \"{}\" (action {}, section {}{}); concerns {}", who, FormatTime(entry.time),
          Untrusted(entry.display, 300), Untrusted(entry.action, 60), Untrusted(entry.section, 60),
          entry.delegate_user.empty() ? "" : ", as delegate " + Untrusted(entry.delegate_user, 120),
          concerns)));
  return f;
}

Findings RuleEngine::OnLimits(const collectors::LimitsObservation& limits, Time now) {
  Findings f;
  auto it = limits.limits.find("DailyApiRequests");
  if (it == limits.limits.end() || it->second.value.max <= 0) return f;
  const auto& v = it->second.value;
  const double ratio = static_cast<double>(v.used()) / static_cast<double>(v.max);
  ConditionEvaluation eval{.org = rules_.org,
                           .alertnames = {std::string(rule::kOrgApiUsageHigh)},
                           .user = std::nullopt,
                           .active = {}};
  auto add = [&](const char* severity, double threshold) {
    eval.active.push_back(
        Make(rules_, rule::kOrgApiUsageHigh, "", severity, now,
             fmt::format("org {} has used {:.0f}% of its daily API requests (threshold {:.0f}%)",
                         rules_.org, ratio * 100, threshold * 100),
             fmt::format("DailyApiRequests: {} of {} used, {} remaining, at {}", v.used(), v.max,
                         v.remaining, FormatTime(limits.observed_at))));
  };
  if (ratio >= rules_.org_api_warning) add("warning", rules_.org_api_warning);
  if (ratio >= rules_.org_api_critical) add("critical", rules_.org_api_critical);
  f.conditions.push_back(std::move(eval));
  return f;
}

Findings RuleEngine::OnDailyCalls(const std::string& username,
                                  const std::vector<UserDailyCalls>& days_calls, Time now) {
  Findings f;
  const UserRules* user = rules_.FindUser(username);
  if (!user) return f;
  ConditionEvaluation eval{
      .org = rules_.org,
      .alertnames = {std::string(rule::kApiBudget), std::string(rule::kApiSpike)},
      .user = username,
      .active = {}};
  for (const auto& d : days_calls) {
    if (user->api_daily_budget && *user->api_daily_budget > 0) {
      const auto budget = *user->api_daily_budget;
      const bool over = d.calls > budget;
      if (over ||
          static_cast<double>(d.calls) >= user->api_budget_warning * static_cast<double>(budget)) {
        eval.active.push_back(
            Make(rules_, rule::kApiBudget, username, over ? "critical" : "warning", now,
                 fmt::format("{} made {} API calls on {}, {} its daily budget of {}", username,
                             d.calls, d.day, over ? "above" : "close to", budget),
                 fmt::format("{} calls on {} (UTC); budget {}, warning at {:.0f}%", d.calls, d.day,
                             budget, user->api_budget_warning * 100)));
      }
    }
    if (static_cast<int>(d.previous_days.size()) >= rules_.baseline_min_days &&
        d.calls >= rules_.baseline_min_calls) {
      const auto median = Median(d.previous_days);
      if (static_cast<double>(d.calls) > rules_.baseline_factor * static_cast<double>(median)) {
        eval.active.push_back(
            Make(rules_, rule::kApiSpike, username, "warning", now,
                 fmt::format("{} made {} API calls on {}, over {}x its recent median of {}",
                             username, d.calls, d.day, rules_.baseline_factor, median),
                 fmt::format("{} calls on {} (UTC); median of the previous {} day(s) with data: {}",
                             d.calls, d.day, d.previous_days.size(), median)));
      }
    }
  }
  f.conditions.push_back(std::move(eval));
  return f;
}

Findings RuleEngine::CheckDormant(const std::map<std::string, Time>& last_success,
                                  Time watching_since, Time now) {
  Findings f;
  ConditionEvaluation eval{.org = rules_.org,
                           .alertnames = {std::string(rule::kDormant)},
                           .user = std::nullopt,
                           .active = {}};
  for (const auto& user : rules_.users) {
    if (!user.expected_login_every) continue;
    auto it = last_success.find(user.username);
    const bool never = it == last_success.end();
    const Time since = never ? watching_since : it->second;
    if (now - since <= *user.expected_login_every) continue;
    eval.active.push_back(
        Make(rules_, rule::kDormant, user.username, "warning", now,
             fmt::format("{} has not logged in successfully for over {}s: its integration may be "
                         "broken",
                         user.username, floor<seconds>(*user.expected_login_every).count()),
             never ? fmt::format("no successful login seen since sfwarden began watching at {}",
                                 FormatTime(watching_since))
                   : fmt::format("last successful login at {}", FormatTime(since))));
  }
  f.conditions.push_back(std::move(eval));
  return f;
}

Findings RuleEngine::OnDrift(const std::vector<DriftItem>& items, Time read_at) {
  Findings f;
  ConditionEvaluation eval{
      .org = rules_.org,
      .alertnames = {std::string(rule::kDriftDetected), std::string(rule::kRemediationFailed),
                     std::string(rule::kEnforcementPaused)},
      .user = std::nullopt,
      .active = {}};
  // One alert per (alertname, severity, user, kind); the items listed in its description.
  struct Group {
    std::string alertname, severity, user, kind;
    std::vector<const DriftItem*> items;
  };
  std::map<std::tuple<std::string, std::string, std::string, std::string>, Group> groups;
  for (const auto& item : items) {
    std::string_view alertname = rule::kDriftDetected;
    std::string_view severity = "warning";
    switch (item.outcome) {
      case DriftItem::Outcome::kReported:
        break;
      case DriftItem::Outcome::kOverBound:
        severity = "critical";
        break;
      case DriftItem::Outcome::kRestored:
        alertname = rule::kDriftReverted;
        break;
      case DriftItem::Outcome::kFailed:
        alertname = rule::kRemediationFailed;
        severity = "critical";
        break;
      case DriftItem::Outcome::kPaused:
        alertname = rule::kEnforcementPaused;
        severity = "critical";
        break;
    }
    auto key = std::make_tuple(std::string(alertname), std::string(severity), item.user,
                               Untrusted(item.kind, 64));
    auto& g = groups[key];
    g.alertname = std::get<0>(key);
    g.severity = std::get<1>(key);
    g.user = item.user;
    g.kind = std::get<3>(key);
    g.items.push_back(&item);
  }
  for (const auto& [key, g] : groups) {
    std::string description;
    for (std::size_t i = 0; i < g.items.size() && i < kMaxDriftItemsListed; ++i) {
      const DriftItem& d = *g.items[i];
      description +=
          fmt::format("{}{} {}: expected {}, actual {}", i ? "\n" : "", Untrusted(d.subject, 120),
                      Untrusted(d.item, 120), Or(d.expected, "-"), Or(d.actual, "-"));
      if (!d.changed_by.empty() || d.changed_at) {
        description += fmt::format(" (changed by {}{})", Or(d.changed_by, "unknown"),
                                   d.changed_at ? " at " + FormatTime(*d.changed_at) : "");
      }
      if (!d.error.empty()) description += "; error: " + Untrusted(d.error, 200);
    }
    if (g.items.size() > kMaxDriftItemsListed) {
      description += fmt::format("\n... and {} more", g.items.size() - kMaxDriftItemsListed);
    }
    std::string what = g.user.empty() ? "org " + rules_.org : g.user;
    std::string summary;
    if (g.alertname == rule::kDriftDetected) {
      summary = fmt::format(
          "{} item(s) of {} drifted from the baseline ({}){}", g.items.size(), what, g.kind,
          g.severity == "critical" ? ": more than max_changes_per_cycle, nothing applied" : "");
    } else if (g.alertname == rule::kDriftReverted) {
      summary = fmt::format("{} drifted item(s) of {} were put back to the baseline ({})",
                            g.items.size(), what, g.kind);
    } else if (g.alertname == rule::kRemediationFailed) {
      summary = fmt::format("putting back {} drifted item(s) of {} failed ({})", g.items.size(),
                            what, g.kind);
    } else {
      summary = fmt::format(
          "enforcement of {} item(s) of {} is paused: the drift keeps coming "
          "back ({})",
          g.items.size(), what, g.kind);
    }
    Anomaly a = Make(rules_, g.alertname, g.user, g.severity, read_at, std::move(summary),
                     std::move(description));
    a.extra_labels["kind"] = g.kind;
    if (g.alertname == rule::kDriftReverted) {
      f.events.push_back(std::move(a));
    } else {
      eval.active.push_back(std::move(a));
    }
  }
  f.conditions.push_back(std::move(eval));
  return f;
}

}  // namespace sfwarden::alerts
