#pragma once
// A fast path for JSON text that is "plain": ASCII only, no escapes or control characters
// in strings, numbers of at most 18 digits unless they have a fraction or an exponent.
// Salesforce sends LoginHistory pages of ASCII values like that, and nlohmann's lexer, which
// copies every character twice (once for its error text), was then the largest cost of
// ingesting them (bench/README.md, figure 4). Anything else is left to nlohmann: the scan
// gives up, and the caller parses the text again with nlohmann::json::sax_parse. It never
// reports an error of its own, so what is valid JSON, and what an error says, stays
// nlohmann's call.

#include <nlohmann/json.hpp>
#include <string_view>

namespace sfwarden::salesforce::detail {

/// Sends `sax` the events nlohmann::json::sax_parse would send for `text`, when the text
/// is plain JSON, and returns true. Returns false when it is not plain (or not valid)
/// JSON, or a handler returned false: some events may have been sent by then, so the
/// caller starts again, with a fresh handler, through nlohmann.
bool ScanPlainJson(std::string_view text, nlohmann::json_sax<nlohmann::json>& sax);

}  // namespace sfwarden::salesforce::detail
