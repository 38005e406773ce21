#include "tests/collectors/poll_sim_transport.h"

#include <algorithm>
#include <cctype>

namespace sfwarden::collectors::poll_testing {

boost::asio::awaitable<tl::expected<salesforce::HttpResponse, salesforce::ApiError>>
SimTransport::Send(salesforce::HttpRequest request, salesforce::BodySink sink) {
  sim::Request in;
  in.method = request.method;
  // http://host:port/path?query -> /path?query
  auto scheme = request.url.find("://");
  auto path = request.url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  in.target = path == std::string::npos ? "/" : request.url.substr(path);
  for (auto& [name, value] : request.headers) {
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    in.headers[lower] = value;
  }
  in.body = std::move(request.body);
  sim::Response out = sim_.Handle(in);
  salesforce::HttpResponse response;
  response.status = out.status;
  response.headers = std::move(out.headers);
  if (sink && out.status >= 200 && out.status < 300) {
    if (auto fed = sink(out.body); !fed) co_return tl::unexpected(fed.error());
  } else {
    response.body = std::move(out.body);
  }
  co_return response;
}

}  // namespace sfwarden::collectors::poll_testing
