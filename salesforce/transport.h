#pragma once
// The seam between the Salesforce client and the network: one HTTP exchange per Send().
// HttpTransport is the real one; tests of the client may script a fake.

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

#include "salesforce/errors.h"

namespace sfwarden::salesforce {

struct HttpRequest {
  std::string method = "GET";
  std::string url;  // absolute: https://host[:port]/path?query
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// What the request is, for errors and logs ("GET /services/data/v60.0/query");
  /// never the query string or a token.
  std::string context;
  /// False for non-idempotent requests: the transport never sends them twice (not even
  /// on a pooled connection that turns out to be closed), since the first copy may have
  /// been acted on.
  bool replayable = true;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // decoded (gunzipped); empty when a 2xx body went to a BodySink
  /// The first header named `name` (case-insensitive).
  std::optional<std::string> Header(std::string_view name) const;
};

/// Receives a 2xx body chunk by chunk as it arrives (decoded). An error aborts the
/// exchange and is returned by Send().
using BodySink = std::function<tl::expected<void, ApiError>(std::string_view chunk)>;

class Transport {
 public:
  virtual ~Transport() = default;
  /// One request/response. Any HTTP status is a response; failures to get one
  /// (connect, TLS, timeout, reset, size cap) are ApiErrors, with `request_sent` set
  /// when the failure came after the request was (partly) written.
  virtual boost::asio::awaitable<tl::expected<HttpResponse, ApiError>> Send(HttpRequest request,
                                                                            BodySink sink = {}) = 0;
};

}  // namespace sfwarden::salesforce
