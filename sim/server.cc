#include "sim/server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>

namespace sfwarden::sim {
namespace {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

Request ToRequest(const http::request<http::string_body>& req, const std::string& peer) {
  Request r;
  r.method = std::string(req.method_string());
  r.target = std::string(req.target());
  for (const auto& field : req) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(field.value());
  }
  r.body = req.body();
  r.peer_ip = peer;
  return r;
}

Response SafeHandle(const Handler& handler, const Request& request) {
  try {
    return handler(request);
  } catch (const std::exception& e) {
    return ErrorResponse(500, "UNKNOWN_EXCEPTION",
                         std::string("sfsim internal error: ") + e.what());
  }
}

template <class Stream>
asio::awaitable<void> Serve(Stream& stream, const ServerOptions& options, const Handler& handler,
                            std::string peer) {
  beast::flat_buffer buffer;
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    beast::get_lowest_layer(stream).expires_after(
        std::chrono::seconds(options.idle_timeout_seconds));
    error_code ec;
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    Response response;
    bool keep_alive = false;
    unsigned version = 11;
    if (ec == http::error::body_limit || ec == http::error::header_limit ||
        ec == http::error::buffer_overflow) {
      response = ErrorResponse(ec == http::error::body_limit ? 413 : 431, "REQUEST_TOO_LARGE",
                               "sfsim: request exceeds its size limit");
    } else if (ec) {
      co_return;  // closed, timed out or unparseable: nothing to answer
    } else {
      const auto& req = parser.get();
      keep_alive = req.keep_alive();
      version = req.version();
      response = SafeHandle(handler, ToRequest(req, peer));
    }
    if (response.delay_ms > 0) {
      asio::steady_timer timer(co_await asio::this_coro::executor);
      timer.expires_after(std::chrono::milliseconds(response.delay_ms));
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    http::response<http::string_body> res{static_cast<http::status>(response.status), version};
    res.set(http::field::server, "sfsim");
    for (const auto& [name, value] : response.headers) res.set(name, value);
    res.body() = std::move(response.body);
    res.keep_alive(keep_alive && !response.close_after_body_bytes);
    res.prepare_payload();
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
    if (response.close_after_body_bytes) {
      // Fault: promise the whole body in Content-Length, send part of it, hang up.
      http::response_serializer<http::string_body> sr{res};
      co_await http::async_write_header(stream, sr, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      std::size_t n = std::min(*response.close_after_body_bytes, res.body().size());
      co_await asio::async_write(stream, asio::buffer(res.body().data(), n),
                                 asio::redirect_error(asio::use_awaitable, ec));
      beast::get_lowest_layer(stream).close();
      co_return;
    }
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec && (response.status == 413 || response.status == 431)) {
      // Lingering close: read and drop what the client is still sending (bounded) so
      // closing with unread data does not turn into a reset before it reads the 413.
      beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(2));
      std::size_t drained = 0;
      char sink[64 * 1024];
      while (drained < 64 * 1024 * 1024) {
        std::size_t n = co_await stream.async_read_some(
            asio::buffer(sink), asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        drained += n;
      }
      co_return;
    }
    if (ec || !res.keep_alive()) break;
  }
  error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> ServePlain(tcp::socket socket, const ServerOptions& options,
                                 const Handler& handler) {
  error_code ec;
  std::string peer = socket.remote_endpoint(ec).address().to_string();
  beast::tcp_stream stream(std::move(socket));
  co_await Serve(stream, options, handler, peer);
}

asio::awaitable<void> ServeTls(tcp::socket socket, ssl::context& ctx, const ServerOptions& options,
                               const Handler& handler) {
  error_code ec;
  std::string peer = socket.remote_endpoint(ec).address().to_string();
  beast::ssl_stream<beast::tcp_stream> stream(beast::tcp_stream(std::move(socket)), ctx);
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
  co_await stream.async_handshake(ssl::stream_base::server,
                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  co_await Serve(stream, options, handler, peer);
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor, ssl::context* tls,
                             const ServerOptions& options, const Handler& handler) {
  for (;;) {
    error_code ec;
    tcp::socket socket =
        co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;  // stopping
    if (ec) continue;  // e.g. EMFILE: drop this one, keep accepting
    auto executor = acceptor.get_executor();
    if (tls != nullptr) {
      asio::co_spawn(executor, ServeTls(std::move(socket), *tls, options, handler), asio::detached);
    } else {
      asio::co_spawn(executor, ServePlain(std::move(socket), options, handler), asio::detached);
    }
  }
}
}  // namespace

int RunServer(const ServerOptions& options, const Handler& handler,
              const std::function<void(std::uint16_t)>& on_listening) {
  asio::io_context ioc;
  std::unique_ptr<ssl::context> tls;
  if (!options.tls_cert_file.empty() || !options.tls_key_file.empty()) {
    tls = std::make_unique<ssl::context>(ssl::context::tls_server);
    tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                     ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    try {
      tls->use_certificate_chain_file(options.tls_cert_file);
      tls->use_private_key_file(options.tls_key_file, ssl::context::pem);
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot load --tls-cert/--tls-key: " + std::string(e.what()));
    }
  }
  error_code ec;
  auto address = asio::ip::make_address(options.host, ec);
  if (ec) throw std::runtime_error("bad listen address '" + options.host + "'");
  tcp::acceptor acceptor(ioc);
  tcp::endpoint endpoint(address, options.port);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(asio::socket_base::reuse_address(true));
  acceptor.bind(endpoint, ec);
  if (ec)
    throw std::runtime_error("cannot bind " + options.host + ":" + std::to_string(options.port) +
                             ": " + ec.message());
  acceptor.listen();
  on_listening(acceptor.local_endpoint().port());

  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](error_code, int) {
    acceptor.close();
    ioc.stop();  // in-flight simulator requests need no draining
  });
  asio::co_spawn(ioc, Accept(acceptor, tls.get(), options, handler), asio::detached);
  ioc.run();
  return 0;
}

}  // namespace sfwarden::sim
