#include "remediation/sharing_rules_json.h"

#include <string>
#include <utility>
#include <vector>

namespace sfwarden::remediation {
namespace {

using nlohmann::json;
using salesforce::SharingRule;

json SharedToJson(const salesforce::SharedTo& to) {
  return {{"kind", to.kind}, {"value", to.value}};
}

salesforce::SharedTo SharedToFrom(const json& j) {
  return {.kind = j.at("kind").get<std::string>(), .value = j.at("value").get<std::string>()};
}

SharingRule RuleFrom(const json& j, SharingRule::Type type) {
  SharingRule rule;
  rule.type = type;
  rule.full_name = j.at("fullName").get<std::string>();
  rule.access_level = j.at("accessLevel").get<std::string>();
  rule.label = j.value("label", "");
  rule.description = j.value("description", "");
  rule.shared_to = SharedToFrom(j.at("sharedTo"));
  if (const auto it = j.find("accountSettings"); it != j.end()) {
    rule.account_settings = salesforce::AccountSettings{
        .case_access_level = it->value("caseAccessLevel", ""),
        .contact_access_level = it->value("contactAccessLevel", ""),
        .opportunity_access_level = it->value("opportunityAccessLevel", "")};
  }
  if (type == SharingRule::Type::kOwner) {
    rule.shared_from = SharedToFrom(j.at("sharedFrom"));
    return rule;
  }
  rule.boolean_filter = j.value("booleanFilter", "");
  for (const json& item : j.value("criteriaItems", json::array())) {
    rule.criteria_items.push_back({.field = item.at("field").get<std::string>(),
                                   .operation = item.at("operation").get<std::string>(),
                                   .value = item.value("value", ""),
                                   .value_field = item.value("valueField", "")});
  }
  if (const auto it = j.find("includeRecordsOwnedByAll"); it != j.end()) {
    rule.include_records_owned_by_all = it->get<bool>();
  }
  return rule;
}

}  // namespace

json SharingRuleToJson(const SharingRule& rule) {
  json j = {{"fullName", rule.full_name},
            {"accessLevel", rule.access_level},
            {"label", rule.label},
            {"sharedTo", SharedToJson(rule.shared_to)}};
  if (!rule.description.empty()) j["description"] = rule.description;
  if (rule.account_settings) {
    j["accountSettings"] = {
        {"caseAccessLevel", rule.account_settings->case_access_level},
        {"contactAccessLevel", rule.account_settings->contact_access_level},
        {"opportunityAccessLevel", rule.account_settings->opportunity_access_level}};
  }
  if (rule.type == SharingRule::Type::kOwner) {
    j["sharedFrom"] = SharedToJson(rule.shared_from);
    return j;
  }
  if (!rule.boolean_filter.empty()) j["booleanFilter"] = rule.boolean_filter;
  json items = json::array();
  for (const salesforce::CriteriaItem& c : rule.criteria_items) {
    json item = {{"field", c.field}, {"operation", c.operation}};
    if (!c.value.empty()) item["value"] = c.value;
    if (!c.value_field.empty()) item["valueField"] = c.value_field;
    items.push_back(std::move(item));
  }
  j["criteriaItems"] = std::move(items);
  if (rule.include_records_owned_by_all) {
    j["includeRecordsOwnedByAll"] = *rule.include_records_owned_by_all;
  }
  return j;
}

json SharingRulesToJson(const salesforce::SharingRules& rules) {
  json criteria = json::array(), owner = json::array(), other = json::array();
  for (const SharingRule& rule : rules.criteria_rules) criteria.push_back(SharingRuleToJson(rule));
  for (const SharingRule& rule : rules.owner_rules) owner.push_back(SharingRuleToJson(rule));
  for (const auto& [element, xml] : rules.other_rules) {
    other.push_back({{"element", element}, {"xml", xml}});
  }
  return {{"object", rules.object},
          {"sharingCriteriaRules", std::move(criteria)},
          {"sharingOwnerRules", std::move(owner)},
          {"otherRules", std::move(other)}};
}

tl::expected<salesforce::SharingRules, std::string> SharingRulesFromJson(const json& j) {
  try {
    salesforce::SharingRules rules;
    rules.object = j.at("object").get<std::string>();
    for (const json& rule : j.at("sharingCriteriaRules")) {
      rules.criteria_rules.push_back(RuleFrom(rule, SharingRule::Type::kCriteria));
    }
    for (const json& rule : j.at("sharingOwnerRules")) {
      rules.owner_rules.push_back(RuleFrom(rule, SharingRule::Type::kOwner));
    }
    for (const json& other : j.value("otherRules", json::array())) {
      rules.other_rules.emplace_back(other.at("element").get<std::string>(),
                                     other.at("xml").get<std::string>());
    }
    return rules;
  } catch (const json::exception& e) {
    return tl::make_unexpected(std::string("not a SharingRules journal value: ") + e.what());
  }
}

}  // namespace sfwarden::remediation
