#include "sim/schema.h"

#include <cctype>

namespace sfwarden::sim {
namespace {
using T = FieldType;

FieldDef F(std::string name, T type = T::kString) {
  return {std::move(name), type, "", "", false, false};
}
FieldDef W(std::string name, T type = T::kString) {  // createable and updateable
  return {std::move(name), type, "", "", true, true};
}
FieldDef Ref(std::string name, std::string target, std::string rel, bool create = false,
             bool update = false) {
  return {std::move(name), T::kReference, std::move(target), std::move(rel), create, update};
}

// ObjectPermissions.PermissionsViewAllFields came with Spring '25, API 63.0
// (collectors/target.h has the sources; the exact version is UNCONFIRMED).
FieldDef Since(FieldDef field, int version) {
  field.since_version = version;
  return field;
}

std::vector<FieldDef> Audit(std::vector<FieldDef> fields) {
  // Fields every sObject here carries (object reference "System Fields").
  fields.insert(fields.begin(), F("Id", T::kId));
  for (auto& f :
       {F("CreatedDate", T::kDateTime), Ref("CreatedById", "User", "CreatedBy"),
        F("LastModifiedDate", T::kDateTime), Ref("LastModifiedById", "User", "LastModifiedBy"),
        F("SystemModstamp", T::kDateTime), F("IsDeleted", T::kBool)}) {
    fields.push_back(f);
  }
  return fields;
}

std::vector<FieldDef> PermissionSetFields() {
  std::vector<FieldDef> f = {
      W("Name"),
      W("Label"),
      W("Description"),
      F("IsOwnedByProfile", T::kBool),
      F("IsCustom", T::kBool),
      F("Type"),
      F("NamespacePrefix"),
      Ref("ProfileId", "Profile", "Profile"),
      Ref("PermissionSetGroupId", "PermissionSetGroup", "PermissionSetGroup")};
  for (const auto& p : SystemPermissionNames()) f.push_back(W("Permissions" + p, T::kBool));
  return f;
}

std::vector<ObjectDef> Build() {
  std::vector<ObjectDef> o;
  o.push_back(
      {"User", "005",
       Audit({W("Username"), F("Name"), W("FirstName"), W("LastName"), W("Email"), W("Alias"),
              W("IsActive", T::kBool), Ref("ProfileId", "Profile", "Profile", true, true),
              F("UserType"), F("LastLoginDate", T::kDateTime), W("TimeZoneSidKey")}),
       false, false});
  o.push_back({"UserLogin", "0Yw",  // prefix 0Yw: UNCONFIRMED (composed-rest-query-userlogin.json)
               Audit({Ref("UserId", "User", "User"), W("IsFrozen", T::kBool),
                      W("IsPasswordLocked", T::kBool)}),
               false, false});
  o.push_back({"Profile", "00e",
               Audit({F("Name"), F("Description"), F("UserType"), Ref("UserLicenseId", "", "")}),
               false, false});
  o.push_back({"LoginHistory",
               "0Ya",
               {F("Id", T::kId),
                Ref("UserId", "User", ""),
                F("LoginTime", T::kDateTime),
                F("LoginType"),
                F("LoginUrl"),
                F("SourceIp"),
                F("Status"),
                F("Application"),
                F("Browser"),
                F("Platform"),
                F("ApiType"),
                F("ApiVersion"),
                F("ClientVersion"),
                F("AuthenticationServiceId"),
                F("LoginGeoId"),
                F("TlsProtocol"),
                F("CipherSuite"),
                F("CountryIso"),
                F("AuthMethodReference"),
                F("LoginSubType"),
                F("NetworkId"),
                F("ForwardedForIp"),
                F("OptionsIsGet", T::kBool),
                F("OptionsIsPost", T::kBool)},
               false,
               false});
  o.push_back(
      {"SetupAuditTrail",
       "0Ym",
       {F("Id", T::kId), F("Action"), F("Section"), F("Display"), F("CreatedDate", T::kDateTime),
        Ref("CreatedById", "User", "CreatedBy"), F("CreatedByContext"), F("CreatedByIssuer"),
        F("DelegateUser"), F("ResponsibleNamespacePrefix")},
       false,
       false});
  o.push_back({"PermissionSet", "0PS", Audit(PermissionSetFields()), true, true});
  o.push_back(
      {"PermissionSetAssignment", "0Pa",
       Audit({Ref("AssigneeId", "User", "Assignee", true, false),
              Ref("PermissionSetId", "PermissionSet", "PermissionSet", true, false),
              Ref("PermissionSetGroupId", "PermissionSetGroup", "PermissionSetGroup", true, false),
              W("ExpirationDate", T::kDateTime), F("IsActive", T::kBool),
              F("IsRevoked", T::kBool)}),
       true, true});
  o.push_back({"PermissionSetGroup", "0PG",
               Audit({W("DeveloperName"), W("MasterLabel"), W("Description"), F("Language"),
                      F("HasActivationRequired", T::kBool), F("Status")}),
               false, false});
  o.push_back({"ObjectPermissions", "110",
               Audit({Ref("ParentId", "PermissionSet", "Parent", true, false),
                      {"SobjectType", T::kString, "", "", true, false},
                      W("PermissionsRead", T::kBool),
                      W("PermissionsCreate", T::kBool),
                      W("PermissionsEdit", T::kBool),
                      W("PermissionsDelete", T::kBool),
                      W("PermissionsViewAllRecords", T::kBool),
                      W("PermissionsModifyAllRecords", T::kBool),
                      Since(W("PermissionsViewAllFields", T::kBool), 63)}),
               true, true});
  o.push_back({"FieldPermissions", "01k",
               Audit({Ref("ParentId", "PermissionSet", "Parent", true, false),
                      {"SobjectType", T::kString, "", "", true, false},
                      {"Field", T::kString, "", "", true, false},
                      W("PermissionsRead", T::kBool),
                      W("PermissionsEdit", T::kBool)}),
               true, true});
  o.push_back(
      {"Group", "00G",
       Audit({W("Name"), W("DeveloperName"), F("Type"), F("DoesIncludeBosses", T::kBool),
              F("DoesSendEmailToMembers", T::kBool), Ref("RelatedId", "", ""), W("Description")}),
       false, false});
  o.push_back({"GroupMember",
               "011",
               {F("Id", T::kId), Ref("GroupId", "Group", "Group", true, false),
                Ref("UserOrGroupId", "", "", true, false), F("SystemModstamp", T::kDateTime),
                F("IsDeleted", T::kBool)},
               true,
               true});
  o.push_back(
      {"Organization", "00D",
       Audit({F("Name"), F("OrganizationType"), F("InstanceName"), F("IsSandbox", T::kBool),
              F("TimeZoneSidKey"), F("DefaultAccountAccess"), F("DefaultContactAccess"),
              F("DefaultOpportunityAccess"), F("DefaultLeadAccess"), F("DefaultCaseAccess"),
              F("DefaultCalendarAccess"), F("DefaultPricebookAccess"), F("DefaultCampaignAccess")}),
       false, false});
  o.push_back(
      {"EventLogFile", "0AT",
       Audit({F("EventType"), F("LogDate", T::kDateTime), F("Interval"), F("Sequence", T::kInt),
              F("LogFile"), F("LogFileLength", T::kDouble), F("LogFileContentType"),
              F("LogFileFieldNames"), F("LogFileFieldTypes"), F("ApiVersion", T::kDouble)}),
       false, false});
  o.push_back(
      {"OAuthToken",
       "0CR",
       {F("Id", T::kId), F("AppName"), Ref("AppMenuItemId", "", ""), F("CreatedDate", T::kDateTime),
        F("LastUsedDate", T::kDateTime), F("UseCount", T::kInt), Ref("UserId", "User", "User"),
        F("DeleteToken"), F("RequestToken"), F("IsDeleted", T::kBool)},
       false,
       false});
  o.push_back({"ConnectedApplication", "0H4",
               Audit({F("Name"), F("OptionsAllowAdminApprovedUsersOnly", T::kBool)}), false,
               false});
  return o;
}
}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

const std::vector<std::pair<std::string, std::string>>& ObjectAccessFields() {
  static const std::vector<std::pair<std::string, std::string>> fields = {
      {"read", "PermissionsRead"},
      {"create", "PermissionsCreate"},
      {"edit", "PermissionsEdit"},
      {"delete", "PermissionsDelete"},
      {"viewAll", "PermissionsViewAllRecords"},
      {"modifyAll", "PermissionsModifyAllRecords"},
      {"viewAllFields", "PermissionsViewAllFields"}};
  return fields;
}

const std::vector<std::string>& SystemPermissionNames() {
  static const std::vector<std::string> names = {
      "ApiEnabled",        "ApiUserOnly",          "ModifyAllData",       "ViewAllData",
      "ViewSetup",         "ManageUsers",          "AuthorApex",          "CustomizeApplication",
      "ViewAllUsers",      "AssignPermissionSets", "ManageSharing",       "ModifyMetadata",
      "BulkApiHardDelete", "ExportReport",         "ViewEventLogFiles",   "ManageInternalUsers",
      "ResetPasswords",    "PasswordNeverExpires", "ManageConnectedApps", "ViewRoles"};
  return names;
}

const std::vector<ObjectDef>& AllObjects() {
  static const std::vector<ObjectDef> objects = Build();
  return objects;
}

const FieldDef* ObjectDef::Field(std::string_view n) const {
  for (const auto& f : fields) {
    if (EqualsIgnoreCase(f.name, n)) return &f;
  }
  return nullptr;
}

const FieldDef* ObjectDef::Relationship(std::string_view n) const {
  for (const auto& f : fields) {
    if (!f.relationship.empty() && EqualsIgnoreCase(f.relationship, n)) return &f;
  }
  return nullptr;
}

const ObjectDef* FindObject(std::string_view name) {
  for (const auto& o : AllObjects()) {
    if (EqualsIgnoreCase(o.name, name)) return &o;
  }
  return nullptr;
}

const ObjectDef* ObjectForId(std::string_view id) {
  if (id.size() < 3) return nullptr;
  for (const auto& o : AllObjects()) {
    if (id.substr(0, 3) == o.key_prefix) return &o;
  }
  return nullptr;
}

}  // namespace sfwarden::sim
