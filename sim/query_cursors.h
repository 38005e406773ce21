#pragma once
// Server-side query cursors behind nextRecordsUrl paging [WIRE.md §2].

#include <deque>
#include <map>
#include <string>

#include "sim/http.h"
#include "sim/query_engine.h"

namespace sfwarden::sim {

struct QueryCursor {
  QueryResult result;  // the matching rows; each page renders its own records
  size_t batch_size = 2000;
  bool query_all = false;
};

/// Open cursors, oldest evicted beyond kMaxOpen (a bound on memory; Salesforce also caps
/// open cursors per user). Not thread-safe.
class QueryCursors {
 public:
  static constexpr size_t kMaxOpen = 200;

  /// The first page; opens a cursor only when more pages remain.
  Response FirstPage(Org& org, QueryCursor cursor, const std::string& locator_id);
  /// GET …/query/<locator>-<offset>; 400 INVALID_QUERY_LOCATOR for unknown ones.
  Response NextPage(Org& org, const std::string& locator);

 private:
  static Response Page(Org& org, const std::string& id, const QueryCursor& cursor, size_t offset);
  std::map<std::string, QueryCursor> open_;
  std::deque<std::string> order_;
};

}  // namespace sfwarden::sim
