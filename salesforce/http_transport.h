#pragma once
// HTTPS over Boost.Beast + OpenSSL with C++20 coroutines: TLS 1.2+, peer and host name
// verification against the system trust store (plus an optional CA file), SNI,
// keep-alive reuse per host, connect/read/overall deadlines, a response size cap, gzip
// responses, and HTTPS_PROXY via CONNECT (NO_PROXY honoured). Plain http:// is accepted
// only for loopback hosts (tests, demo), unless TransportOptions::allow_plain_http.
//
// Errors: a refused certificate (untrusted chain, wrong host name) is kTransport with
// error_code "CERTIFICATE_VERIFY_FAILED". ApiError::request_sent tells failures after the
// request was written from those before (DNS, connect, TLS, proxy). A pooled connection
// found dead is retried once on a fresh one only for replayable requests.
//
// Cancellation: CancelAll() (shutdown) ends every Send() in flight promptly with
// ErrorKind::kCancelled, whatever step it is in (resolving, connecting, TLS, writing,
// reading), and refuses later ones the same way.
//
// Lives on one io_context thread; not thread-safe. Several Send() coroutines may run at
// once; each takes its own connection. Beast stays in the .cc (pimpl).

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "salesforce/transport.h"

namespace boost::asio {
class io_context;
}

namespace sfwarden::salesforce {

struct TransportOptions {
  // DNS + TCP connect together; then again for the proxy CONNECT and the TLS handshake.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds read_timeout{std::chrono::seconds(60)};  // each write/read step
  std::chrono::milliseconds total_timeout{std::chrono::minutes(3)};  // whole exchange
  std::size_t max_body_bytes = 32u << 20;                            // buffered (decoded) bodies
  std::size_t max_stream_bytes = 2048u << 20;                        // bodies handed to a BodySink
  // Extra trust anchors (PEM), optional. Transports with the same ca_file share one TLS
  // context (salesforce/detail/tls_client_context.h).
  std::string ca_file;
  // http://[user:password@]proxy:port, "" for none. The credentials (percent-encoded) go
  // only into Proxy-Authorization: Basic on CONNECT; never into errors or logs.
  std::string https_proxy;
  std::string no_proxy;  // see detail::BypassesProxy
  std::size_t max_idle_per_host = 4;
  std::chrono::seconds max_idle{std::chrono::seconds(50)};
  std::string user_agent = "sfwarden";
  // Plain http:// to any host, not only loopback. Never for Salesforce: for receivers the
  // operator configured with an explicit http:// URL (an Alertmanager on the LAN).
  bool allow_plain_http = false;

  /// Test seam for name resolution (empty: getaddrinfo). Called on the io_context thread
  /// with host and port; calls `done` with numeric addresses (an empty list: the name
  /// does not resolve) at any later time on that thread, or never. The connect timeout
  /// bounds the wait either way.
  using ResolveDone = std::function<void(std::vector<std::string> addresses)>;
  std::function<void(const std::string& host, const std::string& port, ResolveDone done)>
      resolve_for_test;
};

/// HTTPS_PROXY/https_proxy and NO_PROXY/no_proxy from the environment into `options`.
TransportOptions WithProxyFromEnvironment(TransportOptions options);

class HttpTransport final : public Transport {
 public:
  /// Throws std::runtime_error if `options.ca_file` cannot be loaded or the proxy URL is
  /// malformed (configuration errors).
  HttpTransport(boost::asio::io_context& ioc, TransportOptions options);
  ~HttpTransport() override;
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  boost::asio::awaitable<tl::expected<HttpResponse, ApiError>> Send(HttpRequest request,
                                                                    BodySink sink = {}) override;
  /// Closes pooled idle connections (shutdown).
  void CloseIdle();
  /// Shutdown: every Send() in flight ends promptly (once the io_context runs its
  /// handlers) with kCancelled, request_sent telling whether the request had been
  /// written; later Send() calls fail the same way at once. Idle connections are closed.
  /// Cannot be undone: make a new transport to talk to the org again.
  void CancelAll();
  bool cancelled() const;
  /// Connections opened so far (for tests of keep-alive reuse).
  std::size_t connections_opened() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sfwarden::salesforce
