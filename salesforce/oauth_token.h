#pragma once
// OAuth 2.0 token endpoint responses (WIRE.md §1): success keys access_token, instance_url,
// id, token_type, issued_at (ms epoch as a string), scope, signature; errors are HTTP 400
// {"error", "error_description"}.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "salesforce/errors.h"

namespace sfwarden::salesforce {

/// A granted token. Holds a secret: never log it or put it in an ApiError.
struct AccessToken {
  std::string access_token;
  std::string instance_url;  // https://<my domain>; no trailing slash
  std::string id;            // identity URL
  std::string token_type;    // "Bearer" (may be absent, e.g. refresh responses)
  std::string scope;
  std::optional<std::chrono::system_clock::time_point> issued_at;
};

/// Decodes a token endpoint response. Non-2xx or an `error` key gives kAuth with
/// error_code = `error` and message = `error_description`; a 2xx body without
/// access_token/instance_url gives kDecode. Error values never contain the body.
tl::expected<AccessToken, ApiError> DecodeTokenResponse(int http_status, std::string_view body);

}  // namespace sfwarden::salesforce
