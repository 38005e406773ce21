#pragma once
// A scripted org for permission-read unit tests on top of FakeApi: composite query
// subrequests are answered by the object in their FROM clause (WHERE is not evaluated;
// tests assert the SOQL separately), with optional further pages for QueryMore and
// per-object subrequest errors. Every SOQL asked is recorded.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/collectors/fake_api.h"

namespace sfwarden::collectors::testing {

/// A record as Salesforce sends it: attributes first, then the fields.
inline nlohmann::json Record(const std::string& type, const nlohmann::json& fields) {
  nlohmann::json out = {{"attributes", {{"type", type}}}};
  if (fields.contains("Id")) {
    out["attributes"]["url"] =
        "/services/data/v62.0/sobjects/" + type + "/" + fields["Id"].get<std::string>();
  }
  for (const auto& [k, v] : fields.items()) out[k] = v;
  return out;
}

/// Percent-decoding of a query-string value ('+' is a space).
std::string DecodeQueryValue(const std::string& text);

class ScriptedOrg {
 public:
  /// Rows of the first page per object ("User", "PermissionSet", ...).
  std::map<std::string, std::vector<nlohmann::json>> records;
  /// Pages after the first, per object; each costs one QueryMore call.
  std::map<std::string, std::vector<std::vector<nlohmann::json>>> more_pages;
  /// A subrequest error per object: {HTTP status, error body}.
  std::map<std::string, std::pair<int, nlohmann::json>> errors;
  /// A QueryMore failure per object (after its first page).
  std::map<std::string, salesforce::ApiError> query_more_errors;
  std::vector<salesforce::SharingRules> sharing_rules;

  /// The SOQL of each composite call, by reference id.
  std::vector<std::map<std::string, std::string>> composites;
  std::vector<std::string> composite_urls;  // every subrequest URL

  /// Points the FakeApi's composite, QueryMore and ReadSharingRules handlers here.
  void Install(FakeApi& api);
  /// The SOQL asked for `object` ("" when never asked).
  std::string SoqlFor(const std::string& object) const;
};

}  // namespace sfwarden::collectors::testing
