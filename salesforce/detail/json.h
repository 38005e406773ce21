#pragma once
// JSON helpers shared by the decoders; errors never quote the body (it may hold tokens).

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "salesforce/errors.h"

namespace sfwarden::salesforce::detail {

/// Parses `body`; a malformed body is a kDecode error naming `what` and the body size.
tl::expected<nlohmann::json, ApiError> ParseJson(std::string_view body, std::string_view what);

ApiError DecodeError(std::string_view what, std::string message);
/// The kDecode error for a `body` that is not valid JSON (ParseJson's).
ApiError InvalidJsonError(std::string_view body, std::string_view what);

/// The string at `key`, "" when absent or null; a kDecode error for any other type.
tl::expected<std::string, ApiError> OptionalString(const nlohmann::json& object,
                                                   std::string_view key, std::string_view what);

}  // namespace sfwarden::salesforce::detail
