#pragma once
// The Salesforce client settings of one configured org, shared by the org monitor
// (`sfwarden run`) and the one-shot commands (`plan`, `apply`, `snapshot`, ...).

#include "daemon/config.h"
#include "salesforce/client.h"
#include "salesforce/http_transport.h"

namespace sfwarden::daemon {

/// The client config of `org` (reads the private key file for jwt_bearer). Throws
/// std::runtime_error when the key file cannot be read; the message names the path,
/// never the key.
salesforce::ClientConfig ClientConfigFor(const OrgConfig& org);

/// The transport settings for `org`: its request_timeout bounds each step of a call, and
/// the proxy comes from the environment.
salesforce::TransportOptions TransportOptionsFor(const OrgConfig& org);

/// The content of a private key file (the monitor fingerprints it). Throws as above.
std::string ReadKeyFile(const std::filesystem::path& path);

}  // namespace sfwarden::daemon
