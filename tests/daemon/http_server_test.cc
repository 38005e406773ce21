#include "daemon/http_server.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <thread>

#include "tests/support/process.h"

namespace sfwarden::daemon {
namespace {

using ::testing::HasSubstr;

/// Runs an HttpServer on its own io_context thread for the duration of a test.
class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<HttpServer>(
        ioc_, ListenAddress{"127.0.0.1", 0}, [this](const HttpRequest& r) {
          ++handled_;
          return HttpResponse{200, "text/plain", "hello " + r.target, ""};
        });
    thread_ = std::thread([this] { ioc_.run(); });
  }
  void TearDown() override {
    boost::asio::post(ioc_, [this] { server_->Stop(); });
    thread_.join();  // returns only when Stop() released every connection
  }
  int Connect() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    return fd;
  }

  boost::asio::io_context ioc_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::atomic<int> handled_{0};
};

TEST_F(ServerFixture, AnswersARequest) {
  auto r = testing::HttpGet(server_->port(), "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello /metrics");
  EXPECT_THAT(r.headers, HasSubstr("Content-Type: text/plain"));
}

TEST_F(ServerFixture, AStuckClientDoesNotBlockOthers) {
  int stuck = Connect();
  ASSERT_GT(send(stuck, "GET /met", 8, 0), 0);  // half a request, then silence
  auto r = testing::HttpGet(server_->port(), "/-/healthy");
  EXPECT_EQ(r.status, 200);
  close(stuck);
}

TEST_F(ServerFixture, OversizedRequestIsNotServed) {
  std::string huge = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n";
  int fd = Connect();
  send(fd, huge.data(), huge.size(), MSG_NOSIGNAL);
  char buf[256];
  ssize_t n = recv(fd, buf, sizeof buf, 0);  // the server closes without answering
  EXPECT_LE(n, 0);
  close(fd);
  EXPECT_EQ(handled_.load(), 0);
}

TEST_F(ServerFixture, KeepAliveServesSeveralRequestsOnOneConnection) {
  int fd = Connect();
  std::string two =
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  send(fd, two.data(), two.size(), MSG_NOSIGNAL);
  std::string all;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) all.append(buf, static_cast<size_t>(n));
  close(fd);
  EXPECT_THAT(all, HasSubstr("hello /a"));
  EXPECT_THAT(all, HasSubstr("hello /b"));
}

TEST_F(ServerFixture, StopClosesIdleKeepAliveConnections) {
  int fd = Connect();
  std::string one = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";
  send(fd, one.data(), one.size(), MSG_NOSIGNAL);
  char buf[4096];
  ASSERT_GT(recv(fd, buf, sizeof buf, 0), 0);
  // The connection now idles in keep-alive; TearDown's Stop() must still end run().
  close(fd);
}

TEST(ListenAddressTest, ParsesTheAcceptedForms) {
  auto a = ParseListenAddress("127.0.0.1:9847");
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 9847);
  EXPECT_EQ(ParseListenAddress("[::1]:80").host, "::1");
  EXPECT_EQ(ParseListenAddress(":9847").host, "::");
  EXPECT_EQ(ParseListenAddress("localhost:0").host, "127.0.0.1");
}

TEST(ListenAddressTest, RefusesWhatItCannotListenOnWithAReason) {
  auto message = [](std::string_view text) {
    try {
      ParseListenAddress(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_THAT(message("9847"), HasSubstr("expected HOST:PORT"));
  EXPECT_THAT(message("127.0.0.1:99999"), HasSubstr("port must be a number from 0 to 65535"));
  EXPECT_THAT(message("127.0.0.1:http"), HasSubstr("port must be a number"));
  EXPECT_THAT(message("::1:80"), HasSubstr("must be in brackets"));
  EXPECT_THAT(message("example.com:80"), HasSubstr("must be an IP address or localhost"));
}

TEST(HttpServerTest, AnAddressInUseThrows) {
  boost::asio::io_context ioc;
  HttpServer first(ioc, {"127.0.0.1", 0}, [](const HttpRequest&) { return HttpResponse{}; });
  EXPECT_THROW(HttpServer(ioc, {"127.0.0.1", first.port()},
                          [](const HttpRequest&) { return HttpResponse{}; }),
               std::runtime_error);
}

}  // namespace
}  // namespace sfwarden::daemon
