#include "salesforce/rest_error.h"

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "salesforce/detail/json.h"

namespace sfwarden::salesforce {
namespace {
constexpr std::size_t kExcerpt = 160;

std::string Excerpt(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, kExcerpt)) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  if (body.size() > kExcerpt) out += "...";
  return out;
}

tl::expected<ErrorItem, ApiError> DecodeItem(const nlohmann::json& item) {
  constexpr std::string_view kWhat = "error body";
  if (!item.is_object()) return tl::unexpected(detail::DecodeError(kWhat, "not an object"));
  ErrorItem out;
  auto code = detail::OptionalString(item, "errorCode", kWhat);
  if (!code) return tl::unexpected(code.error());
  out.error_code = *code;
  if (out.error_code.empty()) {
    auto status_code = detail::OptionalString(item, "statusCode", kWhat);
    if (!status_code) return tl::unexpected(status_code.error());
    out.error_code = *status_code;
  }
  auto message = detail::OptionalString(item, "message", kWhat);
  if (!message) return tl::unexpected(message.error());
  out.message = *message;
  if (auto it = item.find("fields"); it != item.end() && !it->is_null()) {
    if (!it->is_array()) return tl::unexpected(detail::DecodeError(kWhat, "'fields' not an array"));
    for (const auto& f : *it) {
      if (!f.is_string()) return tl::unexpected(detail::DecodeError(kWhat, "field not a string"));
      out.fields.push_back(f.get<std::string>());
    }
  }
  if (out.error_code.empty() && out.message.empty()) {
    return tl::unexpected(detail::DecodeError(kWhat, "neither errorCode nor message"));
  }
  return out;
}

std::optional<std::vector<ErrorItem>> DecodeXmlErrors(std::string_view body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return std::nullopt;
  auto errors = doc.child("Errors");
  if (!errors) return std::nullopt;
  std::vector<ErrorItem> items;
  for (auto e : errors.children("Error")) {
    items.push_back({e.child_value("errorCode"), e.child_value("message"), {}});
  }
  if (items.empty()) return std::nullopt;
  return items;
}
}  // namespace

tl::expected<std::vector<ErrorItem>, ApiError> DecodeErrorItems(const nlohmann::json& body) {
  std::vector<ErrorItem> items;
  if (body.is_object()) {  // tolerate a bare object
    auto item = DecodeItem(body);
    if (!item) return tl::unexpected(item.error());
    items.push_back(std::move(*item));
    return items;
  }
  if (!body.is_array() || body.empty()) {
    return tl::unexpected(detail::DecodeError("error body", "not a non-empty array"));
  }
  for (const auto& element : body) {
    auto item = DecodeItem(element);
    if (!item) return tl::unexpected(item.error());
    items.push_back(std::move(*item));
  }
  return items;
}

ApiError ErrorFromItems(int http_status, const std::vector<ErrorItem>& items, std::string context) {
  ApiError e;
  e.kind = ErrorKind::kSalesforce;
  e.http_status = http_status;
  e.context = std::move(context);
  if (!items.empty()) {
    e.error_code = items.front().error_code;
    e.message = items.front().message;
    e.fields = items.front().fields;
    if (items.size() > 1) e.message += " (+" + std::to_string(items.size() - 1) + " more)";
  }
  if (e.error_code == "REQUEST_LIMIT_EXCEEDED") e.kind = ErrorKind::kLimitExceeded;
  return e;
}

ApiError DecodeRestError(int http_status, std::string_view body, std::string context) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!json.is_discarded()) {
    if (auto items = DecodeErrorItems(json)) {
      return ErrorFromItems(http_status, *items, std::move(context));
    }
  } else if (auto xml = DecodeXmlErrors(body)) {
    return ErrorFromItems(http_status, *xml, std::move(context));
  }
  ApiError e;
  e.kind = ErrorKind::kHttp;
  e.http_status = http_status;
  e.context = std::move(context);
  e.message = body.empty() ? std::string("empty body") : "unexpected body: " + Excerpt(body);
  return e;
}

}  // namespace sfwarden::salesforce
