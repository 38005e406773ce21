#include "salesforce/query_decoder.h"

#include "salesforce/detail/json.h"

namespace sfwarden::salesforce {
namespace {
constexpr std::string_view kWhat = "query result";
}

tl::expected<QueryPage, ApiError> DecodeQueryPage(std::string_view body) {
  auto json = detail::ParseJson(body, kWhat);
  if (!json) return tl::unexpected(json.error());
  return DecodeQueryPageJson(std::move(*json));
}

tl::expected<QueryPage, ApiError> DecodeQueryPageJson(nlohmann::json body) {
  if (!body.is_object()) return tl::unexpected(detail::DecodeError(kWhat, "not an object"));
  QueryPage page;
  auto total = body.find("totalSize");
  auto done = body.find("done");
  auto records = body.find("records");
  if (total == body.end() || !total->is_number_integer() || total->get<std::int64_t>() < 0) {
    return tl::unexpected(detail::DecodeError(kWhat, "missing or bad 'totalSize'"));
  }
  if (done == body.end() || !done->is_boolean()) {
    return tl::unexpected(detail::DecodeError(kWhat, "missing or bad 'done'"));
  }
  if (records == body.end() || !records->is_array()) {
    return tl::unexpected(detail::DecodeError(kWhat, "missing or bad 'records'"));
  }
  page.total_size = total->get<std::int64_t>();
  page.done = done->get<bool>();
  auto next = detail::OptionalString(body, "nextRecordsUrl", kWhat);
  if (!next) return tl::unexpected(next.error());
  page.next_records_url = std::move(*next);
  if (!page.done) {
    // The URL is followed with our bearer token: accept only a path on the same instance.
    if (!page.next_records_url.starts_with("/services/data/")) {
      return tl::unexpected(
          detail::DecodeError(kWhat, "'done' is false without a /services/data/ nextRecordsUrl"));
    }
  } else {
    page.next_records_url.clear();
  }
  page.records.reserve(records->size());
  for (auto& record : *records) {
    if (!record.is_object()) {
      return tl::unexpected(detail::DecodeError(kWhat, "a record is not an object"));
    }
    // Moved, not copied: a page is up to 2,000 records, and a copy of each cost as much as
    // parsing it (bench/README.md, figure 4).
    page.records.push_back(std::move(record));
  }
  return page;
}

std::optional<std::string> FieldString(const nlohmann::json& record, std::string_view path) {
  const nlohmann::json* node = &record;
  while (true) {
    auto dot = path.find('.');
    auto key = path.substr(0, dot);
    if (!node->is_object()) return std::nullopt;
    auto it = node->find(key);
    if (it == node->end() || it->is_null()) return std::nullopt;
    node = &*it;
    if (dot == std::string_view::npos) break;
    path.remove_prefix(dot + 1);
  }
  if (!node->is_string()) return std::nullopt;
  return node->get<std::string>();
}

}  // namespace sfwarden::salesforce
