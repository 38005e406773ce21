// Every REST JSON decoder of the Salesforce client on the same input (they are cheap, and
// one corpus of real payloads then serves all): query pages, error arrays, OAuth token
// responses, /limits, record counts, composite responses and their subresponses, save
// results, EventLogFile records and the Sforce-Limit-Info header. Properties: a decoded
// error prints as one line (ApiError::ToString goes into logs as is); the tree-less query
// page decoder (DecodeQueryPageRows) agrees with the tree's.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/untrusted_text.h"
#include "salesforce/composite.h"
#include "salesforce/event_log_file.h"
#include "salesforce/limit_info.h"
#include "salesforce/limits.h"
#include "salesforce/oauth_token.h"
#include "salesforce/query_decoder.h"
#include "salesforce/rest_error.h"
#include "salesforce/save_result.h"

namespace {

namespace sf = sfwarden::salesforce;
using sfwarden::fuzz::RequireOneLine;
using sfwarden::fuzz::RequireOneLineError;

void ReadRecord(const nlohmann::json& record) {
  (void)sf::FieldString(record, "CreatedBy.Username");
  (void)sf::FieldString(record, "Id");
  RequireOneLineError(sf::DecodeEventLogFile(record));
}

// DecodeQueryPageRows reads pages without a tree; it must give what the tree gives:
// the same rows, or the same error.
const std::vector<std::string> kRowFields = {"Id", "Name", "attributes", "CreatedBy"};

void RequireSameRows(std::string_view body, sf::QueryPage tree_page) {
  auto page = sf::DecodeQueryPageRows(body, kRowFields);
  if (!page || page->total_size != tree_page.total_size || page->done != tree_page.done ||
      page->next_records_url != tree_page.next_records_url ||
      page->rows != sf::TakeStringRows(std::move(tree_page), kRowFields)) {
    std::fprintf(stderr, "DecodeQueryPageRows differs from DecodeQueryPage\n");
    std::abort();
  }
}

void RequireSameRows(std::string_view body, const sf::ApiError& tree_error) {
  auto page = sf::DecodeQueryPageRows(body, kRowFields);
  if (page || page.error().ToString() != tree_error.ToString()) {
    std::fprintf(stderr, "DecodeQueryPageRows differs from DecodeQueryPage on an error\n");
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  if (auto page = sf::DecodeQueryPage(body)) {
    for (const auto& record : page->records) ReadRecord(record);
    RequireSameRows(body, std::move(*page));
  } else {
    RequireOneLineError(page);
    RequireSameRows(body, page.error());
  }
  for (int status : {400, 401, 403, 404, 500}) {
    RequireOneLine(sf::DecodeRestError(status, body).ToString(), "DecodeRestError");
  }
  RequireOneLineError(sf::DecodeTokenResponse(200, body));
  RequireOneLineError(sf::DecodeTokenResponse(400, body));
  RequireOneLineError(sf::DecodeLimits(body));
  RequireOneLineError(sf::DecodeRecordCounts(body));
  RequireOneLineError(sf::DecodeSaveResult(body));
  RequireOneLineError(sf::DecodeSaveResults(body));
  if (auto composite = sf::DecodeCompositeResponse(body)) {
    for (const auto& ref : composite->order) {
      const sf::CompositeSubresponse* sub = composite->Find(ref);
      if (sub == nullptr) continue;
      if (auto page = sub->AsQueryPage(ref)) {
        for (const auto& record : page->records) ReadRecord(record);
      } else {
        RequireOneLineError(page);
      }
    }
  } else {
    RequireOneLineError(composite);
  }
  (void)sf::ParseLimitInfo(body);
  return 0;
}
