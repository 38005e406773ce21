#include "sim/query_cursors.h"

namespace sfwarden::sim {

Response QueryCursors::Page(Org& org, const std::string& id, const QueryCursor& cursor,
                            size_t offset) {
  const QueryResult& result = cursor.result;
  size_t size = result.size();
  size_t end = std::min(size, offset + cursor.batch_size);
  bool done = end >= size;
  // Written as text, the same compact JSON nlohmann's dump() gives, in the key order of the
  // real restforce paginated fixtures: totalSize, done, nextRecordsUrl, records.
  Response r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", kJsonType);
  std::string& body = r.body;
  body.reserve(256 + 512 * (end - offset));
  body += "{\"totalSize\":";
  body += std::to_string(result.total_size);
  body += done ? ",\"done\":true" : ",\"done\":false";
  if (!done) {
    body += ",\"nextRecordsUrl\":";
    body += nlohmann::json("/services/data/v" + result.api_version + "/" +
                           (cursor.query_all ? "queryAll" : "query") + "/" + id + "-" +
                           std::to_string(end))
                .dump();
  }
  body += ",\"records\":[";
  bool first = true;
  for (size_t i = offset; i < end; ++i) {
    size_t mark = body.size();
    if (!first) body += ',';
    if (result.AppendRecord(org, i, body)) {
      first = false;
    } else {
      body.resize(mark);  // the row is gone (rolled back): no comma either
    }
  }
  body += "]}";
  return r;
}

Response QueryCursors::FirstPage(Org& org, QueryCursor cursor, const std::string& locator_id) {
  if (cursor.result.size() <= cursor.batch_size) return Page(org, locator_id, cursor, 0);
  cursor.opened_at = org.Now();
  while (open_.size() >= kMaxOpen) {
    open_.erase(order_.front());
    order_.pop_front();
  }
  auto& stored = open_[locator_id] = std::move(cursor);
  order_.push_back(locator_id);
  return Page(org, locator_id, stored, 0);
}

Response QueryCursors::NextPage(Org& org, const std::string& locator) {
  auto dash = locator.rfind('-');
  auto it = open_.find(locator.substr(0, dash));
  size_t offset = 0;
  try {
    offset = dash == std::string::npos ? 0 : std::stoul(locator.substr(dash + 1));
  } catch (const std::exception&) {
    it = open_.end();
  }
  if (it != open_.end() && org.Now() - it->second.opened_at > kLifetimeMs) {
    open_.erase(it);  // its id stays in order_ until evicted: erasing a missing key is a no-op
    it = open_.end();
  }
  if (it == open_.end() || offset == 0 || offset >= it->second.result.size()) {
    return ErrorResponse(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
  }
  // Cursors stay open until evicted, so a client may retry a page after a dropped reply.
  return Page(org, it->first, it->second, offset);
}

}  // namespace sfwarden::sim
