#pragma once
// Salesforce REST error bodies: `[{"message", "errorCode", "fields"?}]` (REST API Developer
// Guide, "Status Codes and Error Responses"; WIRE.md §3), or `<Errors><Error>` for XML.

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "salesforce/errors.h"

namespace sfwarden::salesforce {

/// One element of an error array (also per-record errors of collections, where the code
/// key is `statusCode`).
struct ErrorItem {
  std::string error_code;
  std::string message;
  std::vector<std::string> fields;
};

/// Decodes an already-parsed error array.
tl::expected<std::vector<ErrorItem>, ApiError> DecodeErrorItems(const nlohmann::json& body);

/// The ApiError for a non-2xx REST response. A Salesforce error array gives kSalesforce
/// (kLimitExceeded for REQUEST_LIMIT_EXCEEDED); any other body gives kHttp with a short,
/// single-line excerpt. Never fails.
ApiError DecodeRestError(int http_status, std::string_view body, std::string context = {});

/// The ApiError for decoded error items of a response with `http_status`.
ApiError ErrorFromItems(int http_status, const std::vector<ErrorItem>& items,
                        std::string context = {});

}  // namespace sfwarden::salesforce
