#pragma once
// OrgConfig -> remediation::OrgBaseline: the drift engine's view of one org's config
// (remediation never includes daemon/, so the daemon translates; remediation/baseline.h
// spells out the mapping this follows).

#include "daemon/config.h"
#include "remediation/baseline.h"

namespace sfwarden::daemon {

/// Builds the baseline of `org`. Pure; `org` has passed config validation (every user's
/// permission set is defined, names are API names).
remediation::OrgBaseline BaselineFromConfig(const OrgConfig& org);

remediation::Mode ToRemediation(Mode mode);
remediation::EnforceKind ToRemediation(EnforceKind kind);

}  // namespace sfwarden::daemon
