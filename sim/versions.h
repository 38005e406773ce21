#pragma once
// GET /services/data (the Versions resource, which does not count as an API call
// [WIRE.md §8]) and GET /services/data/vNN.0/ (the resource directory).

#include "sim/http.h"
#include "sim/state.h"

namespace sfwarden::sim {

Response HandleVersions(const SimState& state);
/// `user_id`: the caller's, for the "identity" entry.
Response HandleResources(const SimState& state, const std::string& version,
                         const std::string& user_id);
/// "Spring '24" for 60.0: three releases a year, Spring/Summer/Winter, Winter named for
/// the following year (e.g. 59.0 = Winter '24, 62.0 = Winter '25).
std::string ReleaseLabel(int major_version);

}  // namespace sfwarden::sim
