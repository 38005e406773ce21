#pragma once
// POST /services/data/vXX.X/composite: up to 25 subrequests (at most 5 of them queries),
// one API call; top-level 200 with {"compositeResponse": [{body, httpHeaders,
// httpStatusCode, referenceId}]} (REST API Developer Guide resources_composite_composite;
// WIRE.md §6).

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "salesforce/errors.h"
#include "salesforce/query_decoder.h"
#include "salesforce/rest_error.h"

namespace sfwarden::salesforce {

constexpr std::size_t kMaxCompositeSubrequests = 25;
constexpr std::size_t kMaxCompositeQueries = 5;

struct CompositeSubrequest {
  std::string method;        // GET, POST, PATCH, DELETE
  std::string url;           // /services/data/vXX.X/...
  std::string reference_id;  // [A-Za-z0-9_]+, unique in the request
  std::optional<nlohmann::json> body;
  std::map<std::string, std::string> http_headers;
};

struct CompositeRequest {
  bool all_or_none = false;
  std::vector<CompositeSubrequest> subrequests;
};

/// Serialises the request. Misuse (empty, more than 25 subrequests or 5 queries, duplicate
/// or malformed reference ids) throws std::invalid_argument: it is a programming error.
std::string EncodeCompositeRequest(const CompositeRequest& request);

struct CompositeSubresponse {
  int http_status = 0;
  nlohmann::json body;  // null for 204/304
  std::map<std::string, std::string> http_headers;
  bool ok() const { return http_status >= 200 && http_status < 300; }
  /// This subresponse's error (kSalesforce from the error array), for !ok().
  ApiError Error(std::string_view reference_id) const;
  /// The body as a query page (or this subrequest's error). The rvalue form moves the
  /// records out of `body` instead of copying them.
  tl::expected<QueryPage, ApiError> AsQueryPage(std::string_view reference_id) const&;
  tl::expected<QueryPage, ApiError> AsQueryPage(std::string_view reference_id) &&;
};

struct CompositeResponse {
  std::vector<std::string> order;  // reference ids in response order
  std::map<std::string, CompositeSubresponse> by_reference;
  /// nullptr when the reference id is unknown.
  const CompositeSubresponse* Find(std::string_view reference_id) const;
  CompositeSubresponse* Find(std::string_view reference_id);
};

tl::expected<CompositeResponse, ApiError> DecodeCompositeResponse(std::string_view body);

}  // namespace sfwarden::salesforce
