#pragma once
// Metadata API over SOAP (POST https://<instance>/services/Soap/m/<ver>, Content-Type
// text/xml; charset=UTF-8, SOAPAction: ""; WIRE.md §7): envelopes for readMetadata and
// upsertMetadata of SharingRules and deleteMetadata, and parsers for their responses and
// for SOAP faults.
// Envelopes carry the session id (a secret): never log them.

#include <span>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "salesforce/errors.h"
#include "salesforce/rest_error.h"
#include "salesforce/sharing_rules.h"

namespace sfwarden::salesforce {

constexpr std::string_view kMetadataNamespace = "http://soap.sforce.com/2006/04/metadata";

std::string BuildReadMetadataEnvelope(std::string_view session_id, std::string_view type,
                                      std::span<const std::string> full_names);
std::string BuildUpsertSharingRulesEnvelope(std::string_view session_id,
                                            std::span<const SharingRules> rules);
/// deleteMetadata(type, fullNames[]): all components of one type (Metadata API Developer
/// Guide, deleteMetadata()).
std::string BuildDeleteMetadataEnvelope(std::string_view session_id, std::string_view type,
                                        std::span<const std::string> full_names);

/// A SOAP fault in `body` as kSalesforce (error_code from the detail's exceptionCode or
/// the faultcode without prefix, e.g. INVALID_SESSION_ID); nullopt when there is none.
std::optional<ApiError> ParseSoapFault(int http_status, std::string_view body);

/// readMetadataResponse/result/records of type SharingRules; records without content (a
/// fullName that does not exist, UNCONFIRMED shape) are skipped. A fault is returned as
/// its ApiError.
tl::expected<std::vector<SharingRules>, ApiError> ParseReadSharingRulesResponse(
    std::string_view body);

/// UpsertResult {created, errors*{fields*, message, statusCode}, fullName, success}.
struct UpsertResult {
  std::string full_name;
  bool success = false;
  bool created = false;
  std::vector<ErrorItem> errors;
};
tl::expected<std::vector<UpsertResult>, ApiError> ParseUpsertMetadataResponse(
    std::string_view body);

/// DeleteResult {errors*, fullName, success} (Metadata API Developer Guide, DeleteResult).
struct DeleteResult {
  std::string full_name;
  bool success = false;
  std::vector<ErrorItem> errors;
};
tl::expected<std::vector<DeleteResult>, ApiError> ParseDeleteMetadataResponse(
    std::string_view body);

/// A source-format file (<SharingRules xmlns=...> root, as retrieved into
/// sharingRules/<Object>.sharingRules-meta.xml); `object` becomes its fullName.
tl::expected<SharingRules, ApiError> ParseSharingRulesFile(std::string_view xml,
                                                           std::string_view object);

}  // namespace sfwarden::salesforce
