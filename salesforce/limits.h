#pragma once
// GET /services/data/vXX.X/limits: {"<Name>": {"Max", "Remaining", "<sub or app>": {...}}}
// (REST API Developer Guide, resources_limits; WIRE.md §4). Some limits carry one
// sub-object per connected app (DailyApiRequests...), PermissionSets has CreateCustom.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tl/expected.hpp>

#include "salesforce/errors.h"

namespace sfwarden::salesforce {

struct LimitValue {
  std::int64_t max = 0;
  std::int64_t remaining = 0;
  std::int64_t used() const { return max - remaining; }
};

struct Limit {
  LimitValue value;
  /// Per-connected-app (or other named) sub-limits, same shape.
  std::map<std::string, LimitValue> children;
};

using Limits = std::map<std::string, Limit>;

tl::expected<Limits, ApiError> DecodeLimits(std::string_view body);

/// GET /limits/recordCount?sObjects=...: {"sObjects": [{"count", "name"}]} -> name -> count.
tl::expected<std::map<std::string, std::int64_t>, ApiError> DecodeRecordCounts(
    std::string_view body);

}  // namespace sfwarden::salesforce
