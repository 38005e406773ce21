#pragma once
// Server-side query cursors behind nextRecordsUrl paging [WIRE.md §2].

#include <deque>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/http.h"

namespace sfwarden::sim {

struct QueryCursor {
  nlohmann::ordered_json records;  // every matching record, rendered
  long total_size = 0;
  size_t batch_size = 2000;
  std::string api_version;
  bool query_all = false;
};

/// Open cursors, oldest evicted beyond kMaxOpen (a bound on memory; Salesforce also caps
/// open cursors per user). Not thread-safe.
class QueryCursors {
 public:
  static constexpr size_t kMaxOpen = 200;

  /// The first page; opens a cursor only when more pages remain.
  Response FirstPage(QueryCursor cursor, const std::string& locator_id);
  /// GET …/query/<locator>-<offset>; 400 INVALID_QUERY_LOCATOR for unknown ones.
  Response NextPage(const std::string& locator);

 private:
  Response Page(const std::string& id, QueryCursor& cursor, size_t offset);
  std::map<std::string, QueryCursor> open_;
  std::deque<std::string> order_;
};

}  // namespace sfwarden::sim
