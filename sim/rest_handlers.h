#pragma once
// REST resources under /services/data/vNN.0/ for an authenticated session.

#include <string>

#include "sim/http.h"
#include "sim/sessions.h"
#include "sim/state.h"

namespace sfwarden::sim {

/// `rest_path` is the part after "/services/data/vNN.0/" (no leading slash), e.g.
/// "query", "sobjects/User/005…". Used for top-level calls and composite subrequests.
Response HandleRest(SimState& state, const Session& session, const Request& request,
                    const std::string& version, const std::string& rest_path);

/// GET …/query?q= and …/queryAll?q= (and their "/query/" spelling); batch size from
/// "Sforce-Query-Options: batchSize=N" (clamped to 1..2000), else the org's default.
Response HandleQuery(SimState& state, const Request& request, const std::string& version,
                     bool query_all);

}  // namespace sfwarden::sim
