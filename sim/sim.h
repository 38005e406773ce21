#pragma once
// The simulator as one request handler: routes each Request to the OAuth, REST, SOAP or
// control-API handlers and applies fault injection and API-call counting around them.

#include <memory>
#include <string>

#include "sim/http.h"
#include "sim/org.h"
#include "sim/state.h"

namespace sfwarden::sim {

/// Owns the org and all session/usage state. Lives on the server thread; not
/// thread-safe. Handle() never throws for bad input: every failure is a Response.
class Sim {
 public:
  explicit Sim(std::unique_ptr<Org> org);
  Sim(const Sim&) = delete;
  Sim& operator=(const Sim&) = delete;

  /// The base URL clients reach us at ("http://127.0.0.1:PORT"); used as instance_url
  /// unless the org file sets one.
  void set_base_url(std::string url) { state_.base_url = std::move(url); }
  Response Handle(const Request& request);

  Org& org() { return *org_; }
  SimState& state() { return state_; }

 private:
  Response Route(const Request& request);
  Response CountedCall(const Session& session, const Request& request, const std::string& version,
                       const std::string& rest_path);

  std::unique_ptr<Org> org_;
  SimState state_;
};

/// The counter key of a REST call: "GET query", "POST composite",
/// "DELETE sobjects/PermissionSetAssignment", "POST composite/sobjects".
std::string EndpointKey(const std::string& method, const std::string& rest_path);

}  // namespace sfwarden::sim
