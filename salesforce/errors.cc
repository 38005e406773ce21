#include "salesforce/errors.h"

#include <algorithm>

namespace sfwarden::salesforce {
namespace {
constexpr std::size_t kMaxPrintedMessage = 300;
constexpr std::size_t kMaxPrintedContext = 2000;  // our request line, with its SOQL

// Every part of an error can come from the org (message, errorCode, fields, a URL it sent):
// line breaks become spaces and other control characters (ESC of a terminal sequence,
// NUL...) '?', so a hostile payload can neither forge a log line nor drive a terminal.
std::string OneLine(std::string_view text, std::size_t max_bytes = kMaxPrintedMessage) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes + 3));
  for (char c : text) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n' || c == '\r' || c == '\t') {
      out += ' ';
    } else if (u < 0x20 || u == 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}
}  // namespace

std::string_view ToString(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTransport:
      return "transport";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kHttp:
      return "http";
    case ErrorKind::kSalesforce:
      return "salesforce";
    case ErrorKind::kDecode:
      return "decode";
    case ErrorKind::kBudget:
      return "budget";
    case ErrorKind::kAuth:
      return "auth";
    case ErrorKind::kLimitExceeded:
      return "limit_exceeded";
    case ErrorKind::kOutcomeUnknown:
      return "outcome_unknown";
    case ErrorKind::kCancelled:
      return "cancelled";
  }
  return "unknown";
}

std::string ApiError::ToString() const {
  std::string out(salesforce::ToString(kind));
  out += ':';
  if (http_status != 0) out += " HTTP " + std::to_string(http_status);
  if (!error_code.empty()) out += " " + OneLine(error_code);
  if (!message.empty()) out += ": " + OneLine(message);
  if (!fields.empty()) {
    out += " [fields:";
    for (const auto& f : fields) out += " " + OneLine(f);
    out += "]";
  }
  if (!context.empty()) out += " (" + OneLine(context, kMaxPrintedContext) + ")";
  return out;
}

bool ApiError::IsRetryable() const {
  switch (kind) {
    case ErrorKind::kTransport:
    case ErrorKind::kTimeout:
      return true;
    case ErrorKind::kHttp:
    case ErrorKind::kSalesforce:
      // Salesforce: record lock contention is transient (REST API Developer Guide,
      // "Status Codes and Error Responses"; retried by most public clients).
      return http_status >= 500 || error_code == "UNABLE_TO_LOCK_ROW" || http_status == 429;
    default:
      return false;
  }
}

std::ostream& operator<<(std::ostream& out, const ApiError& error) {
  return out << error.ToString();
}

ApiError MakeError(ErrorKind kind, std::string message, std::string context) {
  ApiError e;
  e.kind = kind;
  e.message = std::move(message);
  e.context = std::move(context);
  return e;
}

std::string Redact(std::string text, std::span<const std::string> secrets) {
  static const std::string kMark = "<redacted>";
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    for (auto pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + kMark.size())) {
      text.replace(pos, secret.size(), kMark);
    }
  }
  return text;
}

}  // namespace sfwarden::salesforce
