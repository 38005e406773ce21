#include "daemon/http_server.h"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <list>
#include <stdexcept>

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
  Impl(asio::io_context& ioc, HttpHandler h) : acceptor(ioc), handler(std::move(h)) {}

  tcp::acceptor acceptor;
  HttpHandler handler;
  std::list<beast::tcp_stream*> connections;  // borrowed from their coroutines
  bool stopping = false;

  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(beast::tcp_stream stream);
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
    asio::co_spawn(acceptor.get_executor(), Serve(beast::tcp_stream(std::move(socket))),
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

asio::awaitable<void> HttpServer::Impl::Serve(beast::tcp_stream stream) {
  auto self = shared_from_this();
  connections.push_front(&stream);
  // Unregisters the stream however this coroutine ends (a handler may throw).
  struct Registration {
    std::list<beast::tcp_stream*>& list;
    std::list<beast::tcp_stream*>::iterator it;
    ~Registration() { list.erase(it); }
  } registration{connections, connections.begin()};
  beast::flat_buffer buffer(kMaxRequestHeaderBytes + kMaxRequestBodyBytes);
  for (int served = 0; served < kMaxRequestsPerConnection && !stopping; ++served) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kMaxRequestHeaderBytes);
    parser.body_limit(kMaxRequestBodyBytes);
    boost::system::error_code ec;
    stream.expires_after(kIoTimeout);
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) break;  // closed, timed out, or too large: nothing useful to answer
    const auto& req = parser.get();
    HttpResponse res =
        handler(HttpRequest{std::string(req.method_string()), std::string(req.target())});
    http::response<http::string_body> out{static_cast<http::status>(res.status), req.version()};
    out.set(http::field::server, "sfwarden");
    out.set(http::field::content_type, res.content_type);
    if (!res.allow.empty()) out.set(http::field::allow, res.allow);
    out.keep_alive(req.keep_alive());
    if (req.method() != http::verb::head) {
      out.body() = std::move(res.body);
      out.prepare_payload();
    } else {
      out.content_length(res.body.size());
    }
    stream.expires_after(kIoTimeout);
    co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
    if (ec || !out.keep_alive()) break;
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream.close();
}

HttpServer::HttpServer(asio::io_context& ioc, const ListenAddress& address, HttpHandler handler)
    : impl_(std::make_shared<Impl>(ioc, std::move(handler))) {
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

void HttpServer::Stop() {
  if (impl_->stopping) return;
  impl_->stopping = true;
  boost::system::error_code ec;
  impl_->acceptor.close(ec);
  for (auto* stream : impl_->connections) stream->socket().close(ec);
}

}  // namespace sfwarden::daemon
