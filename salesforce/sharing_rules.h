#pragma once
// The Metadata API SharingRules type (Metadata API Developer Guide meta_sharingrules;
// Metadata WSDL v47 SharingRules/SharingBaseRule/SharingCriteriaRule/SharingOwnerRule;
// WIRE.md §7). fullName is the object's API name ("Account").

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sfwarden::salesforce {

/// One SharedTo choice: kind is the element name ("group", "role", "allInternalUsers",
/// "roleAndSubordinates", ...), value its text ("" for the all* kinds).
struct SharedTo {
  std::string kind;
  std::string value;
  friend bool operator==(const SharedTo&, const SharedTo&) = default;
};

struct AccountSettings {
  std::string case_access_level;
  std::string contact_access_level;
  std::string opportunity_access_level;
  friend bool operator==(const AccountSettings&, const AccountSettings&) = default;
};

/// FilterItem: operation is equals, notEqual, lessThan, ..., includes, excludes, within.
struct CriteriaItem {
  std::string field;
  std::string operation;
  std::string value;
  std::string value_field;
  friend bool operator==(const CriteriaItem&, const CriteriaItem&) = default;
};

struct SharingRule {
  enum class Type { kCriteria, kOwner };
  Type type = Type::kCriteria;
  std::string full_name;     // rule API name, without the object prefix
  std::string access_level;  // Read | Edit | All
  std::optional<AccountSettings> account_settings;
  std::string description;
  std::string label;
  SharedTo shared_to;
  // kCriteria
  std::string boolean_filter;  // "1 AND 2", may be empty
  std::vector<CriteriaItem> criteria_items;
  std::optional<bool> include_records_owned_by_all;
  // kOwner
  SharedTo shared_from;
  friend bool operator==(const SharingRule&, const SharingRule&) = default;
};

struct SharingRules {
  std::string object;  // fullName
  std::vector<SharingRule> criteria_rules;
  std::vector<SharingRule> owner_rules;
  /// Rule kinds this client does not model (sharingGuestRules, sharingTerritoryRules),
  /// kept as {element name, XML} so that a read-modify-upsert does not drop them.
  std::vector<std::pair<std::string, std::string>> other_rules;
};

/// The Metadata API type of one rule, for deleteMetadata: "SharingCriteriaRule" or
/// "SharingOwnerRule" (Metadata API Developer Guide, SharingRules: "In API version 33.0 and
/// later, use SharingCriteriaRule, SharingOwnerRule ..."), and its fullName there,
/// "Account.Rule_Name" (the member form of that page's sample package.xml).
inline std::string SharingRuleMetadataType(SharingRule::Type type) {
  return type == SharingRule::Type::kCriteria ? "SharingCriteriaRule" : "SharingOwnerRule";
}
inline std::string SharingRuleFullName(const std::string& object, const std::string& rule) {
  return object + "." + rule;
}

}  // namespace sfwarden::salesforce
