#pragma once
// Metadata API (SOAP) at /services/Soap/m/NN.0: readMetadata and upsertMetadata for
// SharingRules, deleteMetadata for SharingCriteriaRule / SharingOwnerRule [WIRE.md §7].

#include "sim/http.h"
#include "sim/state.h"

namespace sfwarden::sim {

/// A bad or expired session is HTTP 500 with faultcode sf:INVALID_SESSION_ID (body of
/// soap-fault-invalid-session-id-metadata-ns.xml). Each call counts against
/// DailyApiRequests (SOAP calls count; for the Metadata API this is UNCONFIRMED,
/// WIRE.md §8). upsertMetadata merges rules by fullName into the object's rule set
/// (whether it also deletes rules missing from the payload is UNCONFIRMED; sfsim keeps
/// them) and audits each created or changed rule. deleteMetadata removes rules named
/// "Object.Rule_Name" of the given type and audits each ("deleteSharingRule", as the
/// control API's delete_sharing_rule does).
Response HandleMetadataSoap(SimState& state, const Request& request);

}  // namespace sfwarden::sim
