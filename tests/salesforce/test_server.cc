#include "tests/salesforce/test_server.h"

#include <zlib.h>

// Beast 1.74's parser trips GCC 12's -Wmaybe-uninitialized (boost::optional in
// content_length_unchecked) under -fsanitize=address -O2; a false positive in Boost.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace sfwarden::salesforce::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::string Gzip(std::string_view data) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, data.size()) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

struct TestServer::Impl {
  Impl(asio::io_context& io, Handler h, std::optional<TlsFiles> tls_files)
      : ioc(io), handler(std::move(h)), acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    if (tls_files) {
      tls.emplace(ssl::context::tls_server);
      tls->use_certificate_chain_file(tls_files->cert_chain_file);
      tls->use_private_key_file(tls_files->key_file, ssl::context::pem);
    }
    asio::co_spawn(ioc, Accept(), asio::detached);
  }

  asio::awaitable<void> Accept() {
    while (true) {
      beast::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      ++accepted;
      asio::co_spawn(ioc, Serve(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> Serve(tcp::socket socket) {
    if (!tls) {
      co_await Loop(socket, socket);
      co_return;
    }
    ssl::stream<tcp::socket> stream(std::move(socket), *tls);
    beast::error_code ec;
    co_await stream.async_handshake(ssl::stream_base::server,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    co_await Loop(stream, stream.next_layer());
  }

  template <class Stream>
  asio::awaitable<void> Loop(Stream& stream, tcp::socket& socket) {
    beast::flat_buffer buffer;
    while (true) {
      beast::error_code ec;
      http::request<http::string_body> req;
      co_await http::async_read(stream, buffer, req, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      TestRequest tr;
      tr.method = std::string(req.method_string());
      tr.target = std::string(req.target());
      for (const auto& f : req) {
        std::string name(f.name_string());
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        tr.headers[name] = std::string(f.value());
      }
      tr.body = req.body();
      requests.push_back(tr);
      TestReply reply = handler(tr);
      if (reply.hang_up) {
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        co_return;
      }
      if (reply.delay.count() > 0) {
        asio::steady_timer timer(ioc);
        timer.expires_after(reply.delay);
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      }
      std::string body = reply.gzip ? Gzip(reply.body) : reply.body;
      std::string raw = "HTTP/1.1 " + std::to_string(reply.status) + " X\r\n";
      raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
      if (reply.gzip) raw += "Content-Encoding: gzip\r\n";
      for (const auto& [k, v] : reply.headers) raw += k + ": " + v + "\r\n";
      raw += "\r\n";
      bool close = reply.close_silently || !req.keep_alive();
      if (reply.close_after_body_bytes) {
        raw += body.substr(0, *reply.close_after_body_bytes);
        close = true;
      } else {
        raw += body;
      }
      co_await asio::async_write(stream, asio::buffer(raw),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec || close) {
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        co_return;
      }
    }
  }

  asio::io_context& ioc;
  Handler handler;
  tcp::acceptor acceptor;
  std::optional<ssl::context> tls;
  std::vector<TestRequest> requests;
  std::size_t accepted = 0;
};

TestServer::TestServer(asio::io_context& ioc, Handler handler, std::optional<TlsFiles> tls)
    : impl_(std::make_unique<Impl>(ioc, std::move(handler), std::move(tls))) {}
TestServer::~TestServer() {
  beast::error_code ec;
  impl_->acceptor.close(ec);
}
int TestServer::port() const { return impl_->acceptor.local_endpoint().port(); }
std::size_t TestServer::accepted() const { return impl_->accepted; }
const std::vector<TestRequest>& TestServer::requests() const { return impl_->requests; }
void TestServer::set_handler(Handler handler) { impl_->handler = std::move(handler); }

struct ConnectProxy::Impl {
  Impl(asio::io_context& io, int upstream, int refuse, std::string required)
      : ioc(io),
        upstream_port(upstream),
        refuse_status(refuse),
        required_authorization(std::move(required)),
        acceptor(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    asio::co_spawn(ioc, Accept(), asio::detached);
  }

  asio::awaitable<void> Accept() {
    while (true) {
      beast::error_code ec;
      tcp::socket socket =
          co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      asio::co_spawn(ioc, Tunnel(std::make_shared<tcp::socket>(std::move(socket))), asio::detached);
    }
  }

  static asio::awaitable<void> Pump(std::shared_ptr<tcp::socket> from,
                                    std::shared_ptr<tcp::socket> to) {
    char data[8192];
    beast::error_code ec;
    while (true) {
      std::size_t n = co_await from->async_read_some(asio::buffer(data),
                                                     asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      co_await asio::async_write(*to, asio::buffer(data, n),
                                 asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
    }
    to->shutdown(tcp::socket::shutdown_send, ec);
  }

  asio::awaitable<void> Tunnel(std::shared_ptr<tcp::socket> client) {
    beast::error_code ec;
    beast::flat_buffer buffer;
    http::request_parser<http::empty_body> parser;
    co_await http::async_read_header(*client, buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    targets.emplace_back(parser.get().target());
    authorizations.emplace_back(parser.get()[http::field::proxy_authorization]);
    int status = refuse_status;
    if (parser.get().method() != http::verb::connect) status = 405;
    if (status == 0 && !required_authorization.empty() &&
        authorizations.back() != required_authorization) {
      status = 407;
    }
    if (status != 0) {
      std::string reply = "HTTP/1.1 " + std::to_string(status) +
                          " Refused\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      co_await asio::async_write(*client, asio::buffer(reply),
                                 asio::redirect_error(asio::use_awaitable, ec));
      co_return;
    }
    auto upstream = std::make_shared<tcp::socket>(ioc);
    co_await upstream->async_connect(
        {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(upstream_port)},
        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    std::string ok = "HTTP/1.1 200 Connection established\r\n\r\n";
    co_await asio::async_write(*client, asio::buffer(ok),
                               asio::redirect_error(asio::use_awaitable, ec));
    asio::co_spawn(ioc, Pump(client, upstream), asio::detached);
    asio::co_spawn(ioc, Pump(upstream, client), asio::detached);
  }

  asio::io_context& ioc;
  int upstream_port;
  int refuse_status;
  std::string required_authorization;
  tcp::acceptor acceptor;
  std::vector<std::string> targets;
  std::vector<std::string> authorizations;
};

ConnectProxy::ConnectProxy(asio::io_context& ioc, int upstream_port, int refuse_status,
                           std::string required_authorization)
    : impl_(std::make_unique<Impl>(ioc, upstream_port, refuse_status,
                                   std::move(required_authorization))) {}
ConnectProxy::~ConnectProxy() {
  beast::error_code ec;
  impl_->acceptor.close(ec);
}
int ConnectProxy::port() const { return impl_->acceptor.local_endpoint().port(); }
const std::vector<std::string>& ConnectProxy::connect_targets() const { return impl_->targets; }
const std::vector<std::string>& ConnectProxy::authorizations() const {
  return impl_->authorizations;
}

}  // namespace sfwarden::salesforce::testing
