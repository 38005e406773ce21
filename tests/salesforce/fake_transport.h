#pragma once
// A scripted Transport for client tests: every request is recorded and answered by a
// handler; 2xx bodies are streamed to a sink in small chunks like the real transport.

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <vector>

#include "salesforce/transport.h"

namespace sfwarden::salesforce::testing {

class FakeTransport : public Transport {
 public:
  using Handler = std::function<tl::expected<HttpResponse, ApiError>(const HttpRequest&)>;
  explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}

  boost::asio::awaitable<tl::expected<HttpResponse, ApiError>> Send(HttpRequest request,
                                                                    BodySink sink) override {
    requests.push_back(request);
    if (yield_before_reply) {  // let other coroutines run, like a real network wait
      co_await boost::asio::post(co_await boost::asio::this_coro::executor,
                                 boost::asio::use_awaitable);
    }
    auto response = handler_(request);
    if (response && sink && response->status >= 200 && response->status < 300) {
      std::string body = std::move(response->body);
      response->body.clear();
      for (std::size_t i = 0; i < body.size(); i += 7) {
        if (auto r = sink(std::string_view(body).substr(i, 7)); !r)
          co_return tl::unexpected(r.error());
      }
    }
    co_return response;
  }

  std::vector<HttpRequest> requests;
  bool yield_before_reply = false;

 private:
  Handler handler_;
};

inline HttpResponse Reply(int status, std::string body,
                          std::vector<std::pair<std::string, std::string>> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

}  // namespace sfwarden::salesforce::testing
