#pragma once
// Results of sObject writes: POST /sobjects/<T>/ -> 201 {"id","success","errors"}; sObject
// collections -> 200 [{"id","success","errors",("created")}] in request order (REST API
// Developer Guide resources_composite_sobjects_collections*; WIRE.md §6). Per-record error
// keys statusCode/message/fields are UNCONFIRMED by a captured payload; errorCode is
// accepted too.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "salesforce/errors.h"
#include "salesforce/rest_error.h"

namespace sfwarden::salesforce {

/// sObject collections take at most 200 records per call.
constexpr std::size_t kMaxCollectionRecords = 200;

struct SaveResult {
  std::string id;  // "" when the record failed
  bool success = false;
  std::optional<bool> created;  // upserts only
  std::vector<ErrorItem> errors;
};

tl::expected<SaveResult, ApiError> DecodeSaveResult(std::string_view body);
tl::expected<std::vector<SaveResult>, ApiError> DecodeSaveResults(std::string_view body);

}  // namespace sfwarden::salesforce
