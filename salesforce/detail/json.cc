#include "salesforce/detail/json.h"

namespace sfwarden::salesforce::detail {

ApiError DecodeError(std::string_view what, std::string message) {
  ApiError e = MakeError(ErrorKind::kDecode, std::move(message));
  e.context = std::string(what);
  return e;
}

ApiError InvalidJsonError(std::string_view body, std::string_view what) {
  return DecodeError(what, "body is not valid JSON (" + std::to_string(body.size()) + " bytes)");
}

tl::expected<nlohmann::json, ApiError> ParseJson(std::string_view body, std::string_view what) {
  auto json = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return tl::unexpected(InvalidJsonError(body, what));
  return json;
}

tl::expected<std::string, ApiError> OptionalString(const nlohmann::json& object,
                                                   std::string_view key, std::string_view what) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) {
    return tl::unexpected(DecodeError(what, "'" + std::string(key) + "' is not a string"));
  }
  return it->get<std::string>();
}

}  // namespace sfwarden::salesforce::detail
