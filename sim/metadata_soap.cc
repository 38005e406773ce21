#include "sim/metadata_soap.h"

#include <algorithm>
#include <pugixml.hpp>
#include <sstream>
#include <variant>

#include "sim/changes.h"
#include "sim/limits.h"

namespace sfwarden::sim {
namespace {
constexpr const char* kMetadataNs = "http://soap.sforce.com/2006/04/metadata";
constexpr const char* kEnvelopeNs = "http://schemas.xmlsoap.org/soap/envelope/";

std::string LocalName(const char* name) {
  std::string n(name);
  auto colon = n.find(':');
  return colon == std::string::npos ? n : n.substr(colon + 1);
}

pugi::xml_node Child(pugi::xml_node node, const char* local) {
  for (auto c : node.children()) {
    if (LocalName(c.name()) == local) return c;
  }
  return {};
}

std::vector<pugi::xml_node> Children(pugi::xml_node node, const char* local) {
  std::vector<pugi::xml_node> out;
  for (auto c : node.children()) {
    if (LocalName(c.name()) == local) out.push_back(c);
  }
  return out;
}

std::string Text(pugi::xml_node node, const char* local) {
  return Child(node, local).text().as_string();
}

Response Xml(int status, const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "text/xml;charset=UTF-8");
  r.body = out.str();
  return r;
}

pugi::xml_node Envelope(pugi::xml_document& doc, bool with_xsi) {
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto env = doc.append_child("soapenv:Envelope");
  env.append_attribute("xmlns:soapenv") = kEnvelopeNs;
  env.append_attribute("xmlns") = kMetadataNs;
  if (with_xsi) env.append_attribute("xmlns:xsi") = "http://www.w3.org/2001/XMLSchema-instance";
  return env.append_child("soapenv:Body");
}

// Shape of soap-fault-invalid-session-id-metadata-ns.xml (HTTP 500 per jsforce soap.ts).
Response Fault(const std::string& code, const std::string& message) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto env = doc.append_child("soapenv:Envelope");
  env.append_attribute("xmlns:soapenv") = kEnvelopeNs;
  env.append_attribute("xmlns:sf") = kMetadataNs;
  auto fault = env.append_child("soapenv:Body").append_child("soapenv:Fault");
  fault.append_child("faultcode").text() = code.c_str();
  fault.append_child("faultstring").text() = message.c_str();
  return Xml(500, doc);
}

void Add(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text() = value.c_str();
}

// Element order: SharingBaseRule fields, then booleanFilter/criteriaItems/
// includeRecordsOwnedByAll or sharedFrom (WSDL sequence; composed-metadata-readmetadata-*).
void WriteRule(pugi::xml_node parent, const SharingRule& r) {
  bool criteria = r.kind == SharingRule::Kind::kCriteria;
  auto n = parent.append_child(criteria ? "sharingCriteriaRules" : "sharingOwnerRules");
  Add(n, "fullName", r.full_name);
  Add(n, "accessLevel", r.access_level);
  if (!r.case_access.empty() || !r.contact_access.empty() || !r.opportunity_access.empty()) {
    auto as = n.append_child("accountSettings");
    Add(as, "caseAccessLevel", r.case_access);
    Add(as, "contactAccessLevel", r.contact_access);
    Add(as, "opportunityAccessLevel", r.opportunity_access);
  }
  if (!r.description.empty()) Add(n, "description", r.description);
  Add(n, "label", r.label);
  Add(n.append_child("sharedTo"), r.shared_to_type.c_str(), r.shared_to);
  if (criteria) {
    if (!r.boolean_filter.empty()) Add(n, "booleanFilter", r.boolean_filter);
    for (const auto& c : r.criteria) {
      auto item = n.append_child("criteriaItems");
      Add(item, "field", c.field);
      Add(item, "operation", c.operation);
      Add(item, "value", c.value);
    }
    if (r.include_records_owned_by_all)
      Add(n, "includeRecordsOwnedByAll", *r.include_records_owned_by_all ? "true" : "false");
  } else {
    Add(n.append_child("sharedFrom"), r.shared_from_type.c_str(), r.shared_from);
  }
}

std::string Serialize(const SharingRule& r) {
  pugi::xml_document doc;
  WriteRule(doc, r);
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

bool KnownObject(const SimState& state, const std::string& object) {
  static const char* kStandard[] = {"Account", "Contact", "Opportunity",
                                    "Lead",    "Case",    "Campaign"};
  for (const char* s : kStandard) {
    if (object == s) return true;
  }
  return state.org.sharing_rules.count(object) > 0 ||
         (object.size() > 3 && object.substr(object.size() - 3) == "__c");
}

Response Read(SimState& state, pugi::xml_node op) {
  pugi::xml_document doc;
  auto result = Envelope(doc, true).append_child("readMetadataResponse").append_child("result");
  std::string type = Text(op, "type");
  for (auto name : Children(op, "fullNames")) {
    std::string object = name.text().as_string();
    auto records = result.append_child("records");
    if (type != "SharingRules" || !KnownObject(state, object))
      continue;  // empty records (UNCONFIRMED)
    records.append_attribute("xsi:type") = "SharingRules";
    Add(records, "fullName", object);
    auto it = state.org.sharing_rules.find(object);
    if (it == state.org.sharing_rules.end()) continue;
    for (const auto& r : it->second) {
      if (r.kind == SharingRule::Kind::kCriteria) WriteRule(records, r);
    }
    for (const auto& r : it->second) {
      if (r.kind == SharingRule::Kind::kOwner) WriteRule(records, r);
    }
  }
  return Xml(200, doc);
}

// Parses one rule element; the error text when it is invalid.
std::variant<SharingRule, std::string> ParseRule(SimState& state, pugi::xml_node n, bool criteria) {
  SharingRule r;
  r.kind = criteria ? SharingRule::Kind::kCriteria : SharingRule::Kind::kOwner;
  r.full_name = Text(n, "fullName");
  r.access_level = Text(n, "accessLevel");
  r.label = Text(n, "label");
  r.description = Text(n, "description");
  if (r.full_name.empty()) return std::string("Required field fullName is missing");
  if (r.access_level != "Read" && r.access_level != "Edit" && r.access_level != "All")
    return "Invalid accessLevel '" + r.access_level + "' for rule " + r.full_name;
  if (auto as = Child(n, "accountSettings")) {
    r.case_access = Text(as, "caseAccessLevel");
    r.contact_access = Text(as, "contactAccessLevel");
    r.opportunity_access = Text(as, "opportunityAccessLevel");
  }
  auto target = [&](const char* key, std::string& type,
                    std::string& value) -> std::optional<std::string> {
    auto t = Child(n, key);
    auto first = t.first_child();
    if (!t || !first || first.next_sibling())
      return std::string(key) + " must name exactly one target in rule " + r.full_name;
    type = LocalName(first.name());
    value = first.text().as_string();
    if (type == "group" && !state.org.FindBy("Group", "DeveloperName", value))
      return "No group named " + value + " found for rule " + r.full_name;  // wording UNCONFIRMED
    return std::nullopt;
  };
  if (auto e = target("sharedTo", r.shared_to_type, r.shared_to)) return *e;
  if (criteria) {
    r.boolean_filter = Text(n, "booleanFilter");
    static const char* kOps[] = {"equals",      "notEqual",       "lessThan", "greaterThan",
                                 "lessOrEqual", "greaterOrEqual", "contains", "notContain",
                                 "startsWith",  "includes",       "excludes", "within"};
    for (auto item : Children(n, "criteriaItems")) {
      SharingCriteriaItem c{Text(item, "field"), Text(item, "operation"), Text(item, "value")};
      if (std::find(std::begin(kOps), std::end(kOps), c.operation) == std::end(kOps))
        return "Invalid operation '" + c.operation + "' in rule " + r.full_name;
      r.criteria.push_back(std::move(c));
    }
    if (r.criteria.empty())
      return "A criteria-based sharing rule needs criteriaItems: " + r.full_name;
    if (auto inc = Child(n, "includeRecordsOwnedByAll"))
      r.include_records_owned_by_all = std::string(inc.text().as_string()) == "true";
  } else {
    if (auto e = target("sharedFrom", r.shared_from_type, r.shared_from)) return *e;
  }
  return r;
}

Response Upsert(SimState& state, const std::string& actor, pugi::xml_node op) {
  pugi::xml_document doc;
  auto response = Envelope(doc, false).append_child("upsertMetadataResponse");
  Changes changes(state, actor);
  for (auto md : Children(op, "metadata")) {
    std::string object = Text(md, "fullName");
    std::string type = LocalName(md.attribute("xsi:type").as_string());
    std::vector<SharingRule> rules;
    std::string error;
    if (type != "SharingRules")
      error = "sfsim supports upsertMetadata only for SharingRules, not " + type;
    if (object.empty()) error = "Required field fullName is missing";
    for (auto child : md.children()) {
      std::string name = LocalName(child.name());
      if (!error.empty()) break;
      if (name != "sharingCriteriaRules" && name != "sharingOwnerRules") continue;
      auto parsed = ParseRule(state, child, name == "sharingCriteriaRules");
      if (auto* e = std::get_if<std::string>(&parsed))
        error = *e;
      else
        rules.push_back(std::get<SharingRule>(parsed));
    }
    auto result = response.append_child("result");
    bool created =
        state.org.sharing_rules.count(object) == 0 || state.org.sharing_rules[object].empty();
    if (!error.empty()) {
      // UpsertResult{created, errors*{message, statusCode}, fullName, success} [WSDL].
      Add(result, "created", "false");
      auto errors = result.append_child("errors");
      Add(errors, "message", error);
      Add(errors, "statusCode", "FIELD_INTEGRITY_EXCEPTION");
      Add(result, "fullName", object);
      Add(result, "success", "false");
      continue;
    }
    auto& existing = state.org.sharing_rules[object];
    for (auto& rule : rules) {
      auto it = std::find_if(existing.begin(), existing.end(),
                             [&](const SharingRule& e) { return e.full_name == rule.full_name; });
      if (it == existing.end()) {
        changes.AuditSharingRule("createSharingRule", object, rule.full_name, "Created");
        existing.push_back(std::move(rule));
      } else if (Serialize(*it) != Serialize(rule)) {
        changes.AuditSharingRule("updateSharingRule", object, rule.full_name, "Updated");
        *it = std::move(rule);
      }
    }
    Add(result, "created", created ? "true" : "false");
    Add(result, "fullName", object);
    Add(result, "success", "true");
  }
  return Xml(200, doc);
}

// deleteMetadata(type, fullNames[]) -> deleteMetadataResponse/result* (DeleteResult
// {errors*, fullName, success}; Metadata API Developer Guide, deleteMetadata() and
// DeleteResult; jsforce metadata.ts sends {type, fullNames}). Sharing rules are deleted
// one by one as SharingCriteriaRule / SharingOwnerRule with fullName "Object.Rule_Name"
// (the package.xml member form of the SharingRules page's sample manifest). A name that
// does not exist fails with INVALID_CROSS_REFERENCE_KEY "... no <Type> named <name>
// found" (the shape reported in certinia/apex-mdapi#86; exact wording UNCONFIRMED).
Response Delete(SimState& state, const std::string& actor, pugi::xml_node op) {
  pugi::xml_document doc;
  auto response = Envelope(doc, false).append_child("deleteMetadataResponse");
  Changes changes(state, actor);
  const std::string type = Text(op, "type");
  const bool criteria = type == "SharingCriteriaRule";
  for (auto name : Children(op, "fullNames")) {
    const std::string full_name = name.text().as_string();
    auto result = response.append_child("result");
    std::string error, code = "INVALID_CROSS_REFERENCE_KEY";
    const auto dot = full_name.find('.');
    if (!criteria && type != "SharingOwnerRule") {
      error =
          "sfsim supports deleteMetadata only for SharingCriteriaRule and SharingOwnerRule, "
          "not " +
          type;
      code = "FIELD_INTEGRITY_EXCEPTION";
    } else if (dot == std::string::npos) {
      error = "In field: fullName - no " + type + " named " + full_name + " found";
    } else {
      const std::string object = full_name.substr(0, dot), rule = full_name.substr(dot + 1);
      auto& rules = state.org.sharing_rules[object];
      const auto kind = criteria ? SharingRule::Kind::kCriteria : SharingRule::Kind::kOwner;
      auto it = std::find_if(rules.begin(), rules.end(), [&](const SharingRule& r) {
        return r.kind == kind && r.full_name == rule;
      });
      if (it == rules.end()) {
        error = "In field: fullName - no " + type + " named " + full_name + " found";
      } else {
        rules.erase(it);
        changes.AuditSharingRule("deleteSharingRule", object, rule, "Deleted");
      }
    }
    if (!error.empty()) {
      auto errors = result.append_child("errors");
      Add(errors, "message", error);
      Add(errors, "statusCode", code);
    }
    Add(result, "fullName", full_name);
    Add(result, "success", error.empty() ? "true" : "false");
  }
  return Xml(200, doc);
}
}  // namespace

Response HandleMetadataSoap(SimState& state, const Request& request) {
  if (request.method != "POST") return Fault("soapenv:Client", "SOAP requests must use POST");
  pugi::xml_document doc;
  if (!doc.load_buffer(request.body.data(), request.body.size()))
    return Fault("soapenv:Client", "Unable to parse the request body as XML");
  auto envelope = doc.first_child();
  auto header = Child(envelope, "Header");
  auto body = Child(envelope, "Body");
  std::string session_id = Text(Child(header, "SessionHeader"), "sessionId");
  Session* session = state.sessions.Authenticate("Bearer " + session_id, state.org.Now(),
                                                 state.org.settings.session_timeout_ms);
  if (session == nullptr)
    return Fault("sf:INVALID_SESSION_ID",
                 "INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session");
  EpochMs now = state.org.Now();
  if (state.usage.Used(now) >= state.org.settings.daily_api_requests)
    return Fault("sf:REQUEST_LIMIT_EXCEEDED",
                 "REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.");
  auto op = body.first_child();
  std::string name = LocalName(op.name());
  state.usage.Count(now, "SOAP metadata " + name, session->user_id, session->app_name);
  if (name == "readMetadata") return Read(state, op);
  if (name == "upsertMetadata") return Upsert(state, session->user_id, op);
  if (name == "deleteMetadata") return Delete(state, session->user_id, op);
  return Fault("soapenv:Client",
               "No operation available for request {" + std::string(kMetadataNs) + "}" + name);
}

}  // namespace sfwarden::sim
