// orgs[]: login, auth, mode, budgets, poll intervals, enforcement and integration users,
// plus the checks that span entries (duplicate names, undefined permission sets, groups
// no baseline declares).

#include <algorithm>
#include <cctype>
#include <set>

#include "collectors/target.h"
#include "daemon/detail/config_enums.h"
#include "daemon/detail/config_secret.h"
#include "daemon/detail/config_sections.h"
#include "daemon/detail/config_text.h"

namespace sfwarden::daemon::detail {
namespace {

bool IsOrgName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

// Salesforce usernames have the form of an email address: name@domain.
bool IsUsername(std::string_view name) {
  const auto at = name.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < name.size() &&
         name.find('@', at + 1) == std::string_view::npos &&
         std::none_of(name.begin(), name.end(),
                      [](char c) { return std::isspace(static_cast<unsigned char>(c)); });
}

std::string Where(const std::string& path, YamlNode node) {
  return path + ", line " + std::to_string(Context::LineOf(node));
}

void ReadLoginUrl(const MapReader& org, std::string& out) {
  std::string text;
  if (!org.Require("login_url") || !org.String("login_url", text)) return;
  Context& ctx = org.ctx();
  const YamlNode at = *org.Get("login_url");
  const std::string path = org.PathOf("login_url");
  auto url = ParseUrl(text);
  if (!url) {
    ctx.Error(at, path, "'" + text + "' " + url.error());
    return;
  }
  if (url->scheme != "https" && !(url->scheme == "http" && url->IsLoopback())) {
    ctx.Error(at, path,
              "must use https (http is allowed only for loopback hosts: 127.0.0.0/8, localhost, "
              "[::1])");
    return;
  }
  if (url->has_userinfo || url->has_query_or_fragment || (!url->path.empty() && url->path != "/")) {
    ctx.Error(at, path,
              "must be just scheme://host[:port], e.g. https://acme.my.salesforce.com (no path, "
              "query or credentials)");
    return;
  }
  const bool v6 = url->host.find(':') != std::string::npos;
  out = url->scheme + "://" + (v6 ? "[" + url->host + "]" : url->host) +
        (url->port ? ":" + std::to_string(url->port) : "");
}

void ReadApiVersion(const MapReader& org, std::string& out) {
  std::string text;
  if (!org.String("api_version", text)) return;
  // "62.0"; a bare "62" is accepted and normalised.
  std::string major =
      text.size() > 2 && text.ends_with(".0") ? text.substr(0, text.size() - 2) : text;
  const bool digits =
      !major.empty() && major.size() <= 3 && std::all_of(major.begin(), major.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c));
      });
  if (!digits || std::stoi(major) < 31) {
    org.ctx().Error(*org.Get("api_version"), org.PathOf("api_version"),
                    "'" + text + "' is not an API version like \"62.0\" (31.0 or later)");
    return;
  }
  out = major + ".0";
}

void ReadAuth(Context& ctx, YamlNode node, const std::string& path, AuthConfig& auth) {
  MapReader map(ctx, node, path,
                {"flow", "client_id", "client_id_file", "username", "private_key_file", "audience",
                 "client_secret", "client_secret_file"});
  map.Enum<AuthFlow>("flow", auth.flow, kAuthFlowNames);
  if (map.is_map() && !map.Has("client_id") && !map.Has("client_id_file")) {
    ctx.Error(node, path, "missing required key 'client_id' or 'client_id_file'");
  }
  if (auto id = ReadSecretField(map, "client_id", "client_id_file", /*inline_allowed=*/true)) {
    auth.client_id = std::move(*id);
  }
  const auto only_for = [&](std::string_view key, std::string_view flow) {
    if (const YamlNode* value = map.Get(key)) {
      ctx.Error(*value, map.PathOf(key),
                "is only used with flow " + std::string(flow) + ", not " +
                    std::string(ToString(auth.flow)));
      return false;
    }
    return true;
  };
  if (auth.flow == AuthFlow::kJwtBearer) {
    only_for("client_secret", "client_credentials");
    only_for("client_secret_file", "client_credentials");
    if (map.Require("username") && map.String("username", auth.username) &&
        !IsUsername(auth.username)) {
      ctx.Error(*map.Get("username"), map.PathOf("username"),
                "'" + auth.username + "' is not a Salesforce username (name@domain)");
    }
    map.String("audience", auth.audience);
    if (map.Require("private_key_file")) {
      if (auto key = ReadPath(map, "private_key_file")) {
        if (auto problem = CheckPrivateKeyFile(*key, ctx.getenv)) {
          ctx.Error(*map.Get("private_key_file"), map.PathOf("private_key_file"), *problem);
        }
        auth.private_key_file = *key;
      }
    }
  } else {
    // Optional here: the connected app's Run As user, which sfwarden's calls (and writes)
    // are made as. Knowing it lets the alert rules recognise sfwarden's own changes in
    // the setup audit trail; without it they look like changes by an unexpected actor.
    if (map.String("username", auth.username) && !IsUsername(auth.username)) {
      ctx.Error(*map.Get("username"), map.PathOf("username"),
                "'" + auth.username + "' is not a Salesforce username (name@domain)");
    }
    if (map.is_map() && !map.Has("username")) {
      ctx.Warning(node, path + ".username",
                  "not set: with client_credentials, name the connected app's Run As user "
                  "here, or sfwarden's own changes will be alerted as made by an unexpected "
                  "actor");
    }
    only_for("private_key_file", "jwt_bearer");
    only_for("audience", "jwt_bearer");
    if (map.is_map() && !map.Has("client_secret") && !map.Has("client_secret_file")) {
      ctx.Error(node, path, "missing required key 'client_secret_file'");
    }
    if (auto secret =
            ReadSecretField(map, "client_secret", "client_secret_file", /*inline_allowed=*/false)) {
      auth.client_secret = std::move(*secret);
    }
  }
}

// `enforce: [permission_sets, groups, ...]` (the org's, or a user's own); nullopt when an
// item is wrong (each error reported).
std::optional<std::vector<EnforceKind>> ReadEnforceKinds(Context& ctx, YamlNode list,
                                                         const std::string& path) {
  const auto items = ReadList(ctx, list, path);
  std::vector<EnforceKind> kinds;
  bool ok = true;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto kind = ReadEnum<EnforceKind>(ctx, items[i], IndexPath(path, i), kEnforceKindNames);
    if (!kind) {
      ok = false;
    } else if (std::find(kinds.begin(), kinds.end(), *kind) == kinds.end()) {
      kinds.push_back(*kind);
    }
  }
  if (!ok || !(list.IsSequence() || list.IsNull())) return std::nullopt;
  return kinds;
}

void ReadEnforcement(Context& ctx, YamlNode node, const std::string& path, EnforcementConfig& out) {
  MapReader map(ctx, node, path, {"max_changes_per_cycle", "enforce", "flapping"});
  map.Int("max_changes_per_cycle", out.max_changes_per_cycle, 1, 10000);
  if (const YamlNode* list = map.Get("enforce")) {
    if (auto kinds = ReadEnforceKinds(ctx, *list, map.PathOf("enforce"))) out.enforce = *kinds;
  }
  if (const YamlNode* flapping = map.Get("flapping")) {
    MapReader f(ctx, *flapping, map.PathOf("flapping"), {"window", "threshold"});
    f.Duration("window", out.flapping.window);
    f.Int("threshold", out.flapping.threshold, 2, 1000);
  }
}

void ReadLoginHours(Context& ctx, YamlNode node, const std::string& path, LoginHoursConfig& out) {
  MapReader map(ctx, node, path, {"tz", "from", "to", "days"});
  if (map.String("tz", out.tz) && !IsKnownTimeZone(out.tz)) {
    ctx.Error(*map.Get("tz"), map.PathOf("tz"),
              "unknown time zone '" + out.tz +
                  "' (an IANA name from /usr/share/zoneinfo such as Europe/Paris, or UTC)");
  }
  bool times_ok = true;
  for (const auto& [key, field] : {std::pair{"from", &out.from}, std::pair{"to", &out.to}}) {
    std::string text;
    if (!map.String(key, text)) {
      times_ok = times_ok && !map.Has(key);
      continue;
    }
    auto value = ParseClockTime(text);
    if (!value) {
      ctx.Error(*map.Get(key), map.PathOf(key),
                "'" + text + "' is not a time of day HH:MM between 00:00 and 24:00");
      times_ok = false;
      continue;
    }
    *field = *value;
  }
  if (out.from.count() == 24 * 60) {
    ctx.Error(*map.Get("from"), map.PathOf("from"), "from cannot be 24:00");
  } else if (times_ok && out.from == out.to) {
    ctx.Error(map.Has("to") ? *map.Get("to") : node, path,
              "from and to are equal, so the window is empty (use 00:00 to 24:00 for all day)");
  }
  if (const YamlNode* days = map.Get("days")) {
    static constexpr EnumName<unsigned> kDays[] = {{"sun", 0}, {"mon", 1}, {"tue", 2}, {"wed", 3},
                                                   {"thu", 4}, {"fri", 5}, {"sat", 6}};
    const auto items = ReadList(ctx, *days, map.PathOf("days"));
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (auto day = ReadEnum<unsigned>(ctx, items[i], IndexPath(map.PathOf("days"), i), kDays)) {
        if (std::find(out.days.begin(), out.days.end(), std::chrono::weekday(*day)) ==
            out.days.end()) {
          out.days.emplace_back(*day);
        }
      }
    }
  }
}

void ReadBaseline(Context& ctx, YamlNode node, const std::string& path, BaselineConfig& out) {
  MapReader map(ctx, node, path,
                {"profile", "permission_sets", "exclusive_permission_sets", "permission_set_groups",
                 "public_groups", "exclusive_public_groups"});
  std::string profile;
  if (map.String("profile", profile)) {
    if (profile.empty()) {
      ctx.Error(*map.Get("profile"), map.PathOf("profile"), "must not be empty");
    } else {
      out.profile = profile;
    }
  }
  for (const auto& [key, list] : {std::pair{"permission_sets", &out.permission_sets},
                                  std::pair{"permission_set_groups", &out.permission_set_groups},
                                  std::pair{"public_groups", &out.public_groups}}) {
    if (!map.StringList(key, *list)) continue;
    const YamlNode items = *map.Get(key);
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string& name = (*list)[i];
      if (!IsApiName(name)) {
        ctx.Error(items[i], IndexPath(map.PathOf(key), i),
                  "'" + name + "' is not an API name (a letter, then letters, digits and '_')");
      }
      for (std::size_t j = 0; j < i; ++j) {
        if ((*list)[j] == name) {
          ctx.Error(
              items[i], IndexPath(map.PathOf(key), i),
              "'" + name + "' is listed twice (first at " + IndexPath(map.PathOf(key), j) + ")");
          break;
        }
      }
    }
  }
  map.Bool("exclusive_permission_sets", out.exclusive_permission_sets);
  map.Bool("exclusive_public_groups", out.exclusive_public_groups);
}

void ReadUser(Context& ctx, YamlNode node, const std::string& path, Mode org_mode,
              IntegrationUserConfig& user) {
  MapReader map(ctx, node, path,
                {"username", "allowed_ips", "login_hours", "expected_login_every",
                 "api_daily_budget", "thresholds", "mode", "enforce", "baseline"});
  if (map.Require("username") && map.String("username", user.username) &&
      !IsUsername(user.username)) {
    ctx.Error(*map.Get("username"), map.PathOf("username"),
              "'" + user.username + "' is not a Salesforce username (name@domain)");
  }
  if (const YamlNode* ips = map.Get("allowed_ips")) {
    const auto items = ReadList(ctx, *ips, map.PathOf("allowed_ips"));
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string item_path = IndexPath(map.PathOf("allowed_ips"), i);
      auto text = ReadString(ctx, items[i], item_path);
      if (!text) continue;
      auto range = alerts::IpRange::Parse(*text);
      if (!range) {
        ctx.Error(items[i], item_path, "bad CIDR '" + *text + "': " + range.error());
      } else {
        user.allowed_ips.push_back(*range);
      }
    }
  }
  if (const YamlNode* hours = map.Get("login_hours")) {
    user.login_hours.emplace();
    ReadLoginHours(ctx, *hours, map.PathOf("login_hours"), *user.login_hours);
  }
  Duration every{};
  if (map.Duration("expected_login_every", every)) user.expected_login_every = every;
  std::int64_t budget = 0;
  if (map.Int64("api_daily_budget", budget, 1, 1'000'000'000)) user.api_daily_budget = budget;
  if (const YamlNode* thresholds = map.Get("thresholds")) {
    MapReader t(ctx, *thresholds, map.PathOf("thresholds"),
                {"failed_login_burst", "api_budget_warning"});
    if (const YamlNode* burst = t.Get("failed_login_burst")) {
      MapReader b(ctx, *burst, t.PathOf("failed_login_burst"), {"count", "window"});
      b.Int("count", user.thresholds.failed_login_burst.count, 1, 100000);
      b.Duration("window", user.thresholds.failed_login_burst.window);
    }
    t.Ratio("api_budget_warning", user.thresholds.api_budget_warning);
  }
  user.mode = org_mode;
  map.Enum<Mode>("mode", user.mode, kModeNames);
  if (const YamlNode* list = map.Get("enforce")) {
    user.enforce = ReadEnforceKinds(ctx, *list, map.PathOf("enforce"));
  }
  if (const YamlNode* baseline = map.Get("baseline")) {
    ReadBaseline(ctx, *baseline, map.PathOf("baseline"), user.baseline);
  }
}

// Names a user's baseline uses must be defined in the org: permission sets under
// permission_sets. Groups that sharing rules use should be in some baseline (warning).
void CheckReferences(Context& ctx, YamlNode org_node, const std::string& org_path,
                     const OrgConfig& org) {
  std::vector<std::string_view> defined;
  for (const auto& [name, set] : org.permission_sets) defined.push_back(name);
  const YamlNode users = Lookup(org_node, "integration_users");
  std::set<std::string> baseline_groups;
  for (std::size_t u = 0; u < org.integration_users.size(); ++u) {
    const auto& baseline = org.integration_users[u].baseline;
    baseline_groups.insert(baseline.public_groups.begin(), baseline.public_groups.end());
    const YamlNode list = Lookup(Lookup(Lookup(users, u), "baseline"), "permission_sets");
    for (std::size_t i = 0; i < baseline.permission_sets.size(); ++i) {
      const std::string& name = baseline.permission_sets[i];
      if (org.permission_sets.count(name)) continue;
      std::string message =
          "permission set '" + name + "' is not defined under " + org_path + ".permission_sets";
      if (auto guess = DidYouMean(name, defined)) message += "; did you mean '" + *guess + "'?";
      ctx.Error(
          Lookup(list, i),
          IndexPath(IndexPath(org_path + ".integration_users", u) + ".baseline.permission_sets", i),
          message);
    }
  }
  const YamlNode rules_node = Lookup(org_node, "sharing_rules");
  for (const auto& [object, rules] : org.sharing_rules) {
    for (std::size_t r = 0; r < rules.size(); ++r) {
      const auto& rule = rules[r];
      const std::string rule_path = IndexPath(ChildPath(org_path + ".sharing_rules", object), r);
      const YamlNode rule_node = Lookup(Lookup(rules_node, object), r);
      for (const auto& [key, target] : {std::pair{"shared_to", std::optional(rule.shared_to)},
                                        std::pair{"owned_by", rule.owned_by}}) {
        if (!target || target->kind != SharingTarget::Kind::kGroup || target->name.empty()) {
          continue;
        }
        if (baseline_groups.count(target->name)) continue;
        ctx.Warning(Lookup(Lookup(rule_node, key), "group"), rule_path + "." + key + ".group",
                    "group '" + target->name +
                        "' is in no integration user's baseline.public_groups, so sfwarden does "
                        "not check who is in it");
      }
    }
  }
}

// ObjectPermissions.PermissionsViewAllFields exists from API 63.0 on
// (collectors/target.h): at an older version sfwarden can neither read nor
// write it, so a baseline declaring it could never be held.
void CheckViewAllFields(Context& ctx, YamlNode node, const std::string& path,
                        const OrgConfig& org) {
  if (collectors::ReadsViewAllFields(org.api_version)) return;
  for (const auto& [name, set] : org.permission_sets) {
    for (const auto& [object, access] : set.objects) {
      if (!access.view_all_fields) continue;
      ctx.Error(node, ChildPath(ChildPath(path, name) + ".objects", object),
                "view_all_fields needs api_version \"" +
                    std::to_string(collectors::kViewAllFieldsApiVersion) +
                    ".0\" or later (ObjectPermissions.PermissionsViewAllFields); this org uses \"" +
                    org.api_version + "\"");
    }
  }
}

}  // namespace

void ReadOrgs(Context& ctx, YamlNode node, std::vector<OrgConfig>& orgs) {
  const auto items = ReadList(ctx, node, "orgs");
  // First occurrence of each org name and username, for duplicate messages.
  std::map<std::string, std::pair<std::string, YamlNode>> org_names;
  std::map<std::string, std::pair<std::string, YamlNode>> all_usernames;  // across orgs
  for (std::size_t o = 0; o < items.size(); ++o) {
    const std::string path = IndexPath("orgs", o);
    MapReader map(ctx, items[o], path,
                  {"name", "login_url", "api_version", "auth", "mode", "api_budget", "poll",
                   "request_timeout", "api_usage_retention", "seen_ip_retention",
                   "journal_retention", "enforcement", "expected_actors", "integration_users",
                   "permission_sets", "sharing_rules", "org_wide_defaults"});
    OrgConfig org;
    if (map.Require("name") && map.String("name", org.name)) {
      const YamlNode at = *map.Get("name");
      if (!IsOrgName(org.name)) {
        ctx.Error(at, map.PathOf("name"),
                  "'" + org.name +
                      "' must be letters, digits, '_', '-' or '.' (it is the org "
                      "label of every metric)");
      } else if (auto [first, inserted] = org_names.try_emplace(org.name, map.PathOf("name"), at);
                 !inserted) {
        ctx.Error(at, map.PathOf("name"),
                  "duplicate org name '" + org.name + "' (first at " +
                      Where(first->second.first, first->second.second) + ")");
      }
    }
    ReadLoginUrl(map, org.login_url);
    ReadApiVersion(map, org.api_version);
    if (map.Require("auth")) ReadAuth(ctx, *map.Get("auth"), map.PathOf("auth"), org.auth);
    map.Enum<Mode>("mode", org.mode, kModeNames);
    if (const YamlNode* budget = map.Get("api_budget")) {
      MapReader b(ctx, *budget, map.PathOf("api_budget"),
                  {"max_daily_share", "stop_below_remaining"});
      if (b.Ratio("max_daily_share", org.api_budget.max_daily_share) &&
          org.api_budget.max_daily_share == 0.0) {
        ctx.Error(*b.Get("max_daily_share"), b.PathOf("max_daily_share"),
                  "must be more than 0 (sfwarden needs some API calls to work)");
      }
      b.Ratio("stop_below_remaining", org.api_budget.stop_below_remaining);
    }
    if (const YamlNode* poll = map.Get("poll")) {
      MapReader p(
          ctx, *poll, map.PathOf("poll"),
          {"logins", "audit_trail", "limits", "oauth_tokens", "api_usage_logs", "full_reconcile"});
      p.Duration("logins", org.poll.logins);
      p.Duration("audit_trail", org.poll.audit_trail);
      p.Duration("limits", org.poll.limits);
      p.Duration("oauth_tokens", org.poll.oauth_tokens);
      p.Duration("api_usage_logs", org.poll.api_usage_logs);
      p.Duration("full_reconcile", org.poll.full_reconcile);
    }
    // Under a second would fail healthy calls on a slow network; over ten minutes leaves a
    // hung org's sources looking healthy for longer than any poll interval an operator uses.
    if (map.Duration("request_timeout", org.request_timeout) &&
        (org.request_timeout < std::chrono::seconds(1) ||
         org.request_timeout > std::chrono::minutes(10))) {
      ctx.Error(*map.Get("request_timeout"), map.PathOf("request_timeout"),
                "must be between 1s and 10m");
    }
    if (map.Duration("api_usage_retention", org.api_usage_retention) &&
        org.api_usage_retention < std::chrono::days(1)) {
      ctx.Error(*map.Get("api_usage_retention"), map.PathOf("api_usage_retention"),
                "must be at least 1d (usage is kept per day)");
    }
    // Pruning runs about hourly, and a shorter memory would turn every IP of an
    // integration that logs in daily into a "new" IP, or empty the journal before anyone
    // could roll an entry back.
    for (auto [key, value] : {std::pair{"seen_ip_retention", &org.seen_ip_retention},
                              std::pair{"journal_retention", &org.journal_retention}}) {
      if (map.Duration(key, *value) && *value < std::chrono::days(1)) {
        ctx.Error(*map.Get(key), map.PathOf(key), "must be at least 1d");
      }
    }
    map.StringList("expected_actors", org.expected_actors);
    if (const YamlNode* enforcement = map.Get("enforcement")) {
      ReadEnforcement(ctx, *enforcement, map.PathOf("enforcement"), org.enforcement);
    }
    if (const YamlNode* sets = map.Get("permission_sets")) {
      ReadPermissionSets(ctx, *sets, map.PathOf("permission_sets"), org.permission_sets);
      CheckViewAllFields(ctx, *sets, map.PathOf("permission_sets"), org);
    }
    if (const YamlNode* rules = map.Get("sharing_rules")) {
      ReadSharingRules(ctx, *rules, map.PathOf("sharing_rules"), org.sharing_rules);
    }
    if (const YamlNode* owd = map.Get("org_wide_defaults")) {
      ReadOrgWideDefaults(ctx, *owd, map.PathOf("org_wide_defaults"), org.org_wide_defaults);
    }
    if (const YamlNode* users = map.Get("integration_users")) {
      const std::string users_path = map.PathOf("integration_users");
      const auto user_nodes = ReadList(ctx, *users, users_path);
      std::map<std::string, std::pair<std::string, YamlNode>> usernames;  // this org
      for (std::size_t u = 0; u < user_nodes.size(); ++u) {
        IntegrationUserConfig user;
        const std::string user_path = IndexPath(users_path, u);
        ReadUser(ctx, user_nodes[u], user_path, org.mode, user);
        if (!user.username.empty() && user_nodes[u].IsMap()) {
          const YamlNode at = Lookup(user_nodes[u], "username");
          const std::string name_path = user_path + ".username";
          if (auto [first, inserted] = usernames.try_emplace(user.username, name_path, at);
              !inserted) {
            ctx.Error(at, name_path,
                      "duplicate username '" + user.username + "' (first at " +
                          Where(first->second.first, first->second.second) + ")");
          } else if (auto [other, fresh] = all_usernames.try_emplace(user.username, name_path, at);
                     !fresh) {
            ctx.Warning(at, name_path,
                        "username '" + user.username + "' is also declared at " +
                            Where(other->second.first, other->second.second) +
                            "; Salesforce usernames are unique across orgs");
          }
        }
        org.integration_users.push_back(std::move(user));
      }
    }
    if (map.is_map()) CheckReferences(ctx, items[o], path, org);
    orgs.push_back(std::move(org));
  }
}

}  // namespace sfwarden::daemon::detail
