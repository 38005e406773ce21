#pragma once
// The state store's form of the login collector's observations: the org monitor and the
// login-ingest benchmark record a poll's logins through the same conversion.

#include <vector>

#include "collectors/observations.h"
#include "daemon/state_store.h"

namespace sfwarden::daemon {

/// One LoginRecord per observation, in the same order (RecordLogins' flags line up with
/// the observations).
std::vector<LoginRecord> ToLoginRecords(const std::vector<collectors::LoginObservation>& logins);

}  // namespace sfwarden::daemon
