#include "daemon/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <list>
#include <stdexcept>

#include "daemon/web_security.h"

namespace sfwarden::daemon {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
// A scraper request is a request line and a few headers: anything bigger is abuse.
constexpr std::size_t kMaxRequestHeaderBytes = 8 * 1024;
constexpr std::size_t kMaxRequestBodyBytes = 1024;
constexpr auto kIoTimeout = std::chrono::seconds(10);
constexpr int kMaxRequestsPerConnection = 100;
constexpr auto kTlsShutdownTimeout = std::chrono::seconds(1);
}  // namespace

ListenAddress ParseListenAddress(std::string_view text) {
  auto fail = [&](std::string_view why) {
    throw std::invalid_argument("listen address '" + std::string(text) + "': " + std::string(why));
  };
  auto colon = text.rfind(':');
  if (colon == std::string_view::npos) fail("expected HOST:PORT, e.g. 127.0.0.1:9847");
  std::string host(text.substr(0, colon));
  std::string_view port_text = text.substr(colon + 1);
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string_view::npos) {
    fail("port must be a number from 0 to 65535");
  }
  unsigned long port = std::stoul(std::string(port_text));
  if (port > 65535) fail("port must be a number from 0 to 65535");
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    fail("an IPv6 address must be in brackets, e.g. [::1]:9847");
  }
  if (host.empty()) {
    host = "::";  // ":9847": every interface, IPv4 and IPv6 (dual-stack socket)
  } else if (host == "localhost") {
    host = "127.0.0.1";
  }
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  if (ec) fail("host must be an IP address or localhost");
  return {host, static_cast<uint16_t>(port)};
}

struct HttpServer::Impl : std::enable_shared_from_this<HttpServer::Impl> {
  Impl(asio::io_context& ioc, HttpHandler h, std::shared_ptr<WebSecurity> s)
      : acceptor(ioc), handler(std::move(h)), current_security(std::move(s)) {}

  tcp::acceptor acceptor;
  HttpHandler handler;
  std::shared_ptr<WebSecurity> current_security;  // for new connections; may be null
  std::list<tcp::socket*> connections;            // borrowed from their coroutines
  bool stopping = false;

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(beast::tcp_stream stream, std::shared_ptr<WebSecurity> security);
  template <class Stream>
  asio::awaitable<void> ServeRequests(Stream& stream, WebSecurity* security);
};

asio::awaitable<void> HttpServer::Impl::Accept() {
  auto self = shared_from_this();  // keeps Impl alive until this loop ends
  while (!stopping) {
    boost::system::error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (stopping) break;
    if (ec) {
      if (ec == asio::error::operation_aborted) break;
      spdlog::warn("http: accept failed: {}", ec.message());
      continue;
    }
    if (connections.size() >= static_cast<size_t>(kMaxConnections)) {
      socket.close(ec);  // over the bound: refuse rather than queue without limit
      continue;
    }
    asio::co_spawn(acceptor.get_executor(),
                   Serve(beast::tcp_stream(std::move(socket)), current_security),
                   [](std::exception_ptr e) {
                     if (!e) return;
                     try {
                       std::rethrow_exception(e);
                     } catch (const std::exception& ex) {
                       spdlog::error("http: connection handler failed: {}", ex.what());
                     }
                   });
  }
}

asio::awaitable<void> HttpServer::Impl::Serve(beast::tcp_stream stream,
                                              std::shared_ptr<WebSecurity> security) {
  auto self = shared_from_this();
  connections.push_front(&stream.socket());
  // Unregisters the socket however this coroutine ends (a handler may throw).
  struct Registration {
    std::list<tcp::socket*>& list;
    std::list<tcp::socket*>::iterator it;
    ~Registration() { list.erase(it); }
  } registration{connections, connections.begin()};
  boost::system::error_code ec;
  if (security && security->tls()) {
    beast::ssl_stream<beast::tcp_stream> tls(std::move(stream), *security->tls());
    *registration.it = &beast::get_lowest_layer(tls).socket();
    beast::get_lowest_layer(tls).expires_after(kIoTimeout);
    co_await tls.async_handshake(asio::ssl::stream_base::server,
                                 asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      // A plain-HTTP client, a scanner or an untrusted client certificate: nothing to say.
      spdlog::debug("http: TLS handshake failed: {}", ec.message());
    } else {
      co_await ServeRequests(tls, security.get());
      if (!stopping) {
        beast::get_lowest_layer(tls).expires_after(kTlsShutdownTimeout);
        co_await tls.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
      }
    }
    beast::get_lowest_layer(tls).socket().shutdown(tcp::socket::shutdown_both, ec);
    beast::get_lowest_layer(tls).close();
    co_return;
  }
  co_await ServeRequests(stream, security.get());
  stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream.close();
}

template <class Stream>
asio::awaitable<void> HttpServer::Impl::ServeRequests(Stream& stream, WebSecurity* security) {
  beast::flat_buffer buffer(kMaxRequestHeaderBytes + kMaxRequestBodyBytes);
  for (int served = 0; served < kMaxRequestsPerConnection && !stopping; ++served) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxRequestHeaderBytes);
    parser.body_limit(kMaxRequestBodyBytes);
    boost::system::error_code ec;
    beast::get_lowest_layer(stream).expires_after(kIoTimeout);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;  // closed, timed out, or too large: nothing useful to answer
    const auto& req = parser.get();
    HttpResponse res;
    std::string_view authorization;
    if (auto it = req.find(http::field::authorization); it != req.end()) {
      authorization = std::string_view(it->value().data(), it->value().size());
    }
    const bool authorized = !security || security->Authorize(authorization);
    if (authorized) {
      res = handler(HttpRequest{std::string(req.method_string()), std::string(req.target())});
    } else {
      res = {401, "text/plain; charset=utf-8", "Unauthorized\n", ""};
    }
    http::response<http::string_body> out{static_cast<http::status>(res.status), req.version()};
    out.set(http::field::server, "sfwarden");
    out.set(http::field::content_type, res.content_type);
    if (!res.allow.empty()) out.set(http::field::allow, res.allow);
    if (!authorized) out.set(http::field::www_authenticate, "Basic realm=\"sfwarden\"");
    if (security) {
      for (const auto& [name, value] : security->headers()) out.set(name, value);
    }
    out.keep_alive(req.keep_alive());
    if (req.method() != http::verb::head) {
      out.body() = std::move(res.body);
      out.prepare_payload();
    } else {
      out.content_length(res.body.size());
    }
    beast::get_lowest_layer(stream).expires_after(kIoTimeout);
    co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !out.keep_alive()) break;
  }
}

HttpServer::HttpServer(asio::io_context& ioc, const ListenAddress& address, HttpHandler handler,
                       std::shared_ptr<WebSecurity> security)
    : impl_(std::make_shared<Impl>(ioc, std::move(handler), std::move(security))) {
  tcp::endpoint endpoint(asio::ip::make_address(address.host), address.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  if (endpoint.address().is_v6()) acceptor.set_option(asio::ip::v6_only(false));
  acceptor.bind(endpoint);
  acceptor.listen();
  asio::co_spawn(ioc, impl_->Accept(), asio::detached);
}

HttpServer::~HttpServer() { Stop(); }

uint16_t HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::SetSecurity(std::shared_ptr<WebSecurity> security) {
  impl_->current_security = std::move(security);
}

void HttpServer::Stop() {
  if (impl_->stopping) return;
  impl_->stopping = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  for (auto* socket : impl_->connections) socket->close(ec);
}

}  // namespace sfwarden::daemon
