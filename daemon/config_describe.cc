// DescribeConfig: the summary `sfwarden check-config` prints. It reads only non-secret
// fields: no client id, client secret, webhook URL or signing secret is ever formatted.

#include <sstream>

#include "daemon/config.h"
#include "daemon/detail/config_text.h"

namespace sfwarden::daemon {
namespace {

std::string Percent(double ratio) {
  std::ostringstream out;
  out << ratio * 100 << "%";
  return out.str();
}

template <class List>
std::string JoinNames(const List& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "none" : out;
}

std::string DescribeUser(const IntegrationUserConfig& user) {
  std::ostringstream out;
  out << "    user " << user.username << ": mode " << ToString(user.mode);
  if (user.allowed_ips.empty()) {
    out << ", any IP";
  } else {
    out << ", IPs ";
    std::vector<std::string> ranges;
    for (const auto& range : user.allowed_ips) ranges.push_back(range.ToString());
    out << JoinNames(ranges);
  }
  if (user.login_hours) {
    out << ", login hours " << detail::FormatClockTime(user.login_hours->from) << "-"
        << detail::FormatClockTime(user.login_hours->to) << " " << user.login_hours->tz;
  }
  if (user.expected_login_every) {
    out << ", dormant after " << FormatDuration(*user.expected_login_every);
  }
  if (user.api_daily_budget) out << ", " << *user.api_daily_budget << " API calls/day";
  out << "\n      baseline: profile " << user.baseline.profile.value_or("(any)")
      << "; permission sets " << JoinNames(user.baseline.permission_sets)
      << (user.baseline.exclusive_permission_sets ? " (exclusive)" : "") << "; groups "
      << JoinNames(user.baseline.public_groups)
      << (user.baseline.exclusive_public_groups ? " (exclusive)" : "") << "\n";
  return out.str();
}

}  // namespace

std::string DescribeConfig(const Config& config) {
  std::ostringstream out;
  out << "config " << config.file.string() << ": " << config.orgs.size()
      << (config.orgs.size() == 1 ? " org" : " orgs") << "\n";
  out << "global: listen " << config.global.listen_address << ", state dir "
      << config.global.state_dir.string() << ", log " << config.global.log_level << "/"
      << config.global.log_format << "\n";
  for (const OrgConfig& org : config.orgs) {
    out << "org " << org.name << ": " << org.login_url << ", API v" << org.api_version << ", auth "
        << ToString(org.auth.flow);
    if (org.auth.flow == AuthFlow::kJwtBearer) out << " as " << org.auth.username;
    out << ", mode " << ToString(org.mode) << ", request timeout "
        << FormatDuration(org.request_timeout) << "\n";
    out << "  poll: logins " << FormatDuration(org.poll.logins) << ", audit_trail "
        << FormatDuration(org.poll.audit_trail) << ", limits " << FormatDuration(org.poll.limits)
        << ", oauth_tokens " << FormatDuration(org.poll.oauth_tokens) << ", api_usage_logs "
        << FormatDuration(org.poll.api_usage_logs) << ", full_reconcile "
        << FormatDuration(org.poll.full_reconcile) << "\n";
    out << "  api budget: at most " << Percent(org.api_budget.max_daily_share)
        << " of the daily allowance, pause below " << Percent(org.api_budget.stop_below_remaining)
        << " remaining\n";
    std::vector<std::string_view> kinds;
    for (EnforceKind kind : org.enforcement.enforce) kinds.push_back(ToString(kind));
    out << "  enforcement: " << JoinNames(kinds) << "; at most "
        << org.enforcement.max_changes_per_cycle << " changes per cycle\n";
    out << "  " << org.integration_users.size() << " integration user"
        << (org.integration_users.size() == 1 ? "" : "s") << ", " << org.permission_sets.size()
        << " permission set" << (org.permission_sets.size() == 1 ? "" : "s");
    std::size_t rules = 0;
    for (const auto& [object, list] : org.sharing_rules) rules += list.size();
    out << ", " << rules << " sharing rule" << (rules == 1 ? "" : "s") << ", "
        << org.org_wide_defaults.size() << " org-wide default"
        << (org.org_wide_defaults.size() == 1 ? "" : "s") << "\n";
    for (const auto& user : org.integration_users) out << DescribeUser(user);
  }
  std::size_t slack = 0;
  for (const auto& hook : config.alerting.webhooks) slack += hook.format == WebhookFormat::kSlack;
  out << "alerting: " << config.alerting.alertmanager.size() << " alertmanager, "
      << config.alerting.webhooks.size() << " webhook"
      << (config.alerting.webhooks.size() == 1 ? "" : "s") << " (" << slack
      << " slack), resend every " << FormatDuration(config.alerting.resend_interval) << "\n";
  for (const auto& warning : config.warnings) out << warning.ToString() << "\n";
  return out.str();
}

}  // namespace sfwarden::daemon
