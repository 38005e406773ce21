#include "sim/faults.h"

#include <algorithm>
#include <string_view>
#include <variant>

namespace sfwarden::sim {

std::variant<FaultRule, std::string> Faults::Parse(const nlohmann::json& b) {
  if (!b.is_object()) return std::string("fault: expected a JSON object");
  FaultRule r;
  r.method = b.value("method", "");
  r.path_prefix = b.value("path", "");
  r.remaining = b.value("count", 1);
  r.kind = b.value("kind", "status");
  r.status = b.value("status", 500);
  r.delay_ms = b.value("delay_ms", 0);
  if (b.contains("bytes")) r.bytes = b["bytes"].get<size_t>();
  if (r.remaining < 1 || r.remaining > 1'000'000)
    return std::string("fault: count must be 1..1000000");
  if (r.kind != "status" && r.kind != "delay" && r.kind != "close" && r.kind != "truncate" &&
      r.kind != "malformed")
    return std::string("fault: kind must be status, delay, close, truncate or malformed");
  if (r.kind == "status" && (r.status < 400 || r.status > 599))
    return std::string("fault: status must be 4xx or 5xx");
  if (r.delay_ms < 0 || r.delay_ms > 600'000)
    return std::string("fault: delay_ms must be 0..600000");
  if (r.kind == "close" && !r.bytes) r.bytes = 0;
  return r;
}

bool Faults::Add(FaultRule rule) {
  if (rules_.size() >= kMaxRules) return false;
  rules_.push_back(std::move(rule));
  return true;
}

std::optional<FaultRule> Faults::Take(const Request& request) {
  std::string path = request.Path();
  for (auto it = rules_.begin(); it != rules_.end(); ++it) {
    if (!it->method.empty() && it->method != request.method) continue;
    if (path.rfind(it->path_prefix, 0) != 0) continue;
    FaultRule hit = *it;
    if (--it->remaining <= 0) rules_.erase(it);
    return hit;
  }
  return std::nullopt;
}

nlohmann::json Faults::List() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : rules_) {
    out.push_back({{"method", r.method},
                   {"path", r.path_prefix},
                   {"count", r.remaining},
                   {"kind", r.kind},
                   {"status", r.status},
                   {"delay_ms", r.delay_ms},
                   {"bytes", r.bytes ? nlohmann::json(*r.bytes) : nlohmann::json()}});
  }
  return out;
}

namespace {

bool IsSoap(const Request& request) { return request.Path().rfind("/services/Soap/", 0) == 0; }

// A Metadata API fault: HTTP 500 with a soapenv:Fault, as sim/metadata_soap.cc answers
// (shape of soap-fault-invalid-session-id-metadata-ns.xml in the wire reference).
Response SoapFault(int status, std::string_view code, std::string_view message) {
  Response r;
  r.status = status;
  r.SetHeader("Content-Type", "text/xml;charset=UTF-8");
  r.body = std::string(R"(<?xml version="1.0" encoding="UTF-8"?>)") +
           R"(<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" )" +
           R"(xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault>)" +
           "<faultcode>sf:" + std::string(code) + "</faultcode><faultstring>" + std::string(code) +
           ": " + std::string(message) + "</faultstring></soapenv:Fault></soapenv:Body>" +
           "</soapenv:Envelope>";
  return r;
}

}  // namespace

Response Faults::StatusReply(const FaultRule& rule, const Request& request) {
  // Bodies: 401 and 403 are the real/composed payloads [WIRE.md §3]; 500/503 texts are
  // UNCONFIRMED (Salesforce's 500 carries an ErrorId). On the SOAP endpoint Salesforce
  // answers a session or limit error with a SOAP fault over HTTP 500, not with the REST
  // status (sim/metadata_soap.h); other statuses keep their code with a fault body.
  Response r;
  const bool soap = IsSoap(request);
  switch (rule.status) {
    case 401:
      r = soap ? SoapFault(500, "INVALID_SESSION_ID", "Invalid Session ID found in SessionHeader")
               : ErrorResponse(401, "INVALID_SESSION_ID", "Session expired or invalid");
      break;
    case 403:
      r = soap ? SoapFault(500, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
               : ErrorResponse(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");
      break;
    case 503:
      r = soap ? SoapFault(503, "SERVER_UNAVAILABLE", "Server is temporarily unavailable.")
               : ErrorResponse(503, "SERVER_UNAVAILABLE",
                               "Server is temporarily unavailable. Please try again later.");
      break;
    case 500:
      r = soap ? SoapFault(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred.")
               : ErrorResponse(500, "UNKNOWN_EXCEPTION",
                               "An unexpected error occurred. Please include this ErrorId if "
                               "you contact support: 1234567890-12345 (-123456789)");
      break;
    default:
      r = soap ? SoapFault(rule.status, "UNKNOWN_EXCEPTION", "sfsim injected fault")
               : ErrorResponse(rule.status, "UNKNOWN_EXCEPTION", "sfsim injected fault");
      break;
  }
  r.delay_ms = rule.delay_ms;
  return r;
}

void Faults::Apply(const FaultRule& rule, const Request& request, Response& response) {
  response.delay_ms = rule.delay_ms;
  if (rule.kind == "close") {
    response.close_after_body_bytes = std::min(*rule.bytes, response.body.size());
  } else if (rule.kind == "truncate") {
    response.body.resize(
        std::min(rule.bytes.value_or(response.body.size() / 2), response.body.size()));
  } else if (rule.kind == "malformed") {
    response.body =
        IsSoap(request)
            ? R"(<?xml version="1.0"?><soapenv:Envelope><soapenv:Body><readMeta)"
            : "{\"totalSize\": 1, \"done\": true, \"records\": [ {\"attributes\" <html>";
  }
}

}  // namespace sfwarden::sim
