// sfsim's SOQL parser on arbitrary text, and the property that keeps sfwarden's queries
// injection-free: any value put in with salesforce::Soql::String() comes back from a
// SOQL parser as exactly one string literal equal to the value, never as query syntax.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>

#include "salesforce/soql.h"
#include "sim/soql.h"

namespace {

namespace sim = sfwarden::sim;

void Check(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "property violated: %s\n", what);
  std::abort();
}

// Builds WHERE Username = <value> AND IsActive = true and parses it back.
void CheckStringRoundTrip(std::string_view value) {
  const std::string soql = sfwarden::salesforce::Soql("SELECT Id FROM User WHERE Username = ")
                               .String(value)
                               .Raw(" AND IsActive = true")
                               .str();
  if (soql.size() > sim::kMaxSoqlLength) return;
  auto parsed = sim::ParseSoql(soql);
  Check(parsed.has_value(), "an escaped string literal must parse");
  Check(parsed->where && parsed->where->kind == sim::Expr::Kind::kAnd &&
            parsed->where->children.size() == 2,
        "the value must not change the WHERE clause's shape");
  const sim::Expr& first = parsed->where->children[0];
  Check(first.kind == sim::Expr::Kind::kCondition && first.condition.values.size() == 1 &&
            first.condition.values[0].kind == sim::Literal::Kind::kString,
        "the value must stay one string literal");
  Check(first.condition.values[0].text == value, "the literal must read back as the value");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)sim::ParseSoql(text);
  CheckStringRoundTrip(text);
  return 0;
}
