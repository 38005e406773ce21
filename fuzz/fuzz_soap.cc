// The Metadata API SOAP decoders (readMetadata of SharingRules, upsertMetadata results,
// faults, source-format files). Properties: a decoded fault prints as one line, and rules
// read from the org, written back with BuildUpsertSharingRulesEnvelope (what enforce mode
// sends), still make well-formed XML: names and labels from Salesforce cannot inject
// elements into our request.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "fuzz/untrusted_text.h"
#include "salesforce/metadata_soap.h"

namespace {

namespace sf = sfwarden::salesforce;
using sfwarden::fuzz::RequireOneLine;
using sfwarden::fuzz::RequireOneLineError;

void RequireWellFormedUpsert(const std::vector<sf::SharingRules>& rules) {
  const std::string envelope = sf::BuildUpsertSharingRulesEnvelope("session", rules);
  pugi::xml_document doc;
  if (!doc.load_buffer(envelope.data(), envelope.size())) {
    std::fprintf(stderr, "upsert envelope built from parsed rules is not XML\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (int status : {200, 500}) {
    if (auto fault = sf::ParseSoapFault(status, body)) {
      RequireOneLine(fault->ToString(), "SOAP fault");
    }
  }
  if (auto rules = sf::ParseReadSharingRulesResponse(body)) {
    RequireWellFormedUpsert(*rules);
  } else {
    RequireOneLineError(rules);
  }
  RequireOneLineError(sf::ParseUpsertMetadataResponse(body));
  if (auto file = sf::ParseSharingRulesFile(body, "Account")) {
    RequireWellFormedUpsert({*file});
  } else {
    RequireOneLineError(file);
  }
  return 0;
}
