#pragma once
// The one code path for changes to the org — REST sObject writes, composite and
// collections, the control API's "act as another admin", and Metadata upserts — so that
// all of them validate and audit alike. Every permission, group, sharing or user change
// writes a SetupAuditTrail row naming the acting user [WIRE.md §5].

#include <nlohmann/json.hpp>
#include <string>
#include <tl/expected.hpp>
#include <vector>

#include "sim/state.h"

namespace sfwarden::sim {

/// A Salesforce write error: HTTP status, errorCode, message and the fields involved.
struct WriteError {
  int status = 400;
  std::string code;
  std::string message;
  std::vector<std::string> fields;
};

/// Borrows the state; `actor_id` is the user the changes are attributed to.
class Changes {
 public:
  Changes(SimState& state, std::string actor_id) : state_(state), actor_(std::move(actor_id)) {}

  /// Returns the new record's Id.
  tl::expected<std::string, WriteError> Create(const std::string& object,
                                               const nlohmann::json& fields);
  tl::expected<void, WriteError> Update(const std::string& object, const std::string& id,
                                        const nlohmann::json& fields);
  tl::expected<void, WriteError> Delete(const std::string& object, const std::string& id);

  /// Audits a sharing-rule change (Section "Sharing Rules" per WIRE.md §5; the action
  /// codes are UNCONFIRMED).
  void AuditSharingRule(const std::string& action, const std::string& object,
                        const std::string& rule, const std::string& verb);

 private:
  tl::expected<nlohmann::json*, WriteError> Existing(const std::string& object,
                                                     const std::string& id);
  std::optional<WriteError> CheckFields(const ObjectDef& def, const nlohmann::json& fields,
                                        bool create);
  void AuditObjectPermissions(const nlohmann::json& before, const nlohmann::json& after);
  void AuditFieldPermissions(const nlohmann::json& before, const nlohmann::json& after);
  std::string Label(const std::string& id, const char* field);

  SimState& state_;
  std::string actor_;
};

}  // namespace sfwarden::sim
