#include "salesforce/http_transport.h"

#include <gtest/gtest.h>

// GCC 12 warns on designated initializers that leave members defaulted (on purpose here).
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>

#include "tests/salesforce/async_test_util.h"
#include "tests/salesforce/test_certs.h"
#include "tests/salesforce/test_server.h"

namespace sfwarden::salesforce {
namespace {
using namespace std::chrono_literals;
using testing::RunAwaitable;
using testing::TestReply;
using testing::TestRequest;
using testing::TestServer;
using Result = tl::expected<HttpResponse, ApiError>;

TransportOptions FastOptions() {
  TransportOptions o;
  o.connect_timeout = 2s;
  o.read_timeout = 2s;
  o.total_timeout = 5s;
  return o;
}

class HttpTransportTest : public ::testing::Test {
 protected:
  Result Get(HttpTransport& transport, const std::string& url, BodySink sink = {}) {
    HttpRequest request;
    request.url = url;
    request.context = "GET test";
    return RunAwaitable(ioc_, transport.Send(request, std::move(sink)));
  }
  std::string Local(const TestServer& server, const std::string& path = "/x") {
    return "http://127.0.0.1:" + std::to_string(server.port()) + path;
  }
  boost::asio::io_context ioc_;
};

TEST_F(HttpTransportTest, PlainHttpOnLoopbackReturnsStatusHeadersAndBody) {
  TestServer server(ioc_, [](const TestRequest& r) {
    return TestReply{.status = 201,
                     .headers = {{"Sforce-Limit-Info", "api-usage=1/100"}},
                     .body = "hello " + r.target};
  });
  HttpTransport transport(ioc_, FastOptions());
  HttpRequest request{
      "POST", Local(server, "/a?b=c"), {{"Authorization", "Bearer t"}}, "{}", "POST test"};
  auto r = RunAwaitable(ioc_, transport.Send(request));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->status, 201);
  EXPECT_EQ(r->body, "hello /a?b=c");
  EXPECT_EQ(r->Header("sforce-limit-info"), "api-usage=1/100");
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].headers.at("authorization"), "Bearer t");
  EXPECT_EQ(server.requests()[0].headers.at("accept-encoding"), "gzip");
  EXPECT_EQ(server.requests()[0].body, "{}");
}

TEST_F(HttpTransportTest, KeepAliveReusesOneConnection) {
  TestServer server(ioc_, [](const TestRequest&) { return TestReply{.body = "ok"}; });
  HttpTransport transport(ioc_, FastOptions());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Get(transport, Local(server)));
  EXPECT_EQ(server.accepted(), 1u);
  EXPECT_EQ(transport.connections_opened(), 1u);
}

TEST_F(HttpTransportTest, ReconnectsWhenThePooledConnectionWasClosed) {
  TestServer server(
      ioc_, [](const TestRequest&) { return TestReply{.body = "ok", .close_silently = true}; });
  HttpTransport transport(ioc_, FastOptions());
  ASSERT_TRUE(Get(transport, Local(server)));
  auto second = Get(transport, Local(server));
  ASSERT_TRUE(second) << second.error();
  EXPECT_EQ(second->body, "ok");
  EXPECT_EQ(server.accepted(), 2u);
}

TEST_F(HttpTransportTest, ANonReplayableRequestIsNotResentWhenThePooledConnectionDies) {
  int n = 0;
  // The second request is read, then the connection dies without a reply: the server may
  // have acted on it.
  TestServer server(ioc_, [&](const TestRequest&) {
    return ++n == 2 ? TestReply{.hang_up = true} : TestReply{.body = "ok"};
  });
  HttpTransport transport(ioc_, FastOptions());
  ASSERT_TRUE(Get(transport, Local(server)));
  HttpRequest create{"POST", Local(server, "/create"), {}, "{}", "POST create"};
  create.replayable = false;
  auto r = RunAwaitable(ioc_, transport.Send(create));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport);
  EXPECT_TRUE(r.error().request_sent);
  EXPECT_EQ(server.requests().size(), 2u);  // not sent again

  // The same failure for a replayable request is repeated on a fresh connection.
  n = 0;
  ASSERT_TRUE(Get(transport, Local(server)));
  auto again = Get(transport, Local(server));
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(server.requests().size(), 5u);
}

TEST_F(HttpTransportTest, FailuresBeforeSendingSayNothingWasSent) {
  HttpTransport transport(ioc_, FastOptions());
  int port = sfwarden::testing::FreePort();  // nothing listens there
  auto refused = Get(transport, "http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(refused);
  EXPECT_FALSE(refused.error().request_sent);

  TestServer server(ioc_, [](const TestRequest&) { return TestReply{.hang_up = true}; });
  auto hung_up = Get(transport, Local(server));
  ASSERT_FALSE(hung_up);
  EXPECT_TRUE(hung_up.error().request_sent);
}

TEST_F(HttpTransportTest, RefusesPlainHttpToNonLoopbackHosts) {
  HttpTransport transport(ioc_, FastOptions());
  auto r = Get(transport, "http://example.com/services/data");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport);
  EXPECT_NE(r.error().message.find("loopback"), std::string::npos);
  EXPECT_EQ(transport.connections_opened(), 0u);
}

TEST_F(HttpTransportTest, ReadTimeoutIsATimeoutError) {
  TestServer server(ioc_,
                    [](const TestRequest&) { return TestReply{.body = "late", .delay = 3s}; });
  auto options = FastOptions();
  options.read_timeout = 200ms;
  HttpTransport transport(ioc_, options);
  auto start = std::chrono::steady_clock::now();
  auto r = Get(transport, Local(server));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTimeout);
  EXPECT_TRUE(r.error().IsRetryable());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(HttpTransportTest, OverallDeadlineBoundsTheExchange) {
  TestServer server(ioc_,
                    [](const TestRequest&) { return TestReply{.body = "late", .delay = 3s}; });
  auto options = FastOptions();
  options.read_timeout = 10s;
  options.total_timeout = 300ms;
  HttpTransport transport(ioc_, options);
  auto start = std::chrono::steady_clock::now();
  auto r = Get(transport, Local(server));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST_F(HttpTransportTest, TooLargeBodyIsAClearError) {
  TestServer server(ioc_,
                    [](const TestRequest&) { return TestReply{.body = std::string(5000, 'x')}; });
  auto options = FastOptions();
  options.max_body_bytes = 1000;
  HttpTransport transport(ioc_, options);
  auto r = Get(transport, Local(server));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().error_code, "RESPONSE_TOO_LARGE");
  EXPECT_NE(r.error().message.find("1000-byte limit"), std::string::npos);
  EXPECT_FALSE(r.error().IsRetryable());
  // Also when the body is gzip-compressed below the limit but expands past it.
  server.set_handler(
      [](const TestRequest&) { return TestReply{.body = std::string(50000, 'x'), .gzip = true}; });
  auto gz = Get(transport, Local(server));
  ASSERT_FALSE(gz);
  EXPECT_EQ(gz.error().error_code, "RESPONSE_TOO_LARGE");
}

TEST_F(HttpTransportTest, ConnectionClosedMidBodyIsARetryableTransportError) {
  TestServer server(ioc_, [](const TestRequest&) {
    return TestReply{.body = std::string(10000, 'x'), .close_after_body_bytes = 100};
  });
  HttpTransport transport(ioc_, FastOptions());
  auto r = Get(transport, Local(server));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport);
  EXPECT_TRUE(r.error().IsRetryable());
  EXPECT_EQ(r.error().context, "GET test");
}

TEST_F(HttpTransportTest, GzipResponsesAreDecoded) {
  std::string text(100000, 'a');
  TestServer server(ioc_,
                    [&](const TestRequest&) { return TestReply{.body = text, .gzip = true}; });
  HttpTransport transport(ioc_, FastOptions());
  auto r = Get(transport, Local(server));
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->body, text);
}

TEST_F(HttpTransportTest, StreamsSuccessBodiesToTheSinkInChunks) {
  std::string text;
  for (int i = 0; i < 30000; ++i) text += std::to_string(i) + ",";
  TestServer server(ioc_, [&](const TestRequest&) { return TestReply{.body = text}; });
  HttpTransport transport(ioc_, FastOptions());
  std::string streamed;
  int chunks = 0;
  auto r =
      Get(transport, Local(server), [&](std::string_view chunk) -> tl::expected<void, ApiError> {
        streamed.append(chunk);
        ++chunks;
        return {};
      });
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->body.empty());
  EXPECT_EQ(streamed, text);
  EXPECT_GT(chunks, 1);
  // A sink error aborts the exchange.
  auto aborted =
      Get(transport, Local(server), [](std::string_view) -> tl::expected<void, ApiError> {
        return tl::unexpected(MakeError(ErrorKind::kDecode, "bad CSV"));
      });
  ASSERT_FALSE(aborted);
  EXPECT_EQ(aborted.error().message, "bad CSV");
}

TEST_F(HttpTransportTest, ErrorBodiesAreBufferedEvenWithASink) {
  TestServer server(ioc_,
                    [](const TestRequest&) { return TestReply{.status = 404, .body = "[]"}; });
  HttpTransport transport(ioc_, FastOptions());
  bool called = false;
  auto r = Get(transport, Local(server), [&](std::string_view) -> tl::expected<void, ApiError> {
    called = true;
    return {};
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->body, "[]");
  EXPECT_FALSE(called);
}

TEST_F(HttpTransportTest, ConnectionRefusedIsATransportError) {
  int port = sfwarden::testing::FreePort();  // nothing listens there
  HttpTransport transport(ioc_, FastOptions());
  auto r = Get(transport, "http://127.0.0.1:" + std::to_string(port) + "/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport);
}

class HttpsTransportTest : public testing::WithSuiteCerts<HttpTransportTest> {};

TEST_F(HttpsTransportTest, TlsWithTheTestCaSucceeds) {
  TestServer server(
      ioc_, [](const TestRequest&) { return TestReply{.body = "secure"}; },
      testing::TlsFiles{certs_->server_cert, certs_->server_key});
  auto options = FastOptions();
  options.ca_file = certs_->ca_file;
  HttpTransport transport(ioc_, options);
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    auto r = Get(transport, "https://" + host + ":" + std::to_string(server.port()) + "/");
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r->body, "secure");
  }
  ASSERT_TRUE(Get(transport, "https://localhost:" + std::to_string(server.port()) + "/"));
  EXPECT_EQ(server.accepted(), 2u);  // reused per host
}

TEST_F(HttpsTransportTest, UntrustedCertificateIsRejected) {
  TestServer server(
      ioc_, [](const TestRequest&) { return TestReply{.body = "secure"}; },
      testing::TlsFiles{certs_->server_cert, certs_->server_key});
  HttpTransport no_ca(ioc_, FastOptions());  // system store only
  auto r = Get(no_ca, "https://localhost:" + std::to_string(server.port()) + "/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport);
  EXPECT_EQ(r.error().error_code, "CERTIFICATE_VERIFY_FAILED") << r.error();
  EXPECT_NE(r.error().message.find("TLS handshake"), std::string::npos);
  EXPECT_NE(r.error().message.find("certificate refused"), std::string::npos) << r.error();

  TestServer self_signed(
      ioc_, [](const TestRequest&) { return TestReply{.body = "secure"}; },
      testing::TlsFiles{certs_->self_signed_cert, certs_->self_signed_key});
  auto options = FastOptions();
  options.ca_file = certs_->ca_file;
  HttpTransport with_ca(ioc_, options);
  EXPECT_FALSE(Get(with_ca, "https://localhost:" + std::to_string(self_signed.port()) + "/"));
}

// Transports share a TLS context per set of trust anchors: one with a CA file and one
// without, alive together, each keeps its own trust.
TEST_F(HttpsTransportTest, TransportsWithAndWithoutACaFileKeepTheirOwnTrust) {
  TestServer server(
      ioc_, [](const TestRequest&) { return TestReply{.body = "secure"}; },
      testing::TlsFiles{certs_->server_cert, certs_->server_key});
  const std::string url = "https://localhost:" + std::to_string(server.port()) + "/";
  auto options = FastOptions();
  options.ca_file = certs_->ca_file;
  HttpTransport with_ca(ioc_, options);
  HttpTransport no_ca(ioc_, FastOptions());
  HttpTransport with_ca_too(ioc_, options);
  auto refused = Get(no_ca, url);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().error_code, "CERTIFICATE_VERIFY_FAILED") << refused.error();
  auto first = Get(with_ca, url);
  ASSERT_TRUE(first) << first.error();
  auto second = Get(with_ca_too, url);
  ASSERT_TRUE(second) << second.error();
}

// A CA file rewritten in place (a rotated private CA) is what the next transport trusts;
// one made before keeps what it loaded.
TEST_F(HttpsTransportTest, ATransportMadeAfterTheCaFileChangedTrustsTheNewCa) {
  sfwarden::testing::TempDir dir;
  auto rotated = testing::MakeTestCerts(dir, {"DNS:localhost"});
  const std::string ca = (dir.path() / "trusted.pem").string();
  std::filesystem::copy_file(certs_->ca_file, ca);
  TestServer server(
      ioc_, [](const TestRequest&) { return TestReply{.body = "secure"}; },
      testing::TlsFiles{rotated.server_cert, rotated.server_key});
  const std::string url = "https://localhost:" + std::to_string(server.port()) + "/";
  auto options = FastOptions();
  options.ca_file = ca;
  HttpTransport before(ioc_, options);
  std::filesystem::copy_file(rotated.ca_file, ca,
                             std::filesystem::copy_options::overwrite_existing);
  HttpTransport after(ioc_, options);
  EXPECT_FALSE(Get(before, url));
  auto r = Get(after, url);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->body, "secure");
}

TEST_F(HttpsTransportTest, HostNameMismatchIsRejected) {
  sfwarden::testing::TempDir dir;
  auto other = testing::MakeTestCerts(dir, {"DNS:login.other-org.example"});
  TestServer server(
      ioc_, [](const TestRequest&) { return TestReply{.body = "secure"}; },
      testing::TlsFiles{other.server_cert, other.server_key});
  auto options = FastOptions();
  options.ca_file = other.ca_file;  // the chain is trusted; only the name is wrong
  HttpTransport transport(ioc_, options);
  auto r = Get(transport, "https://127.0.0.1:" + std::to_string(server.port()) + "/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport);
  EXPECT_EQ(r.error().error_code, "CERTIFICATE_VERIFY_FAILED") << r.error();
  EXPECT_NE(r.error().message.find("host name 127.0.0.1"), std::string::npos) << r.error();
  EXPECT_EQ(server.accepted(), 1u);  // refused in the handshake, not at connect
}

TEST_F(HttpsTransportTest, MissingCaFileIsAConfigurationError) {
  auto options = FastOptions();
  options.ca_file = "/nonexistent/ca.pem";
  EXPECT_THROW(HttpTransport(ioc_, options), std::runtime_error);
  options.ca_file.clear();
  options.https_proxy = "socks5://x";
  EXPECT_THROW(HttpTransport(ioc_, options), std::runtime_error);
}

TEST_F(HttpsTransportTest, TunnelsThroughAnHttpsProxy) {
  TestServer server(
      ioc_,
      [](const TestRequest& r) { return TestReply{.body = "via proxy " + r.headers.at("host")}; },
      testing::TlsFiles{certs_->server_cert, certs_->server_key});
  testing::ConnectProxy proxy(ioc_, server.port());
  auto options = FastOptions();
  options.ca_file = certs_->ca_file;
  options.https_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  HttpTransport transport(ioc_, options);
  auto r = Get(transport, "https://sfwarden-test.invalid:8443/services/data");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->body, "via proxy sfwarden-test.invalid:8443");
  ASSERT_EQ(proxy.connect_targets().size(), 1u);
  EXPECT_EQ(proxy.connect_targets()[0], "sfwarden-test.invalid:8443");

  options.no_proxy = ".invalid";  // bypassed: the name does not resolve
  HttpTransport bypass(ioc_, options);
  EXPECT_FALSE(Get(bypass, "https://sfwarden-test.invalid:8443/services/data"));
  EXPECT_EQ(proxy.connect_targets().size(), 1u);
}

TEST_F(HttpsTransportTest, ProxyCredentialsGoOnlyIntoProxyAuthorization) {
  TestServer server(
      ioc_, [](const TestRequest&) { return TestReply{.body = "secure"}; },
      testing::TlsFiles{certs_->server_cert, certs_->server_key});
  // base64("svc@corp:p@ss w0rd")
  testing::ConnectProxy proxy(ioc_, server.port(), 0, "Basic c3ZjQGNvcnA6cEBzcyB3MHJk");
  auto options = FastOptions();
  options.ca_file = certs_->ca_file;
  options.https_proxy = "http://svc%40corp:p%40ss%20w0rd@127.0.0.1:" + std::to_string(proxy.port());
  HttpTransport transport(ioc_, options);
  auto r = Get(transport, "https://sfwarden-test.invalid:8443/");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->body, "secure");
  // The target server never sees them.
  EXPECT_EQ(server.requests().at(0).headers.count("proxy-authorization"), 0u);

  options.https_proxy = "http://svc%40corp:wrong-secret@127.0.0.1:" + std::to_string(proxy.port());
  HttpTransport wrong(ioc_, options);
  auto refused = Get(wrong, "https://sfwarden-test.invalid:8443/");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::kTransport);
  EXPECT_NE(refused.error().message.find("407"), std::string::npos);
  EXPECT_EQ(refused.error().ToString().find("wrong-secret"), std::string::npos);
  EXPECT_EQ(refused.error().ToString().find("svc"), std::string::npos);
  EXPECT_EQ(proxy.authorizations().size(), 2u);

  options.https_proxy = "http://svc:bad%zzsecret@127.0.0.1:1";
  try {
    HttpTransport malformed(ioc_, options);
    ADD_FAILURE() << "a malformed proxy URL was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos);
  }
}

TEST_F(HttpTransportTest, UnresolvableHostFailsWithinTheConnectTimeout) {
  auto options = FastOptions();
  options.connect_timeout = 1s;
  HttpTransport transport(ioc_, options);
  auto start = std::chrono::steady_clock::now();
  auto r = Get(transport, "https://no-such-org.sfwarden-test.invalid/services/data");
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  // kTransport (the name does not exist) or kTimeout (no DNS answer in time), never a hang.
  EXPECT_TRUE(r.error().kind == ErrorKind::kTransport || r.error().kind == ErrorKind::kTimeout)
      << r.error();
  EXPECT_NE(r.error().message.find("resolving no-such-org.sfwarden-test.invalid"),
            std::string::npos);
  EXPECT_FALSE(r.error().request_sent);
  EXPECT_LT(took, 1500ms);
}

TEST_F(HttpTransportTest, ConnectTimeoutCoversASlowNameResolution) {
  TransportOptions::ResolveDone late;
  auto options = FastOptions();
  options.connect_timeout = 100ms;
  options.resolve_for_test = [&](const std::string&, const std::string&,
                                 TransportOptions::ResolveDone done) { late = std::move(done); };
  HttpTransport transport(ioc_, options);
  auto r = Get(transport, "https://slow-dns.sfwarden-test.example/services/data");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTimeout) << r.error();
  EXPECT_NE(r.error().message.find("resolving slow-dns.sfwarden-test.example"), std::string::npos);
  EXPECT_FALSE(r.error().request_sent);
  // The answer comes after all: it is dropped, nothing connects.
  ASSERT_TRUE(late);
  late({"127.0.0.1"});
  ioc_.restart();
  ioc_.poll();
  EXPECT_EQ(transport.connections_opened(), 0u);
}

TEST_F(HttpTransportTest, ResolvedAddressesAreUsedAndAnEmptyAnswerIsATransportError) {
  TestServer server(ioc_, [](const TestRequest&) { return TestReply{.body = "hi"}; });
  auto options = FastOptions();
  std::vector<std::string> answer = {"127.0.0.1"};
  options.resolve_for_test = [&](const std::string& host, const std::string&,
                                 TransportOptions::ResolveDone done) {
    EXPECT_EQ(host, "localhost");
    boost::asio::post(ioc_, [done, answer] { done(answer); });
  };
  HttpTransport transport(ioc_, options);
  auto url = "http://localhost:" + std::to_string(server.port()) + "/x";
  auto ok = Get(transport, url);
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(ok->body, "hi");
  answer.clear();
  transport.CloseIdle();
  auto r = Get(transport, url);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport) << r.error();
  EXPECT_NE(r.error().message.find("resolving localhost"), std::string::npos);
}

// The tests cancel from the server's (or resolver's) side once the request is where they
// want it, through the io_context like a signal handler would: no timing involved.
TEST_F(HttpTransportTest, CancelAllEndsARequestWaitingForItsReply) {
  HttpTransport* cancel = nullptr;
  TestServer server(ioc_, [&](const TestRequest&) {
    boost::asio::post(ioc_, [&] { cancel->CancelAll(); });
    return TestReply{.body = "late", .delay = 5s};
  });
  auto options = FastOptions();
  options.read_timeout = 30s;
  options.total_timeout = 60s;
  HttpTransport transport(ioc_, options);
  cancel = &transport;
  auto r = Get(transport, Local(server));  // only the cancel can end it before the reply
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kCancelled) << r.error();
  EXPECT_TRUE(r.error().request_sent);
  EXPECT_FALSE(r.error().IsRetryable());
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST_F(HttpTransportTest, CancelAllEndsARequestWaitingForNameResolution) {
  auto options = FastOptions();
  options.connect_timeout = 30s;
  options.total_timeout = 60s;
  HttpTransport* cancel = nullptr;
  std::vector<TransportOptions::ResolveDone> pending;
  options.resolve_for_test = [&](const std::string&, const std::string&,
                                 TransportOptions::ResolveDone done) {
    pending.push_back(std::move(done));  // never answered
    boost::asio::post(ioc_, [&] { cancel->CancelAll(); });
  };
  HttpTransport transport(ioc_, options);
  cancel = &transport;
  auto r = Get(transport, "https://slow-dns.sfwarden-test.example/services/data");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kCancelled) << r.error();
  EXPECT_FALSE(r.error().request_sent);
  EXPECT_EQ(pending.size(), 1u);
}

TEST_F(HttpTransportTest, CancelAllEndsEveryConcurrentRequestAndRefusesLaterOnes) {
  HttpTransport* cancel = nullptr;
  int received = 0;
  TestServer server(ioc_, [&](const TestRequest&) {
    if (++received == 4) boost::asio::post(ioc_, [&] { cancel->CancelAll(); });
    return TestReply{.body = "late", .delay = 5s};
  });
  auto options = FastOptions();
  options.read_timeout = 30s;
  options.total_timeout = 60s;
  HttpTransport transport(ioc_, options);
  cancel = &transport;
  std::vector<Result> results;
  for (int i = 0; i < 3; ++i) {
    HttpRequest request;
    request.url = Local(server);
    request.context = "GET test";
    boost::asio::co_spawn(ioc_, transport.Send(request),
                          [&](std::exception_ptr, Result r) { results.push_back(std::move(r)); });
  }
  auto last = Get(transport, Local(server));  // a fourth one, run to completion
  ASSERT_FALSE(last);
  EXPECT_EQ(last.error().kind, ErrorKind::kCancelled);
  ioc_.restart();
  while (results.size() < 3 && ioc_.run_one() > 0) {
  }
  ASSERT_EQ(results.size(), 3u);
  for (const auto& r : results) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kCancelled);
    EXPECT_TRUE(r.error().request_sent);
  }
  EXPECT_TRUE(transport.cancelled());
  auto opened = transport.connections_opened();
  auto after = Get(transport, Local(server));
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error().kind, ErrorKind::kCancelled);
  EXPECT_FALSE(after.error().request_sent);
  EXPECT_EQ(transport.connections_opened(), opened);
}

TEST_F(HttpsTransportTest, ProxyRefusalIsATransportError) {
  testing::ConnectProxy proxy(ioc_, 1, /*refuse_status=*/403);
  auto options = FastOptions();
  options.https_proxy = "http://127.0.0.1:" + std::to_string(proxy.port());
  HttpTransport transport(ioc_, options);
  auto r = Get(transport, "https://sfwarden-test.invalid/");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTransport);
  EXPECT_NE(r.error().message.find("403"), std::string::npos);
}

}  // namespace
}  // namespace sfwarden::salesforce
