#pragma once
// The control API under /__sim/ (JSON in, JSON out) for tests and the demo; documented in
// sim/README.md. Never counted, never faulted, no authentication (loopback tool).

#include "sim/http.h"
#include "sim/state.h"

namespace sfwarden::sim {

Response HandleControl(SimState& state, const Request& request);

}  // namespace sfwarden::sim
