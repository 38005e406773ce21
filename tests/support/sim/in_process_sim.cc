#include "tests/support/sim/in_process_sim.h"

#include <cctype>

namespace sfwarden::testing {

boost::asio::awaitable<tl::expected<salesforce::HttpResponse, salesforce::ApiError>>
InProcessSimTransport::Send(salesforce::HttpRequest request, salesforce::BodySink sink) {
  // One co_return of a prvalue (GCC 12 mishandles temporaries inside coroutines).
  co_return Exchange(std::move(request), sink);
}

tl::expected<salesforce::HttpResponse, salesforce::ApiError> InProcessSimTransport::Exchange(
    salesforce::HttpRequest request, const salesforce::BodySink& sink) {
  sim::Request in;
  in.method = request.method;
  // http://host:port/path?query -> /path?query
  auto scheme = request.url.find("://");
  auto path = request.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  in.target = path == std::string::npos ? "/" : request.url.substr(path);
  for (const auto& [name, value] : request.headers) {
    std::string lower = name;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    in.headers[lower] = value;
  }
  in.body = std::move(request.body);
  sim::Response out = sim_.Handle(in);
  if (out.close_after_body_bytes && *out.close_after_body_bytes < out.body.size()) {
    salesforce::ApiError error = salesforce::MakeError(
        salesforce::ErrorKind::kTransport, "connection closed mid-body", request.context);
    error.request_sent = true;
    return tl::unexpected(error);
  }
  salesforce::HttpResponse response;
  response.status = out.status;
  response.headers = std::move(out.headers);
  if (sink && out.status >= 200 && out.status < 300) {
    if (auto delivered = sink(out.body); !delivered) return tl::unexpected(delivered.error());
  } else {
    response.body = std::move(out.body);
  }
  return response;
}

InProcessSim::InProcessSim(std::unique_ptr<sim::Org> org, std::string client_id,
                           std::string client_secret)
    : sim_(std::move(org)), transport_(sim_) {
  sim_.set_base_url("http://127.0.0.1:1");  // loopback: the client accepts http
  salesforce::ClientConfig config;
  config.org = "sim";
  config.api_version = "60.0";
  config.auth.flow = salesforce::AuthConfig::Flow::kClientCredentials;
  config.auth.login_url = "http://127.0.0.1:1";
  config.auth.client_id = std::move(client_id);
  config.auth.client_secret = std::move(client_secret);
  client_ = std::make_unique<salesforce::Client>(ioc_, transport_, registry_, config);
}

std::int64_t InProcessSim::CountedCalls() {
  return Control("GET", "/__sim/counters", nullptr)["total"].get<std::int64_t>();
}

nlohmann::json InProcessSim::Control(const std::string& method, const std::string& target,
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

}  // namespace sfwarden::testing
