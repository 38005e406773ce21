#pragma once
// One page of a REST query result: {totalSize, done, nextRecordsUrl?, records[]}
// (REST API Developer Guide, resources_query / resources_query_more_results; WIRE.md §2).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "salesforce/errors.h"

namespace sfwarden::salesforce {

struct QueryPage {
  std::int64_t total_size = 0;  // the full count, the same on every page
  bool done = true;
  std::string next_records_url;  // "" when done; always a /services/data/ path
  /// Records as sent: `attributes`, fields in SELECT order, parent relationships as
  /// nested objects (or null), child subqueries as nested query results.
  std::vector<nlohmann::json> records;
};

tl::expected<QueryPage, ApiError> DecodeQueryPage(std::string_view body);
/// Takes the records out of `body` (pass it moved when it is not needed afterwards).
tl::expected<QueryPage, ApiError> DecodeQueryPageJson(nlohmann::json body);

/// The string at a dotted path through parent relationships ("CreatedBy.Username");
/// nullopt when any step is missing or null, or the value is not a string.
std::optional<std::string> FieldString(const nlohmann::json& record, std::string_view path);

}  // namespace sfwarden::salesforce
