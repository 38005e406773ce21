#pragma once
// Runs a parsed SOQL query against the Org and renders REST records.

#include <nlohmann/json.hpp>
#include <string>
#include <tl/expected.hpp>

#include "sim/org.h"
#include "sim/soql.h"

namespace sfwarden::sim {

struct QueryResult {
  long total_size = 0;
  nlohmann::ordered_json records = nlohmann::ordered_json::array();
};

/// Resolves names (INVALID_TYPE / INVALID_FIELD with Salesforce's messages), filters,
/// sorts, applies OFFSET/LIMIT and renders every matching record:
/// {"attributes": {"type", "url"}, <fields in SELECT order>}, parent paths as nested
/// objects with their own attributes, or null when the lookup is empty [WIRE.md §2].
/// `include_deleted`: queryAll semantics. `api_version` like "60.0" goes into the urls.
tl::expected<QueryResult, SoqlError> RunQuery(Org& org, const SoqlQuery& query,
                                              bool include_deleted, const std::string& api_version);

/// Parse + run.
tl::expected<QueryResult, SoqlError> RunSoql(Org& org, std::string_view soql, bool include_deleted,
                                             const std::string& api_version);

}  // namespace sfwarden::sim
