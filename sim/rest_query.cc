#include <charconv>

#include "sim/query_engine.h"
#include "sim/rest_handlers.h"

namespace sfwarden::sim {

Response HandleQuery(SimState& state, const Request& request, const std::string& version,
                     bool query_all) {
  if (request.method != "GET")
    return ErrorResponse(405, "METHOD_NOT_ALLOWED",
                         "HTTP Method '" + request.method + "' not allowed. Allowed are GET,HEAD");
  auto params = request.Query();
  auto q = params.find("q");
  if (q == params.end() || q->second.empty())
    return ErrorResponse(400, "MALFORMED_QUERY", "A query string has to be specified");
  auto result = RunSoql(state.org, q->second, query_all, version);
  if (!result) return ErrorResponse(400, result.error().code, result.error().message);
  QueryCursor cursor;
  cursor.result = std::move(*result);
  cursor.query_all = query_all;
  cursor.batch_size = static_cast<size_t>(state.org.settings.query_batch_size);
  std::string options = request.Header("sforce-query-options");
  if (auto at = options.find("batchSize="); at != std::string::npos) {
    long n = 0;
    const char* begin = options.data() + at + 10;
    std::from_chars(begin, options.data() + options.size(), n);
    // Salesforce documents 200..2000 and may return more or fewer [WIRE.md §2, range
    // UNCONFIRMED]; sfsim honours 1..2000 so tests can page through small data sets.
    if (n > 0) cursor.batch_size = static_cast<size_t>(std::min(n, 2000L));
  }
  return state.cursors.FirstPage(state.org, std::move(cursor), state.org.NewId("01g"));
}

}  // namespace sfwarden::sim
