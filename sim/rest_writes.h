#pragma once
// sObject CRUD (/sobjects/…), /composite and /composite/sobjects [WIRE.md §6].

#include <string>

#include "sim/changes.h"
#include "sim/http.h"
#include "sim/sessions.h"
#include "sim/state.h"

namespace sfwarden::sim {

/// `rest_path` starts with "sobjects/".
Response HandleSObjects(SimState& state, const Session& session, const Request& request,
                        const std::string& version, const std::string& rest_path);
/// POST …/composite: ≤25 subrequests, ≤5 of them queries, allOrNone, @{ref.path}
/// references; always HTTP 200 with per-subrequest results; the whole call counts once.
Response HandleComposite(SimState& state, const Session& session, const Request& request,
                         const std::string& version);
/// POST …/composite/batch: ≤25 independent subrequests, each committed on its own,
/// haltOnError; HTTP 200 with {"hasErrors", "results": [{"statusCode", "result"}]}. Every
/// subrequest counts against DailyApiRequests (the envelope's own count is the first).
Response HandleCompositeBatch(SimState& state, const Session& session, const Request& request,
                              const std::string& version);
/// …/composite/sobjects: POST create, PATCH update, DELETE ?ids=; ≤200 records.
Response HandleCollections(SimState& state, const Session& session, const Request& request,
                           const std::string& version);

/// `[{"message", "errorCode", "fields"}]` for a write error.
Response WriteErrorResponse(const WriteError& e);

}  // namespace sfwarden::sim
