#pragma once
// In-test HTTP(S) server and CONNECT proxy on 127.0.0.1:0, running as coroutines on the
// test's io_context (so they progress while the test runs the client on the same
// context). Replies are scripted per request, with faults: delay, close mid-body, gzip.
// Beast stays in test_server.cc.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace sfwarden::salesforce::testing {

struct TestRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

struct TestReply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds delay{0};                 // before the reply is written
  std::optional<std::size_t> close_after_body_bytes;  // send a truncated body, then close
  bool gzip = false;                                  // Content-Encoding: gzip
  bool close_silently = false;  // close after the reply without "Connection: close"
  bool hang_up = false;         // read the request, then close without any reply
};

struct TlsFiles {
  std::string cert_chain_file;
  std::string key_file;
};

/// Destroy a server only after the io_context has stopped running it (end of the test):
/// its coroutines refer to it.
class TestServer {
 public:
  using Handler = std::function<TestReply(const TestRequest&)>;
  TestServer(boost::asio::io_context& ioc, Handler handler, std::optional<TlsFiles> tls = {});
  ~TestServer();
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int port() const;
  std::size_t accepted() const;
  const std::vector<TestRequest>& requests() const;
  void set_handler(Handler handler);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// A CONNECT proxy that tunnels every request to 127.0.0.1:`upstream_port` (whatever
/// host was asked for), or refuses with `refuse_status` when set. With
/// `required_authorization`, a CONNECT whose Proxy-Authorization differs gets 407.
class ConnectProxy {
 public:
  ConnectProxy(boost::asio::io_context& ioc, int upstream_port, int refuse_status = 0,
               std::string required_authorization = "");
  ~ConnectProxy();
  int port() const;
  const std::vector<std::string>& connect_targets() const;
  /// Proxy-Authorization of each CONNECT ("" when absent).
  const std::vector<std::string>& authorizations() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Gzip(std::string_view data);

}  // namespace sfwarden::salesforce::testing
