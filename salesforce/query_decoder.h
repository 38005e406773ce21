#pragma once
// One page of a REST query result: {totalSize, done, nextRecordsUrl?, records[]}
// (REST API Developer Guide, resources_query / resources_query_more_results; WIRE.md §2).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "salesforce/errors.h"

namespace sfwarden::salesforce {

/// One record read as strings: the values of the fields asked for, in that order; nullopt
/// where a field is absent, null or not a string (as FieldString).
using StringRow = std::vector<std::optional<std::string>>;

struct QueryPage {
  std::int64_t total_size = 0;  // the full count, the same on every page
  bool done = true;
  std::string next_records_url;  // "" when done; always a /services/data/ path
  /// Records as sent: `attributes`, fields in SELECT order, parent relationships as
  /// nested objects (or null), child subqueries as nested query results.
  std::vector<nlohmann::json> records;
  /// Instead of `records`, for a page decoded by DecodeQueryPageRows: one row per record.
  std::vector<StringRow> rows;
};

tl::expected<QueryPage, ApiError> DecodeQueryPage(std::string_view body);
/// Takes the records out of `body` (pass it moved when it is not needed afterwards).
tl::expected<QueryPage, ApiError> DecodeQueryPageJson(nlohmann::json body);

/// As DecodeQueryPage, with the same checks and errors, but every record becomes a
/// StringRow of its top-level `fields` (plain names, no dotted paths), read while parsing
/// without a JSON tree per record: for pages of thousands of flat records (LoginHistory)
/// the tree cost more than the parse itself (bench/README.md, figure 4).
tl::expected<QueryPage, ApiError> DecodeQueryPageRows(std::string_view body,
                                                      std::span<const std::string> fields);

/// The records of `page` as StringRows of `fields`: its `rows` when DecodeQueryPageRows
/// read it for these fields, else its `records`, their strings moved out.
std::vector<StringRow> TakeStringRows(QueryPage&& page, std::span<const std::string> fields);

/// The string at a dotted path through parent relationships ("CreatedBy.Username");
/// nullopt when any step is missing or null, or the value is not a string.
std::optional<std::string> FieldString(const nlohmann::json& record, std::string_view path);

}  // namespace sfwarden::salesforce
