#pragma once
// Plans for people (`sfwarden plan`, like `terraform plan`) and for tools
// (`sfwarden plan --output json`).

#include <nlohmann/json.hpp>
#include <string>

#include "remediation/plan.h"

namespace sfwarden::remediation {

/// The drift, one line per item; the steps, one line each with a marker (+ create,
/// - delete, ~ update or upsert); the drift left alone and why; then a summary line
/// "Plan: 1 to add, 2 to change, 1 to remove; 3 API calls." (or "No drift." /
/// the circuit breaker's reason). Strings from Salesforce have control characters
/// escaped, so a crafted label cannot forge lines.
std::string RenderPlanText(const Plan& plan);

/// Everything in the plan: {"org", "read_at", "drift": [...], "steps": [...],
/// "skipped": [...], "changes", "api_calls", "circuit_breaker", "summary": {"add",
/// "change", "remove"}}. Step "fields"/"replaces" are the values the applier sends and
/// the journal keeps.
nlohmann::json RenderPlanJson(const Plan& plan);

}  // namespace sfwarden::remediation
