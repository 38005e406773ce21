#include "daemon/user_series.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace sfwarden::daemon {
namespace {

struct FamilyInfo {
  const char* name;
  const char* help;
  bool counter;
};

// Indexed by UserMetric. HELP texts say the values are cached where that applies:
// sfwarden reads Salesforce on its own schedule, not at scrape time (CONVENTIONS.md §0.7).
constexpr std::array<FamilyInfo, kUserMetrics> kFamilies = {{
    {"sfwarden_last_successful_login_timestamp_seconds",
     "LoginTime of the user's newest successful login seen.", false},
    {"sfwarden_login_source_ips",
     "Distinct source IPs the user has logged in from, since sfwarden started watching.", false},
    {"sfwarden_login_countries",
     "Distinct countries the user has logged in from, since sfwarden started watching.", false},
    {"sfwarden_user_api_calls_today",
     "API calls of the user on the current UTC day, from ApiTotalUsage event log files taken "
     "so far.",
     false},
    {"sfwarden_user_api_calls_previous_day",
     "API calls of the user on the previous UTC day, from ApiTotalUsage event log files.", false},
    {"sfwarden_user_api_calls_latest_hour",
     "API calls of the user in the newest hour an hourly ApiTotalUsage event log file was "
     "taken for (all of that hour's files so far; orgs with hourly logs only).",
     false},
    {"sfwarden_user_api_activity_without_login_total",
     "ApiTotalUsage log files (per user) with API calls of the user that no login, OAuth "
     "token use or earlier activity within 24 h before the period explains.",
     true},
    {"sfwarden_user_oauth_tokens", "OAuth tokens (OAuthToken rows) the user has.", false},
    {"sfwarden_user_oauth_tokens_issued_total",
     "OAuth tokens first seen after sfwarden started watching the org (newly issued).", true},
    {"sfwarden_user_found",
     "Whether the integration user exists in the org (last permission read).", false},
    {"sfwarden_user_active", "User.IsActive at the last permission read.", false},
    {"sfwarden_user_frozen", "UserLogin.IsFrozen at the last permission read.", false},
    {"sfwarden_user_permission_sets",
     "Permission sets and permission set groups assigned to the user (not the profile's own "
     "set).",
     false},
    {"sfwarden_user_baseline_missing",
     "Permission sets, permission set groups and public groups the user's baseline names that "
     "the user does not have.",
     false},
}};

constexpr FamilyInfo kLogins = {"sfwarden_logins_total",
                                "LoginHistory rows of integration users, by outcome and login "
                                "type (persisted: survives restarts). Cached from polls.",
                                true};
constexpr FamilyInfo kDrift = {"sfwarden_drift_items",
                               "Items differing from the baseline at the last comparison, by "
                               "user (\"\" for permission set contents, sharing rules and "
                               "org-wide defaults) and drift kind.",
                               false};

// As prometheus-cpp 1.0.1's TextSerializer: HELP verbatim, label values with \\, \" and \n
// escaped, values as printf's %.16g (it sets precision max_digits10 - 1 on the stream),
// NaN as "Nan" and infinities as "+Inf"/"-Inf".
void AppendHead(std::string& out, const FamilyInfo& f) {
  out += "# HELP ";
  out += f.name;
  out += ' ';
  out += f.help;
  out += "\n# TYPE ";
  out += f.name;
  out += f.counter ? " counter\n" : " gauge\n";
}

void AppendLabel(std::string& out, std::string_view name, std::string_view value, bool first) {
  if (!first) out += ',';
  out += name;
  out += "=\"";
  if (value.find_first_of("\\\"\n") == std::string_view::npos) {
    out += value;
  } else {
    for (char c : value) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

void AppendValue(std::string& out, double value) {
  if (std::isnan(value)) {
    out += " Nan\n";
    return;
  }
  if (std::isinf(value)) {
    out += value < 0 ? " -Inf\n" : " +Inf\n";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::general, 16);
  out += ' ';
  out.append(buf, r.ptr);
  out += '\n';
}

prometheus::ClientMetric Metric(bool counter, double value,
                                std::vector<prometheus::ClientMetric::Label> labels) {
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  if (counter) {
    m.counter.value = value;
  } else {
    m.gauge.value = value;
  }
  return m;
}

prometheus::MetricFamily Family(const FamilyInfo& f) {
  return {f.name,
          f.help,
          f.counter ? prometheus::MetricType::Counter : prometheus::MetricType::Gauge,
          {}};
}

}  // namespace

UserSeries::Org::Org(UserSeries& owner, std::string name, const std::vector<std::string>& usernames)
    : owner_(owner), name_(std::move(name)) {
  usernames_.reserve(usernames.size());
  by_name_.reserve(usernames.size());
  for (const auto& u : usernames) {
    auto it =
        std::lower_bound(by_name_.begin(), by_name_.end(), u,
                         [&](std::uint32_t i, const std::string& n) { return usernames_[i] < n; });
    if (it != by_name_.end() && usernames_[*it] == u) continue;  // configured twice
    by_name_.insert(it, static_cast<std::uint32_t>(usernames_.size()));
    usernames_.push_back(u);
  }
  rows_.resize(usernames_.size());
  configured_ = usernames_.size();
}

const UserSeries::Org::Row* UserSeries::Org::FindRow(std::string_view user) const {
  auto it =
      std::lower_bound(by_name_.begin(), by_name_.end(), user,
                       [&](std::uint32_t i, std::string_view n) { return usernames_[i] < n; });
  if (it == by_name_.end() || usernames_[*it] != user) return nullptr;
  return &rows_[*it];
}

UserSeries::Org::Row& UserSeries::Org::RowOf(std::string_view user) {
  auto it =
      std::lower_bound(by_name_.begin(), by_name_.end(), user,
                       [&](std::uint32_t i, std::string_view n) { return usernames_[i] < n; });
  if (it != by_name_.end() && usernames_[*it] == user) return rows_[*it];
  // A user the config does not name (a counter restored from the state store of an
  // earlier config): a row of its own, as prometheus-cpp would have made a child.
  by_name_.insert(it, static_cast<std::uint32_t>(usernames_.size()));
  usernames_.emplace_back(user);
  return rows_.emplace_back();
}

void UserSeries::Org::Set(std::string_view user, UserMetric metric, double value) {
  std::lock_guard lock(owner_.mutex_);
  Row& row = RowOf(user);
  const auto i = static_cast<std::size_t>(metric);
  row.values[i] = value;
  row.present |= static_cast<std::uint16_t>(1u << i);
}

void UserSeries::Org::SetMax(std::string_view user, UserMetric metric, double value) {
  std::lock_guard lock(owner_.mutex_);
  Row& row = RowOf(user);
  const auto i = static_cast<std::size_t>(metric);
  const auto bit = static_cast<std::uint16_t>(1u << i);
  if (!(row.present & bit) || value > row.values[i]) row.values[i] = value;
  row.present |= bit;
}

void UserSeries::Org::Add(std::string_view user, UserMetric metric, double delta) {
  std::lock_guard lock(owner_.mutex_);
  Row& row = RowOf(user);
  const auto i = static_cast<std::size_t>(metric);
  const auto bit = static_cast<std::uint16_t>(1u << i);
  if (!(row.present & bit)) row.values[i] = 0;
  row.values[i] += delta;
  row.present |= bit;
}

void UserSeries::Org::AddLogins(std::string_view user, std::string_view outcome,
                                std::string_view type, double delta) {
  std::lock_guard lock(owner_.mutex_);
  Row& row = RowOf(user);
  const std::uint16_t o = owner_.Intern(outcome);
  const std::uint16_t t = owner_.Intern(type);
  for (auto& c : row.logins) {
    if (c.outcome == o && c.type == t) {
      c.count += delta;
      return;
    }
  }
  row.logins.push_back({o, t, delta});
}

void UserSeries::Org::SetDrift(std::string_view user, std::string_view kind, double value) {
  std::lock_guard lock(owner_.mutex_);
  drift_[{std::string(user), std::string(kind)}] = value;
}

void UserSeries::Org::SetConfigured(UserMetric metric,
                                    const std::function<double(const std::string&)>& value) {
  std::lock_guard lock(owner_.mutex_);
  const auto i = static_cast<std::size_t>(metric);
  for (std::size_t r = 0; r < configured_; ++r) {
    rows_[r].values[i] = value(usernames_[r]);
    rows_[r].present |= static_cast<std::uint16_t>(1u << i);
  }
}

std::optional<double> UserSeries::Org::Get(std::string_view user, UserMetric metric) const {
  std::lock_guard lock(owner_.mutex_);
  const Row* row = FindRow(user);
  const auto i = static_cast<std::size_t>(metric);
  if (row == nullptr || !(row->present & (1u << i))) return std::nullopt;
  return row->values[i];
}

std::uint16_t UserSeries::Intern(std::string_view value) {
  for (std::size_t i = 0; i < interned_.size(); ++i) {
    if (interned_[i] == value) return static_cast<std::uint16_t>(i);
  }
  // Outcomes and login types are small fixed sets (collectors::ToString); the bound only
  // guards the index type.
  if (interned_.size() >= 0xffff) throw std::length_error("too many login label values");
  interned_.emplace_back(value);
  return static_cast<std::uint16_t>(interned_.size() - 1);
}

UserSeries::Org& UserSeries::AddOrg(std::string org, const std::vector<std::string>& usernames) {
  std::lock_guard lock(mutex_);
  return orgs_.emplace_back(*this, std::move(org), usernames);
}

void UserSeries::RemoveOrg(Org& org) {
  std::lock_guard lock(mutex_);
  orgs_.remove_if([&](const Org& o) { return &o == &org; });
}

void UserSeries::AppendText(std::string& out) const {
  std::lock_guard lock(mutex_);
  for (std::size_t m = 0; m < kUserMetrics; ++m) {
    const auto bit = static_cast<std::uint16_t>(1u << m);
    bool head = false;
    for (const Org& org : orgs_) {
      for (std::size_t r = 0; r < org.rows_.size(); ++r) {
        const auto& row = org.rows_[r];
        if (!(row.present & bit)) continue;
        if (!head) AppendHead(out, kFamilies[m]);
        head = true;
        out += kFamilies[m].name;
        out += '{';
        AppendLabel(out, "org", org.name_, true);
        AppendLabel(out, "user", org.usernames_[r], false);
        out += '}';
        AppendValue(out, row.values[m]);
      }
    }
  }
  bool head = false;
  for (const Org& org : orgs_) {
    for (std::size_t r = 0; r < org.rows_.size(); ++r) {
      for (const auto& c : org.rows_[r].logins) {
        if (!head) AppendHead(out, kLogins);
        head = true;
        out += kLogins.name;
        out += '{';
        AppendLabel(out, "org", org.name_, true);
        AppendLabel(out, "outcome", interned_[c.outcome], false);
        AppendLabel(out, "type", interned_[c.type], false);
        AppendLabel(out, "user", org.usernames_[r], false);
        out += '}';
        AppendValue(out, c.count);
      }
    }
  }
  head = false;
  for (const Org& org : orgs_) {
    for (const auto& [key, value] : org.drift_) {
      if (!head) AppendHead(out, kDrift);
      head = true;
      out += kDrift.name;
      out += '{';
      AppendLabel(out, "kind", key.second, true);
      AppendLabel(out, "org", org.name_, false);
      AppendLabel(out, "user", key.first, false);
      out += '}';
      AppendValue(out, value);
    }
  }
}

std::vector<prometheus::MetricFamily> UserSeries::Collect() const {
  std::lock_guard lock(mutex_);
  std::vector<prometheus::MetricFamily> out;
  for (std::size_t m = 0; m < kUserMetrics; ++m) {
    auto family = Family(kFamilies[m]);
    for (const Org& org : orgs_) {
      for (std::size_t r = 0; r < org.rows_.size(); ++r) {
        const auto& row = org.rows_[r];
        if (!(row.present & (1u << m))) continue;
        family.metric.push_back(Metric(kFamilies[m].counter, row.values[m],
                                       {{"org", org.name_}, {"user", org.usernames_[r]}}));
      }
    }
    if (!family.metric.empty()) out.push_back(std::move(family));
  }
  auto logins = Family(kLogins);
  for (const Org& org : orgs_) {
    for (std::size_t r = 0; r < org.rows_.size(); ++r) {
      for (const auto& c : org.rows_[r].logins) {
        logins.metric.push_back(Metric(true, c.count,
                                       {{"org", org.name_},
                                        {"outcome", interned_[c.outcome]},
                                        {"type", interned_[c.type]},
                                        {"user", org.usernames_[r]}}));
      }
    }
  }
  if (!logins.metric.empty()) out.push_back(std::move(logins));
  auto drift = Family(kDrift);
  for (const Org& org : orgs_) {
    for (const auto& [key, value] : org.drift_) {
      drift.metric.push_back(
          Metric(false, value, {{"kind", key.second}, {"org", org.name_}, {"user", key.first}}));
    }
  }
  if (!drift.metric.empty()) out.push_back(std::move(drift));
  return out;
}

}  // namespace sfwarden::daemon
