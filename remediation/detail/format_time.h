#pragma once
// ISO 8601 UTC text for the times in plans and journal values.

#include <string>

#include "collectors/observations.h"

namespace sfwarden::remediation::detail {

/// "2024-01-31T23:59:59.000Z".
std::string FormatTime(collectors::Time time);

}  // namespace sfwarden::remediation::detail
