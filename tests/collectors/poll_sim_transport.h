#pragma once
// A salesforce::Transport that hands each request straight to an in-process sfsim
// (sim::Sim::Handle) instead of a socket: the real Client against the simulator, with no
// ports, processes or Beast in the collector tests. Ignores the host part of URLs and
// sfsim's delay/close fault directives.

#include "salesforce/transport.h"
#include "sim/sim.h"

namespace sfwarden::collectors::poll_testing {

class SimTransport final : public salesforce::Transport {
 public:
  explicit SimTransport(sim::Sim& sim) : sim_(sim) {}
  boost::asio::awaitable<tl::expected<salesforce::HttpResponse, salesforce::ApiError>> Send(
      salesforce::HttpRequest request, salesforce::BodySink sink) override;

 private:
  sim::Sim& sim_;
};

}  // namespace sfwarden::collectors::poll_testing
