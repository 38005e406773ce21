#pragma once
// The sObjects sfsim knows, their fields, types and relationships. Names are matched
// case-insensitively (as SOQL does) and reported in their canonical spelling.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfwarden::sim {

enum class FieldType { kId, kString, kBool, kInt, kDouble, kDateTime, kDate, kReference };

struct FieldDef {
  std::string name;
  FieldType type = FieldType::kString;
  std::string ref_object;    // kReference / kId: the target sObject ("" = polymorphic)
  std::string relationship;  // kReference: relationship name for Parent.Field ("" = none)
  bool createable = false;
  bool updateable = false;
  /// The first API version (major) that has the field; a query through an older
  /// /services/data/vNN.0 gets INVALID_FIELD for it, as from Salesforce. 0: any version.
  int since_version = 0;
};

struct ObjectDef {
  std::string name;
  std::string key_prefix;
  std::vector<FieldDef> fields;
  bool createable = false;
  bool deletable = false;

  /// Case-insensitive lookups; nullptr when absent.
  const FieldDef* Field(std::string_view name) const;
  const FieldDef* Relationship(std::string_view name) const;
};

/// Case-insensitive; nullptr for objects sfsim does not model.
const ObjectDef* FindObject(std::string_view name);
/// The object whose key prefix starts `id` (nullptr when none).
const ObjectDef* ObjectForId(std::string_view id);
const std::vector<ObjectDef>& AllObjects();

/// The object access words of the org file and the control API ("read", "viewAll",
/// "viewAllFields"...) and the ObjectPermissions field each one sets, in Setup's order.
const std::vector<std::pair<std::string, std::string>>& ObjectAccessFields();

/// System permissions modelled as PermissionSet.Permissions<Name> boolean fields.
const std::vector<std::string>& SystemPermissionNames();

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace sfwarden::sim
