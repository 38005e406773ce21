#include "daemon/org_client.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sfwarden::daemon {

std::string ReadKeyFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read private key file " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

salesforce::ClientConfig ClientConfigFor(const OrgConfig& org) {
  salesforce::ClientConfig config;
  config.org = org.name;
  config.api_version = org.api_version;
  config.auth.login_url = org.login_url;
  config.auth.client_id = org.auth.client_id.Reveal();
  if (org.auth.flow == AuthFlow::kJwtBearer) {
    config.auth.flow = salesforce::AuthConfig::Flow::kJwtBearer;
    config.auth.username = org.auth.username;
    config.auth.audience = org.auth.audience;
    config.auth.private_key_pem = ReadKeyFile(org.auth.private_key_file);
  } else {
    config.auth.flow = salesforce::AuthConfig::Flow::kClientCredentials;
    config.auth.client_secret = org.auth.client_secret.Reveal();
  }
  config.budget.max_daily_share = org.api_budget.max_daily_share;
  config.budget.stop_below_remaining = org.api_budget.stop_below_remaining;
  return config;
}

salesforce::TransportOptions TransportOptionsFor(const OrgConfig& org) {
  salesforce::TransportOptions options = salesforce::WithProxyFromEnvironment({});
  options.read_timeout = org.request_timeout;
  // Connecting never waits longer than a reply would, and a long request_timeout is not
  // cut short by the whole-exchange cap.
  options.connect_timeout = std::min(options.connect_timeout, org.request_timeout);
  options.total_timeout = std::max(options.total_timeout, org.request_timeout);
  return options;
}

}  // namespace sfwarden::daemon
