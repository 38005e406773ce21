#include "daemon/web_handlers.h"

#include "daemon/build_info.h"
#include "daemon/daemon_metrics.h"

namespace sfwarden::daemon {
namespace {

constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string LandingPage() {
  const auto& build = GetBuildInfo();
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>sfwarden</title></head>"
         "<body><h1>sfwarden</h1><p>Guards the Salesforce integration users of your orgs. "
         "Version " +
         std::string(build.version) +
         ".</p><ul><li><a href=\"metrics\">Metrics</a></li>"
         "<li><a href=\"-/healthy\">Health</a></li>"
         "<li><a href=\"-/ready\">Readiness</a></li></ul></body></html>\n";
}

}  // namespace

HttpResponse HandleWebRequest(const HttpRequest& request, const WebContext& context) {
  std::string_view path = request.target;
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);

  const bool known =
      path == "/" || path == "/metrics" || path == "/-/healthy" || path == "/-/ready";
  if (!known) return {404, "text/plain; charset=utf-8", "404 page not found\n", ""};
  if (request.method != "GET" && request.method != "HEAD") {
    return {405, "text/plain; charset=utf-8", "method not allowed\n", "GET, HEAD"};
  }
  if (path == "/metrics") {
    return {200, std::string(kMetricsContentType), context.metrics->Serialize(), ""};
  }
  if (path == "/-/healthy") return {200, "text/plain; charset=utf-8", "Healthy\n", ""};
  if (path == "/-/ready") {
    if (context.ready && context.ready()) return {200, "text/plain; charset=utf-8", "Ready\n", ""};
    return {503, "text/plain; charset=utf-8", "Not ready\n", ""};
  }
  return {200, "text/html; charset=utf-8", LandingPage(), ""};
}

}  // namespace sfwarden::daemon
