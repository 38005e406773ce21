#pragma once
// A faster parse of the JSON pages sfwarden ingests most (LoginHistory, 2,000 rows each):
// simdjson (Debian's libsimdjson-dev) validates and parses the text, and the result is
// handed on as the SAX events nlohmann::json::sax_parse would send, so one event reader
// serves both parsers. nlohmann's lexer, which copies every character twice, was the
// largest cost of ingesting login history (bench/README.md, figure 4).
//
// Only texts both parsers read the same way go this way; for anything else the caller
// parses again with nlohmann, which then decides what is valid and what an error says.
// simdjson.h (1.2 MB) stays out of this header.

#include <nlohmann/json.hpp>
#include <string_view>

namespace sfwarden::salesforce::detail {

/// Sends `sax` the events nlohmann::json::sax_parse would send for `text` and returns
/// true (one difference: "-0", a signed 0 to nlohmann, comes as an unsigned 0); returns false when
/// simdjson does not accept the text (not JSON, nesting deeper than 1,024), when it holds a number
/// with a fraction or an exponent (whose raw text nlohmann also passes on and simdjson does not
/// keep), or when a handler returned false. Some events may have been sent by then: the caller
/// starts again with a fresh handler.
bool SendSimdjsonEvents(std::string_view text, nlohmann::json_sax<nlohmann::json>& sax);

}  // namespace sfwarden::salesforce::detail
