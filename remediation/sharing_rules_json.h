#pragma once
// salesforce::SharingRules as JSON, for the journal's "replaces" value and for rollback.
// Field names follow the Metadata API elements (accessLevel, sharedTo, criteriaItems...).

#include <nlohmann/json.hpp>
#include <tl/expected.hpp>

#include "salesforce/sharing_rules.h"

namespace sfwarden::remediation {

nlohmann::json SharingRuleToJson(const salesforce::SharingRule& rule);
nlohmann::json SharingRulesToJson(const salesforce::SharingRules& rules);
/// The inverse of SharingRulesToJson; a journal entry that does not decode gives the
/// reason (it was written by another version or edited by hand).
tl::expected<salesforce::SharingRules, std::string> SharingRulesFromJson(
    const nlohmann::json& json);

}  // namespace sfwarden::remediation
