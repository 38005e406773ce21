#pragma once
// Plain request/response values between the Beast server (server.cc) and the handlers,
// so handlers are ordinary functions testable without sockets.

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sfwarden::sim {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // raw request target, e.g. "/services/data/v60.0/query?q=…"
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string peer_ip = "127.0.0.1";

  /// Header value by lower-case name ("" when absent).
  std::string Header(const std::string& lower_name) const;
  /// Percent-decoded path without the query string.
  std::string Path() const;
  /// Decoded query parameters (later duplicates win).
  std::map<std::string, std::string> Query() const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Fault injection, carried out by the server: wait before answering, or send the
  // headers (with the full Content-Length) and only this many body bytes, then close.
  int delay_ms = 0;
  std::optional<std::size_t> close_after_body_bytes;

  void SetHeader(const std::string& name, std::string value);
  std::string Header(const std::string& name) const;  // case-insensitive, "" when absent
};

/// "application/json;charset=UTF-8" as Salesforce sends it [WIRE.md §2].
inline constexpr const char* kJsonType = "application/json;charset=UTF-8";

Response JsonResponse(int status, const nlohmann::ordered_json& body);
/// The REST error body `[{"message": …, "errorCode": …}]` [WIRE.md §3].
nlohmann::ordered_json ErrorBody(std::string_view code, std::string_view message,
                                 const std::vector<std::string>* fields = nullptr);
Response ErrorResponse(int status, std::string_view code, std::string_view message);

std::string UrlDecode(std::string_view text, bool plus_is_space = true);
std::string UrlEncode(std::string_view text);
/// application/x-www-form-urlencoded body → fields.
std::map<std::string, std::string> ParseForm(std::string_view body);

}  // namespace sfwarden::sim
