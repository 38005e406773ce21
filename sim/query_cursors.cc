#include "sim/query_cursors.h"

namespace sfwarden::sim {

Response QueryCursors::Page(const std::string& id, QueryCursor& cursor, size_t offset) {
  size_t size = cursor.records.size();
  size_t end = std::min(size, offset + cursor.batch_size);
  bool done = end >= size;
  // Key order of the real restforce paginated fixtures: totalSize, done, nextRecordsUrl, records.
  nlohmann::ordered_json body;
  body["totalSize"] = cursor.total_size;
  body["done"] = done;
  if (!done) {
    body["nextRecordsUrl"] = "/services/data/v" + cursor.api_version + "/" +
                             (cursor.query_all ? "queryAll" : "query") + "/" + id + "-" +
                             std::to_string(end);
  }
  auto& records = body["records"] = nlohmann::ordered_json::array();
  for (size_t i = offset; i < end; ++i)
    records.push_back(cursor.records[i]);  // copied: a retried page must still work
  return JsonResponse(200, body);
}

Response QueryCursors::FirstPage(QueryCursor cursor, const std::string& locator_id) {
  if (cursor.records.size() <= cursor.batch_size) return Page(locator_id, cursor, 0);
  while (open_.size() >= kMaxOpen) {
    open_.erase(order_.front());
    order_.pop_front();
  }
  auto& stored = open_[locator_id] = std::move(cursor);
  order_.push_back(locator_id);
  return Page(locator_id, stored, 0);
}

Response QueryCursors::NextPage(const std::string& locator) {
  auto dash = locator.rfind('-');
  auto it = open_.find(locator.substr(0, dash));
  size_t offset = 0;
  try {
    offset = dash == std::string::npos ? 0 : std::stoul(locator.substr(dash + 1));
  } catch (const std::exception&) {
    it = open_.end();
  }
  if (it == open_.end() || offset == 0 || offset >= it->second.records.size()) {
    return ErrorResponse(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
  }
  // Cursors stay open until evicted, so a client may retry a page after a dropped reply.
  return Page(it->first, it->second, offset);
}

}  // namespace sfwarden::sim
