// The web config file's reader (exporter-toolkit format), on the config loader's YAML
// walker so errors look and read the same.

#include "daemon/web_config.h"

#include <yaml-cpp/exceptions.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <utility>

#include "daemon/basic_auth.h"
#include "daemon/detail/config_secret.h"
#include "daemon/detail/config_sections.h"
#include "daemon/detail/yaml_reader.h"

namespace sfwarden::daemon {
namespace fs = std::filesystem;
using detail::Context;
using detail::MapReader;
using detail::YamlNode;

namespace {

constexpr std::pair<std::string_view, ClientAuth> kClientAuthNames[] = {
    {"NoClientCert", ClientAuth::kNoClientCert},
    {"RequestClientCert", ClientAuth::kRequestClientCert},
    {"RequireAnyClientCert", ClientAuth::kRequireAnyClientCert},
    {"RequireClientCert", ClientAuth::kRequireAnyClientCert},  // the toolkit's old name
    {"VerifyClientCertIfGiven", ClientAuth::kVerifyClientCertIfGiven},
    {"RequireAndVerifyClientCert", ClientAuth::kRequireAndVerifyClientCert},
};
constexpr std::pair<std::string_view, int> kTlsVersions[] = {
    {"TLS10", 0x0301}, {"TLS11", 0x0302}, {"TLS12", 0x0303}, {"TLS13", 0x0304}};
// http_server_config.headers the toolkit allows (web/handler.go's extraHTTPHeaders).
constexpr std::string_view kHeaderNames[] = {"Content-Security-Policy", "X-Frame-Options",
                                             "X-Content-Type-Options", "X-XSS-Protection",
                                             "Strict-Transport-Security"};
// Keys of the toolkit's format that sfwarden does not implement: refused rather than
// silently ignored, since most of them tighten security.
constexpr std::string_view kUnsupportedTlsKeys[] = {"cert",
                                                    "key",
                                                    "client_ca",
                                                    "cipher_suites",
                                                    "curve_preferences",
                                                    "prefer_server_cipher_suites",
                                                    "client_allowed_sans"};

void Unsupported(Context& ctx, const MapReader& map, std::string_view key, std::string why) {
  ctx.Error(*map.Get(key), map.PathOf(key), "is not supported by sfwarden; " + std::move(why));
}

void CheckFileExists(Context& ctx, const MapReader& map, std::string_view key,
                     const fs::path& path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    ctx.Error(*map.Get(key), map.PathOf(key),
              fs::exists(path, ec) ? path.string() + " is not a regular file"
                                   : "file " + path.string() + " does not exist");
  }
}

void ReadTls(Context& ctx, YamlNode node, WebConfig& out) {
  std::vector<std::string_view> keys = {"cert_file",        "key_file",    "client_ca_file",
                                        "client_auth_type", "min_version", "max_version"};
  keys.insert(keys.end(), std::begin(kUnsupportedTlsKeys), std::end(kUnsupportedTlsKeys));
  MapReader map(ctx, node, "tls_server_config", keys);
  if (!map.is_map()) return;
  if (node.IsNull() || node.size() == 0) return;  // an empty section: no TLS, as the toolkit
  for (std::string_view key : kUnsupportedTlsKeys) {
    if (!map.Has(key)) continue;
    if (key == "cert" || key == "key" || key == "client_ca") {
      Unsupported(ctx, map, key, "put it in a file and use " + std::string(key) + "_file");
    } else if (key == "client_allowed_sans") {
      Unsupported(ctx, map, key, "restrict clients by client_ca_file instead");
    } else {
      Unsupported(ctx, map, key, "OpenSSL's defaults for TLS 1.2+ apply");
    }
  }
  WebTlsConfig tls;
  const bool has_cert = map.Require("cert_file");
  const bool has_key = map.Require("key_file");
  if (has_cert) {
    if (auto path = detail::ReadPath(map, "cert_file")) {
      tls.cert_file = *path;
      CheckFileExists(ctx, map, "cert_file", *path);
    }
  }
  if (has_key) {
    if (auto path = detail::ReadPath(map, "key_file")) {
      tls.key_file = *path;
      if (auto problem = detail::CheckPrivateFile(*path, ctx.getenv)) {
        ctx.Error(*map.Get("key_file"), map.PathOf("key_file"), *problem);
      }
    }
  }
  if (map.Has("client_ca_file")) {
    if (auto path = detail::ReadPath(map, "client_ca_file")) {
      tls.client_ca_file = *path;
      CheckFileExists(ctx, map, "client_ca_file", *path);
    }
  }
  map.Enum<ClientAuth>("client_auth_type", tls.client_auth, kClientAuthNames);
  map.Enum<int>("min_version", tls.min_version, kTlsVersions);
  map.Enum<int>("max_version", tls.max_version, kTlsVersions);
  if (tls.min_version > tls.max_version) {
    ctx.Error(node, "tls_server_config", "min_version is above max_version");
  }
  const bool verifies = tls.client_auth == ClientAuth::kVerifyClientCertIfGiven ||
                        tls.client_auth == ClientAuth::kRequireAndVerifyClientCert;
  if (!tls.client_ca_file.empty() && tls.client_auth == ClientAuth::kNoClientCert) {
    ctx.Error(*map.Get("client_ca_file"), map.PathOf("client_ca_file"),
              "client CAs are configured without a client_auth_type (use "
              "RequireAndVerifyClientCert)");
  }
  if (verifies && tls.client_ca_file.empty()) {
    ctx.Error(node, map.PathOf("client_ca_file"), "is required to verify client certificates");
  }
  if (tls.min_version < 0x0303) {
    out.warnings.push_back({ctx.file, Context::LineOf(node), 0, "tls_server_config.min_version",
                            "warning: TLS below 1.2 is obsolete",
                            ConfigDiagnostic::Severity::kWarning});
  }
  out.tls = std::move(tls);
}

void ReadUsers(Context& ctx, YamlNode node, WebConfig& out) {
  for (auto& entry : detail::ReadNamedMap(ctx, node, "basic_auth_users")) {
    const std::string path = detail::ChildPath("basic_auth_users", entry.key);
    if (entry.key.empty() || entry.key.find(':') != std::string::npos) {
      ctx.Error(entry.key_node, path, "a user name must be non-empty and without ':'");
      continue;
    }
    auto hash = detail::ReadString(ctx, entry.value, path);
    if (!hash) continue;
    if (auto problem = CheckBcryptHash(*hash)) {
      ctx.Error(entry.value, path, *problem);
      continue;
    }
    out.basic_auth_users[entry.key] = *hash;
  }
}

void ReadHttp(Context& ctx, YamlNode node, WebConfig& out) {
  MapReader map(ctx, node, "http_server_config", {"http2", "headers"});
  bool http2 = true;
  map.Bool("http2", http2);  // accepted for compatibility: sfwarden speaks HTTP/1.1 only
  const YamlNode* headers = map.Get("headers");
  if (!headers) return;
  std::vector<std::string_view> names(std::begin(kHeaderNames), std::end(kHeaderNames));
  MapReader header_map(ctx, *headers, map.PathOf("headers"), names);
  for (std::string_view name : kHeaderNames) {
    std::string value;
    if (!header_map.String(name, value) || value.empty()) continue;
    if (value.find_first_of("\r\n") != std::string::npos) {
      ctx.Error(*header_map.Get(name), header_map.PathOf(name), "must be one line");
      continue;
    }
    out.headers.emplace_back(name, value);
  }
}

}  // namespace

WebConfig LoadWebConfig(const fs::path& file, const LoadOptions& options) {
  Context ctx;
  ctx.file = file.string();
  ctx.base_dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  ctx.getenv = options.getenv ? options.getenv : [](const std::string& name) {
    const char* value = std::getenv(name.c_str());
    return value ? std::optional<std::string>(value) : std::nullopt;
  };
  const auto fail_with = [&](int line, int column, std::string message) {
    throw ConfigError({ConfigDiagnostic{ctx.file, line, column, "", std::move(message)}});
  };
  std::ifstream in(file, std::ios::binary);
  if (!in) fail_with(0, 0, std::string("cannot read web config file: ") + std::strerror(errno));
  std::unique_ptr<detail::YamlTree> tree;
  try {
    tree = std::make_unique<detail::YamlTree>(in);
  } catch (const YAML::ParserException& e) {
    fail_with(e.mark.line + 1, e.mark.column + 1, "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    fail_with(0, 0, std::string("YAML error: ") + e.what());
  }

  const YamlNode root = tree->root();
  WebConfig config;
  config.file = file;
  // An empty file is valid for the toolkit: plain HTTP, no authentication.
  MapReader top(ctx, root, "",
                {"tls_server_config", "http_server_config", "basic_auth_users", "rate_limit"});
  if (top.is_map()) {
    if (const YamlNode* node = top.Get("tls_server_config")) ReadTls(ctx, *node, config);
    if (const YamlNode* node = top.Get("http_server_config")) ReadHttp(ctx, *node, config);
    if (const YamlNode* node = top.Get("basic_auth_users")) ReadUsers(ctx, *node, config);
    if (top.Has("rate_limit")) {
      Unsupported(ctx, top, "rate_limit", "put a reverse proxy in front to rate-limit");
    }
  }
  if (!ctx.errors.empty()) throw ConfigError(std::move(ctx.errors));
  if (!config.basic_auth_users.empty() && !config.tls) {
    config.warnings.push_back({ctx.file, 0, 0, "basic_auth_users",
                               "warning: basic auth without tls_server_config sends passwords "
                               "in clear text",
                               ConfigDiagnostic::Severity::kWarning});
  }
  return config;
}

}  // namespace sfwarden::daemon
