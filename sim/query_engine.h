#pragma once
// Runs a parsed SOQL query against the Org and renders REST records.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tl/expected.hpp>
#include <utility>
#include <vector>

#include "sim/org.h"
#include "sim/soql.h"

namespace sfwarden::sim {

/// How one record of a query looks, built once per query from its SELECT list: a leaf
/// writes a field; a relationship node follows a reference field and nests its children
/// under the relationship name (several fields of one parent share one nested object).
struct RenderNode {
  std::string key;
  const FieldDef* field = nullptr;  // leaf
  const FieldDef* hop = nullptr;    // relationship: the reference field followed
  const ObjectDef* target = nullptr;
  std::vector<RenderNode> children;
  /// The row fields this node reads, sorted by name, each with its slot (child index;
  /// children.size() is "Id"): one in-order walk of a row finds them all.
  std::vector<std::pair<std::string, size_t>> lookups;
};

/// A query's records: the Ids of the matching rows in result order, rendered to REST JSON
/// text on demand. Rendering only the page being served keeps a 2,000-row page of a large
/// result well under 50 ms (issue 3; bench/sfsim/). A page therefore shows each record as
/// it is when that page is fetched; whether Salesforce's cursors snapshot field values at
/// query time is UNCONFIRMED.
struct QueryResult {
  long total_size = 0;
  std::vector<std::string> ids;
  std::optional<std::string> aggregate;  // COUNT(field): its one AggregateResult record
  RenderNode shape;
  const ObjectDef* object = nullptr;
  std::string api_version;

  size_t size() const { return aggregate ? 1 : ids.size(); }
  /// Appends record `i` as compact JSON text (what nlohmann's dump() writes); false, with
  /// nothing appended, when its row no longer exists (rolled back by an allOrNone composite).
  bool AppendRecord(Org& org, size_t i, std::string& out) const;
  /// All records parsed into one array (tests).
  nlohmann::ordered_json Records(Org& org) const;
};

/// Resolves names (INVALID_TYPE / INVALID_FIELD with Salesforce's messages), filters,
/// sorts and applies OFFSET/LIMIT; records render (QueryResult::AppendRecord) as
/// {"attributes": {"type", "url"}, <fields in SELECT order>}, parent paths as nested
/// objects with their own attributes, or null when the lookup is empty [WIRE.md §2].
/// `include_deleted`: queryAll semantics. `api_version` like "60.0" goes into the urls.
tl::expected<QueryResult, SoqlError> RunQuery(Org& org, const SoqlQuery& query,
                                              bool include_deleted, const std::string& api_version);

/// Parse + run.
tl::expected<QueryResult, SoqlError> RunSoql(Org& org, std::string_view soql, bool include_deleted,
                                             const std::string& api_version);

}  // namespace sfwarden::sim
