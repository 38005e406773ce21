#pragma once
// Server-side query cursors behind nextRecordsUrl paging [WIRE.md §2].

#include <deque>
#include <map>
#include <string>

#include "sim/clock.h"
#include "sim/http.h"
#include "sim/query_engine.h"

namespace sfwarden::sim {

struct QueryCursor {
  QueryResult result;  // the matching rows; each page renders its own records
  size_t batch_size = 2000;
  bool query_all = false;
  EpochMs opened_at = 0;  // set by FirstPage
};

/// Open cursors. Salesforce keeps a cursor's results for 2 days after the query and, since
/// API 56.0 (all versions), no longer caps open cursors per user -- the old rule was 10
/// per user, the oldest released ("API Query Cursor Limits", Salesforce App Limits Cheat
/// Sheet). So a locator expires on the virtual clock 2 days after its query, and the
/// oldest of more than kMaxOpen is evicted only to bound sfsim's memory. Not thread-safe.
class QueryCursors {
 public:
  static constexpr size_t kMaxOpen = 200;
  static constexpr EpochMs kLifetimeMs = 2LL * 24 * 3600 * 1000;

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
