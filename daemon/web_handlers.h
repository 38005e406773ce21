#pragma once
// What the daemon's HTTP endpoint answers: /, /metrics, /-/healthy, /-/ready.

#include <functional>

#include "daemon/http_server.h"

namespace sfwarden::daemon {

class DaemonMetrics;

/// Borrowed collaborators of the web handlers; all outlive the server.
struct WebContext {
  const DaemonMetrics* metrics = nullptr;
  /// True once startup finished and the daemon is serving (for /-/ready).
  std::function<bool()> ready;
};

/// Routes one request. GET and HEAD only (405 with Allow otherwise); unknown paths 404.
HttpResponse HandleWebRequest(const HttpRequest& request, const WebContext& context);

}  // namespace sfwarden::daemon
