#pragma once
// Giving freed heap back to the operating system after the daemon's big transient
// allocations (the configuration's YAML tree and the readers' temporaries, a full
// permission read).

namespace sfwarden::daemon {

/// glibc keeps freed heap mapped for reuse, so after a burst (a 1,000-user org's start
/// read holds its JSON pages and rows, ~13 MB) the resident set would stay at the burst's size for
/// the life of the process. malloc_trim(0) returns the free pages. Costs a walk of the
/// heap's free lists (about a millisecond at tens of MB): call it after bursts, not in
/// hot paths.
void ReleaseFreedMemory();

}  // namespace sfwarden::daemon
