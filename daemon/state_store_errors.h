#pragma once
// sfwarden_state_store_errors_total{org}: the one definition of the counter, shared by
// the org monitors (cursors, logins, journal) and the alert service (alert lifecycle),
// so every failed state write feeds the SfwardenStateStoreFailing alert.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

namespace sfwarden::daemon {

/// The family in `registry` (created on first use; prometheus-cpp merges later calls).
inline prometheus::Family<prometheus::Counter>& StateStoreErrors(prometheus::Registry& registry) {
  return prometheus::BuildCounter()
      .Name("sfwarden_state_store_errors_total")
      .Help(
          "Writes to the state store that failed (disk full, file too large, read-only, I/O "
          "error); what they carried is read again")
      .Register(registry);
}

}  // namespace sfwarden::daemon
