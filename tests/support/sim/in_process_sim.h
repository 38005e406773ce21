#pragma once
// sfsim in-process for integration tests of the libraries above the client: a
// salesforce::Transport that hands each request to sim::Sim::Handle (no sockets, no
// processes, no Beast), a real salesforce::Client on top (client credentials), and the
// control API (/__sim/...) as plain calls. Linked as sfwarden_sim_test_support.

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "salesforce/client.h"
#include "salesforce/transport.h"
#include "sim/org_file.h"
#include "sim/sim.h"

namespace sfwarden::testing {

/// Carries out sfsim's `close` fault the way the real transport reports it: the request
/// was written and no complete reply came (a kTransport error with request_sent). Other
/// transport-level faults (delay) are not simulated: the reply comes at once.
class InProcessSimTransport : public salesforce::Transport {
 public:
  explicit InProcessSimTransport(sim::Sim& sim) : sim_(sim) {}

  boost::asio::awaitable<tl::expected<salesforce::HttpResponse, salesforce::ApiError>> Send(
      salesforce::HttpRequest request, salesforce::BodySink sink) override;

  /// The exchange itself, as a plain function.
  tl::expected<salesforce::HttpResponse, salesforce::ApiError> Exchange(
      salesforce::HttpRequest request, const salesforce::BodySink& sink);

 private:
  sim::Sim& sim_;
};

/// An org in sfsim and a Client logged in to it with client credentials.
class InProcessSim {
 public:
  explicit InProcessSim(std::unique_ptr<sim::Org> org,
                        std::string client_id = "sfwarden-client-id",
                        std::string client_secret = "sfwarden-client-secret");

  salesforce::Client& client() { return *client_; }
  sim::Sim& sim() { return sim_; }

  /// Runs `coroutine` to completion on the client's io_context (its timers live there).
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

  /// POST /__sim/act (a change made by another admin); fails the test on an error reply.
  nlohmann::json Act(const nlohmann::json& body) { return Control("POST", "/__sim/act", body); }
  /// POST /__sim/faults.
  void Fault(const nlohmann::json& body) { Control("POST", "/__sim/faults", body); }
  /// Total counted API calls so far (GET /__sim/counters "total").
  std::int64_t CountedCalls();
  /// Any control call; fails the test on a status >= 300.
  nlohmann::json Control(const std::string& method, const std::string& target,
                         const nlohmann::json& body);

 private:
  sim::Sim sim_;
  InProcessSimTransport transport_;
  boost::asio::io_context ioc_;
  prometheus::Registry registry_;
  std::unique_ptr<salesforce::Client> client_;
};

}  // namespace sfwarden::testing
