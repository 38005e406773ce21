#pragma once
// sfsim in-process for applier integration tests: a salesforce::Transport that hands each
// request to sim::Sim::Handle (no sockets) and carries out the `close` fault the way the
// real transport reports it (the request was written, no complete reply: a transport
// error with request_sent), a real salesforce::Client on top (client credentials), and
// the control API as plain calls.

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <pthread.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cctype>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "salesforce/client.h"
#include "salesforce/transport.h"
#include "sim/org_file.h"
#include "sim/sim.h"

namespace sfwarden::remediation::testing {

class SimTransport : public salesforce::Transport {
 public:
  explicit SimTransport(sim::Sim& sim) : sim_(sim) {}

  boost::asio::awaitable<tl::expected<salesforce::HttpResponse, salesforce::ApiError>> Send(
      salesforce::HttpRequest request, salesforce::BodySink sink) override {
    sim::Request in;
    in.method = request.method;
    auto scheme = request.url.find("://");
    auto path = request.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    in.target = path == std::string::npos ? "/" : request.url.substr(path);
    for (const auto& [name, value] : request.headers) {
      std::string lower = name;
      for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      in.headers[lower] = value;
    }
    in.body = std::move(request.body);
    sim::Response out = HandleOnLargeStack(in);
    if (out.close_after_body_bytes && *out.close_after_body_bytes < out.body.size()) {
      salesforce::ApiError error = salesforce::MakeError(
          salesforce::ErrorKind::kTransport, "connection closed mid-body", request.context);
      error.request_sent = true;
      co_return tl::unexpected(error);
    }
    salesforce::HttpResponse response;
    response.status = out.status;
    response.headers = out.headers;
    if (sink && out.status >= 200 && out.status < 300) {
      if (auto delivered = sink(out.body); !delivered) co_return tl::unexpected(delivered.error());
    } else {
      response.body = std::move(out.body);
    }
    co_return response;
  }

 private:
  // sfsim matches /composite subrequest URLs with a std::regex that recurses once per
  // character (see tests/collectors/permission_sim_support.h): a roomy stack for the
  // 100-user reads.
  sim::Response HandleOnLargeStack(const sim::Request& in) {
    struct Job {
      sim::Sim* sim;
      const sim::Request* in;
      sim::Response out;
    } job{&sim_, &in, {}};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, std::size_t{256} << 20);
    pthread_t thread;
    int rc = pthread_create(
        &thread, &attr,
        [](void* arg) -> void* {
          auto* j = static_cast<Job*>(arg);
          j->out = j->sim->Handle(*j->in);
          return nullptr;
        },
        &job);
    pthread_attr_destroy(&attr);
    if (rc != 0) return sim_.Handle(in);
    pthread_join(thread, nullptr);
    return std::move(job.out);
  }

  sim::Sim& sim_;
};

class InProcessSim {
 public:
  explicit InProcessSim(std::unique_ptr<sim::Org> org) : sim_(std::move(org)), transport_(sim_) {
    sim_.set_base_url("http://127.0.0.1:1");
    salesforce::ClientConfig config;
    config.org = "sim";
    config.api_version = "60.0";
    config.auth.flow = salesforce::AuthConfig::Flow::kClientCredentials;
    config.auth.login_url = "http://127.0.0.1:1";
    config.auth.client_id = "sfwarden-client-id";
    config.auth.client_secret = "sfwarden-client-secret";
    client_ = std::make_unique<salesforce::Client>(ioc_, transport_, registry_, config);
  }

  salesforce::Client& client() { return *client_; }

  template <class T>
  T Run(boost::asio::awaitable<T> coroutine) {
    std::optional<T> result;
    boost::asio::co_spawn(ioc_, std::move(coroutine), [&](std::exception_ptr e, T value) {
      if (e) std::rethrow_exception(e);
      result.emplace(std::move(value));
    });
    ioc_.restart();
    ioc_.run();
    return std::move(*result);
  }

  nlohmann::json Act(const nlohmann::json& body) { return Control("POST", "/__sim/act", body); }
  void Fault(const nlohmann::json& body) { Control("POST", "/__sim/faults", body); }
  std::int64_t CountedCalls() {
    return Control("GET", "/__sim/counters", nullptr)["total"].get<std::int64_t>();
  }
  nlohmann::json Control(const std::string& method, const std::string& target,
                         const nlohmann::json& body) {
    sim::Request r;
    r.method = method;
    r.target = target;
    if (!body.is_null()) {
      r.body = body.dump();
      r.headers["content-type"] = "application/json";
    }
    auto response = sim_.Handle(r);
    EXPECT_LT(response.status, 300) << target << " " << r.body << ": " << response.body;
    return nlohmann::json::parse(response.body, nullptr, false);
  }

 private:
  sim::Sim sim_;
  SimTransport transport_;
  boost::asio::io_context ioc_;
  prometheus::Registry registry_;
  std::unique_ptr<salesforce::Client> client_;
};

}  // namespace sfwarden::remediation::testing
