#pragma once
// Building SOQL safely. Values never go into a query as raw text: strings are quoted and
// escaped (SOQL and SOSL Reference, "Quoted String Escape Sequences": \n \r \t \b \f \" \'
// \\), datetimes are unquoted ISO-8601 UTC literals ("Date Formats and Date Literals";
// WIRE.md §2: `WHERE LoginTime > 2010-09-20T22:16:30.000Z`).

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sfwarden::salesforce {

/// The escaped body of a string literal, without the surrounding quotes.
std::string EscapeSoqlString(std::string_view value);
/// 'escaped value'
std::string SoqlString(std::string_view value);
/// 2024-01-02T03:04:05.123Z (UTC, milliseconds).
std::string SoqlDateTime(std::chrono::system_clock::time_point t);

/// Parses a Salesforce REST datetime ("2011-07-07T00:37:00.000+0000", also "Z" and
/// "+hh:mm" offsets, with or without milliseconds); nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> ParseSalesforceDateTime(std::string_view text);

/// Appends trusted query text and typed values:
///   Soql("SELECT Id FROM User WHERE Username = ").String(name).Raw(" LIMIT 1").str()
/// Raw() text must come from our source code, never from data. Field() accepts only
/// API names ([A-Za-z0-9_.]) and throws std::invalid_argument otherwise.
class Soql {
 public:
  explicit Soql(std::string_view text = {}) : text_(text) {}
  Soql& Raw(std::string_view text);
  Soql& Field(std::string_view api_name);
  Soql& String(std::string_view value);
  Soql& StringList(std::span<const std::string> values);  // ('a','b'); must be non-empty
  Soql& DateTime(std::chrono::system_clock::time_point t);
  Soql& Int(std::int64_t value);
  Soql& Bool(bool value);
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

}  // namespace sfwarden::salesforce
