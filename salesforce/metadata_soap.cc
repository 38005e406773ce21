#include "salesforce/metadata_soap.h"

#include <cstring>
#include <pugixml.hpp>
#include <sstream>

namespace sfwarden::salesforce {
namespace {
constexpr const char* kSoapEnvNs = "http://schemas.xmlsoap.org/soap/envelope/";
constexpr const char* kXsiNs = "http://www.w3.org/2001/XMLSchema-instance";

// ---- reading: match elements by local name (responses use default namespaces, files
// and faults use prefixes such as met:, sf:, soapenv:).

std::string_view LocalName(std::string_view name) {
  auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}
bool Is(pugi::xml_node n, std::string_view local) {
  return n.type() == pugi::node_element && LocalName(n.name()) == local;
}
pugi::xml_node Child(pugi::xml_node n, std::string_view local) {
  for (auto c : n.children()) {
    if (Is(c, local)) return c;
  }
  return {};
}
std::vector<pugi::xml_node> Children(pugi::xml_node n, std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (auto c : n.children()) {
    if (Is(c, local)) out.push_back(c);
  }
  return out;
}
std::string Text(pugi::xml_node n, std::string_view local) { return Child(n, local).text().get(); }
bool HasElementChildren(pugi::xml_node n) {
  for (auto c : n.children()) {
    if (c.type() == pugi::node_element) return true;
  }
  return false;
}

// Error {extendedErrorDetails*, fields*, message, statusCode} of a Save/Upsert/DeleteResult.
std::vector<ErrorItem> ReadErrors(pugi::xml_node result) {
  std::vector<ErrorItem> errors;
  for (auto err : Children(result, "errors")) {
    ErrorItem item{Text(err, "statusCode"), Text(err, "message"), {}};
    for (auto f : Children(err, "fields")) item.fields.emplace_back(f.text().get());
    errors.push_back(std::move(item));
  }
  return errors;
}

ApiError XmlError(std::string message) {
  return MakeError(ErrorKind::kDecode, std::move(message), "Metadata API response");
}

tl::expected<pugi::xml_node, ApiError> LoadBody(pugi::xml_document& doc, std::string_view body) {
  auto result = doc.load_buffer(body.data(), body.size());
  if (!result) {
    return tl::unexpected(XmlError(std::string("malformed XML: ") + result.description() +
                                   " at offset " + std::to_string(result.offset)));
  }
  auto env = doc.document_element();
  if (!Is(env, "Envelope")) return tl::unexpected(XmlError("no SOAP Envelope"));
  auto soap_body = Child(env, "Body");
  if (!soap_body) return tl::unexpected(XmlError("no SOAP Body"));
  return soap_body;
}

SharedTo ReadSharedTo(pugi::xml_node n) {
  for (auto c : n.children()) {
    if (c.type() == pugi::node_element) {
      return {std::string(LocalName(c.name())), c.text().get()};
    }
  }
  return {};
}

tl::expected<SharingRule, ApiError> ReadRule(pugi::xml_node n, SharingRule::Type type) {
  SharingRule r;
  r.type = type;
  r.full_name = Text(n, "fullName");
  r.access_level = Text(n, "accessLevel");
  if (auto s = Child(n, "accountSettings")) {
    r.account_settings = AccountSettings{Text(s, "caseAccessLevel"), Text(s, "contactAccessLevel"),
                                         Text(s, "opportunityAccessLevel")};
  }
  r.description = Text(n, "description");
  r.label = Text(n, "label");
  r.shared_to = ReadSharedTo(Child(n, "sharedTo"));
  if (r.full_name.empty() || r.shared_to.kind.empty()) {
    return tl::unexpected(XmlError("sharing rule lacks fullName or sharedTo"));
  }
  if (type == SharingRule::Type::kCriteria) {
    r.boolean_filter = Text(n, "booleanFilter");
    for (auto item : Children(n, "criteriaItems")) {
      r.criteria_items.push_back({Text(item, "field"), Text(item, "operation"), Text(item, "value"),
                                  Text(item, "valueField")});
    }
    if (auto inc = Child(n, "includeRecordsOwnedByAll")) {
      r.include_records_owned_by_all = std::string_view(inc.text().get()) == "true";
    }
  } else {
    r.shared_from = ReadSharedTo(Child(n, "sharedFrom"));
  }
  return r;
}

// Copies `src` under `dst` with prefixes dropped, so it can be re-emitted in our namespace.
void CopyLocal(pugi::xml_node src, pugi::xml_node dst) {
  for (auto c : src.children()) {
    if (c.type() == pugi::node_element) {
      CopyLocal(c, dst.append_child(std::string(LocalName(c.name())).c_str()));
    } else if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) {
      dst.append_child(pugi::node_pcdata).set_value(c.value());
    }
  }
}

std::string ToXml(pugi::xml_node n) {
  std::ostringstream out;
  n.print(out, "", pugi::format_raw);
  return out.str();
}

tl::expected<SharingRules, ApiError> ReadSharingRules(pugi::xml_node n, std::string object) {
  SharingRules rules;
  rules.object = std::move(object);
  for (auto c : n.children()) {
    if (c.type() != pugi::node_element) continue;
    auto name = LocalName(c.name());
    if (name == "fullName") {
      rules.object = c.text().get();
    } else if (name == "sharingCriteriaRules" || name == "sharingOwnerRules") {
      bool criteria = name == "sharingCriteriaRules";
      auto rule = ReadRule(c, criteria ? SharingRule::Type::kCriteria : SharingRule::Type::kOwner);
      if (!rule) return tl::unexpected(rule.error());
      (criteria ? rules.criteria_rules : rules.owner_rules).push_back(std::move(*rule));
    } else {
      pugi::xml_document copy;
      CopyLocal(c, copy.append_child(std::string(name).c_str()));
      rules.other_rules.emplace_back(std::string(name), ToXml(copy.document_element()));
    }
  }
  if (rules.object.empty()) return tl::unexpected(XmlError("SharingRules without fullName"));
  return rules;
}

// ---- writing: the `met:` prefix style of the composed request examples.

void AddText(pugi::xml_node parent, const std::string& name, std::string_view value) {
  parent.append_child(("met:" + name).c_str()).text().set(std::string(value).c_str());
}
void AddOptionalText(pugi::xml_node parent, const std::string& name, std::string_view value) {
  if (!value.empty()) AddText(parent, name, value);
}
void WriteSharedTo(pugi::xml_node parent, const char* name, const SharedTo& to) {
  auto n = parent.append_child(name);
  AddText(n, to.kind, to.value);
}

void WriteRule(pugi::xml_node parent, const SharingRule& r) {
  bool criteria = r.type == SharingRule::Type::kCriteria;
  auto n = parent.append_child(criteria ? "met:sharingCriteriaRules" : "met:sharingOwnerRules");
  // Element order follows the WSDL sequence: base fields first, then the subtype's.
  AddText(n, "fullName", r.full_name);
  AddText(n, "accessLevel", r.access_level);
  if (r.account_settings) {
    auto s = n.append_child("met:accountSettings");
    AddText(s, "caseAccessLevel", r.account_settings->case_access_level);
    AddText(s, "contactAccessLevel", r.account_settings->contact_access_level);
    AddText(s, "opportunityAccessLevel", r.account_settings->opportunity_access_level);
  }
  AddOptionalText(n, "description", r.description);
  AddText(n, "label", r.label);
  WriteSharedTo(n, "met:sharedTo", r.shared_to);
  if (criteria) {
    AddOptionalText(n, "booleanFilter", r.boolean_filter);
    for (const auto& item : r.criteria_items) {
      auto c = n.append_child("met:criteriaItems");
      AddText(c, "field", item.field);
      AddText(c, "operation", item.operation);
      AddOptionalText(c, "value", item.value);
      AddOptionalText(c, "valueField", item.value_field);
    }
    if (r.include_records_owned_by_all) {
      AddText(n, "includeRecordsOwnedByAll", *r.include_records_owned_by_all ? "true" : "false");
    }
  } else {
    WriteSharedTo(n, "met:sharedFrom", r.shared_from);
  }
}

void AppendRaw(pugi::xml_node parent, const std::string& xml) {
  pugi::xml_document fragment;
  if (!fragment.load_string(xml.c_str())) return;
  // Re-prefix with met: so the element lands in the metadata namespace.
  struct Prefixer {
    static void Copy(pugi::xml_node src, pugi::xml_node dst) {
      for (auto c : src.children()) {
        if (c.type() == pugi::node_element) {
          Copy(c, dst.append_child(("met:" + std::string(c.name())).c_str()));
        } else if (c.type() == pugi::node_pcdata) {
          dst.append_child(pugi::node_pcdata).set_value(c.value());
        }
      }
    }
  };
  auto root = fragment.document_element();
  Prefixer::Copy(root, parent.append_child(("met:" + std::string(root.name())).c_str()));
}

pugi::xml_node StartEnvelope(pugi::xml_document& doc, std::string_view session_id) {
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto env = doc.append_child("soapenv:Envelope");
  env.append_attribute("xmlns:soapenv") = kSoapEnvNs;
  env.append_attribute("xmlns:xsi") = kXsiNs;
  env.append_attribute("xmlns:met") = std::string(kMetadataNamespace).c_str();
  auto header = env.append_child("soapenv:Header").append_child("met:SessionHeader");
  AddText(header, "sessionId", session_id);
  return env.append_child("soapenv:Body");
}

std::string Save(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return R"(<?xml version="1.0" encoding="UTF-8"?>)" + out.str();
}

}  // namespace

std::string BuildReadMetadataEnvelope(std::string_view session_id, std::string_view type,
                                      std::span<const std::string> full_names) {
  pugi::xml_document doc;
  auto op = StartEnvelope(doc, session_id).append_child("met:readMetadata");
  AddText(op, "type", type);
  for (const auto& name : full_names) AddText(op, "fullNames", name);
  return Save(doc);
}

std::string BuildUpsertSharingRulesEnvelope(std::string_view session_id,
                                            std::span<const SharingRules> rules) {
  pugi::xml_document doc;
  auto op = StartEnvelope(doc, session_id).append_child("met:upsertMetadata");
  for (const auto& set : rules) {
    auto m = op.append_child("met:metadata");
    m.append_attribute("xsi:type") = "met:SharingRules";
    AddText(m, "fullName", set.object);
    for (const auto& r : set.criteria_rules) WriteRule(m, r);
    for (const auto& [name, xml] : set.other_rules) {
      if (name == "sharingGuestRules") AppendRaw(m, xml);
    }
    for (const auto& r : set.owner_rules) WriteRule(m, r);
    for (const auto& [name, xml] : set.other_rules) {
      if (name != "sharingGuestRules") AppendRaw(m, xml);
    }
  }
  return Save(doc);
}

std::string BuildDeleteMetadataEnvelope(std::string_view session_id, std::string_view type,
                                        std::span<const std::string> full_names) {
  pugi::xml_document doc;
  auto op = StartEnvelope(doc, session_id).append_child("met:deleteMetadata");
  AddText(op, "type", type);
  for (const auto& name : full_names) AddText(op, "fullNames", name);
  return Save(doc);
}

std::optional<ApiError> ParseSoapFault(int http_status, std::string_view body) {
  pugi::xml_document doc;
  auto soap_body = LoadBody(doc, body);
  if (!soap_body) return std::nullopt;
  auto fault = Child(*soap_body, "Fault");
  if (!fault) return std::nullopt;
  ApiError e;
  e.kind = ErrorKind::kSalesforce;
  e.http_status = http_status;
  e.context = "Metadata API";
  e.error_code = std::string(LocalName(Text(fault, "faultcode")));
  e.message = Text(fault, "faultstring");
  if (auto detail = Child(fault, "detail")) {
    for (auto f : detail.children()) {
      if (f.type() != pugi::node_element) continue;
      if (auto code = Text(f, "exceptionCode"); !code.empty()) e.error_code = code;
      if (auto msg = Text(f, "exceptionMessage"); !msg.empty()) e.message = msg;
    }
  }
  if (e.error_code == "REQUEST_LIMIT_EXCEEDED") e.kind = ErrorKind::kLimitExceeded;
  return e;
}

tl::expected<std::vector<SharingRules>, ApiError> ParseReadSharingRulesResponse(
    std::string_view body) {
  if (auto fault = ParseSoapFault(0, body)) return tl::unexpected(*fault);
  pugi::xml_document doc;
  auto soap_body = LoadBody(doc, body);
  if (!soap_body) return tl::unexpected(soap_body.error());
  auto result = Child(Child(*soap_body, "readMetadataResponse"), "result");
  if (!result) return tl::unexpected(XmlError("no readMetadataResponse/result"));
  std::vector<SharingRules> out;
  for (auto record : Children(result, "records")) {
    if (!HasElementChildren(record)) continue;  // the name does not exist
    auto type = LocalName(record.attribute("xsi:type").value());
    if (!type.empty() && type != "SharingRules") {
      return tl::unexpected(XmlError("records of type " + std::string(type)));
    }
    auto rules = ReadSharingRules(record, "");
    if (!rules) return tl::unexpected(rules.error());
    out.push_back(std::move(*rules));
  }
  return out;
}

tl::expected<std::vector<UpsertResult>, ApiError> ParseUpsertMetadataResponse(
    std::string_view body) {
  if (auto fault = ParseSoapFault(0, body)) return tl::unexpected(*fault);
  pugi::xml_document doc;
  auto soap_body = LoadBody(doc, body);
  if (!soap_body) return tl::unexpected(soap_body.error());
  auto response = Child(*soap_body, "upsertMetadataResponse");
  if (!response) return tl::unexpected(XmlError("no upsertMetadataResponse"));
  std::vector<UpsertResult> out;
  for (auto result : Children(response, "result")) {
    UpsertResult r;
    r.full_name = Text(result, "fullName");
    r.success = Text(result, "success") == "true";
    r.created = Text(result, "created") == "true";
    r.errors = ReadErrors(result);
    out.push_back(std::move(r));
  }
  if (out.empty()) return tl::unexpected(XmlError("upsertMetadataResponse without result"));
  return out;
}

tl::expected<std::vector<DeleteResult>, ApiError> ParseDeleteMetadataResponse(
    std::string_view body) {
  if (auto fault = ParseSoapFault(0, body)) return tl::unexpected(*fault);
  pugi::xml_document doc;
  auto soap_body = LoadBody(doc, body);
  if (!soap_body) return tl::unexpected(soap_body.error());
  auto response = Child(*soap_body, "deleteMetadataResponse");
  if (!response) return tl::unexpected(XmlError("no deleteMetadataResponse"));
  std::vector<DeleteResult> out;
  for (auto result : Children(response, "result")) {
    out.push_back({.full_name = Text(result, "fullName"),
                   .success = Text(result, "success") == "true",
                   .errors = ReadErrors(result)});
  }
  if (out.empty()) return tl::unexpected(XmlError("deleteMetadataResponse without result"));
  return out;
}

tl::expected<SharingRules, ApiError> ParseSharingRulesFile(std::string_view xml,
                                                           std::string_view object) {
  pugi::xml_document doc;
  auto result = doc.load_buffer(xml.data(), xml.size());
  if (!result)
    return tl::unexpected(XmlError(std::string("malformed XML: ") + result.description()));
  auto root = doc.document_element();
  if (!Is(root, "SharingRules")) return tl::unexpected(XmlError("root is not SharingRules"));
  return ReadSharingRules(root, std::string(object));
}

}  // namespace sfwarden::salesforce
