#include "salesforce/composite.h"

#include <cctype>
#include <set>
#include <stdexcept>
#include <utility>

#include "salesforce/detail/json.h"

namespace sfwarden::salesforce {
namespace {
constexpr std::string_view kWhat = "composite response";

bool IsQueryUrl(std::string_view url) {
  return url.find("/query") != std::string_view::npos ||
         url.find("/queryAll") != std::string_view::npos;
}
bool ValidReference(std::string_view ref) {
  if (ref.empty() || ref.size() > 80) return false;
  for (char c : ref) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}
}  // namespace

std::string EncodeCompositeRequest(const CompositeRequest& request) {
  if (request.subrequests.empty() || request.subrequests.size() > kMaxCompositeSubrequests) {
    throw std::invalid_argument("composite: 1 to 25 subrequests");
  }
  std::set<std::string_view> refs;
  std::size_t queries = 0;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& sub : request.subrequests) {
    if (!ValidReference(sub.reference_id) || !refs.insert(sub.reference_id).second) {
      throw std::invalid_argument("composite: bad or duplicate referenceId '" + sub.reference_id +
                                  "'");
    }
    if (!sub.url.starts_with("/services/data/")) {
      throw std::invalid_argument("composite: url must start with /services/data/");
    }
    if (sub.method == "GET" && IsQueryUrl(sub.url)) ++queries;
    nlohmann::json j = {
        {"method", sub.method}, {"url", sub.url}, {"referenceId", sub.reference_id}};
    if (sub.body) j["body"] = *sub.body;
    if (!sub.http_headers.empty()) j["httpHeaders"] = sub.http_headers;
    list.push_back(std::move(j));
  }
  if (queries > kMaxCompositeQueries) throw std::invalid_argument("composite: at most 5 queries");
  return nlohmann::json{{"allOrNone", request.all_or_none}, {"compositeRequest", std::move(list)}}
      .dump();
}

ApiError CompositeSubresponse::Error(std::string_view reference_id) const {
  std::string context = "composite subrequest " + std::string(reference_id);
  if (auto items = DecodeErrorItems(body)) return ErrorFromItems(http_status, *items, context);
  ApiError e = MakeError(ErrorKind::kHttp, "no error body", std::move(context));
  e.http_status = http_status;
  return e;
}

tl::expected<QueryPage, ApiError> CompositeSubresponse::AsQueryPage(
    std::string_view reference_id) const& {
  if (!ok()) return tl::unexpected(Error(reference_id));
  return DecodeQueryPageJson(body);
}

tl::expected<QueryPage, ApiError> CompositeSubresponse::AsQueryPage(
    std::string_view reference_id) && {
  if (!ok()) return tl::unexpected(Error(reference_id));
  return DecodeQueryPageJson(std::move(body));
}

const CompositeSubresponse* CompositeResponse::Find(std::string_view reference_id) const {
  auto it = by_reference.find(std::string(reference_id));
  return it == by_reference.end() ? nullptr : &it->second;
}

CompositeSubresponse* CompositeResponse::Find(std::string_view reference_id) {
  return const_cast<CompositeSubresponse*>(std::as_const(*this).Find(reference_id));
}

tl::expected<CompositeResponse, ApiError> DecodeCompositeResponse(std::string_view body) {
  auto json = detail::ParseJson(body, kWhat);
  if (!json) return tl::unexpected(json.error());
  auto list = json->is_object() ? json->find("compositeResponse") : json->end();
  if (!json->is_object() || list == json->end() || !list->is_array()) {
    return tl::unexpected(detail::DecodeError(kWhat, "missing 'compositeResponse' array"));
  }
  CompositeResponse out;
  for (auto& item : *list) {
    if (!item.is_object()) return tl::unexpected(detail::DecodeError(kWhat, "item not an object"));
    auto ref = detail::OptionalString(item, "referenceId", kWhat);
    if (!ref) return tl::unexpected(ref.error());
    auto status = item.find("httpStatusCode");
    if (ref->empty() || status == item.end() || !status->is_number_integer()) {
      return tl::unexpected(detail::DecodeError(kWhat, "item lacks referenceId/httpStatusCode"));
    }
    CompositeSubresponse sub;
    sub.http_status = status->get<int>();
    // Moved out of the parsed response, which is dropped here: a query body is a page.
    if (auto b = item.find("body"); b != item.end()) sub.body = std::move(*b);
    if (auto h = item.find("httpHeaders"); h != item.end() && h->is_object()) {
      for (const auto& [k, v] : h->items()) {
        if (v.is_string()) sub.http_headers[k] = v.get<std::string>();
      }
    }
    if (!out.by_reference.emplace(*ref, std::move(sub)).second) {
      return tl::unexpected(detail::DecodeError(kWhat, "duplicate referenceId " + *ref));
    }
    out.order.push_back(*ref);
  }
  return out;
}

}  // namespace sfwarden::salesforce
