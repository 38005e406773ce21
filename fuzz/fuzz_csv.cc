// The streaming EventLogFile CSV parser, fed the input in chunks whose sizes come from the
// input itself (downloads arrive in arbitrary pieces), with small limits so the limit
// paths are reached. Property: the rows do not depend on how the input was split.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "salesforce/csv.h"

namespace {

namespace sf = sfwarden::salesforce;
using Rows = std::vector<std::vector<std::string>>;

struct Outcome {
  Rows rows;
  bool ok = true;
};

// Feeds `text` in chunks of `chunk` bytes (the whole text at once when 0).
Outcome Parse(std::string_view text, std::size_t chunk) {
  Outcome out;
  sf::CsvParser parser(
      [&](std::vector<std::string>&& row) {
        (void)sf::ColumnIndex(row, "USER_ID");
        out.rows.push_back(std::move(row));
        return true;
      },
      sf::CsvParser::Limits{.max_field_bytes = 256, .max_fields = 16});
  for (std::size_t at = 0; at < text.size() && out.ok;) {
    const std::size_t n = chunk == 0 ? text.size() : chunk;
    out.ok = parser.Feed(text.substr(at, n)).has_value();
    at += n;
  }
  if (out.ok) out.ok = parser.Finish().has_value();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t chunk = data[0] % 8;  // 0: in one piece
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Outcome whole = Parse(text, 0);
  const Outcome pieces = Parse(text, chunk);
  if (whole.ok != pieces.ok || (whole.ok && whole.rows != pieces.rows)) {
    std::fprintf(stderr, "CSV result depends on the chunk size %zu\n", chunk);
    std::abort();
  }
  return 0;
}
