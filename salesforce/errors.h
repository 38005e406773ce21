#pragma once
// Typed errors of the Salesforce client. Every expected failure (network, HTTP status,
// Salesforce error body, malformed payload, budget refusal) is an ApiError value.

#include <chrono>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sfwarden::salesforce {

enum class ErrorKind {
  kTransport,      // DNS, connect, TLS, reset, connection closed mid-body, proxy refusal
  kTimeout,        // a connect/read/overall deadline passed
  kHttp,           // an HTTP status without a Salesforce error body (e.g. 502 from a proxy)
  kSalesforce,     // Salesforce answered with an error body: errorCode + message (+ fields)
  kDecode,         // the body was not what the endpoint documents (malformed JSON/XML/CSV)
  kBudget,         // refused locally by the API-budget governor; nothing was sent
  kAuth,           // OAuth token endpoint refused, bad key, or session invalid after re-auth
  kLimitExceeded,  // the org's API allowance is exhausted (403 REQUEST_LIMIT_EXCEEDED)
  // A non-idempotent write (POST create, collection create, composite with a POST) was
  // sent but no Salesforce answer came back (timeout, connection closed, gateway 5xx):
  // it may or may not have been applied. Never retried; the caller must check (query for
  // the record it meant to create) before sending it again.
  kOutcomeUnknown,
  // The transport was cancelled (HttpTransport::CancelAll, at shutdown) while the call was
  // in flight or before it started. Not retried; like kOutcomeUnknown, a write that was
  // already sent (request_sent) may have been applied.
  kCancelled,
};

std::string_view ToString(ErrorKind kind);

/// One failed call. Never carries tokens, keys or request bodies: `context` names the
/// operation ("GET /services/data/v60.0/query"), `message` is Salesforce's text or ours.
struct ApiError {
  ErrorKind kind = ErrorKind::kTransport;
  int http_status = 0;     // 0 when no HTTP response was received
  std::string error_code;  // Salesforce errorCode / SOAP fault code / OAuth `error`
  std::string message;
  std::vector<std::string> fields;
  std::string context;
  /// Server-requested wait (Retry-After), when one came with the response.
  std::optional<std::chrono::milliseconds> retry_after;
  /// Set by the transport when the failure came after the request (or part of it) was
  /// written: the server may have acted on it. False for DNS, connect, TLS and proxy
  /// failures, where nothing reached the server.
  bool request_sent = false;

  /// "salesforce: HTTP 400 MALFORMED_QUERY: unexpected token (GET /...)" — one line,
  /// message truncated to a bounded length.
  std::string ToString() const;

  bool IsInvalidSession() const { return error_code == "INVALID_SESSION_ID"; }
  /// 5xx, timeouts, dropped connections and UNABLE_TO_LOCK_ROW: worth another attempt.
  bool IsRetryable() const;
};

std::ostream& operator<<(std::ostream& out, const ApiError& error);

ApiError MakeError(ErrorKind kind, std::string message, std::string context = {});

/// Replaces every occurrence of each non-empty secret in `text` with "<redacted>".
std::string Redact(std::string text, std::span<const std::string> secrets);

}  // namespace sfwarden::salesforce
