#pragma once
// The OAuth 2.0 endpoints: POST /services/oauth2/token (JWT bearer, client credentials,
// refresh token and password grants) and POST /services/oauth2/revoke [WIRE.md §1].

#include "sim/http.h"
#include "sim/state.h"

namespace sfwarden::sim {

/// Errors are HTTP 400 `{"error": …, "error_description": …}` with Cache-Control: no-store.
/// Successful JWT, client-credentials and password grants write a LoginHistory row;
/// refresh does not (a refresh is not a login).
Response HandleToken(SimState& state, const Request& request);
Response HandleRevoke(SimState& state, const Request& request);
/// GET /id/<org>/<user> with a Bearer token: the identity service (minimal fields).
Response HandleIdentity(SimState& state, const Request& request);

}  // namespace sfwarden::sim
