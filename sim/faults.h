#pragma once
// Fault injection for the next N requests matching a method and path prefix.

#include <deque>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>

#include "sim/http.h"

namespace sfwarden::sim {

struct FaultRule {
  std::string method;       // "" = any
  std::string path_prefix;  // "" = any (never matches /__sim/)
  int remaining = 1;        // requests left to hit
  // "status": answer `status` with Salesforce's error body for it (500, 503, 401 expired
  //           session, 403 limit exceeded) without handling the request; on the Metadata
  //           SOAP endpoint a SOAP fault (HTTP 500) with the matching faultcode instead;
  // "delay": handle normally, answer after delay_ms;
  // "close": send headers and `bytes` body bytes, then close the connection;
  // "truncate": a complete HTTP reply whose body is cut to `bytes` (default: half);
  // "malformed": a complete reply whose body is not valid JSON (on the SOAP endpoint: not
  //              well-formed XML).
  std::string kind = "status";
  int status = 500;
  int delay_ms = 0;
  std::optional<size_t> bytes;
};

/// Not thread-safe; owned by SimState. At most kMaxRules rules.
class Faults {
 public:
  static constexpr size_t kMaxRules = 1000;
  /// Parses a control-API JSON rule; the error text when it is invalid.
  static std::variant<FaultRule, std::string> Parse(const nlohmann::json& body);
  bool Add(FaultRule rule);
  /// Takes one hit of the first matching rule.
  std::optional<FaultRule> Take(const Request& request);
  void Clear() { rules_.clear(); }
  nlohmann::json List() const;

  /// The immediate reply for a "status" fault to `request`.
  static Response StatusReply(const FaultRule& rule, const Request& request);
  /// Applies delay/close/truncate/malformed to the normal reply to `request`.
  static void Apply(const FaultRule& rule, const Request& request, Response& response);

 private:
  std::deque<FaultRule> rules_;
};

}  // namespace sfwarden::sim
