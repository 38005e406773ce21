#pragma once
// A small HTTP/1.1 server for /metrics and the health endpoints (Boost.Beast inside;
// this header stays free of Beast so its users compile fast).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace sfwarden::daemon {

class WebSecurity;

struct HttpRequest {
  std::string method;
  std::string target;  // path and query, as sent
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::string allow;  // the Allow header for 405 answers
};

/// Handlers are plain functions so they are tested without sockets. They run on the
/// io_context thread and must not block.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

/// Where to listen: an IP literal and a port.
struct ListenAddress {
  std::string host;  // "127.0.0.1", "::1", "0.0.0.0" or "::"
  uint16_t port = 0;
};

/// Parses "127.0.0.1:9847", "[::1]:9847", "localhost:9847" or ":9847" (all
/// interfaces, as Prometheus exporters accept). Host names other than localhost are
/// refused: resolving would block, and a listen address should be explicit.
/// Throws std::invalid_argument with a message naming the problem.
ListenAddress ParseListenAddress(std::string_view text);

/// Serves `handler` on one listening socket. Every connection is its own coroutine
/// with a deadline on each read and write, so a slow or stuck client only holds its
/// own socket; at most kMaxConnections are open at once (more are closed at accept).
/// With a WebSecurity (the --web.config.file), connections speak TLS when it has a
/// context, and every request must pass its basic auth (401 otherwise) before it reaches
/// `handler`.
/// Lives on the io_context thread; Stop() closes the acceptor and every connection.
class HttpServer {
 public:
  static constexpr int kMaxConnections = 64;

  /// Binds and listens at once (throws std::runtime_error — a boost::system::system_error
  /// — when the address is taken or not available), then accepts on `ioc`.
  HttpServer(boost::asio::io_context& ioc, const ListenAddress& address, HttpHandler handler,
             std::shared_ptr<WebSecurity> security = nullptr);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  /// The bound port (useful with port 0).
  uint16_t port() const;
  /// Replaces TLS and auth for connections accepted from now on (SIGHUP); nullptr: plain
  /// HTTP without auth.
  void SetSecurity(std::shared_ptr<WebSecurity> security);
  void Stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace sfwarden::daemon
