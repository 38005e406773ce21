#include "salesforce/http_transport.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>

#include "salesforce/detail/gzip.h"
#include "salesforce/detail/tls_client_context.h"
#include "salesforce/detail/url.h"

namespace sfwarden::salesforce {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t kReadChunk = 16384;
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
constexpr std::size_t kErrorBodyLimit = 1 << 20;  // non-2xx bodies when streaming

struct Connection {
  std::string key;
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;
  Clock::time_point idle_since;

  beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
};

// One Send() in flight: what CancelAll() has to interrupt at the step it is in.
struct Inflight {
  asio::steady_timer* resolve_wait = nullptr;  // while resolving
  beast::tcp_stream* stream = nullptr;         // connecting, proxy, TLS, exchange
};

ApiError Cancelled(const std::string& context, bool request_sent) {
  ApiError e =
      MakeError(ErrorKind::kCancelled, "cancelled: the transport is shutting down", context);
  e.request_sent = request_sent;
  return e;
}

ApiError NetError(const beast::error_code& ec, std::string_view step, const std::string& context) {
  ApiError e;
  e.context = context;
  if (ec == beast::error::timeout) {
    e.kind = ErrorKind::kTimeout;
    e.message = std::string(step) + " timed out";
  } else {
    e.kind = ErrorKind::kTransport;
    e.message = std::string(step) + " failed: " + ec.message();
  }
  return e;
}

// Not retryable: the same request would get the same body.
ApiError TooLarge(std::size_t limit, unsigned status, const std::string& context) {
  ApiError e =
      MakeError(ErrorKind::kHttp,
                "response body exceeds the " + std::to_string(limit) + "-byte limit", context);
  e.http_status = static_cast<int>(status);
  e.error_code = "RESPONSE_TOO_LARGE";
  return e;
}

const char* EnvAny(const char* a, const char* b) {
  const char* v = std::getenv(a);
  return v && *v ? v : std::getenv(b);
}

}  // namespace

TransportOptions WithProxyFromEnvironment(TransportOptions options) {
  if (const char* p = EnvAny("HTTPS_PROXY", "https_proxy")) options.https_proxy = p;
  if (const char* n = EnvAny("NO_PROXY", "no_proxy")) options.no_proxy = n;
  return options;
}

struct HttpTransport::Impl {
  Impl(asio::io_context& io, TransportOptions opts)
      : ioc(io),
        options(std::move(opts)),
        tls_context(detail::SharedTlsClientContext(options.ca_file)) {
    if (!options.https_proxy.empty()) {
      auto parsed = detail::ParseProxyUrl(options.https_proxy);
      if (!parsed) throw std::runtime_error(parsed.error().message);  // never the URL itself
      proxy = parsed->url;
      if (parsed->has_credentials()) {
        proxy_authorization = "Basic " + Base64(parsed->user + ":" + parsed->password);
      }
    }
  }

  static std::string Base64(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
  }

  // getaddrinfo with a deadline. Asio 1.74 runs it on a helper thread and cannot
  // interrupt it, so the wait is raced against a timer: on timeout the caller gets its
  // error at once, and the late answer lands in `pending` (shared with the completion
  // handler, which may outlive this coroutine) and is dropped.
  asio::awaitable<tl::expected<tcp::resolver::results_type, ApiError>> Resolve(
      const detail::Url& hop, milliseconds limit, const std::string& context, Inflight& flight) {
    struct Pending {
      explicit Pending(asio::io_context& io) : resolver(io), timer(io) {}
      tcp::resolver resolver;
      asio::steady_timer timer;
      beast::error_code ec;
      tcp::resolver::results_type results;
      bool done = false;
    };
    auto pending = std::make_shared<Pending>(ioc);
    pending->timer.expires_after(limit);
    auto answer = [pending](const beast::error_code& ec, tcp::resolver::results_type results) {
      pending->ec = ec;
      pending->results = std::move(results);
      pending->done = true;
      pending->timer.cancel();
    };
    if (options.resolve_for_test) {
      options.resolve_for_test(
          hop.host, hop.port,
          [answer, host = hop.host, port = hop.port](std::vector<std::string> addresses) {
            std::vector<tcp::endpoint> endpoints;
            for (const auto& a : addresses) {
              beast::error_code bad;
              auto address = asio::ip::make_address(a, bad);
              if (!bad)
                endpoints.emplace_back(address, static_cast<unsigned short>(std::stoi(port)));
            }
            beast::error_code ec;
            if (endpoints.empty()) ec = asio::error::host_not_found;
            answer(ec, tcp::resolver::results_type::create(endpoints.begin(), endpoints.end(), host,
                                                           port));
          });
    } else {
      pending->resolver.async_resolve(hop.host, hop.port, answer);
    }
    beast::error_code ignored;  // operation_aborted: the answer came first (or CancelAll)
    flight.resolve_wait = &pending->timer;
    co_await pending->timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
    flight.resolve_wait = nullptr;
    if (!pending->done) {
      pending->resolver.cancel();  // drops the lookup if it has not started yet
      if (cancelled) co_return tl::unexpected(Cancelled(context, false));
      co_return tl::unexpected(NetError(beast::error::timeout, "resolving " + hop.host, context));
    }
    if (pending->ec) {
      co_return tl::unexpected(NetError(pending->ec, "resolving " + hop.host, context));
    }
    co_return pending->results;
  }

  milliseconds Step(milliseconds limit, Clock::time_point deadline) const {
    auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now());
    return std::max(milliseconds(1), std::min(limit, left));
  }

  std::unique_ptr<Connection> TakeIdle(const std::string& key) {
    auto now = Clock::now();
    while (true) {
      auto it = idle.find(key);
      if (it == idle.end()) return nullptr;
      auto conn = std::move(it->second);
      idle.erase(it);
      if (now - conn->idle_since < options.max_idle && LooksAlive(*conn)) return conn;
    }
  }

  // An idle connection has nothing to read unless the server closed it (EOF, a TLS
  // close_notify) or broke protocol. Peeking without blocking catches most stale
  // connections before a request is written into them, which matters for requests that
  // cannot be sent twice.
  static bool LooksAlive(Connection& conn) {
    auto& socket = conn.lowest().socket();
    if (!socket.is_open()) return false;
    char byte;
    ssize_t n = ::recv(socket.native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

  void PutIdle(std::unique_ptr<Connection> conn) {
    if (idle.count(conn->key) >= options.max_idle_per_host) return;
    conn->idle_since = Clock::now();
    conn->buffer.clear();
    idle.emplace(conn->key, std::move(conn));
  }

  asio::awaitable<tl::expected<std::unique_ptr<Connection>, ApiError>> Connect(
      const detail::Url& url, const std::string& key, const std::string& context,
      Clock::time_point deadline, Inflight& flight) {
    auto conn = std::make_unique<Connection>();
    conn->key = key;
    bool use_proxy =
        proxy && url.scheme == "https" && !detail::BypassesProxy(url.host, options.no_proxy);
    const detail::Url& hop = use_proxy ? *proxy : url;
    beast::error_code ec;
    // The connect timeout covers resolving and connecting together.
    auto connect_deadline = std::min(deadline, Clock::now() + options.connect_timeout);
    auto endpoints =
        co_await Resolve(hop, Step(options.connect_timeout, connect_deadline), context, flight);
    if (!endpoints) co_return tl::unexpected(endpoints.error());
    ++opened;
    auto stream = std::make_unique<beast::tcp_stream>(ioc);
    flight.stream = stream.get();
    stream->expires_after(Step(options.connect_timeout, connect_deadline));
    co_await stream->async_connect(*endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return tl::unexpected(NetError(ec, "connecting to " + hop.Authority(), context));

    if (use_proxy) {
      http::request<http::empty_body> connect{http::verb::connect, url.host + ":" + url.port, 11};
      connect.set(http::field::host, url.host + ":" + url.port);
      connect.set(http::field::user_agent, options.user_agent);
      if (!proxy_authorization.empty()) {
        connect.set(http::field::proxy_authorization, proxy_authorization);
      }
      stream->expires_after(Step(options.connect_timeout, deadline));
      co_await http::async_write(*stream, connect, asio::redirect_error(asio::use_awaitable, ec));
      http::response_parser<http::empty_body> reply;
      reply.skip(true);  // a CONNECT reply has no body
      if (!ec) {
        co_await http::async_read(*stream, conn->buffer, reply,
                                  asio::redirect_error(asio::use_awaitable, ec));
      }
      if (ec) co_return tl::unexpected(NetError(ec, "proxy CONNECT", context));
      if (reply.get().result_int() != 200) {
        ApiError e = MakeError(
            ErrorKind::kTransport,
            "proxy refused CONNECT with HTTP " + std::to_string(reply.get().result_int()), context);
        co_return tl::unexpected(e);
      }
    }

    if (url.scheme == "http") {
      conn->plain = std::move(stream);
      co_return conn;
    }
    conn->tls =
        std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(*stream), *tls_context);
    flight.stream = &conn->lowest();  // `stream` was moved from
    asio::ip::make_address(url.host, ec);
    bool is_ip = !ec;
    ec = {};
    // SNI only for names (RFC 6066 §3 forbids literal addresses).
    if (!is_ip && !SSL_set_tlsext_host_name(conn->tls->native_handle(), url.host.c_str())) {
      co_return tl::unexpected(MakeError(ErrorKind::kTransport, "cannot set SNI", context));
    }
    conn->tls->set_verify_callback(ssl::host_name_verification(url.host));
    conn->lowest().expires_after(Step(options.connect_timeout, deadline));
    co_await conn->tls->async_handshake(ssl::stream_base::client,
                                        asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return tl::unexpected(HandshakeError(ec, *conn->tls, url.host, context));
    co_return conn;
  }

  // A refused certificate is told apart from other handshake failures (error_code
  // CERTIFICATE_VERIFY_FAILED) and says why: OpenSSL's verify result, or the host name
  // when the chain was fine but ssl::host_name_verification refused it.
  static ApiError HandshakeError(const beast::error_code& ec,
                                 beast::ssl_stream<beast::tcp_stream>& tls, const std::string& host,
                                 const std::string& context) {
    ApiError e = NetError(ec, "TLS handshake with " + host, context);
    if (ec.category() != asio::error::get_ssl_category() ||
        ERR_GET_REASON(static_cast<unsigned long>(ec.value())) != SSL_R_CERTIFICATE_VERIFY_FAILED) {
      return e;
    }
    e.error_code = "CERTIFICATE_VERIFY_FAILED";
    long result = SSL_get_verify_result(tls.native_handle());
    // Our host name callback refuses without setting a verify error (OpenSSL 3 then
    // reports "unspecified").
    bool name_refused = result == X509_V_OK || result == X509_V_ERR_UNSPECIFIED;
    e.message = "TLS handshake with " + host + ": certificate refused: " +
                (name_refused ? "it is not valid for host name " + host
                              : std::string(X509_verify_cert_error_string(result)));
    return e;
  }

  template <class Stream>
  asio::awaitable<tl::expected<HttpResponse, ApiError>> Exchange(
      Stream& stream, Connection& conn, const detail::Url& url, const HttpRequest& request,
      const BodySink& sink, Clock::time_point deadline, bool* got_bytes, bool* keep_alive) {
    beast::error_code ec;
    const std::string& context = request.context;
    http::request<http::string_body> req;
    req.method_string(request.method);
    req.target(url.target);
    req.version(11);
    req.set(http::field::host, url.Authority());
    req.set(http::field::user_agent, options.user_agent);
    req.set(http::field::accept_encoding, "gzip");
    for (const auto& [name, value] : request.headers) req.set(name, value);
    if (!request.body.empty() || request.method == "POST" || request.method == "PATCH" ||
        request.method == "PUT") {
      req.body() = request.body;
    }
    req.prepare_payload();
    req.keep_alive(true);

    conn.lowest().expires_after(Step(options.read_timeout, deadline));
    co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return tl::unexpected(NetError(ec, "sending the request", context));

    http::response_parser<http::buffer_body> parser;
    parser.header_limit(kHeaderLimit);
    const std::size_t raw_limit = sink ? options.max_stream_bytes : options.max_body_bytes;
    parser.body_limit(raw_limit);
    conn.lowest().expires_after(Step(options.read_timeout, deadline));
    co_await http::async_read_header(stream, conn.buffer, parser,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (conn.buffer.size() > 0 || parser.got_some()) *got_bytes = true;
    if (ec == http::error::body_limit) {  // Content-Length above the cap
      co_return tl::unexpected(TooLarge(raw_limit, parser.get().result_int(), context));
    }
    if (ec) co_return tl::unexpected(NetError(ec, "reading the response header", context));
    *got_bytes = true;

    HttpResponse response;
    response.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get()) {
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    bool to_sink = sink && response.status >= 200 && response.status < 300;
    std::size_t cap =
        to_sink ? options.max_stream_bytes : (sink ? kErrorBodyLimit : options.max_body_bytes);
    std::size_t delivered = 0;
    auto deliver = [&](std::string_view bytes) -> tl::expected<void, ApiError> {
      delivered += bytes.size();
      if (delivered > cap) return tl::unexpected(TooLarge(cap, response.status, context));
      if (to_sink) return sink(bytes);
      response.body.append(bytes);
      return {};
    };
    std::optional<detail::GzipDecoder> gzip;
    if (auto enc = response.Header("Content-Encoding"); enc && beast::iequals(*enc, "gzip")) {
      gzip.emplace();
    }

    char chunk[kReadChunk];
    std::size_t raw_bytes = 0;
    while (!parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      conn.lowest().expires_after(Step(options.read_timeout, deadline));
      co_await http::async_read(stream, conn.buffer, parser,
                                asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::need_buffer) ec = {};  // our chunk is full: consume it
      if (ec == http::error::body_limit) {
        co_return tl::unexpected(TooLarge(raw_limit, response.status, context));
      }
      if (ec) co_return tl::unexpected(NetError(ec, "reading the response body", context));
      std::string_view got(chunk, sizeof chunk - parser.get().body().size);
      if (got.empty()) continue;
      raw_bytes += got.size();
      auto fed = gzip ? gzip->Feed(got, deliver) : deliver(got);
      if (!fed) {
        if (fed.error().context.empty()) fed.error().context = context;
        co_return tl::unexpected(fed.error());
      }
    }
    if (gzip && raw_bytes > 0) {  // an empty body (204, 304) has no gzip stream
      if (auto fin = gzip->Finish(); !fin) {
        ApiError e = fin.error();
        e.context = context;
        co_return tl::unexpected(e);
      }
    }
    *keep_alive = parser.get().keep_alive();
    co_return response;
  }

  asio::awaitable<tl::expected<HttpResponse, ApiError>> Send(HttpRequest request, BodySink sink) {
    auto url = detail::ParseUrl(request.url);
    if (!url) {
      url.error().context = request.context;
      co_return tl::unexpected(url.error());
    }
    if (url->scheme == "http" && !options.allow_plain_http && !detail::IsLoopbackHost(url->host)) {
      co_return tl::unexpected(MakeError(
          ErrorKind::kTransport, "plain http is allowed only for loopback hosts", request.context));
    }
    if (cancelled) co_return tl::unexpected(Cancelled(request.context, false));
    Inflight flight;
    inflight.insert(&flight);
    struct Leave {
      ~Leave() { impl->inflight.erase(flight); }
      Impl* impl;
      Inflight* flight;
    } leave{this, &flight};
    auto deadline = Clock::now() + options.total_timeout;
    std::string key = url->scheme + "://" + url->Authority();
    for (int attempt = 0;; ++attempt) {
      auto conn = TakeIdle(key);
      bool reused = conn != nullptr;
      if (!conn) {
        auto fresh = co_await Connect(*url, key, request.context, deadline, flight);
        if (!fresh && cancelled) co_return tl::unexpected(Cancelled(request.context, false));
        if (!fresh) co_return tl::unexpected(fresh.error());
        conn = std::move(*fresh);
      }
      flight.stream = &conn->lowest();
      bool got_bytes = false;
      bool keep_alive = false;
      // No co_await inside ?: — GCC 12 miscompiles it.
      tl::expected<HttpResponse, ApiError> result;
      if (conn->tls) {
        result = co_await Exchange(*conn->tls, *conn, *url, request, sink, deadline, &got_bytes,
                                   &keep_alive);
      } else {
        result = co_await Exchange(*conn->plain, *conn, *url, request, sink, deadline, &got_bytes,
                                   &keep_alive);
      }
      flight.stream = nullptr;
      if (!result && cancelled) result = tl::unexpected(Cancelled(request.context, true));
      // A pooled connection the server closed while idle fails before any reply byte:
      // send once more on a fresh connection -- unless the request must not be repeated
      // (the server may have read and acted on it before closing).
      if (!result && !cancelled && reused && !got_bytes && attempt == 0 && request.replayable &&
          result.error().kind == ErrorKind::kTransport) {
        continue;
      }
      if (!result) result.error().request_sent = true;  // Exchange fails only after writing
      if (result && keep_alive && !cancelled) {
        PutIdle(std::move(conn));
      } else {
        beast::error_code ignored;
        conn->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        conn->lowest().close();
      }
      co_return result;
    }
  }

  asio::io_context& ioc;
  TransportOptions options;
  // Shared with every transport that trusts the same CA file (detail/tls_client_context.h).
  std::shared_ptr<ssl::context> tls_context;
  std::optional<detail::Url> proxy;
  std::string proxy_authorization;  // "Basic ..." from HTTPS_PROXY's user-info (a secret)
  std::multimap<std::string, std::unique_ptr<Connection>> idle;
  std::size_t opened = 0;
  bool cancelled = false;
  std::set<Inflight*> inflight;  // borrowed from the Send() coroutines' frames

  void CancelAll() {
    cancelled = true;
    idle.clear();
    // Closing a socket or cancelling a timer completes its pending operation with
    // operation_aborted (posted, never run inline); each Send() then sees `cancelled`.
    for (Inflight* f : inflight) {
      if (f->resolve_wait) f->resolve_wait->cancel();
      if (f->stream) f->stream->close();
    }
  }
};

HttpTransport::HttpTransport(asio::io_context& ioc, TransportOptions options)
    : impl_(std::make_unique<Impl>(ioc, std::move(options))) {}

HttpTransport::~HttpTransport() = default;

asio::awaitable<tl::expected<HttpResponse, ApiError>> HttpTransport::Send(HttpRequest request,
                                                                          BodySink sink) {
  return impl_->Send(std::move(request), std::move(sink));
}

void HttpTransport::CloseIdle() { impl_->idle.clear(); }

void HttpTransport::CancelAll() { impl_->CancelAll(); }

bool HttpTransport::cancelled() const { return impl_->cancelled; }

std::size_t HttpTransport::connections_opened() const { return impl_->opened; }

}  // namespace sfwarden::salesforce
