// LoadConfig: reads the file, walks global/orgs/alerting, and throws every problem at once.

#include "daemon/config.h"

#include <yaml-cpp/exceptions.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <tuple>

#include "daemon/detail/config_enums.h"
#include "daemon/detail/config_secret.h"
#include "daemon/detail/config_sections.h"
#include "daemon/detail/config_text.h"
#include "daemon/detail/yaml_reader.h"

namespace sfwarden::daemon {
namespace fs = std::filesystem;
using detail::Context;
using detail::MapReader;
using detail::YamlNode;

std::string_view ToString(Mode v) { return detail::NameOf(detail::kModeNames, v); }
std::string_view ToString(AuthFlow v) { return detail::NameOf(detail::kAuthFlowNames, v); }
std::string_view ToString(EnforceKind v) { return detail::NameOf(detail::kEnforceKindNames, v); }
std::string_view ToString(WebhookFormat v) {
  return detail::NameOf(detail::kWebhookFormatNames, v);
}
std::string_view ToString(SharingAccess v) {
  return detail::NameOf(detail::kSharingAccessNames, v);
}
std::string_view ToString(RelatedAccess v) {
  return detail::NameOf(detail::kRelatedAccessNames, v);
}
std::string_view ToString(SharingModel v) { return detail::NameOf(detail::kSharingModelNames, v); }
std::string_view ToString(SharingTarget::Kind v) {
  return detail::NameOf(detail::kSharingTargetNames, v);
}

bool EnforcementConfig::Enforces(EnforceKind kind) const {
  return std::find(enforce.begin(), enforce.end(), kind) != enforce.end();
}

std::string ConfigDiagnostic::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!path.empty()) out += path + ": ";
  if (severity == Severity::kWarning) out += "warning: ";
  out += message;
  return out;
}

namespace {

std::string JoinDiagnostics(const std::vector<ConfigDiagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) {
    if (!out.empty()) out += '\n';
    out += d.ToString();
  }
  return out;
}

}  // namespace

ConfigError::ConfigError(std::vector<ConfigDiagnostic> diagnostics)
    : std::runtime_error(JoinDiagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

namespace detail {

bool IsApiName(std::string_view name) {
  return !name.empty() && std::isalpha(static_cast<unsigned char>(name[0])) &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
         });
}

std::optional<fs::path> ReadPath(const MapReader& map, std::string_view key) {
  std::string text;
  if (!map.String(key, text)) return std::nullopt;
  if (text.empty()) {
    map.ctx().Error(*map.Get(key), map.PathOf(key), "must not be empty");
    return std::nullopt;
  }
  fs::path path(text);
  if (path.is_relative()) path = map.ctx().base_dir / path;
  return path.lexically_normal();
}

std::optional<Secret> ReadSecretField(const MapReader& map, std::string_view key,
                                      std::string_view file_key, bool inline_allowed) {
  Context& ctx = map.ctx();
  if (map.AtMostOne({key, file_key}) > 1) return std::nullopt;
  if (const YamlNode* value = map.Get(key)) {
    if (!inline_allowed && !(value->IsScalar() && IsSingleVarReference(value->Scalar()))) {
      // Never echo the value: it is the secret.
      ctx.Error(*value, map.PathOf(key),
                "inline secrets are not allowed; put it in a file and use " +
                    std::string(file_key) + " (or write " + std::string(key) + ": ${ENV_VAR})");
      return std::nullopt;
    }
    std::string text;
    if (!map.String(key, text)) return std::nullopt;
    if (text.empty()) {
      ctx.Error(*value, map.PathOf(key), "is empty");
      return std::nullopt;
    }
    return Secret(std::move(text));
  }
  if (!map.Has(file_key)) return std::nullopt;
  auto path = ReadPath(map, file_key);
  if (!path) return std::nullopt;
  auto content = ReadSecretFile(*path, ctx.getenv);
  if (!content) {
    ctx.Error(*map.Get(file_key), map.PathOf(file_key), content.error());
    return std::nullopt;
  }
  return Secret(std::move(*content));
}

namespace {

// "host:port", "[v6]:port" or ":port" (all interfaces).
bool IsListenAddress(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) return false;
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  int port = -1;
  const char* end = port_text.data() + port_text.size();
  auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
  if (port_text.empty() || ec != std::errc() || ptr != end || port < 0 || port > 65535) {
    return false;
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    auto address = alerts::IpAddress::Parse(host.substr(1, host.size() - 2));
    return address && address->is_v6();
  }
  return host.find(':') == std::string_view::npos &&
         std::all_of(host.begin(), host.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
         });
}

void ReadStringChoice(const MapReader& map, std::string_view key, std::string& out,
                      std::span<const std::string_view> allowed) {
  const YamlNode* value = map.Get(key);
  if (!value) return;
  auto text = ReadString(map.ctx(), *value, map.PathOf(key));
  if (!text) return;
  if (std::find(allowed.begin(), allowed.end(), *text) == allowed.end()) {
    ReportBadEnum(map.ctx(), *value, map.PathOf(key), *text,
                  std::vector<std::string_view>(allowed.begin(), allowed.end()));
    return;
  }
  out = *text;
}

void ReadGlobal(Context& ctx, YamlNode node, GlobalConfig& global) {
  MapReader map(ctx, node, "global", {"listen_address", "state_dir", "log"});
  if (const YamlNode* value = map.Get("listen_address")) {
    std::string text;
    if (map.String("listen_address", text)) {
      if (IsListenAddress(text)) {
        global.listen_address = text;
      } else {
        ctx.Error(*value, map.PathOf("listen_address"),
                  "'" + text + "' is not host:port (e.g. 127.0.0.1:9847, [::1]:9847, :9847)");
      }
    }
  }
  if (auto dir = ReadPath(map, "state_dir")) global.state_dir = *dir;
  if (const YamlNode* log_node = map.Get("log")) {
    MapReader log(ctx, *log_node, map.PathOf("log"), {"level", "format"});
    ReadStringChoice(log, "level", global.log_level, kLogLevels);
    ReadStringChoice(log, "format", global.log_format, kLogFormats);
  }
}

// Scheme and host of an alerting URL, reported without echoing it (webhook URLs are
// credentials).
bool CheckReceiverUrl(Context& ctx, YamlNode at, const std::string& path, const std::string& text) {
  auto url = ParseUrl(text);
  std::string problem;
  if (!url) {
    problem = "URL " + url.error();
  } else if (url->scheme != "http" && url->scheme != "https") {
    problem = "URL must start with http:// or https://";
  }
  if (problem.empty()) return true;
  ctx.Error(at, path, problem);
  return false;
}

void ReadAlerting(Context& ctx, YamlNode node, AlertingConfig& alerting) {
  MapReader map(ctx, node, "alerting",
                {"alertmanager", "webhooks", "resend_interval", "resolve_events_after",
                 "learning_period", "org_api_usage_warning", "org_api_usage_critical"});
  map.Duration("resend_interval", alerting.resend_interval);
  map.Duration("resolve_events_after", alerting.resolve_events_after);
  map.Duration("learning_period", alerting.learning_period, /*allow_zero=*/true);
  map.Ratio("org_api_usage_warning", alerting.org_api_usage_warning);
  if (map.Ratio("org_api_usage_critical", alerting.org_api_usage_critical) &&
      alerting.org_api_usage_critical < alerting.org_api_usage_warning) {
    ctx.Error(*map.Get("org_api_usage_critical"), map.PathOf("org_api_usage_critical"),
              "must not be below org_api_usage_warning");
  }
  if (const YamlNode* list = map.Get("alertmanager")) {
    const auto items = ReadList(ctx, *list, map.PathOf("alertmanager"));
    for (std::size_t i = 0; i < items.size(); ++i) {
      MapReader am(ctx, items[i], IndexPath(map.PathOf("alertmanager"), i), {"url", "timeout"});
      AlertmanagerConfig receiver;
      am.Duration("timeout", receiver.timeout);
      if (am.Require("url") && am.String("url", receiver.url)) {
        if (CheckReceiverUrl(ctx, *am.Get("url"), am.PathOf("url"), receiver.url)) {
          if (ParseUrl(receiver.url)->has_userinfo) {
            ctx.Error(*am.Get("url"), am.PathOf("url"),
                      "credentials in the URL are not allowed (they would be logged)");
          }
        }
      }
      alerting.alertmanager.push_back(std::move(receiver));
    }
  }
  if (const YamlNode* list = map.Get("webhooks")) {
    const auto items = ReadList(ctx, *list, map.PathOf("webhooks"));
    for (std::size_t i = 0; i < items.size(); ++i) {
      MapReader hook(ctx, items[i], IndexPath(map.PathOf("webhooks"), i),
                     {"url", "url_file", "format", "secret", "secret_file", "timeout"});
      WebhookConfig receiver;
      hook.Enum<WebhookFormat>("format", receiver.format, kWebhookFormatNames);
      hook.Duration("timeout", receiver.timeout);
      if (!hook.Has("url") && !hook.Has("url_file") && hook.is_map()) {
        ctx.Error(hook.node(), hook.path(), "missing required key 'url' or 'url_file'");
      }
      if (auto url = ReadSecretField(hook, "url", "url_file", /*inline_allowed=*/true)) {
        const char* key = hook.Has("url") ? "url" : "url_file";
        CheckReceiverUrl(ctx, *hook.Get(key), hook.PathOf(key), url->Reveal());
        receiver.url = std::move(*url);
      }
      receiver.secret = ReadSecretField(hook, "secret", "secret_file", /*inline_allowed=*/false);
      alerting.webhooks.push_back(std::move(receiver));
    }
  }
}

}  // namespace
}  // namespace detail

Config LoadConfig(const fs::path& file) { return LoadConfig(file, LoadOptions{}); }

Config LoadConfig(const fs::path& file, const LoadOptions& options) {
  Context ctx;
  ctx.file = file.string();
  ctx.base_dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  ctx.getenv = options.getenv ? options.getenv : [](const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
  const auto fail_with = [&](int line, int column, std::string message) {
    ConfigDiagnostic d;
    d.file = ctx.file;
    d.line = line;
    d.column = column;
    d.message = std::move(message);
    throw ConfigError({std::move(d)});
  };

  // Parsed straight from the file: neither the text nor yaml-cpp's node graph is ever
  // held in memory whole (a 4.9 MB config made a 200 MB YAML::Node tree).
  std::ifstream in(file, std::ios::binary);
  if (!in) fail_with(0, 0, std::string("cannot read config file: ") + std::strerror(errno));
  std::unique_ptr<detail::YamlTree> tree;
  try {
    tree = std::make_unique<detail::YamlTree>(in);
  } catch (const YAML::ParserException& e) {
    fail_with(e.mark.line + 1, e.mark.column + 1, "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    fail_with(0, 0, std::string("YAML error: ") + e.what());
  }
  const YamlNode root = tree->root();
  if (root.IsNull()) fail_with(0, 0, "the file is empty; expected global, orgs and alerting");
  if (!root.IsMap()) {
    fail_with(Context::LineOf(root), root.column() + 1,
              "expected a mapping with global, orgs and alerting at the top, got " +
                  std::string(detail::KindOf(root)));
  }

  Config config;
  config.file = file;
  MapReader top(ctx, root, "", {"global", "orgs", "alerting"});
  if (const YamlNode* node = top.Get("global")) detail::ReadGlobal(ctx, *node, config.global);
  if (const YamlNode* node = top.Get("orgs")) detail::ReadOrgs(ctx, *node, config.orgs);
  if (const YamlNode* node = top.Get("alerting")) {
    detail::ReadAlerting(ctx, *node, config.alerting);
  }
  if (config.orgs.empty() && ctx.errors.empty()) {
    ctx.Warning(root, "orgs", "no orgs configured: sfwarden will watch nothing");
  }

  // Report in file order: the walk reads cross-references after their targets.
  const auto by_position = [](const ConfigDiagnostic& a, const ConfigDiagnostic& b) {
    return std::tie(a.line, a.column) < std::tie(b.line, b.column);
  };
  std::stable_sort(ctx.errors.begin(), ctx.errors.end(), by_position);
  std::stable_sort(ctx.warnings.begin(), ctx.warnings.end(), by_position);
  if (!ctx.errors.empty()) {
    std::vector<ConfigDiagnostic> all = std::move(ctx.errors);
    all.insert(all.end(), ctx.warnings.begin(), ctx.warnings.end());
    throw ConfigError(std::move(all));
  }
  config.warnings = std::move(ctx.warnings);
  return config;
}

}  // namespace sfwarden::daemon
